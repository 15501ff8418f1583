"""bot.engine.change.functions: which functions a change touches, and what we know about each."""

from __future__ import annotations

import difflib
import os
import subprocess
import textwrap
from pathlib import Path

import pytest

from bot.engine.change.diff import FileChange, parse_diff
from bot.engine.change.functions import HeadSyntaxError, changed_functions
from bot.git import GitRepo
from bot.models import ChangedFunction, Param, Skipped


def change_of(base: str | None, head: str, path: str = "m.py", old: str = "m.py") -> FileChange:
    if base is None:
        body = difflib.unified_diff([], head.splitlines(True), "/dev/null", f"b/{path}")
        [added] = parse_diff("".join(body))
        return FileChange(path, None, "added", added_lines=added.added_lines)
    diff = difflib.unified_diff(base.splitlines(True), head.splitlines(True), "a/m", "b/m")
    change = next(iter(parse_diff("".join(diff))), FileChange(path, old, "modified"))
    status = "renamed" if old != path else "modified"
    return FileChange(path, old, status, False, change.added_lines, change.removed_lines)


def run(
    base: str | None, head: str, **kwargs: str
) -> tuple[dict[str, ChangedFunction], list[Skipped]]:
    base = textwrap.dedent(base) if base is not None else None
    head = textwrap.dedent(head)
    found, skipped = changed_functions(base, head, change_of(base, head, **kwargs))
    assert [f.start_line for f in found] == sorted(f.start_line for f in found)
    return {f.function: f for f in found}, skipped


BASE = textwrap.dedent('''
    from decimal import Decimal

    GRACE_DAYS = 5


    def late(days: int) -> bool:
        """Late when past the grace period."""
        # inclusive
        return days > GRACE_DAYS


    def fee(amount: Decimal, rate: Decimal = Decimal("0.01")) -> Decimal:
        return (amount * rate).quantize(Decimal("0.01"))


    def untouched(x):
        return x
''')


def test_unchanged_source_has_no_changed_functions() -> None:
    assert run(BASE, BASE) == ({}, [])


def test_docstring_only_change_is_not_a_change() -> None:
    head = BASE.replace("past the grace period.", "after the grace period ends.")
    assert run(BASE, head) == ({}, [])


def test_comment_and_formatting_changes_are_not_changes() -> None:
    head = BASE.replace("# inclusive", "# exclusive, see #12").replace(
        "def late(days: int) -> bool:", "def late(\n        days: int,\n    ) -> bool:  # hm"
    )
    assert run(BASE, head) == ({}, [])


def test_body_change() -> None:
    found, skipped = run(BASE, BASE.replace("days > GRACE_DAYS", "days >= GRACE_DAYS + 1"))
    late = found["late"]
    assert list(found) == ["late"] and skipped == []
    assert (late.status, late.start_line, late.end_line) == ("modified", 7, 10)
    assert (late.base_start_line, late.base_end_line, late.base_path) == (7, 10, "m.py")
    assert late.changed_lines == (10,)
    assert late.constants == ("1",)
    assert late.params == (Param("days", "int"),)
    assert late.returns == "bool"
    assert late.docstring == "Late when past the grace period."
    assert late.head_source.startswith("def late(days: int) -> bool:\n")
    assert late.head_source.endswith("return days >= GRACE_DAYS + 1\n")
    assert late.base_source.endswith("return days > GRACE_DAYS\n")
    assert not (late.is_method or late.nested or late.is_async)


def test_signature_only_change() -> None:
    found, _ = run(
        BASE, BASE.replace('rate: Decimal = Decimal("0.01")', 'rate: Decimal = Decimal("0.02")')
    )
    fee = found["fee"]
    assert list(found) == ["fee"]
    assert fee.changed_lines == (13,)
    assert fee.params[1] == Param("rate", "Decimal", "Decimal('0.02')")
    assert fee.constants == ("0.02", "0.01")  # head side first, then the removed base line


def test_constants_from_changed_lines_only() -> None:
    base = "def f(x):\n    a = x * 7\n    return a - 1.5\n"
    head = "def f(x):\n    a = x * 7\n    return a - 2.5 + -3 + Decimal('0.005') + True\n"
    found, _ = run(base, head)
    assert found["f"].constants == ("2.5", "-3", "0.005", "1.5")


def test_literal_type_change_is_a_change() -> None:
    found, _ = run("def f():\n    return 1\n", "def f():\n    return True\n")
    assert list(found) == ["f"]
    found, _ = run("def f():\n    return 1\n", "def f():\n    return 1.0\n")
    assert list(found) == ["f"]


def test_decorator_change() -> None:
    base = "import functools\n\n@functools.lru_cache(maxsize=8)\ndef f(x):\n    return x\n"
    found, _ = run(base, base.replace("maxsize=8", "maxsize=None"))
    f = found["f"]
    assert (f.start_line, f.end_line, f.changed_lines) == (3, 5, (3,))
    assert f.decorators == ("functools.lru_cache(maxsize=None)",)
    assert f.head_source.startswith("@functools")


def test_module_constant_change_marks_its_readers() -> None:
    found, _ = run(BASE, BASE.replace("GRACE_DAYS = 5", "GRACE_DAYS = 6"))
    late = found["late"]
    assert list(found) == ["late"]
    assert late.status == "modified" and late.changed_lines == ()
    assert late.constants == ("6", "5")


def test_class_attribute_change_marks_methods_reading_it() -> None:
    base = """
        class Ledger:
            LIMIT = 10

            def over(self, n):
                return n > self.LIMIT

            @classmethod
            def cap(cls):
                return Ledger.LIMIT

            def other(self):
                return 1
    """
    found, _ = run(base, base.replace("LIMIT = 10", "LIMIT = 12"))
    assert list(found) == ["Ledger.over", "Ledger.cap"]
    assert found["Ledger.over"].constants == ("12", "10")


def test_adding_an_import_does_not_mark_users_of_other_names() -> None:
    base = "from decimal import Decimal\n\ndef f():\n    return Decimal(1)\n"
    head = base.replace("import Decimal", "import ROUND_HALF_UP, Decimal")
    assert run(base, head) == ({}, [])
    found, _ = run(base, base.replace("import Decimal", "import Decimal as Decimal2"))
    assert list(found) == ["f"]


def test_methods_nested_classes_and_nested_functions() -> None:
    base = """
        class Outer:
            class Inner:
                def m(self):
                    return 1

            def method(self, x):
                def helper(y):
                    return y + 1
                return helper(x)
    """
    found, _ = run(base, base.replace("return 1", "return 2").replace("y + 1", "y + 3"))
    assert list(found) == ["Outer.Inner.m", "Outer.method", "Outer.method.<locals>.helper"]
    m, method, helper = found.values()
    assert (m.is_method, m.class_name, m.nested) == (True, "Outer.Inner", False)
    assert (method.is_method, method.class_name, method.nested) == (True, "Outer", False)
    assert (helper.is_method, helper.class_name, helper.nested) == (False, None, True)
    assert helper.constants == ("3", "1") and method.constants == ("3", "1")
    assert method.params[0] == Param("self")


def test_property_setter_is_matched_by_order() -> None:
    base = """
        class A:
            @property
            def x(self):
                return self._x

            @x.setter
            def x(self, value):
                self._x = value
    """
    found, skipped = run(base, base.replace("self._x = value", "self._x = abs(value)"))
    assert [(f.function, f.start_line, f.decorators) for f in found.values()] == [
        ("A.x", 7, ("x.setter",))
    ]
    assert skipped == []


def test_new_and_deleted_functions_in_a_modified_file() -> None:
    head = (
        BASE.replace("def untouched(x):", "def renamed(x):")
        + "\n\nasync def new(a):\n    return a\n"
    )
    found, skipped = run(BASE, head)
    assert [(f.function, f.status) for f in found.values()] == [
        ("renamed", "added"),
        ("new", "added"),
    ]
    assert found["new"].is_async and found["new"].base_path is None
    assert found["new"].base_source == "" and found["new"].base_start_line is None
    assert skipped == [Skipped("m.py", "deleted", "untouched")]


def test_new_file_makes_every_function_added() -> None:
    found, skipped = run(None, BASE, path="new.py")
    assert [(f.function, f.status) for f in found.values()] == [
        ("late", "added"),
        ("fee", "added"),
        ("untouched", "added"),
    ]
    assert found["fee"].changed_lines == (13, 14)
    assert found["fee"].constants == ("0.01",)
    assert skipped == []


def test_renamed_file_keeps_the_base_path() -> None:
    found, _ = run(BASE, BASE.replace("> GRACE_DAYS", "> GRACE_DAYS + 1"), path="b.py", old="a.py")
    assert (found["late"].path, found["late"].base_path) == ("b.py", "a.py")


def test_deleted_file_skips_every_function() -> None:
    base = textwrap.dedent(BASE)
    change = FileChange("m.py", "m.py", "deleted", removed_lines=tuple(range(1, 18)))
    assert changed_functions(base, "", change) == (
        [],
        [Skipped("m.py", "deleted", name) for name in ("late", "fee", "untouched")],
    )


def test_base_that_does_not_parse_makes_every_function_added() -> None:
    found, _ = run("def broken(:\n", "def f():\n    return 1\n")
    assert found["f"].status == "added" and found["f"].base_path is None


def test_all_parameter_kinds() -> None:
    head = "def f(a, /, b: int = 2, *args: str, c, d=None, **kw: object) -> None:\n    pass\n"
    found, _ = run(None, head)
    assert found["f"].params == (
        Param("a", kind="positional_only"),
        Param("b", "int", "2"),
        Param("args", "str", kind="var_positional"),
        Param("c", kind="keyword_only"),
        Param("d", None, "None", kind="keyword_only"),
        Param("kw", "object", kind="var_keyword"),
    )


def test_crlf_source_segments() -> None:
    base = "def f():\r\n    return 1\r\n\r\ndef g():\r\n    return 2\r\n"
    found, _ = run(base, base.replace("return 2", "return 3"))
    assert found["g"].head_source == "def g():\r\n    return 3\r\n"
    assert found["g"].start_line == 4


@pytest.mark.parametrize(
    ("head", "line", "message"),
    [
        ("def f(:\n    pass\n", 1, "invalid syntax"),
        ("x = 1\n\nreturn x\n", 3, "'return' outside function"),
        ("def f():\n  x = 1\n    y = 2\n", 3, "unexpected indent"),
        ("x = 1\nfrom __future__ import annotations\n", 2, "from __future__ imports must"),
        ("x = 'a\x00b'\n", 1, "null bytes"),
    ],
)
def test_head_syntax_error(head: str, line: int, message: str) -> None:
    with pytest.raises(HeadSyntaxError) as err:
        changed_functions("x = 1\n", head, FileChange("pkg/m.py", "pkg/m.py", "modified"))
    assert (err.value.path, err.value.line) == ("pkg/m.py", line)
    assert message in err.value.message
    assert str(err.value).startswith(f"pkg/m.py:{line}: ")


def test_head_with_warnings_still_parses() -> None:
    head = "def f(s):\n    return s == '\\d' or s is 1\n"
    found, _ = run(None, head)
    assert list(found) == ["f"]


def test_on_a_real_git_diff(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")

    def git(*args: str) -> str:
        cmd = ["git", "-C", str(tmp_path), "-c", "user.name=T", "-c", "user.email=t@e.com"]
        return subprocess.run(
            [*cmd, *args], env=env, check=True, capture_output=True
        ).stdout.decode()

    def commit(text: str) -> str:
        (tmp_path / "interest.py").write_text(text)
        git("add", "-A")
        git("commit", "-qm", "c")
        return git("rev-parse", "HEAD").strip()

    git("init", "-q")
    base = commit(BASE)
    head = commit(BASE.replace("days > GRACE_DAYS", "days >= GRACE_DAYS"))
    repo = GitRepo(tmp_path)
    [change] = parse_diff(repo.diff(base, head))
    head_text = (repo.show(head, change.path) or b"").decode()
    base_text = (repo.show(base, change.old_path or change.path) or b"").decode()
    found, skipped = changed_functions(base_text, head_text, change)
    [late] = found
    assert (late.function, late.changed_lines, late.constants) == ("late", (10,), ())
    assert all(change.in_diff(n) for n in late.changed_lines)
    assert skipped == []
