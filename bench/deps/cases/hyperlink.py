from ._dsl import bug, ref

B = "hyperlink"
P = "src/hyperlink/_url.py"

# Random URL text built from hyperlink's own vocabulary: schemes, userinfo, IPv6 hosts,
# percent escapes (valid, stray, encoded delimiters), dot segments, queries and fragments.
URLTEXT = ("lambda r: pick(r, ['http://', 'https://', 'ftp://', 'mailto:', '', '//', 'foo://']) "
           "+ pick(r, ['', 'user@', 'user:pass@', 'u%40x:p@']) + pick(r, ['a.com', 'A.Com', "
           "'[::1]', '127.0.0.1', 'xn--mahmud-zxa.io', '', 'ex.com:8080', 'ex.com:80']) + "
           "''.join(pick(r, ['/', '/a', '/b', '/.', '/..', '/%2f', '/%2F', '/%zz', '/%41', "
           "'/c%20d', '/é', '/a:b']) for _ in range(r.randint(0, 4))) + pick(r, ['', '?', "
           "'?x=1', '?x=1&x=2&y', '?a=%26&b=c+d', '?=']) + pick(r, ['', '#', '#f', '#%41'])")

bug(B, P, "_resolve_dot_segments", "other", "dropped-guard",
    "the `if segs:` guard before popping a segment for `..` is removed",
    "_resolve_dot_segments: pop the parent segment for '..'",
    "Each `..` removes the segment before it; drop the extra emptiness check in the loop.",
    '''        elif seg == u"..":
            if segs:
                segs.pop()''',
    '''        elif seg == u"..":
            segs.pop()''',
    "URL.from_text('http://a.com/').click('../../x').to_text()")

bug(B, P, "_resolve_dot_segments", "other", "dropped-case",
    "a trailing `.` no longer leaves a trailing slash (only a trailing `..` does)",
    "_resolve_dot_segments: only '..' at the end keeps the trailing slash",
    "A trailing `.` refers to the current segment itself, so there is nothing to keep open "
    "after it.",
    '''    if list(path[-1:]) in ([u"."], [u".."]):''',
    '''    if list(path[-1:]) == [u".."]:''',
    "URL.from_text('http://a.com/b/c/.').normalize().to_text()")

bug(B, P, "_percent_decode", "other", "wrong-condition",
    "`if pair_is_hex or not encode_stray_percents` -> `if pair_is_hex and not ...`",
    "_percent_decode: only keep a bare percent when stray percents are not being encoded",
    "When the caller asks for stray percents to be encoded, every undecodable `%` becomes "
    "`%25`; make the condition say that directly.",
    '''            if pair_is_hex or not encode_stray_percents:''',
    '''            if pair_is_hex and not encode_stray_percents:''',
    "URL.from_text('http://a.com/a%2fb').normalize().to_text()",
    awkward=True)

bug(B, P, "URL.authority", "other", "off-by-one",
    "`userinfo[: userinfo.index(u\":\") + 1]` -> `userinfo[: userinfo.index(u\":\")]`",
    "URL.authority: cut the password at the colon",
    "When the password is hidden, keep only the user name.",
    '''                userinfo = userinfo[: userinfo.index(u":") + 1]''',
    '''                userinfo = userinfo[: userinfo.index(u":")]''',
    "URL.from_text('http://user:pass@host/').to_text()")

bug(B, P, "_encode_path_parts", "other", "wrong-call",
    "the first segment of a scheme-less path is encoded with `_encode_path_part` instead "
    "of `_encode_schemeless_path_part`",
    "_encode_path_parts: encode every segment the same way",
    "Use the regular path-part encoder for all segments; the separate encoder for the first "
    "segment duplicates it.",
    '''        encoded_parts = [_encode_schemeless_path_part(text_parts[0])]''',
    '''        encoded_parts = [_encode_path_part(text_parts[0])]''',
    "URL(path=['a:b', 'c']).to_text()")

bug(B, P, "URL.__eq__", "other", "dropped-case",
    "an empty path and `/` no longer compare equal",
    "URL.__eq__: compare paths directly",
    "Compare the path tuples like every other attribute instead of special-casing roots.",
    '''        if self.path == other.path or (
            self.path in _ROOT_PATHS and other.path in _ROOT_PATHS
        ):
            return True''',
    '''        if self.path == other.path:
            return True''',
    "URL.from_text('http://a.com') == URL.from_text('http://a.com/')")

bug(B, P, "iter_pairs", "other", "dropped-case",
    "mappings are no longer turned into `.items()`",
    "iter_pairs: iterate whatever we are given",
    "Callers pass sequences of pairs; plain iteration covers them.",
    '''    if isinstance(iterable, MappingABC):
        iterable = iterable.items()
    return iter(iterable)''',
    '''    return iter(iterable)''',
    "URL(host='a.com', query={'a': '1'}).to_text()")

bug(B, P, "URL.set", "other", "wrong-variable",
    "the insert position is looked up in the filtered list `q` instead of `self.query`",
    "URL.set: find the position in the list being rebuilt",
    "Look up the insertion index in the same list we insert into.",
    '''            (i for (i, (k, v)) in enumerate(self.query) if k == name), -1''',
    '''            (i for (i, (k, v)) in enumerate(q) if k == name), -1''',
    "URL.from_text('http://a.com/?x=1&y=2&z=3').set('x', '9').to_text()")

bug(B, P, "URL.remove", "other", "boundary",
    "`removed_count < limit` -> `removed_count <= limit`",
    "URL.remove: make the limit inclusive",
    "`limit` is the number of parameters that may be removed; compare inclusively.",
    '''            nq, removed_count = [], 0

            for k, v in self.query:
                if (
                    k == name
                    and (value is _UNSET or v == value)
                    and removed_count < limit''',
    '''            nq, removed_count = [], 0

            for k, v in self.query:
                if (
                    k == name
                    and (value is _UNSET or v == value)
                    and removed_count <= limit''',
    "URL.from_text('http://a.com/?x=1&x=2&x=3').remove('x', limit=1).to_text()")

bug(B, P, "URL.click", "other", "dropped-case",
    "a fragment-only href no longer keeps the current query",
    "URL.click: take the query from the clicked reference",
    "The clicked reference defines the query of the result; do not fall back to ours.",
    '''                path = self.path
                if not query:
                    query = self.query''',
    '''                path = self.path''',
    "URL.from_text('http://a.com/b?q=1').click('#frag').to_text()")

ref(B, P, "_resolve_dot_segments", "other", "merge-branches",
    "`if '.': pass / elif '..' / else` -> `if '..' / elif != '.'`",
    "_resolve_dot_segments: no empty branch",
    "Replace the `pass` branch for `.` with a condition on the append.",
    '''    for seg in path:
        if seg == u".":
            pass
        elif seg == u"..":
            if segs:
                segs.pop()
        else:
            segs.append(seg)''',
    '''    for seg in path:
        if seg == u"..":
            if segs:
                segs.pop()
        elif seg != u".":
            segs.append(seg)''',
    "lambda r, m: (m._resolve_dot_segments(tuple(pick(r, ['.', '..', 'a', 'b', '', '...']) "
    "for _ in range(r.randint(0, 6)))), m.URL.from_text((" + URLTEXT + ")(r)).normalize()"
    ".to_text())")

ref(B, P, "iter_pairs", "other", "conditional-expression",
    "if + reassignment -> conditional expression inside `iter()`",
    "iter_pairs: one expression",
    "Pick the pair source inline.",
    '''    if isinstance(iterable, MappingABC):
        iterable = iterable.items()
    return iter(iterable)''',
    '''    return iter(iterable.items() if isinstance(iterable, MappingABC) else iterable)''',
    "lambda r, m: list(m.iter_pairs(pick(r, [{'a': '1', 'b': None}, [('x', 'y')], (), {}, "
    "[('a', 'b'), ('a', 'c')], 'ab', {1: 2}])))")

ref(B, P, "_make_quote_map", "other", "simplify",
    "`for i, v in zip(range(256), range(256))` -> `for v in range(256)`",
    "_make_quote_map: iterate over one range",
    "The two zipped ranges are identical; a single loop variable is enough.",
    '''    for i, v in zip(range(256), range(256)):
        c = chr(v)
        if c in safe_chars:
            ret[c] = ret[v] = c
        else:
            ret[c] = ret[v] = "%{0:02X}".format(i)''',
    '''    for v in range(256):
        c = chr(v)
        if c in safe_chars:
            ret[c] = ret[v] = c
        else:
            ret[c] = ret[v] = "%{0:02X}".format(v)''',
    "lambda r, m: (lambda q: (len(q), [q.get(c) for c in text(r, ASCII + PUNCT + 'éß', 1, 8)],"
    " [q.get(b) for b in r.sample(range(300), 5)]))(m._make_quote_map(set(text(r, ASCII + "
    "PUNCT, 0, 30))))")
