from ._dsl import bug, ref

B = "rfc3986"
N = "rfc3986/normalizers.py"

bug(B, N, "remove_dot_segments", "other", "special-case",
    "the trailing empty segment for paths ending in `/.` or `/..` is no longer added",
    "remove_dot_segments: no trailing slash bookkeeping",
    "Joining the remaining segments already produces the right path; drop the extra case "
    "for paths that end in a dot segment.",
    '''    # If the path starts with '/.' or '/..' ensure we add one more empty
    # string to add a trailing '/'
    if s.endswith(("/.", "/..")):
        output.append("")

    return "/".join(output)''',
    '''    return "/".join(output)''',
    "remove_dot_segments('/a/b/..')")

bug(B, N, "remove_dot_segments", "other", "dropped-guard",
    "`(not output or output[0])` -> `output[0]` in the leading-slash check",
    "remove_dot_segments: simplify the leading-slash condition",
    "Check the first output segment directly.",
    '''    if s.startswith("/") and (not output or output[0]):''',
    '''    if s.startswith("/") and output[0]:''',
    "remove_dot_segments('/..')")

bug(B, N, "normalize_percent_characters", "other", "wrong-argument",
    "`s.replace(m, m.upper())` -> `s.replace(m, m.upper(), 1)`",
    "normalize_percent_characters: replace each escape once",
    "Each distinct escape is visited once, so one replacement per escape is enough.",
    '''            s = s.replace(m, m.upper())''',
    '''            s = s.replace(m, m.upper(), 1)''',
    "normalize_percent_characters('a%3ab%3a')")

bug(B, N, "normalize_host", "other", "normalization",
    "`host[:percent].lower() + host[percent:]` -> `host.lower()` for IPv6 hosts with a zone id",
    "normalize_host: lower-case IPv6 hosts in one go",
    "Lower-case the whole host; simpler than slicing at the zone separator.",
    '''            return host[:percent].lower() + host[percent:]''',
    '''            return host.lower()''',
    "normalize_host('[FE80::1%25ETH0]')")

bug(B, N, "encode_component", "other", "boundary",
    "`byte_ord < 128` -> `byte_ord <= 128` for the unreserved-character check",
    "encode_component: include the ASCII boundary",
    "Treat the whole 0-128 range as candidates for unreserved characters.",
    '''            byte_ord < 128 and byte.decode() in misc.NON_PCT_ENCODED''',
    '''            byte_ord <= 128 and byte.decode() in misc.NON_PCT_ENCODED''',
    "encode_component('caf\\x80', 'latin-1')")

ref(B, N, "normalize_query", "other", "conditional-expression",
    "early return for empty queries folded into a conditional expression",
    "normalize_query: one-line guard",
    "Same behaviour, one expression.",
    '''    if not query:
        return query
    return normalize_percent_characters(query)''',
    '''    return normalize_percent_characters(query) if query else query''',
    "lambda r, m: (m.normalize_query(pick(r, [None, '', text(r, 'ab%3aF0=&', 0, 12)])), "
    "__import__('rfc3986').uri_reference(pick(r, ['http://EX.com/a/./b/../c?', 'HTTP://h/?q=%7e%7E', '/p?x=%3a%3A#f%2f', "
    "'?', 'mailto:a@b?subject=%ab', '']) + text(r, 'ab%3a/.?', 0, 6)).normalize().unsplit())")
