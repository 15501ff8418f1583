"""Changed private helpers are driven through the public functions of their module."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bot.engine.change.functions import unchanged_function
from bot.engine.source.callers import entry_points, is_private
from tests.fakes.gitrepos import make_repo

REPO = Path(__file__).resolve().parents[2]

MODULE = '''import re

_UNITS = {"k": 1000, "m": 1000000}


def _expand(match):
    number, unit = match.group(1), match.group(2)
    return str(int(number) * _UNITS[unit])


def _expand_all(text):
    return re.sub(r"(\\\\d+)([km])\\\\b", _expand, text)


def expand_units(text: str) -> str:
    """Replace 3k by 3000 and 2m by 2000000."""
    return _expand_all(text)


class Report:
    def total(self, text: str) -> str:
        return _expand_all(text).upper()

    def test_like(self):
        return _expand(None)


def unrelated(x: int) -> int:
    return x + 1
'''


def test_public_callers_are_found_through_private_ones() -> None:
    found = entry_points(MODULE, "_expand")
    assert [(c.qualname, c.via) for c in found] == [
        ("expand_units", ("expand_units", "_expand_all", "_expand")),
        ("Report.total", ("Report.total", "_expand_all", "_expand")),
    ]
    assert entry_points(MODULE, "_expand", depth=1) == []  # only a private caller one level up
    assert entry_points(MODULE, "unrelated") == []
    assert entry_points("def broken(:\n", "x") == []


def test_privacy_is_read_from_every_part_of_the_name() -> None:
    assert is_private("_helper") and is_private("_Parser.parse") and is_private("Parser._step")
    assert not is_private("Parser.parse") and not is_private("Money.__add__")


def test_an_unchanged_function_is_described_like_a_changed_one() -> None:
    fn = unchanged_function("units.py", MODULE, "expand_units")
    assert fn is not None and fn.status == "modified" and fn.changed_lines == ()
    assert [p.name for p in fn.params] == ["text"] and fn.head_source == fn.base_source
    assert unchanged_function("units.py", MODULE, "nope") is None


SPLIT = '''def _quotient_and_remainder(total, parts):
    return divmod(total, parts)


def split_evenly(total: int, parts: int) -> list[int]:
    """Split ``total`` into ``parts`` integers that differ by at most one."""
    if parts <= 0:
        raise ValueError("parts must be positive")
    q, r = _quotient_and_remainder(total, parts)
    return [q + 1 if i < r else q for i in range(parts)]
'''


def test_a_bug_in_a_private_helper_is_shown_as_a_call_of_its_public_caller(
    tmp_path: Path,
) -> None:
    head = SPLIT.replace(
        "return divmod(total, parts)", "q, r = divmod(total, parts)\n    return q, max(r - 1, 0)"
    )
    repo = make_repo(tmp_path / "r", {"split.py": SPLIT}, {"split.py": head}, title="Tidy")
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli.main", "check", "--repo", str(repo), "--base", "main~1",
         "--sandbox", "process", "--tier", "quick", "--format", "json"],
        capture_output=True, text=True, timeout=300, cwd=REPO,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DEEPCHECK_CACHE_DIR": str(tmp_path)},
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    [finding] = json.loads(proc.stdout)["findings"]
    assert finding["function"] == "_quotient_and_remainder"  # the changed function is named
    assert finding["line"] == 2  # on the changed line, so it is an inline comment
    assert finding["witness"]["call"].startswith("split_evenly(")  # the public call reproduces it
    assert "from split import split_evenly" in finding["witness"]["test"]
    assert "Reached through the public `split_evenly`" in finding["message"]


RE_MODULE = """import re

NUMBER = re.compile(r"(?P<int>[0-9]+)(?P<frac>\\.[0-9]+)?")


def match_to_number(match, parse_float):
    if match.group("frac"):
        return parse_float(match.group())
    return int(match.group(), 0)
"""
PARSER = """from pkg._re import NUMBER, match_to_number


def loads(text: str):
    m = NUMBER.fullmatch(text)
    if m is None:
        raise ValueError(text)
    return match_to_number(m, float)
"""


def test_a_helper_that_only_another_module_calls_is_driven_through_it(tmp_path: Path) -> None:
    """A ``re.Match`` parameter no strategy builds: the package's public caller reaches it,
    with strings drawn from the regular expression the helper's module compiles."""
    head = RE_MODULE.replace('if match.group("frac"):', 'if "." in match.group("int"):')
    base_files = {"pkg/__init__.py": "", "pkg/_re.py": RE_MODULE, "pkg/parser.py": PARSER}
    repo = make_repo(tmp_path / "r", base_files, {"pkg/_re.py": head}, title="Simplify")
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli.main", "check", "--repo", str(repo), "--base", "main~1",
         "--sandbox", "process", "--tier", "standard", "--format", "json"],
        capture_output=True, text=True, timeout=300, cwd=REPO,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DEEPCHECK_CACHE_DIR": str(tmp_path)},
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    [finding] = json.loads(proc.stdout)["findings"]
    assert finding["function"] == "match_to_number" and finding["path"] == "pkg/_re.py"
    assert finding["witness"]["call"].startswith("loads(text=")
    assert "from pkg.parser import loads" in finding["witness"]["test"]


PRIVATE_PARSER = """def loads(text: str) -> dict:
    return parse_document(text, 0)


def parse_document(src: str, pos: int) -> dict:
    out = {}
    while pos < len(src):
        pos, key, value = parse_pair(src, pos)
        out[key] = value
    return out


def parse_pair(src: str, pos: int):
    key, _, rest = src[pos:].partition("=")
    pos, value = parse_value(rest, 0)
    return len(src), key.strip(), value


def parse_value(src: str, pos: int):
    return len(src), src.strip()
"""


def test_in_a_private_module_only_what_the_package_imports_is_an_entry_point() -> None:
    # without the package's view, the nearest public-looking name is taken
    [near] = entry_points(PRIVATE_PARSER, "parse_value", depth=2, limit=1)
    assert near.qualname == "parse_pair"
    # with it, the chain is climbed to loads, which the package exports
    [entry] = entry_points(
        PRIVATE_PARSER, "parse_value", depth=5, limit=4, exported=frozenset({"loads"})
    )
    assert entry.qualname == "loads"
    assert entry.via == ("loads", "parse_document", "parse_pair", "parse_value")
    # too shallow a climb finds nothing rather than a hidden helper
    assert entry_points(PRIVATE_PARSER, "parse_value", depth=2, exported=frozenset({"loads"})) == []


def test_private_modules_and_the_names_the_package_imports_from_them() -> None:
    from bot.engine.candidates.differential import private_module
    from bot.engine.source.imports import ImportMap

    assert private_module("tomli/_parser.py") and private_module("pkg/_impl/core.py")
    assert not private_module("pkg/__init__.py") and not private_module("pkg/parser.py")
    sources = {
        "tomli/__init__.py": "from ._parser import loads, TOMLDecodeError as Error\n",
        "tomli/_parser.py": PRIVATE_PARSER,
    }
    imports = ImportMap("tomli/__init__.py", "tomli", sources)
    assert imports.names_from("tomli/_parser.py") == {"loads", "TOMLDecodeError"}
