"""The strings a function's code looks for become inputs (bot/engine/source/fragments.py)."""

from __future__ import annotations

from bot.engine.inputs.strategies import args_for
from bot.engine.rulebook import load_rules
from bot.engine.source.fragments import text_fragments
from bot.models import ChangedFunction, Param

MODULE = """import re

_HEX = re.compile(r"&#[xX]([0-9a-fA-F]+);")


def unescape(text: str) -> str:
    return _HEX.sub(lambda m: chr(int(m.group(1), 16)), text)


def strip_comment(line: str) -> str:
    quote = None
    for i, c in enumerate(line):
        if c in "\\"'":
            quote = None if quote == c else (quote or c)
        elif c == "#" and quote is None:
            return line[:i].rstrip()
    return line.split(",")[0] + re.sub(r"\\s+", " ", line)
"""


def _body(name: str) -> str:
    start = MODULE.index(f"def {name}")
    end = MODULE.find("\n\n\ndef ", start)
    return MODULE[start : end if end != -1 else len(MODULE)]


def test_pieces_and_patterns_of_the_function_and_the_module() -> None:
    found = text_fragments([_body("strip_comment")], MODULE)
    assert {'"', "'", "#", ","} <= set(found.pieces)
    assert {" ", "\t", "\n"} <= set(found.pieces)  # rstrip(): whitespace matters
    assert found.patterns == (r"\s+",)
    named = text_fragments([_body("unescape")], MODULE)
    assert named.patterns == (r"&#[xX]([0-9a-fA-F]+);",)  # the module's compiled pattern
    assert not text_fragments(["def f(x):\n    return x + 1\n"], MODULE)


def test_a_pattern_that_does_not_compile_is_left_out() -> None:
    found = text_fragments(["def f(s):\n    return re.match('(', s)\n"], "")
    assert found.patterns == ()


def test_string_parameters_draw_the_fragments_too() -> None:
    fn = ChangedFunction(
        "m.py", "strip_comment", 10, 17, "modified", params=(Param("line", "str"),),
        head_source=_body("strip_comment"), base_path="m.py",
    )  # fmt: skip
    fragments = text_fragments([fn.head_source], MODULE)
    [arg], why = args_for(fn, rules=load_rules(), module_source=MODULE, fragments=fragments)
    assert why == []
    types = [o["type"] for o in arg["strategy"]["options"]]
    assert types == ["text", "splice", "regex", "regex"]
    assert [o.get("fullmatch") for o in arg["strategy"]["options"][2:]] == [True, None]
    [plain], _ = args_for(fn, rules=load_rules(), module_source=MODULE)
    assert plain["strategy"]["type"] == "text"


def test_members_of_a_tuple_or_list_of_strings_are_pieces() -> None:
    source = (
        "def remove_quotes(val):\n"
        "    if val[0] in ('\"', \"'\", '`') and val[0] == val[-1]:\n"
        "        return val[1:-1]\n"
        "    if val.lower() in ['inf', '-inf'] or val.startswith(('0x', '0o')):\n"
        "        return ''\n"
        "    return val\n"
    )
    pieces = set(text_fragments([source], "").pieces)
    assert {'"', "'", "`", "inf", "-inf", "0x", "0o"} <= pieces


def test_a_code_point_bound_gives_the_characters_around_it() -> None:
    source = "def f(value):\n    return ''.join('00' if ord(c) > 0xFFFF else c for c in value)\n"
    pieces = text_fragments([source], "").pieces
    assert {"\ufffe", "\uffff", "\U00010000"} <= set(pieces)
    assert "65535" not in pieces  # no number is read out of the text here


def test_numeric_bounds_are_pieces_only_where_text_is_read_as_a_number() -> None:
    reads = "def f(value):\n    p = float(value.split('%')[0])\n    return p > 100\n"
    assert {"100", "100.0", "%"} <= set(text_fragments([reads], "").pieces)
    plain = "def f(value):\n    return len(value.split('%')) > 100\n"
    assert "100" not in text_fragments([plain], "").pieces


def test_an_untyped_parameter_of_code_that_looks_for_strings_is_drawn_as_text_too() -> None:
    source = (
        "def tokenize(expression):\n"
        "    state = State(expression)\n"
        "    if state.current == '<':\n"
        "        yield 'lt'\n"
    )
    fn = ChangedFunction(
        "m.py", "tokenize", 1, 4, "modified", params=(Param("expression", None),),
        head_source=source, base_path="m.py",
    )  # fmt: skip
    fragments = text_fragments([source], source)
    [arg], _ = args_for(fn, rules=load_rules(), module_source=source, fragments=fragments)
    numeric, again, text = arg["strategy"]["options"]
    assert numeric == again and "text" not in str(numeric)  # two thirds stay numeric
    splice = [o for o in text["options"] if o.get("type") == "splice"]
    assert splice and "<" in splice[0]["pieces"]
    [plain], _ = args_for(fn, rules=load_rules(), module_source=source)
    assert "text" not in str(plain["strategy"])  # without fragments: the numeric guess alone


def test_words_of_a_module_collection_the_function_reads_come_after_its_own_pieces() -> None:
    module = (
        "UNCOUNTABLES = {'sheep', 'jeans'}\n"
        "UNITS = frozenset(['kb', 'mb'])\n"
        "NAMES = {'red': 1, 'blue': 2}\n"
        "def singular(word):\n"
        "    for w in UNCOUNTABLES:\n"
        "        if word.endswith(w):\n"
        "            return word\n"
        "    return word.rstrip('s') if word != 'x' else NAMES.get(word)\n"
    )
    body = module[module.index("def singular") :]
    pieces = text_fragments([body], module).pieces
    assert {"sheep", "jeans", "red", "blue"} <= set(pieces)
    assert "kb" not in pieces  # not read by this function
    assert pieces.index("x") < pieces.index("sheep")
    assert "Sheep" not in pieces  # nothing here folds case


def test_where_either_side_folds_case_known_words_are_tried_in_other_cases() -> None:
    module = "UNCOUNTABLES = ('sheep', 'fish')\n"
    base = (
        "def plural(word):\n"
        "    if word.lower() in UNCOUNTABLES:\n"
        "        return word\n"
        "    return word + 's'\n"
    )
    head = base.replace("word.lower()", "word")
    assert {"Sheep", "SHEEP"} <= set(text_fragments([head, base], module).pieces)
    assert "Sheep" not in text_fragments([head], module).pieces
    fn = ChangedFunction(
        "m.py", "plural", 2, 5, "modified", params=(Param("word", "str"),),
        head_source=head, base_source=base, base_path="m.py",
    )  # fmt: skip
    literals = {"word": ["'sheep'", "'fish'"]}
    [arg], _ = args_for(fn, rules=load_rules(), literals=literals, module_source=module + head)
    assert "'Sheep'" in str(arg["strategy"]) and "'FISH'" in str(arg["strategy"])


def test_a_patterns_flags_travel_with_it_inline() -> None:
    module = (
        "import re\n"
        'STAMP = re.compile(r"""\n    (?P<year>[0-9]{4})  # year\n    -(?P<month>[0-9]{2})\n""",'
        " re.VERBOSE | re.I)\n"
        "def parse(text):\n"
        "    return STAMP.match(text) or re.match('(?i)z', text, re.X)\n"
    )
    body = module[module.index("def parse") :]
    patterns = text_fragments([body], module).patterns
    assert patterns[0].startswith("(?ix)\n") and "# year" in patterns[0]
    assert patterns[1] == "(?x)(?i)z"  # match(p, s, flags): the third argument
    import re

    assert re.fullmatch(patterns[0], "2024-05")


def test_known_strings_are_also_drawn_with_small_edits() -> None:
    fn = ChangedFunction(
        "m.py", "parse_date", 1, 3, "modified", params=(Param("text", "str"),),
        head_source="def parse_date(text):\n    return text.split('T')\n", base_path="m.py",
    )  # fmt: skip
    literals = {"text": ["'2007-01-25T12:00:00Z'"]}
    fragments = text_fragments([fn.head_source], "")
    [arg], _ = args_for(fn, rules=load_rules(), literals=literals, fragments=fragments)
    known, _, mutate = arg["strategy"]["options"]
    assert known == {"type": "sampled_from", "values": ["2007-01-25T12:00:00Z"]}
    assert mutate["seeds"] == ["2007-01-25T12:00:00Z"] and "T" in mutate["pieces"]
    [plain], _ = args_for(fn, rules=load_rules(), fragments=fragments)
    assert "mutate" not in str(plain)  # no known string, nothing to edit


def test_hostile_patterns_and_flags_are_dropped_without_an_error() -> None:
    incompatible = "def f(s):\n    if False:\n        re.compile(r'(?u)x', re.A)\n    return s\n"
    assert text_fragments([incompatible], "").patterns == ("(?u)x",)  # (?a)(?u): a ValueError
    deep = "(" * 400 + "z" + ")*" * 400  # compiles, but drawing from it recurses 400 deep
    nested = f"def f(s):\n    return re.match({deep!r}, s)\n"
    assert text_fragments([nested], "").patterns == ()
    flags = " | ".join(["re.I"] * 2000)  # a BinOp chain 2,000 deep (ast still parses it)
    chained = f"def f(s):\n    return re.match('a', s, {flags})\n"
    assert text_fragments([chained], "").patterns == ("(?i)a",)
    minus = "-" * 300 + "1"  # 300 signs: +1, walked rather than recursed
    pieces = text_fragments([f"def f(c):\n    return ord(c) > {minus}\n"], "").pieces
    assert pieces == ("\x00", "\x01", "\x02")


def test_words_of_a_collection_are_read_once_however_often_it_is_named() -> None:
    words = ", ".join(repr(f"word{chr(97 + i)}" * 3) for i in range(12))
    module = f"W = [{words}]\n"
    body = "def f(s):\n    s = s.lower()\n    return [" + ", ".join(["W"] * 5000) + "]\n"
    pieces = text_fragments([body], module + body).pieces
    assert len(pieces) <= 24 and "wordawordaworda" in pieces
    assert "WORDAWORDAWORDA" in pieces  # the case variants fit in the cap


def test_a_parameter_only_compared_with_numbers_is_not_drawn_as_text() -> None:
    base = (
        "def plural(word, z):\n"
        "    if z == 1 or z == -1:\n"
        "        return word\n"
        "    return word[:-1] + 'ies' if word.endswith('y') else word + 's'\n"
    )
    fn = ChangedFunction(
        "m.py", "plural", 1, 4, "modified", params=(Param("word", None), Param("z", None)),
        head_source=base.replace("z == 1 or z == -1", "abs(z) == 1"), base_source=base,
        base_path="m.py",
    )  # fmt: skip
    fragments = text_fragments([fn.head_source, base], base)
    args, _ = args_for(fn, rules=load_rules(), module_source=base, fragments=fragments)
    z = next(a for a in args if a["name"] == "z")
    assert "text" not in str(z["strategy"]) and "splice" not in str(z["strategy"])
