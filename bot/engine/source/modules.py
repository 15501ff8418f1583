"""Which module a repository file is, and from which directory it imports (pure, no I/O).

The rule follows how Python and pytest see a checkout:

* the outermost directory above the file holding an ``__init__.py`` is the top package, its
  parent the import root (``pkg/sub/mod.py`` → root ``.``, module ``pkg.sub.mod``); directories
  without ``__init__.py`` below it are namespace portions (``pkg/plain/helper.py`` →
  ``pkg.plain.helper``), as Python imports them and as pytest's rootdir rule finds them;
* a ``src`` directory above the file is the import root of everything below it, directories
  without ``__init__.py`` in between being namespace packages (``src/ns/pkg/mod.py`` → root
  ``src``, module ``ns.pkg.mod``);
* a file outside any package imports from its own directory (``scripts/tool.py`` → root
  ``scripts``, module ``tool``; ``setup.py`` → root ``.``, module ``setup``);
* ``pkg/__init__.py`` is the module ``pkg``. The repository root itself is never a package.
"""

from __future__ import annotations

import keyword
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import PurePosixPath

SOURCE_ROOTS = frozenset({"src"})
_SUFFIXES = (".py", ".pyi")


@dataclass(frozen=True)
class ModuleRef:
    import_root: str  # repo-relative posix directory to put on sys.path; "." for the root
    module: str  # dotted module name importable from import_root

    @property
    def importable(self) -> bool:
        """Whether every part of the dotted name is a valid identifier (``my-tool`` is not)."""
        return all(p.isidentifier() and not keyword.iskeyword(p) for p in self.module.split("."))


def module_for(path: str, files: Collection[str]) -> ModuleRef:
    """The import root and dotted module name of the Python file ``path``.

    ``files`` holds the repository's files as repo-relative posix paths; only the presence of
    ``__init__.py`` files matters. Raises ValueError for a path that is not a ``.py``/``.pyi``.
    """
    pure = PurePosixPath(path)
    if pure.suffix not in _SUFFIXES or pure.is_absolute():
        raise ValueError(f"not a repo-relative Python file: {path}")
    directories = list(pure.parent.parts) if str(pure.parent) != "." else []
    parts = [pure.stem]
    if pure.stem == "__init__" and directories:
        parts = [directories.pop()]  # the package the __init__ belongs to
    outermost = next(
        (i for i in range(len(directories)) if _has_init(directories[: i + 1], files)), None
    )
    if outermost is not None:  # directories between it and the file are namespace portions
        parts = directories[outermost:] + parts
        directories = directories[:outermost]
    source_root = _nearest_source_root(directories)
    if source_root is not None:
        parts = directories[source_root + 1 :] + parts
        directories = directories[: source_root + 1]
    root = "/".join(directories) or "."
    return ModuleRef(import_root=root, module=".".join(parts))


def _has_init(directories: list[str], files: Collection[str]) -> bool:
    stem = "/".join(directories)
    return f"{stem}/__init__.py" in files or f"{stem}/__init__.pyi" in files


def _nearest_source_root(directories: list[str]) -> int | None:
    for index in range(len(directories) - 1, -1, -1):
        if directories[index] in SOURCE_ROOTS:
            return index
    return None
