"""The strings a function's code looks for: what random text almost never contains (pure, ``ast``).

A tokenizer branches on ``'#'``, an HTML parser on ``'&#x'``, a date parser on its regular
expression, a formatter on its separators. From the function's base and head source (both:
a change may add or remove the very character it tests for) and the module's compiled patterns
it reads, this module collects:

- **pieces**: string constants compared with (``==``, ``!=``, ``in``), searched for or split
  on (``startswith``, ``endswith``, ``split``, ``find``, ``replace``, ``strip``, ``partition``
  ...), the members of a tuple, list or set of strings compared with (``val[0] in ('"',
  "'", '`')``), the characters of a short constant tested with ``in`` (``c in '"\\''``), and
  the separator a ``join`` is called on;
- the characters around a code-point bound (``ord(c) > 0xFFFF``: U+FFFF and U+10000) and, in
  a function that reads numbers out of text (``int(``, ``float(``, ``Decimal(``), the integer
  bounds it compares with as text (``percent > 100``: ``100``, ``100.0``); where the code
  folds case (``.lower()``), the pieces in title and upper case too;
- **words**: the strings of a module-level tuple, list, set or dict's keys the function reads
  by name (``UNCOUNTABLES = {'sheep', ...}``), as pieces;
- **patterns**: the regular expressions passed to ``re.compile`` / ``match`` / ``search`` /
  ``fullmatch`` / ``sub`` / ``findall`` / ``finditer`` / ``split``, and module-level compiled
  patterns the function reads by name.

The input strategies mix them into every string they draw (``splice`` and ``regex`` specs).
"""

from __future__ import annotations

import ast
import itertools
import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass

from bot.engine.source.astutil import parse_module
from sandbox.harness.regexlimits import MAX_CHARS, refusal

__all__ = ["CASE_FOLD", "Fragments", "text_fragments"]

_METHODS = frozenset(
    {"startswith", "endswith", "split", "rsplit", "find", "rfind", "index", "rindex", "count",
     "replace", "strip", "lstrip", "rstrip", "partition", "rpartition", "removeprefix",
     "removesuffix", "splitlines"}
)  # fmt: skip
_WHITESPACE_METHODS = frozenset({"strip", "lstrip", "rstrip", "split", "rsplit", "splitlines"})
_RE_FUNCTIONS = frozenset(
    {"compile", "match", "search", "fullmatch", "sub", "subn", "findall", "finditer", "split"}
)
MAX_PIECES = 24
MAX_PATTERNS = 4
_MAX_PIECE_CHARS = 40
_MAX_CHARSET = 12  # ``c in 'abc'``: each character is a piece when the set is this short
_ORD = frozenset({"ord"})
CASE_FOLD = re.compile(r"\.(lower|upper|casefold|capitalize|title|swapcase)\(\)")
_SETS = frozenset({"set", "frozenset", "tuple", "list"})
_MAX_MEMBERS = 12  # words taken from one module-level collection
_NUMBER_READERS = frozenset({"int", "float", "Decimal", "Fraction"})


@dataclass(frozen=True)
class Fragments:
    pieces: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.pieces or self.patterns)


def _string(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _strings(node: ast.AST) -> list[str]:
    """A string constant, or the string members of a literal tuple, list or set."""
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return [t for t in map(_string, node.elts) if t is not None]
    text = _string(node)
    return [] if text is None else [text]


def _integer(node: ast.AST) -> int | None:
    sign = 1
    while isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        sign, node = -sign, node.operand
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return sign * node.value
    return None


def _is_call_of(node: ast.AST, names: frozenset[str]) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names


def _bounds(node: ast.Compare, reads_numbers: bool) -> list[str]:
    """``ord(c) > 0xFFFF``: the characters either side of the bound; ``n > 100`` in a function
    that parses numbers from text: the bound as the text that parses to it."""
    out: list[str] = []
    operands = [node.left, *node.comparators]
    for left, right in itertools.pairwise(operands):
        for code, bound in ((left, _integer(right)), (right, _integer(left))):
            if bound is None:
                continue
            if _is_call_of(code, _ORD):
                out.extend(chr(n) for n in (bound - 1, bound, bound + 1) if 0 <= n <= 0x10FFFF)
            elif reads_numbers and abs(bound) < 10**9:
                out.extend((str(bound), f"{bound}.0"))
    return out


def _re_call(node: ast.Call) -> bool:
    func = node.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr in _RE_FUNCTIONS
        and isinstance(func.value, ast.Name)
        and func.value.id in ("re", "regex")
    )


_FLAG_AT = {"compile": 1, "split": 3, "sub": 4, "subn": 4}  # else 2: match(p, s, flags)
_FLAGS = {"I": "i", "IGNORECASE": "i", "M": "m", "MULTILINE": "m", "S": "s", "DOTALL": "s",
          "X": "x", "VERBOSE": "x", "A": "a", "ASCII": "a"}  # fmt: skip


def _flag_letters(node: ast.AST | None) -> str:
    """``re.VERBOSE | re.I`` as inline flags (``xi``); a hostile depth is walked, not recursed."""
    letters = ""
    stack = [node]
    while stack and len(letters) < 16:
        item = stack.pop()
        if isinstance(item, ast.BinOp) and isinstance(item.op, ast.BitOr):
            stack += [item.right, item.left]
        elif isinstance(item, ast.Attribute) and isinstance(item.value, ast.Name):
            letters += _FLAGS.get(item.attr, "")
    return letters


def _pattern(call: ast.Call) -> str | None:
    """The pattern text of a ``re`` call, with its flags made inline (``(?x)`` for a verbose
    pattern: without it, its layout would be drawn as literal text)."""
    text = _string(call.args[0])
    if text is None:
        return None
    at = _FLAG_AT.get(call.func.attr if isinstance(call.func, ast.Attribute) else "", 2)
    flags = call.args[at] if len(call.args) > at else None
    flags = next((k.value for k in call.keywords if k.arg == "flags"), flags)
    letters = "".join(sorted(set(_flag_letters(flags))))
    if letters and _compiles(f"(?{letters}){text}"):
        return f"(?{letters}){text}"
    return text


def _module_patterns(tree: ast.Module | None) -> dict[str, str]:
    """``NAME = re.compile(r"...")`` at the module's top level."""
    out: dict[str, str] = {}
    for stmt in tree.body if tree is not None else ():
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, ast.Call)
            and _re_call(stmt.value)
            and stmt.value.args
        ):
            pattern = _pattern(stmt.value)
            if pattern is not None:
                out[stmt.targets[0].id] = pattern
    return out


def _module_strings(tree: ast.Module | None) -> dict[str, list[str]]:
    """``UNCOUNTABLES = {'sheep', 'fish'}`` (a tuple, list, set, ``frozenset(...)`` or a dict's
    keys) at the module's top level: the words a function reading the name looks for."""
    out: dict[str, list[str]] = {}
    for stmt in tree.body if tree is not None else ():
        if not isinstance(stmt, ast.Assign | ast.AnnAssign) or stmt.value is None:
            continue
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        value = stmt.value
        if isinstance(value, ast.Call) and _is_call_of(value, _SETS) and len(value.args) == 1:
            value = value.args[0]
        if isinstance(value, ast.Dict):
            members = [t for t in map(_string, (k for k in value.keys if k)) if t is not None]
        else:
            members = _strings(value)
        for target in targets:
            if isinstance(target, ast.Name) and members:
                out[target.id] = members[:_MAX_MEMBERS]
    return out


def _scan(
    tree: ast.AST,
    named: dict[str, str],
    words: dict[str, list[str]],
    pieces: list[str],
    patterns: list[str],
    read: list[str],
    seen: set[str],
) -> None:
    reads_numbers = any(_is_call_of(n, _NUMBER_READERS) for n in ast.walk(tree))
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            charset = any(isinstance(op, ast.In | ast.NotIn) for op in node.ops)
            for operand in (node.left, *node.comparators):
                text = _string(operand)
                if charset and operand is not node.left and text and len(text) <= _MAX_CHARSET:
                    pieces.extend(text)  # c in '"\'': each character is a piece
                pieces.extend(_strings(operand))
            pieces.extend(_bounds(node, reads_numbers))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if _re_call(node) and node.args:
                pattern = _pattern(node)
                if pattern is not None:
                    patterns.append(pattern)
            elif node.func.attr in _METHODS:
                pieces.extend(t for arg in node.args[:2] for t in _strings(arg))
                if not node.args and node.func.attr in _WHITESPACE_METHODS:
                    pieces.extend((" ", "\t", "\n"))  # strip() / split(): whitespace matters
            elif node.func.attr == "join":
                pieces.extend(_strings(node.func.value))
            if isinstance(node.func.value, ast.Name) and node.func.value.id in named:
                patterns.append(named[node.func.value.id])  # PATTERN.match(text)
        elif isinstance(node, ast.Name):
            if node.id in named:
                patterns.append(named[node.id])
            if node.id in words and node.id not in seen:  # each collection once
                seen.add(node.id)
                read.extend(words[node.id])  # after the function's own pieces


def _unique(values: Iterable[str], limit: int, longest: int) -> tuple[str, ...]:
    out: list[str] = []
    for value in values:
        if value and len(value) <= longest and value not in out:
            out.append(value)
        if len(out) == limit:
            break
    return tuple(out)


def _compiles(pattern: str) -> bool:
    """Whether ``pattern`` is one the sandbox can draw from: short enough, not nested deeper
    than Hypothesis' regex parser recurses, and compiling (``(?a)`` with ``(?u)`` is a
    ``ValueError``, not a ``re.error``)."""
    if refusal(pattern) is not None:  # the sandbox's own limits (length, nesting)
        return False
    try:
        re.compile(pattern)
    except Exception:  # the PR's pattern: any failure means "not drawn from"
        return False
    return True


def text_fragments(function_sources: Iterable[str], module_source: str) -> Fragments:
    """The pieces and patterns of the functions (their source text: base and head, and the
    helpers they are driven for), with the module's named patterns they read."""
    module = parse_module(module_source)
    named = _module_patterns(module)
    words = _module_strings(module)
    pieces: list[str] = []
    patterns: list[str] = []
    read: list[str] = []
    seen: set[str] = set()
    sources = list(function_sources)
    for source in sources:
        tree = parse_module(textwrap.dedent(source)) if source else None
        if tree is not None:
            _scan(tree, named, words, pieces, patterns, read, seen)
    kept_pieces = list(_unique(pieces + read, MAX_PIECES, _MAX_PIECE_CHARS))
    if any(CASE_FOLD.search(source or "") for source in sources):  # 'Sheep' for 'sheep'
        kept_pieces = kept_pieces[: MAX_PIECES * 2 // 3]  # room for the variants
        kept_pieces += [
            v for p in kept_pieces if p.isalpha() for v in (p.title(), p.upper()) if v != p
        ]
    kept = [p for p in _unique(patterns, MAX_PATTERNS * 2, MAX_CHARS) if _compiles(p)]
    return Fragments(_unique(kept_pieces, MAX_PIECES, _MAX_PIECE_CHARS), tuple(kept[:MAX_PATTERNS]))
