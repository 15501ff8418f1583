"""Static refusal of proposed tests that could fool the verifier (checked before anything runs).

A proposed test earns a finding only by making the changed function *behave* differently on
base and head. A test that can tell the two sides apart by other means (the source text, the
bytecode, line numbers, file paths or timestamps, the environment) or that can reach the
trusted tracer (``sys.modules``, frames, the conftest, anything named ``_deepcheck``) could
fail on head of a pure refactor, or forge the witness. ``refusal`` reads the test's AST and
names the first such construct; the test is then never run (outcome ``refused``).

This is a denylist over Python source, so it is conservative (a test that merely *mentions*
``__file__`` is refused) and not a proof: the tracer's channel is additionally keyed by a
per-candidate secret and the witness is re-derived in a second run (``bot.llm.checks``).
"""

from __future__ import annotations

import ast
import re

__all__ = ["refusal"]

# Modules whose use gives access to source, bytecode, frames, files, the process or the harness.
_MODULES = frozenset(
    {
        "_pytest",
        "ast",
        "bdb",
        "builtins",
        "code",
        "codeop",
        "compileall",
        "conftest",
        "ctypes",
        "dis",
        "faulthandler",
        "fileinput",
        "gc",
        "glob",
        "importlib",
        "inspect",
        "io",
        "linecache",
        "marshal",
        "mmap",
        "multiprocessing",
        "opcode",
        "os",
        "pathlib",
        "pdb",
        "pickle",
        "pkgutil",
        "platform",
        "posix",
        "py_compile",
        "resource",
        "runpy",
        "sandbox",
        "shelve",
        "shutil",
        "signal",
        "site",
        "socket",
        "subprocess",
        "symtable",
        "sys",
        "sysconfig",
        "tempfile",
        "threading",
        "tokenize",
        "trace",
        "traceback",
        "tracemalloc",
        "types",
        "weakref",
        "zipimport",
    }
)

# Builtins that read files, evaluate text, or reach attributes / namespaces by computed names.
_BUILTINS = frozenset(
    {
        "__import__",
        "breakpoint",
        "compile",
        "delattr",
        "dir",
        "eval",
        "exec",
        "getattr",
        "globals",
        "hasattr",
        "help",
        "input",
        "locals",
        "memoryview",
        "open",
        "setattr",
        "vars",
    }
)

# Attribute names that read code, frames, files, timestamps, the environment or pytest's guts.
_ATTRIBUTES = frozenset(
    {
        "_getframe",
        "argv",
        "cwd",
        "environ",
        "getcwd",
        "getctime",
        "getfixturevalue",
        "getmtime",
        "getsize",
        "getsource",
        "getsourcefile",
        "getsourcelines",
        "glob",
        "home",
        "importorskip",
        "iterdir",
        "listdir",
        "lstat",
        "modules",
        "open",
        "pluginmanager",
        "read_bytes",
        "read_text",
        "rglob",
        "scandir",
        "setprofile",
        "settrace",
        "gettrace",
        "getprofile",
        "stat",
        "traceback",
        "walk",
    }
)
_ATTRIBUTE_PREFIXES = ("co_", "f_", "gi_", "cr_", "ag_", "tb_")
# Fixtures that hand a test pytest's config, plugins or other tests' state.
_FIXTURES = frozenset({"request", "pytestconfig", "cache", "testdir", "pytester", "recwarn"})

_DUNDER = re.compile(r"^__\w+__$")
_DEEPCHECK = re.compile(r"_?deepcheck", re.IGNORECASE)


def _dotted_module(text: str) -> str | None:
    """The denied module a string names ("sys.modules", "os.path.getmtime"), if any."""
    head = text.strip().split(".", 1)[0]
    return head if head in _MODULES and re.fullmatch(r"[\w.]+", text.strip()) else None


def refusal(test: str) -> str | None:
    """Why the test may not run (None: it may). Unparsable source is left to pytest."""
    try:
        tree = ast.parse(test)
    except (SyntaxError, ValueError):
        return None
    for node in ast.walk(tree):
        why = _node_refusal(node)
        if why is not None:
            line = getattr(node, "lineno", 0)
            return f"line {line}: {why}" if line else why
    return None


def _node_refusal(node: ast.AST) -> str | None:
    if isinstance(node, ast.Import):
        for alias in node.names:
            root = alias.name.split(".", 1)[0]
            if root in _MODULES or _DEEPCHECK.search(alias.name):
                return f"imports {alias.name}"
    elif isinstance(node, ast.ImportFrom):
        root = (node.module or "").split(".", 1)[0]
        if node.level == 0 and (root in _MODULES or _DEEPCHECK.search(node.module or "")):
            return f"imports from {node.module}"
        for alias in node.names:
            # ``from mymodule import os`` reaches a denied module through a re-export.
            if alias.name in _MODULES or alias.name in _BUILTINS or _DUNDER.match(alias.name):
                return f"imports {alias.name} from {node.module or '.'}"
            if _DEEPCHECK.search(alias.name):
                return f"imports {alias.name}"
    elif isinstance(node, ast.Name):
        if node.id in _BUILTINS:
            return f"uses {node.id}()"
        if _DUNDER.match(node.id) and node.id != "__name__":
            return f"reads {node.id}"
        if _DEEPCHECK.search(node.id):
            return f"names the harness ({node.id})"
    elif isinstance(node, ast.Attribute):
        attr = node.attr
        if _DUNDER.match(attr):
            return f"reads the attribute {attr}"
        if attr in _ATTRIBUTES or attr.startswith(_ATTRIBUTE_PREFIXES):
            return f"reads the attribute {attr}"
        if _DEEPCHECK.search(attr):
            return f"names the harness ({attr})"
    elif isinstance(node, ast.Constant) and isinstance(node.value, str | bytes):
        text = node.value.decode("latin-1") if isinstance(node.value, bytes) else node.value
        if _DEEPCHECK.search(text):
            return "a string names the harness"
        if re.search(r"__\w+__", text):
            return "a string names a dunder attribute"
        if (mod := _dotted_module(text)) is not None:
            return f"a string names the module {mod}"
        if re.search(r"\.py[cw]?\b", text):
            return "a string names a Python file"
    elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        for arg in node.args.args + node.args.kwonlyargs + node.args.posonlyargs:
            if arg.arg in _FIXTURES:
                return f"requests the fixture {arg.arg}"
    elif isinstance(node, ast.JoinedStr):
        return None
    return None
