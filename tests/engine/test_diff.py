"""bot.engine.change.diff on recorded git diffs (tests/samples/diffs) and on diffs git makes for
random edits."""

from __future__ import annotations

import difflib
import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.engine.change.diff import DiffError, FileChange, parse_diff
from bot.git import GitRepo

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "diffs"


def sample(name: str) -> str:
    return (SAMPLES / name).read_bytes().decode("utf-8")


@pytest.fixture(scope="module")
def mixed() -> dict[str, FileChange]:
    changes = parse_diff(sample("mixed.diff"))
    by_path = {c.path: c for c in changes}
    assert len(by_path) == len(changes) == 14
    return by_path


def test_modified_python_file(mixed: dict[str, FileChange]) -> None:
    calc = mixed["calc.py"]
    assert (calc.status, calc.old_path, calc.is_python, calc.is_binary) == (
        "modified",
        "calc.py",
        True,
        False,
    )
    assert calc.added_lines == (10, 38, 49, 50)
    assert calc.removed_lines == (10, 38)
    assert calc.diff_lines == (*range(7, 14), *range(35, 42), *range(46, 51))
    assert calc.in_diff(7) and not calc.in_diff(14)
    assert calc.skip_reason is None


def test_non_python_file(mixed: dict[str, FileChange]) -> None:
    readme = mixed["README.md"]
    assert readme.added_lines == (2,) and not readme.is_python
    assert readme.skip_reason == "not python"


def test_added_and_deleted_files(mixed: dict[str, FileChange]) -> None:
    fresh, gone = mixed["fresh.py"], mixed["gone.py"]
    assert (fresh.status, fresh.old_path, fresh.added_lines) == ("added", None, (1, 2))
    assert fresh.diff_lines == (1, 2) and fresh.new_mode == "100644"
    assert (gone.status, gone.old_path, gone.removed_lines) == ("deleted", "gone.py", (1, 2))
    assert gone.added_lines == () and gone.diff_lines == ()


def test_renamed_with_and_without_edits(mixed: dict[str, FileChange]) -> None:
    edited, pure = mixed["new_name.py"], mixed["pkg_moved.py"]
    assert (edited.status, edited.old_path) == ("renamed", "old_name.py")
    assert edited.added_lines == (22,) and edited.removed_lines == (22,)
    assert (pure.status, pure.old_path, pure.diff_lines) == ("renamed", "moved.py", ())


def test_binary_files(mixed: dict[str, FileChange]) -> None:
    logo, data = mixed["logo.png"], mixed["data.bin"]
    assert logo.is_binary and logo.status == "modified" and logo.added_lines == ()
    assert data.is_binary and data.status == "added" and data.old_path is None
    assert logo.skip_reason == data.skip_reason == "binary"


def test_mode_only_change(mixed: dict[str, FileChange]) -> None:
    run = mixed["run.py"]
    assert (run.status, run.old_mode, run.new_mode) == ("modified", "100644", "100755")
    assert run.mode_changed and run.added_lines == run.diff_lines == ()


def test_symlink_is_not_python(mixed: dict[str, FileChange]) -> None:
    link = mixed["link.py"]
    assert link.is_symlink and not link.is_python and link.added_lines == (1,)


def test_odd_paths(mixed: dict[str, FileChange]) -> None:
    assert mixed["my dir/ünï cödé.py"].added_lines == (1,)
    assert mixed['tab\there "q".py'].added_lines == (1,)


def test_no_newline_marker_and_crlf(mixed: dict[str, FileChange]) -> None:
    assert mixed["tail.py"].added_lines == (2,) and mixed["tail.py"].diff_lines == (1, 2)
    assert mixed["crlf.py"].added_lines == (2,) and mixed["crlf.py"].removed_lines == (2,)


def test_form_feed_in_a_line_does_not_split_it() -> None:
    text = (
        "diff --git a/f.py b/f.py\n--- a/f.py\n+++ b/f.py\n"
        "@@ -1,2 +1,2 @@\n a\x0cb\u2028c\n-x\n+y\n"
    )
    [change] = parse_diff(text)
    assert change.added_lines == (2,) and change.diff_lines == (1, 2)


def test_plain_unified_diff_without_git_headers() -> None:
    text = "".join(difflib.unified_diff(["a\n", "b\n"], ["a\n", "c\n"], "a/m.py", "b/m.py"))
    [change] = parse_diff(text)
    assert (change.path, change.status, change.added_lines, change.removed_lines) == (
        "m.py",
        "modified",
        (2,),
        (2,),
    )


def test_empty_diff() -> None:
    assert parse_diff("") == []


def test_truncated_diff_is_an_error() -> None:
    text = "diff --git a/f.py b/f.py\n--- a/f.py\n+++ b/f.py\n@@ -1,3 +1,3 @@\n a\n-b\n"
    with pytest.raises(DiffError, match=r"^malformed diff for f\.py: "):
        parse_diff(text)


def test_quoted_rename_header() -> None:
    text = (
        'diff --git "a/\\303\\274.py" "b/new \\"x\\".py"\n'
        "similarity index 100%\n"
        'rename from "\\303\\274.py"\n'
        'rename to "new \\"x\\".py"\n'
    )
    [change] = parse_diff(text)
    assert (change.old_path, change.path, change.status) == ("ü.py", 'new "x".py', "renamed")


# -- property: what git reports matches the files ---------------------------------------------

LINES = st.lists(st.sampled_from(["a", "b", "c", "    return x", "pass", "# note"]), max_size=25)


def _text(lines: list[str], newline_at_end: bool) -> str:
    text = "".join(f"{line}\n" for line in lines)
    return text if newline_at_end or not text else text[:-1]


def _git(repo: str, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    cmd = ["git", "-C", repo, "-c", "user.name=T", "-c", "user.email=t@example.com", *args]
    return subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout


def test_git_diffs_of_random_edits_agree_with_the_files() -> None:
    with tempfile.TemporaryDirectory() as repo:
        _git(repo, "init", "-q")
        git = GitRepo(repo)

        def commit(text: str) -> str:
            Path(repo, "m.py").write_text(text)
            _git(repo, "add", "m.py")
            _git(repo, "commit", "-q", "--allow-empty", "-m", "c")
            return _git(repo, "rev-parse", "HEAD").strip()

        @settings(
            max_examples=40,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        )
        @given(LINES, LINES, st.booleans(), st.booleans())
        def check(old: list[str], new: list[str], old_nl: bool, new_nl: bool) -> None:
            base_text, head_text = _text(old, old_nl), _text(new, new_nl)
            assume(base_text != head_text)
            base, head = commit(base_text), commit(head_text)
            [change] = parse_diff(git.diff(base, head))

            added, removed = set(change.added_lines), set(change.removed_lines)
            assert added <= set(change.diff_lines) <= set(range(1, len(new) + 1))
            assert removed <= set(range(1, len(old) + 1))
            kept_head = [line for n, line in enumerate(new, 1) if n not in added]
            kept_base = [line for n, line in enumerate(old, 1) if n not in removed]
            assert kept_head == kept_base
            if change.status == "added":
                assert not old
            if change.status == "deleted":
                assert not new
            if old and new and old != new:
                assert added or removed

        check()
