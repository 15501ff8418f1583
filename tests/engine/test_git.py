"""bot.git against real repositories made in tmp_path."""

from __future__ import annotations

import os
import stat
import subprocess
import threading
from pathlib import Path

import pytest

import bot.git
from bot.engine.change.diff import parse_diff
from bot.errors import InfrastructureError, RepositoryError
from bot.git import GitRepo

ENV = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
ENV.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")


class Repo:
    """A scratch repository: write files, commit, return shas."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        cmd = ["git", "-C", str(self.path), "-c", "user.name=T", "-c", "user.email=t@example.com"]
        done = subprocess.run([*cmd, *args], env=ENV, check=True, capture_output=True, text=True)
        return done.stdout.strip()

    def write(self, files: dict[str, str | bytes | None]) -> None:
        for name, data in files.items():
            target = self.path / name
            if data is None:
                target.unlink()
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data.encode() if isinstance(data, str) else data)

    def commit(self, files: dict[str, str | bytes | None] | None = None, msg: str = "c") -> str:
        self.write(files or {})
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", msg)
        return self.git("rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path / "repo")


# -- bad input: one-line messages --------------------------------------------------------------


def test_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(RepositoryError) as err:
        GitRepo(tmp_path)
    assert str(err.value) == f"not a git repository: {tmp_path}"


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(RepositoryError, match=r"^not a git repository: .*nowhere$"):
        GitRepo(tmp_path / "nowhere")


@pytest.mark.parametrize("rev", ["nope", "main~5", "-h", "", "HEAD^{tree}", "a\nb"])
def test_unknown_revision_names_it(repo: Repo, rev: str) -> None:
    repo.commit({"a.py": "x = 1\n"})
    with pytest.raises(RepositoryError) as err:
        GitRepo(repo.path).resolve(rev)
    assert str(err.value) == f"unknown revision {rev!r}"
    assert "\n" not in str(err.value).replace(repr(rev), "")


def test_resolve_gives_full_sha(repo: Repo) -> None:
    sha = repo.commit({"a.py": "x = 1\n"})
    git = GitRepo(repo.path)
    assert git.resolve("main") == sha
    assert git.resolve(sha[:8]) == sha


def test_empty_range_same_commit(repo: Repo) -> None:
    sha = repo.commit({"a.py": "x = 1\n"})
    repo.git("tag", "v1")
    with pytest.raises(RepositoryError) as err:
        GitRepo(repo.path).diff("v1", "main")
    assert str(err.value) == f"empty range: base and head are the same commit ({sha[:12]})"


def test_empty_range_no_changes(repo: Repo) -> None:
    base = repo.commit({"a.py": "x = 1\n"})
    head = repo.commit()
    with pytest.raises(RepositoryError) as err:
        GitRepo(repo.path).diff(base, head)
    assert str(err.value) == f"empty range: no changes between {base[:12]} and {head[:12]}"


def test_diff_of_unknown_revision(repo: Repo) -> None:
    base = repo.commit({"a.py": "x = 1\n"})
    with pytest.raises(RepositoryError, match=r"^unknown revision 'feature'$"):
        GitRepo(repo.path).diff(base, "feature")


def test_git_missing_is_infrastructure(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(repo.path))
    with pytest.raises(InfrastructureError, match=r"^git is not installed"):
        GitRepo(repo.path)


def test_timeout_is_infrastructure(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bot.git, "TIMEOUT", 1e-9)
    with pytest.raises(InfrastructureError, match=r"^git rev-parse timed out after"):
        GitRepo(repo.path)


# -- diff ---------------------------------------------------------------------------------------


def test_diff_detects_renames_with_three_lines_of_context(repo: Repo) -> None:
    body = "".join(f"line{i}\n" for i in range(20))
    base = repo.commit({"old.py": body, "keep.py": body})
    head = repo.commit({"old.py": None, "new.py": body, "keep.py": body.replace("line10", "X")})
    changes = {c.path: c for c in parse_diff(GitRepo(repo.path).diff(base, head))}
    assert changes["new.py"].status == "renamed"
    assert changes["new.py"].old_path == "old.py"
    assert changes["keep.py"].added_lines == (11,)
    assert changes["keep.py"].diff_lines == tuple(range(8, 15))


def test_diff_ignores_config_that_changes_output(repo: Repo) -> None:
    marker = repo.path.parent / "ran"
    script = repo.path.parent / "ext.sh"
    script.write_text(f"#!/bin/sh\ntouch {marker}\necho hijacked\n")
    script.chmod(0o755)
    base = repo.commit({"a.py": "x = 1\n", ".gitattributes": "*.py diff=conv\n"})
    head = repo.commit({"a.py": "x = 2\n"})
    for key, value in [
        ("diff.external", str(script)),
        ("diff.conv.textconv", str(script)),
        ("diff.conv.command", str(script)),
        ("core.fsmonitor", str(script)),
        ("color.ui", "always"),
        ("diff.noprefix", "true"),
        ("diff.context", "0"),
        ("diff.renames", "false"),
        ("core.quotepath", "true"),
    ]:
        repo.git("config", key, value)
    text = GitRepo(repo.path).diff(base, head)
    assert "diff --git a/a.py b/a.py\n" in text
    assert "-x = 1\n+x = 2\n" in text
    assert "\x1b[" not in text and "hijacked" not in text
    assert not marker.exists()


def test_inherited_git_dir_does_not_redirect(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = repo.commit({"a.py": "x = 1\n"})
    head = repo.commit({"a.py": "x = 2\n"})
    other = Repo(tmp_path / "other")
    other.commit({"b.py": "y\n"})
    monkeypatch.setenv("GIT_DIR", str(other.path / ".git"))
    assert "a/a.py" in GitRepo(repo.path).diff(base, head)


def test_diff_of_unicode_and_spaced_paths(repo: Repo) -> None:
    base = repo.commit({"dir x/ünï.py": "a = 1\n"})
    head = repo.commit({"dir x/ünï.py": "a = 2\n"})
    [change] = parse_diff(GitRepo(repo.path).diff(base, head))
    assert change.path == "dir x/ünï.py"


# -- content ------------------------------------------------------------------------------------


def test_show(repo: Repo) -> None:
    sha = repo.commit({"pkg/a b.py": "x = 1\n", "bin": b"\x00\xff"})
    git = GitRepo(repo.path)
    assert git.show(sha, "pkg/a b.py") == b"x = 1\n"
    assert git.show(sha, "bin") == b"\x00\xff"
    assert git.show(sha, "pkg") is None
    assert git.show(sha, "missing.py") is None


def test_message(repo: Repo) -> None:
    sha = repo.commit({"a.py": ""}, msg="Fix rounding\n\nUse banker's rounding.\n\nRefs #3")
    assert GitRepo(repo.path).message(sha) == (
        "Fix rounding",
        "Use banker's rounding.\n\nRefs #3",
    )


def test_files_at(repo: Repo) -> None:
    sha = repo.commit({"b.py": "", "pkg/__init__.py": "", "pkg/sub/m.py": "", "z z.txt": ""})
    repo.commit({"later.py": ""})
    assert GitRepo(repo.path).files_at(sha) == [
        "b.py",
        "pkg/__init__.py",
        "pkg/sub/m.py",
        "z z.txt",
    ]


# -- materialize --------------------------------------------------------------------------------


def test_materialize_is_a_read_only_copy_of_the_commit(repo: Repo, tmp_path: Path) -> None:
    repo.write({".gitattributes": "secret.py export-ignore\nsubst.py export-subst\n"})
    repo.write({"secret.py": "kept\n", "subst.py": "$Format:%H$\n", "pkg/run.sh": "#!/bin/sh\n"})
    (repo.path / "pkg" / "run.sh").chmod(0o755)
    os.symlink("pkg/run.sh", repo.path / "inside")
    os.symlink("/etc/passwd", repo.path / "outside")
    os.symlink("../../x", repo.path / "pkg" / "escape")
    sha = repo.commit()
    repo.commit({"secret.py": "newer\n"})

    out = GitRepo(repo.path).materialize(sha, tmp_path / "trees")

    assert out == tmp_path / "trees" / sha
    assert (out / "secret.py").read_text() == "kept\n"
    assert (out / "subst.py").read_text() == "$Format:%H$\n"
    # an in-tree symlink to a regular file is a plain copy: no symlink is ever written
    assert not (out / "inside").is_symlink()
    assert (out / "inside").read_text() == "#!/bin/sh\n"
    assert not os.path.lexists(out / "outside")
    assert not os.path.lexists(out / "pkg" / "escape")
    assert not (out / ".git").exists()
    mode = (out / "pkg" / "run.sh").stat().st_mode
    assert mode & stat.S_IXUSR
    for path in [out, out / "pkg", out / "secret.py", out / "pkg" / "run.sh"]:
        assert not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH), path
    assert out.stat().st_mode & stat.S_IROTH
    assert sorted(p.name for p in (tmp_path / "trees").iterdir()) == [sha]


def test_materialize_is_cached_and_safe_to_race(repo: Repo, tmp_path: Path) -> None:
    sha = repo.commit({f"m{i}.py": f"x = {i}\n" for i in range(30)})
    git = GitRepo(repo.path)
    results: list[Path] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(git.materialize(sha, tmp_path / "trees"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert set(results) == {tmp_path / "trees" / sha}
    assert sorted(p.name for p in (tmp_path / "trees").iterdir()) == [sha]
    assert len(list((tmp_path / "trees" / sha).iterdir())) == 30
    inode = (tmp_path / "trees" / sha).stat().st_ino
    assert git.materialize("main", tmp_path / "trees").stat().st_ino == inode


def test_materialize_empty_tree(repo: Repo, tmp_path: Path) -> None:
    sha = repo.commit()
    assert list(GitRepo(repo.path).materialize(sha, tmp_path / "t").iterdir()) == []
