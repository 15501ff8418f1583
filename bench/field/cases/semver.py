from ._dsl import bug, ref

B = "semver"
P = "semver/version.py"

bug(
    B,
    P,
    "Version._nat_cmp",
    "other",
    "dropped-key",
    "numeric prerelease identifiers compared by digits only, without their length",
    "Simplify the prerelease sort key",
    "`prerelease_key` already strips leading zeros, so the normalized digit string is enough "
    "to order numeric identifiers; drop the length element from the tuple.",
    """            return (0, len(normalized), normalized)""",
    """            return (0, 0, normalized)""",
    "Version.parse('1.0.0-rc.10').compare('1.0.0-rc.9')",
)

bug(
    B,
    P,
    "Version._nat_cmp",
    "other",
    "swapped-arguments",
    "`_cmp(len(a_parts), len(b_parts))` -> `_cmp(len(b_parts), len(a_parts))`",
    "Compare prerelease lengths last",
    "Minor reshuffle of the tie-break at the end of `_nat_cmp`.",
    """        return _cmp(len(a_parts), len(b_parts))""",
    """        return _cmp(len(b_parts), len(a_parts))""",
    "Version.parse('1.0.0-alpha').compare('1.0.0-alpha.1')",
)

bug(
    B,
    P,
    "Version.compare",
    "other",
    "wrong-slice",
    "`self.to_tuple()[:3]` -> `self.to_tuple()[:2]` (and the same for other)",
    "compare: only slice the release part once",
    "Slightly tighter comparison of the release triple before looking at prereleases.",
    """        v1 = self.to_tuple()[:3]
        v2 = other.to_tuple()[:3]""",
    """        v1 = self.to_tuple()[:2]
        v2 = other.to_tuple()[:2]""",
    "Version.parse('1.2.3').compare('1.2.4')",
)

bug(
    B,
    P,
    "Version._increment_prerelease",
    "other",
    "constant",
    "a prerelease without a trailing number gets `.1` appended instead of `.0`",
    "Start appended prerelease counters at 1",
    "When a prerelease has no numeric part we append a counter; start it at 1 like the "
    "default `rc.1` token does.",
    """            string += ".0"
        return string""",
    """            string += ".1"
        return string""",
    "str(Version.parse('1.0.0-alpha').bump_prerelease())",
)

bug(
    B,
    P,
    "Version._increment_string",
    "other",
    "dropped-guard",
    "`string[: max(end - len(next_), start)]` -> `string[: end - len(next_)]`",
    "Simplify the slice in _increment_string",
    "The `max(..., start)` guard in the number-increment recipe does not seem to be needed.",
    """            string = string[: max(end - len(next_), start)] + next_ + string[end:]""",
    """            string = string[: end - len(next_)] + next_ + string[end:]""",
    "str(Version.parse('1.0.0+build.9').bump_build())",
)

bug(
    B,
    P,
    "Version.match",
    "other",
    "off-by-one",
    "single-character operators: `match_expr[1:]` -> `match_expr[2:]`",
    "match: share the slicing of the operator",
    "Slice the operator off the expression the same way in both operator branches.",
    """            prefix = prefix[0]
            match_version = match_expr[1:]""",
    """            prefix = prefix[0]
            match_version = match_expr[2:]""",
    "Version.parse('2.0.0').match('>1.0.0')",
)

bug(
    B,
    P,
    "Version.is_compatible",
    "other",
    "boundary",
    "`other.minor >= self.minor` -> `other.minor > self.minor`",
    "is_compatible: compare minors strictly",
    "A newer minor release is what makes a version compatible; spell the check that way.",
    """            and (other.minor >= self.minor)""",
    """            and (other.minor > self.minor)""",
    "Version(1, 1, 0).is_compatible(Version(1, 1, 5))",
)

bug(
    B,
    P,
    "Version.next_version",
    "other",
    "wrong-variable",
    '`(part == "minor" and version.patch == 0)` -> `... version.minor == 0`',
    "next_version: check the part that is being raised",
    "When finalizing a prerelease for a minor bump, look at the minor number.",
    """            or (part == "minor" and version.patch == 0)""",
    """            or (part == "minor" and version.minor == 0)""",
    "str(Version.parse('1.2.0-rc.1').next_version('minor'))",
)

bug(
    B,
    P,
    "Version.__init__",
    "other",
    "boundary",
    "`if value < 0:` -> `if value <= 0:` in the negative-part check",
    "Validate version parts up front",
    "Tighten the validation of the numeric parts in the constructor.",
    """            if value < 0:""",
    """            if value <= 0:""",
    "Version(0, 1, 0)",
)

VERSION = (
    "('%d.%d.%d' % (r.randint(0, 2), r.randint(0, 2), r.randint(0, 12)) + "
    "pick(r, ['', '', '-rc.1', '-alpha', '-rc.10', '-1', '-rc.9', '-alpha.beta', "
    "'-0.3.7', '-x.7.z.92']) + pick(r, ['', '', '+b.1', '+build.9', '+exp.sha.5114f85', '+7']))"
)

ref(
    B,
    P,
    "Version.__str__",
    "other",
    "join-parts",
    "string concatenation replaced by a list of parts joined at the end",
    "Build the version string from parts",
    "Collect the release, prerelease and build pieces and join them once.",
    """        version = "%d.%d.%d" % (self.major, self.minor, self.patch)
        if self.prerelease:
            version += "-%s" % self.prerelease
        if self.build:
            version += "+%s" % self.build
        return version""",
    """        parts = ["%d.%d.%d" % (self.major, self.minor, self.patch)]
        if self.prerelease:
            parts.append("-%s" % self.prerelease)
        if self.build:
            parts.append("+%s" % self.build)
        return "".join(parts)""",
    "lambda r, m: str(m.Version(r.randint(0, 30), r.randint(0, 30), r.randint(0, 30), "
    "pick(r, [None, '', 'rc.1', 'alpha', 0, 'beta.2']), pick(r, [None, '', 'b.1', 7, 'x'])))",
)

ref(
    B,
    P,
    "Version.match",
    "other",
    "inline-variable",
    "`possibilities` variable inlined into the membership test",
    "match: inline the possibilities lookup",
    "One less temporary in `match`.",
    """        possibilities = possibilities_dict[prefix]
        cmp_res = self.compare(match_version)

        return cmp_res in possibilities""",
    """        cmp_res = self.compare(match_version)

        return cmp_res in possibilities_dict[prefix]""",
    "lambda r, m: m.Version.parse(" + VERSION + ").match(pick(r, ['<', '>', '>=', '<=', '==', "
    "'!=', '', '', '=', '~']) + " + VERSION + ")",
)

ref(
    B,
    P,
    "Version._increment_string",
    "other",
    "early-return",
    "`if match:` block turned into an early return on no match",
    "Early return in _increment_string",
    "Return the string unchanged as soon as there is no number in it.",
    """        match = Version._LAST_NUMBER.search(string)
        if match:
            next_ = str(int(match.group(1)) + 1)
            start, end = match.span(1)
            string = string[: max(end - len(next_), start)] + next_ + string[end:]
        return string""",
    """        match = Version._LAST_NUMBER.search(string)
        if not match:
            return string
        next_ = str(int(match.group(1)) + 1)
        start, end = match.span(1)
        return string[: max(end - len(next_), start)] + next_ + string[end:]""",
    "lambda r, m: str(m.Version.parse(" + VERSION + ").bump_build(pick(r, ['build', None, '', "
    "'b9', 'x.99', 'ci', 'ci-7'])))",
)
