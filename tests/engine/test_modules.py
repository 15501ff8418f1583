"""bot.engine.source.modules: import root and dotted name from repo-relative paths."""

from __future__ import annotations

import pytest

from bot.engine.source.modules import ModuleRef, module_for

FILES = {
    "setup.py",
    "pkg/__init__.py",
    "pkg/sub/__init__.py",
    "pkg/sub/mod.py",
    "pkg/plain/helper.py",
    "src/app/__init__.py",
    "src/app/core.py",
    "src/ns/portion/__init__.py",
    "src/ns/portion/m.py",
    "src/tool.py",
    "lib/ledger/__init__.py",
    "lib/ledger/interest.py",
    "stubs/typed/__init__.pyi",
    "scripts/run.py",
    "tests/test_a.py",
    "tests/unit/__init__.py",
    "tests/unit/test_b.py",
}


@pytest.mark.parametrize(
    ("path", "root", "module"),
    [
        ("setup.py", ".", "setup"),
        ("pkg/sub/mod.py", ".", "pkg.sub.mod"),
        ("pkg/__init__.py", ".", "pkg"),
        ("pkg/sub/__init__.py", ".", "pkg.sub"),
        ("pkg/plain/helper.py", ".", "pkg.plain.helper"),  # namespace dir inside a package
        ("src/app/core.py", "src", "app.core"),
        ("src/app/__init__.py", "src", "app"),
        ("src/ns/portion/m.py", "src", "ns.portion.m"),  # namespace package under src
        ("src/tool.py", "src", "tool"),
        ("lib/ledger/interest.py", "lib", "ledger.interest"),
        ("stubs/typed/__init__.pyi", "stubs", "typed"),
        ("scripts/run.py", "scripts", "run"),
        ("tests/test_a.py", "tests", "test_a"),
        ("tests/unit/test_b.py", "tests", "unit.test_b"),  # what pytest's rootdir rule gives
    ],
)
def test_module_for(path: str, root: str, module: str) -> None:
    assert module_for(path, FILES) == ModuleRef(import_root=root, module=module)


def test_directory_without_init_outside_a_package_is_the_root() -> None:
    assert module_for("pkg/plain/helper.py", set()) == ModuleRef("pkg/plain", "helper")
    assert module_for("a/b/__init__.py", {"a/b/__init__.py"}) == ModuleRef("a", "b")


def test_importable() -> None:
    assert module_for("pkg/sub/mod.py", FILES).importable
    assert not module_for("pkg/my-mod.py", FILES).importable
    assert not module_for("pkg/class.py", FILES).importable


@pytest.mark.parametrize("path", ["README.md", "/abs/m.py", "pkg/data.json"])
def test_not_a_python_file(path: str) -> None:
    with pytest.raises(ValueError, match="not a repo-relative Python file"):
        module_for(path, FILES)
