"""What a repository declares: each format, includes, lock pins, the project's own metadata."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.engine.environment.declared import Project, declared, poetry_requirement
from bot.engine.environment.reading import read_declaration
from bot.engine.environment.requirements_txt import include_path, parse_requirements


def test_pep621_dependencies_and_optional_groups_apart() -> None:
    d = declared(
        {
            "pyproject.toml": b"""
[project]
name = "Price_Parser"
version = "0.4.0"
dependencies = ["attrs>=20.3.0", "babel>=2.5; python_version >= '3.8'"]
[project.optional-dependencies]
dates = ["python-dateutil>=2.8"]
"""
        }
    )
    assert d.requirements == ("attrs>=20.3.0", 'babel>=2.5; python_version >= "3.8"')
    assert d.optional == ("python-dateutil>=2.8",)
    assert d.project == Project("price-parser", "0.4.0")
    assert d.sources == ("pyproject.toml",)
    assert not d.empty


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("^2.8.1", "dateutil>=2.8.1,<3.0.0"),
        ("^0.2.3", "dateutil>=0.2.3,<0.3.0"),
        ("~1.2.3", "dateutil>=1.2.3,<1.3"),
        ("1.4", "dateutil==1.4"),
        ("*", "dateutil"),
        (">=1,<2", "dateutil>=1,<2"),
        ({"version": "^1.0", "extras": ["tz"]}, "dateutil[tz]>=1.0,<2.0"),
        ({"git": "https://example.invalid/x.git"}, None),
    ],
)
def test_poetry_constraints_become_pep440(value: object, expected: str | None) -> None:
    assert poetry_requirement("dateutil", value) == expected


def test_poetry_project_and_dependencies_skip_python() -> None:
    d = declared(
        {
            "pyproject.toml": b"""
[tool.poetry]
name = "croniter-ish"
version = "1.0.0"
[tool.poetry.dependencies]
python = "^3.8"
python-dateutil = "^2.8"
local = {path = "../local"}
"""
        }
    )
    assert d.requirements == ("python-dateutil<3.0,>=2.8",)  # packaging's normal form
    assert d.project == Project("croniter-ish", "1.0.0")
    assert any("local" in n for n in d.notes)


def test_setup_cfg_install_requires_extras_and_version() -> None:
    d = declared(
        {
            "setup.cfg": b"""
[metadata]
name = hyperlink
version = 21.0.0
[options]
install_requires =
    idna>=2.5
    typing ; python_version < "3.5"
[options.extras_require]
tests = pytest
"""
        }
    )
    assert d.requirements == ("idna>=2.5", 'typing; python_version < "3.5"')
    assert d.optional == ("pytest",)
    assert d.project == Project("hyperlink", "21.0.0")


def test_setup_py_is_read_never_run_and_only_its_literals_count() -> None:
    d = declared({"setup.py": b"import os; os.system('rm -rf /')\n"})
    assert d.empty
    assert any("setup.py is read, never run" in n for n in d.notes)
    slugify = b"""
import os
from setuptools import setup
install_requires = ['text-unidecode>=1.3']
extras_requires = {'unidecode': ['Unidecode>=1.1.1']}
about = {}
with open(os.path.join('slugify', '__version__.py')) as f:
    exec(f.read(), about)
setup(name=about['__title__'], version=about['__version__'],
      install_requires=install_requires, extras_require=extras_requires)
"""
    d = declared({"setup.py": slugify})
    assert (d.requirements, d.optional, d.project) == (
        ("text-unidecode>=1.3",),
        ("Unidecode>=1.1.1",),
        None,
    )
    literal = b'__version__ = "21.0.0"\nsetup(name="hyperlink", version=__version__,\n'
    literal += b'      install_requires=["idna>=2.5"])\n'
    d = declared({"setup.py": literal})
    assert d.requirements == ("idna>=2.5",)
    assert d.project == Project("hyperlink", "21.0.0")


def test_requirements_with_includes_constraints_and_ignored_lines() -> None:
    files = {
        "requirements.txt": b"-r requirements/base.txt\n-c constraints.txt\nbabel  # money\n"
        b"-e .\ngit+https://example.invalid/x.git\n--index-url https://example.invalid\n"
        b"text-unidecode==1.3 \\\n    --hash=sha256:abc\nfoo @ https://example.invalid/f.whl\n"
        b"-r ../outside.txt\n",
        "requirements/base.txt": b"attrs>=20\n",
        "constraints.txt": b"attrs==26.1.0\n",
    }
    d = declared(files)
    assert d.requirements == ("babel", "text-unidecode==1.3", "attrs>=20")
    dev = declared({**files, "requirements-dev.txt": b"-r requirements.txt\nmypy\n"})
    assert dev.requirements == d.requirements and dev.optional == ("mypy",)
    assert d.pins == ("attrs==26.1.0",)
    notes = " | ".join(d.notes)
    assert "editable install ignored" in notes
    assert "URL or path requirement ignored" in notes
    assert "--index-url ignored (the index is set by the operator" in notes
    assert "../outside.txt is outside the repository" in notes


def test_include_paths_stay_inside_the_repository() -> None:
    assert include_path("requirements/dev.txt", "base.txt") == "requirements/base.txt"
    assert include_path("requirements/dev.txt", "../requirements.txt") == "requirements.txt"
    assert include_path("requirements.txt", "../x.txt") is None
    assert include_path("requirements.txt", "/etc/passwd") is None
    assert include_path("requirements.txt", "https://example.invalid/r.txt") is None
    parsed = parse_requirements("-r other.txt\n-c pins.txt\n", "sub/r.txt")
    assert parsed.requirement_includes == ["sub/other.txt"]
    assert parsed.constraint_includes == ["sub/pins.txt"]


def test_lock_files_give_pins_not_requirements_and_skip_the_project_itself() -> None:
    uv = b"""
version = 1
[[package]]
name = "croniter"
version = "6.0.0"
source = { editable = "." }
[[package]]
name = "python-dateutil"
version = "2.9.0.post0"
source = { registry = "https://pypi.org/simple" }
[[package]]
name = "numpy"
version = "1.0"
source = { registry = "https://pypi.org/simple" }
[[package]]
name = "numpy"
version = "2.0"
source = { registry = "https://pypi.org/simple" }
"""
    poetry = b'[[package]]\nname = "six"\nversion = "1.17.0"\n'
    pylock = b'lock-version = "1.0"\n[[packages]]\nname = "idna"\nversion = "3.20"\n'
    pyproject = (
        b'[project]\nname = "croniter"\nversion = "6.0.0"\ndependencies = ["python-dateutil"]\n'
    )
    d = declared(
        {"pyproject.toml": pyproject, "uv.lock": uv, "poetry.lock": poetry, "pylock.toml": pylock}
    )
    assert d.requirements == ("python-dateutil",)
    # numpy has two versions (by marker): no single pin; croniter is the project itself
    assert d.pins == ("python-dateutil==2.9.0.post0", "six==1.17.0", "idna==3.20")


def test_dynamic_version_is_read_from_the_src_layout_package() -> None:
    pyproject = b'[project]\nname = "my-lib"\ndynamic = ["version"]\ndependencies = []\n'
    first = declared({"pyproject.toml": pyproject})
    assert "src/my_lib/__init__.py" in first.wanted
    d = declared(
        {"pyproject.toml": pyproject, "src/my_lib/__init__.py": b'__version__ = "1.2.3"\n'}
    )
    assert d.project == Project("my-lib", "1.2.3")
    unknown = declared({"pyproject.toml": pyproject, "src/my_lib/__init__.py": b"x = 1\n"})
    assert unknown.project == Project("my-lib", "0")
    assert any("not a literal" in n for n in unknown.notes)


def test_broken_toml_is_a_note_not_a_crash() -> None:
    d = declared({"pyproject.toml": b"[project\nname = 1"})
    assert d.empty
    assert any("not valid TOML" in n for n in d.notes)


def test_reading_a_tree_follows_includes_and_refuses_symlinks(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "demo"\ndynamic = ["version"]\ndependencies = ["babel"]\n'
        '[tool.hatch.version]\npath = "src/demo/__about__.py"\n'
    )
    (tmp_path / "src" / "demo").mkdir(parents=True)
    (tmp_path / "src" / "demo" / "__about__.py").write_text('__version__ = "4.5"\n')
    (tmp_path / "requirements.txt").write_text("-r requirements/extra.txt\n")
    (tmp_path / "requirements").mkdir()
    (tmp_path / "requirements" / "extra.txt").write_text("-r ../more.txt\nidna\n")
    (tmp_path / "more.txt").write_text("six\n")
    secret = tmp_path.parent / f"{tmp_path.name}-secret.txt"
    secret.write_text("token-from-outside\n")
    os.symlink(secret, tmp_path / "requirements-dev.txt")
    d = read_declaration(tmp_path)
    assert d.requirements == ("babel", "idna", "six")
    assert d.project == Project("demo", "4.5")
    assert "token-from-outside" not in repr(d)


def test_pep735_groups_and_poetry_groups_are_optional() -> None:
    d = declared(
        {
            "pyproject.toml": b"""
[project]
name = "ledger"
version = "1.0"
dependencies = ["attrs"]
[dependency-groups]
test = ["pytest>=8", {include-group = "typing"}]
typing = ["mypy", {include-group = "test"}]
[tool.poetry.dependencies]
python = "^3.11"
babel = "^2.12"
[tool.poetry.group.docs.dependencies]
sphinx = "^7.0"
[tool.poetry.dev-dependencies]
hypothesis = "*"
"""
        }
    )
    assert d.requirements == ("attrs", "babel<3.0,>=2.12")
    assert set(d.optional) == {"pytest>=8", "mypy", "sphinx<8.0,>=7.0", "hypothesis"}
    assert any("includes itself" in n for n in d.notes)  # a cycle is cut, with a note
