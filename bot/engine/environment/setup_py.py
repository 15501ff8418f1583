"""What a ``setup.py`` declares, read with ``ast`` and never run (pure).

Only literals count: ``setup(install_requires=[...], extras_require={...}, name="x",
version="1.0")``, where a keyword may also name a module-level variable assigned a literal
(``install_requires = ['text-unidecode>=1.3']`` ... ``setup(install_requires=install_requires)``).
Anything computed (read from a file, built in a loop) is left out.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

__all__ = ["SetupPy", "parse_setup_py"]


@dataclass
class SetupPy:
    install_requires: list[str] = field(default_factory=list)
    extras_require: list[str] = field(default_factory=list)
    name: str | None = None
    version: str | None = None
    found: bool = False  # a setup(...) call was seen


def _literal(node: ast.AST, names: dict[str, object]) -> object:
    if isinstance(node, ast.Name):
        return names.get(node.id)
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()]
    if isinstance(value, list | tuple):
        return [str(v) for v in value if isinstance(v, str)]
    return []


def parse_setup_py(source: str) -> SetupPy:
    out = SetupPy()
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return out
    names: dict[str, object] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                names[target.id] = _literal(node.value, names)
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        func = call.func
        called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if called != "setup":
            continue
        out.found = True
        for kw in call.keywords:
            value = _literal(kw.value, names)
            if kw.arg == "install_requires":
                out.install_requires += _strings(value)
            elif kw.arg == "extras_require" and isinstance(value, dict):
                for group in value.values():
                    out.extras_require += _strings(group)
            elif kw.arg in ("name", "version") and isinstance(value, str):
                setattr(out, kw.arg, value)
    return out
