"""The git adapter: the only module that runs ``git``.

Every call goes through :meth:`GitRepo._run` with a timeout, a scrubbed environment (no
``GIT_*`` variables inherited from the caller, no system or global config) and ``-c`` options
that neutralise repository config able to change the output or run programs (external diff
drivers, textconv, pagers, fsmonitor, hooks, replace refs, relative diffs, prefixes).

Bad input is a :class:`~bot.errors.RepositoryError` with a one-line message; a git that is
missing or hangs is an :class:`~bot.errors.InfrastructureError`.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from bot.errors import InfrastructureError, RepositoryError

TIMEOUT = 60.0  # seconds for one ordinary git call
MATERIALIZE_TIMEOUT = 600.0  # seconds for reading a whole tree out of the object store

_CONFIG = (
    "core.quotepath=false",
    "diff.external=",
    "diff.noprefix=false",
    "diff.mnemonicPrefix=false",
    "diff.relative=false",
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "core.pager=cat",
    "log.showSignature=false",
    "i18n.logOutputEncoding=UTF-8",
)
_SHA_LENGTHS = (40, 64)


def git_env() -> dict[str, str]:
    """An environment in which git reads no user or system config and never prompts."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_TERMINAL_PROMPT="0",
        GIT_PAGER="cat",
        GIT_OPTIONAL_LOCKS="0",
        GIT_NO_REPLACE_OBJECTS="1",
        GIT_ATTR_NOSYSTEM="1",
        GIT_LITERAL_PATHSPECS="1",
        LC_ALL="C",
        LANG="C",
    )
    return env


def _first_line(data: bytes) -> str:
    for line in data.decode("utf-8", "replace").splitlines():
        line = line.strip()
        if line:
            return line.removeprefix("fatal: ").removeprefix("error: ")
    return "no output"


class GitRepo:
    """A local git repository (work tree or bare), read through plain ``git`` commands."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        if not self.path.is_dir():
            raise RepositoryError(f"not a git repository: {self.path}")
        proc = self._run(["rev-parse", "--git-dir"], check=False)
        if proc.returncode != 0:
            detail = _first_line(proc.stderr)
            if "dubious ownership" in detail:
                raise RepositoryError(
                    f"not a git repository: {self.path} (owned by another user; "
                    "see git's safe.directory)"
                )
            raise RepositoryError(f"not a git repository: {self.path}")

    # -- plumbing -----------------------------------------------------------------------------

    def _run(
        self,
        args: Sequence[str],
        *,
        check: bool = True,
        timeout: float | None = None,
        stdin: bytes | None = None,
    ) -> subprocess.CompletedProcess[bytes]:
        timeout = TIMEOUT if timeout is None else timeout
        cmd = ["git", "--no-pager"]
        for item in _CONFIG:
            cmd += ["-c", item]
        cmd += ["-C", str(self.path), *args]
        try:
            proc = subprocess.run(
                cmd,
                input=stdin,
                stdin=None if stdin is not None else subprocess.DEVNULL,
                capture_output=True,
                env=git_env(),
                timeout=timeout,
                check=False,
            )
        except FileNotFoundError as exc:
            raise InfrastructureError("git is not installed (not found on PATH)") from exc
        except subprocess.TimeoutExpired as exc:
            raise InfrastructureError(f"git {args[0]} timed out after {timeout:g}s") from exc
        if check and proc.returncode != 0:
            raise RepositoryError(f"git {args[0]} failed: {_first_line(proc.stderr)}")
        return proc

    # -- revisions ----------------------------------------------------------------------------

    def resolve(self, rev: str) -> str:
        """The full sha of the commit ``rev`` names; RepositoryError naming ``rev`` if none."""
        if not rev or rev.startswith("-") or any(c in rev for c in "\0\n"):
            raise RepositoryError(f"unknown revision {rev!r}")
        proc = self._run(
            ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"],
            check=False,
        )
        sha = proc.stdout.decode("ascii", "replace").strip()
        if proc.returncode != 0 or len(sha) not in _SHA_LENGTHS:
            raise RepositoryError(f"unknown revision {rev!r}")
        return sha

    def resolve_range(self, base: str, head: str) -> tuple[str, str]:
        """Both shas; RepositoryError for an unknown revision or when both are one commit."""
        base_sha, head_sha = self.resolve(base), self.resolve(head)
        if base_sha == head_sha:
            raise RepositoryError(
                f"empty range: base and head are the same commit ({base_sha[:12]})"
            )
        return base_sha, head_sha

    # -- content ------------------------------------------------------------------------------

    def diff(self, base_sha: str, head_sha: str) -> str:
        """The unified diff base..head: renames detected, 3 lines of context, no drivers.

        Raises RepositoryError for an empty range (same commit, or no changes at all).
        """
        base, head = self.resolve_range(base_sha, head_sha)
        proc = self._run(
            [
                "diff",
                "--no-color",
                "--no-ext-diff",
                "--no-textconv",
                "--no-relative",
                "--find-renames",
                "--unified=3",
                "--diff-algorithm=myers",
                "--src-prefix=a/",
                "--dst-prefix=b/",
                "--end-of-options",
                base,
                head,
                "--",
            ]
        )
        text = proc.stdout.decode("utf-8", "replace")
        if not text.strip():
            raise RepositoryError(f"empty range: no changes between {base[:12]} and {head[:12]}")
        return text

    def show(self, sha: str, path: str) -> bytes | None:
        """The bytes of ``path`` at commit ``sha``; None when it is absent or not a file."""
        entry = self._tree_entry(sha, path)
        if entry is None or entry[1] != "blob":
            return None
        return self._run(["cat-file", "blob", entry[2]]).stdout

    def message(self, sha: str) -> tuple[str, str]:
        """(subject, body) of the commit message."""
        commit = self.resolve(sha)
        proc = self._run(["log", "-1", "--no-walk", "--format=%s%x00%b", commit, "--"])
        subject, _, body = proc.stdout.decode("utf-8", "replace").partition("\0")
        return subject.strip(), body.strip()

    def files_at(self, sha: str) -> list[str]:
        """Repo-relative posix paths of every file (blob, symlinks included) at ``sha``."""
        return sorted(path for mode, kind, _oid, path in self._ls_tree(sha) if kind == "blob")

    def _ls_tree(self, sha: str, path: str | None = None) -> list[tuple[str, str, str, str]]:
        commit = self.resolve(sha)
        args = ["ls-tree", "-z", "--full-tree"]
        args += ["-r", commit] if path is None else [commit, "--", path]
        out = self._run(args).stdout.decode("utf-8", "surrogateescape")
        entries = []
        for record in out.split("\0"):
            if not record:
                continue
            meta, _, name = record.partition("\t")
            mode, kind, oid = meta.split(" ")
            entries.append((mode, kind, oid, name))
        return entries

    def _tree_entry(self, sha: str, path: str) -> tuple[str, str, str, str] | None:
        for entry in self._ls_tree(sha, path):
            if entry[3] == path:
                return entry
        return None

    # -- checkouts ----------------------------------------------------------------------------

    def materialize(self, sha: str, dest_root: str | os.PathLike[str]) -> Path:
        """A read-only plain-directory copy of commit ``sha`` at ``dest_root/<sha>``.

        Cached by sha; built in a temporary sibling directory and renamed into place, so a
        concurrent run sees either nothing or the whole tree. Files are read from the object
        store (not ``git archive``, which would honour ``export-ignore``/``export-subst``).
        Submodules are left out; symlinks are kept only when they stay inside the tree.
        """
        commit = self.resolve(sha)
        root = Path(dest_root)
        root.mkdir(parents=True, exist_ok=True)
        final = root / commit
        if final.is_dir():
            return final
        tmp = Path(tempfile.mkdtemp(prefix=f".{commit[:12]}.", suffix=".tmp", dir=root))
        try:
            tmp.chmod(0o755)
            self._write_tree(commit, tmp)
            _make_read_only(tmp)
            try:
                os.rename(tmp, final)
            except OSError:
                if not final.is_dir():
                    raise
                _remove_tree(tmp)  # another run finished first: use its copy
            return final
        except BaseException:
            if tmp.exists():
                _remove_tree(tmp)
            raise

    def _write_tree(self, commit: str, dest: Path) -> None:
        entries = [e for e in self._ls_tree(commit) if e[1] == "blob"]
        if not entries:
            return
        stdin = "".join(f"{oid}\n" for _mode, _kind, oid, _path in entries).encode()
        data = self._run(["cat-file", "--batch"], stdin=stdin, timeout=MATERIALIZE_TIMEOUT).stdout
        pos = 0
        for mode, _kind, _oid, rel in entries:
            newline = data.index(b"\n", pos)
            header = data[pos:newline].split(b" ")
            size = int(header[2])
            content = data[newline + 1 : newline + 1 + size]
            pos = newline + 1 + size + 1
            _write_entry(dest, rel, mode, content)


def _write_entry(dest: Path, rel: str, mode: str, content: bytes) -> None:
    pure = PurePosixPath(rel)
    if pure.is_absolute() or ".." in pure.parts:
        return
    target = dest.joinpath(*pure.parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    if mode == "120000":
        link = os.fsdecode(content)
        resolved = os.path.normpath(os.path.join(str(pure.parent), link))
        if os.path.isabs(link) or resolved == ".." or resolved.startswith("../"):
            return
        os.symlink(link, target)
        return
    target.write_bytes(content)
    if mode == "100755":
        target.chmod(0o755)


def _make_read_only(root: Path) -> None:
    write = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
    for dirpath, _dirnames, filenames in os.walk(root):
        for name in filenames:
            path = os.path.join(dirpath, name)
            if not os.path.islink(path):
                os.chmod(path, stat.S_IMODE(os.lstat(path).st_mode) & ~write)
    for dirpath, _dirnames, _filenames in os.walk(root, topdown=False):
        os.chmod(dirpath, stat.S_IMODE(os.lstat(dirpath).st_mode) & ~write)


def _remove_tree(root: Path) -> None:
    for dirpath, _dirnames, _filenames in os.walk(root):
        os.chmod(dirpath, 0o700)
    shutil.rmtree(root, ignore_errors=True)
