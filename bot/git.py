"""The git adapter: the only module that runs ``git``.

Every call goes through :meth:`GitRepo._run` with a timeout, a scrubbed environment (no
``GIT_*`` variables inherited from the caller, no system or global config) and ``-c`` options
that neutralise repository config able to change the output or run programs (external diff
drivers, textconv, pagers, fsmonitor, hooks, replace refs, relative diffs, prefixes).

Bad input is a :class:`~bot.errors.RepositoryError` with a one-line message; a git that is
missing or hangs is an :class:`~bot.errors.InfrastructureError`.

A pull request is hostile input (see ``docs/security.md``). Nothing here follows a symlink on
the host: symlinks are resolved inside the git tree listing only, and a materialized tree holds
plain files and directories, nothing else. Sizes are checked from ``git ls-tree -l`` before a
byte is read (:class:`TreeLimits`), and blob contents are streamed to disk, never held whole.

Longer than ~400 lines: it is the one git adapter (tests/test_layering.py), and the defences
against hostile trees (listing-only symlink resolution, caps, ``O_NOFOLLOW`` reads, eviction)
read best next to the git calls whose output they guard.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

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
_REGULAR = ("100644", "100755")
_SYMLINK = "120000"
_MAX_LINK_BYTES = 4096  # a symlink blob longer than PATH_MAX is not a link we follow
_MAX_HOPS = 40  # symlinks followed while resolving one path (the kernel's ELOOP limit)
_CHUNK = 1 << 20
_MB = 1_000_000


@dataclass(frozen=True)
class TreeLimits:
    """What one commit may cost us, checked from sizes git reports before anything is read.

    A blob over ``max_file_bytes`` is left out of a materialized tree (and noted); a tree over
    ``max_tree_bytes`` (what would be written) or ``max_tree_files`` (entries), or a diff over
    ``max_diff_bytes``, is a :class:`RepositoryError` naming the cap. ``keep_trees`` and
    ``trees_budget_bytes`` bound the cache of materialized trees (least recently used go first).
    """

    max_file_bytes: int = 2 * _MB
    max_tree_bytes: int = 200 * _MB
    max_tree_files: int = 20_000
    max_diff_bytes: int = 20 * _MB
    keep_trees: int = 16
    trees_budget_bytes: int = 2_000 * _MB


@dataclass
class TreePlan:
    """What materializing a commit writes: ``files`` maps a path to the (mode, blob id, size)
    written there (an in-tree symlink to a regular file becomes a copy of its target);
    ``left_out`` maps each other entry to the reason (symlink out of the tree, too large...)."""

    files: dict[str, tuple[str, str, int]] = field(default_factory=dict)
    left_out: dict[str, str] = field(default_factory=dict)

    @property
    def total_bytes(self) -> int:
        return sum(size for _mode, _oid, size in self.files.values())


def size_text(n: int) -> str:
    """``850 MB``, ``2 MB``, ``1.5 MB``, ``12 KB``, ``7 bytes``: sizes in messages."""
    if n >= _MB:
        return f"{n / _MB:.1f}".removesuffix(".0") + " MB"
    if n >= 1000:
        return f"{n // 1000} KB"
    return f"{n} bytes"


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

    def __init__(self, path: str | os.PathLike[str], *, limits: TreeLimits | None = None) -> None:
        self.path = Path(path)
        self.limits = limits or TreeLimits()
        self._plans: dict[str, TreePlan] = {}
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

    def _popen(self, args: Sequence[str]) -> subprocess.Popen[bytes]:
        cmd = ["git", "--no-pager"]
        for item in _CONFIG:
            cmd += ["-c", item]
        cmd += ["-C", str(self.path), *args]
        try:
            return subprocess.Popen(
                cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                env=git_env(),
            )  # fmt: skip
        except FileNotFoundError as exc:
            raise InfrastructureError("git is not installed (not found on PATH)") from exc

    @contextlib.contextmanager
    def _streaming(
        self, args: Sequence[str], *, timeout: float, stdin: Iterable[bytes] = ()
    ) -> Iterator[IO[bytes]]:
        """git's stdout as a stream; stdin fed from a thread; killed after ``timeout``."""
        proc = self._popen(args)
        assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
        pipe_in, pipe_err = proc.stdin, proc.stderr
        expired = threading.Event()
        stderr: list[bytes] = []

        def feed() -> None:
            with contextlib.suppress(OSError), pipe_in:
                for chunk in stdin:
                    pipe_in.write(chunk)

        def drain_stderr() -> None:
            stderr.append(pipe_err.read(64_000))
            pipe_err.read()

        def expire() -> None:
            expired.set()
            proc.kill()

        threads = [threading.Thread(target=feed, daemon=True),
                   threading.Thread(target=drain_stderr, daemon=True)]  # fmt: skip
        timer = threading.Timer(timeout, expire)
        for thread in threads:
            thread.start()
        timer.start()
        try:
            yield proc.stdout
        except BaseException:
            proc.kill()
            if expired.is_set():
                raise InfrastructureError(f"git {args[0]} timed out after {timeout:g}s") from None
            raise
        finally:
            timer.cancel()
            proc.stdout.close()
            code = proc.wait()
            for thread in threads:
                thread.join(timeout=5)
            for pipe in (pipe_in, pipe_err):
                with contextlib.suppress(OSError):
                    pipe.close()
        if expired.is_set():
            raise InfrastructureError(f"git {args[0]} timed out after {timeout:g}s")
        if code != 0:
            raise RepositoryError(f"git {args[0]} failed: {_first_line(b''.join(stderr))}")

    def _capped(self, args: Sequence[str], cap: int, too_big: Callable[[], str]) -> bytes:
        """git's whole stdout, read in chunks and abandoned (RepositoryError) past ``cap``."""
        chunks: list[bytes] = []
        total = 0
        with self._streaming(args, timeout=TIMEOUT) as out:
            while chunk := out.read(_CHUNK):
                total += len(chunk)
                if total > cap:
                    raise RepositoryError(too_big())
                chunks.append(chunk)
        return b"".join(chunks)

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
        cap = self.limits.max_diff_bytes
        out = self._capped(
            [
                # a blob over the per-file cap is "Binary files differ": git never diffs it
                "-c",
                f"core.bigFileThreshold={self.limits.max_file_bytes}",
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
            ],
            cap,
            lambda: f"the diff is over the {size_text(cap)} cap",
        )
        text = out.decode("utf-8", "replace")
        if not text.strip():
            raise RepositoryError(f"empty range: no changes between {base[:12]} and {head[:12]}")
        return text

    def show(self, sha: str, path: str) -> bytes | None:
        """The bytes of ``path`` at commit ``sha``; None when it is absent, not a regular file
        (an in-tree symlink to one is followed inside the tree, never on the host) or over the
        per-file cap."""
        entry = self.tree_plan(sha).files.get(path)
        if entry is None:
            return None
        return self._run(["cat-file", "blob", entry[1]]).stdout

    def message(self, sha: str) -> tuple[str, str]:
        """(subject, body) of the commit message."""
        commit = self.resolve(sha)
        proc = self._run(["log", "-1", "--no-walk", "--format=%s%x00%b", commit, "--"])
        subject, _, body = proc.stdout.decode("utf-8", "replace").partition("\0")
        return subject.strip(), body.strip()

    def files_at(self, sha: str) -> list[str]:
        """Repo-relative posix paths of every file (blob, symlinks included) at ``sha``."""
        return sorted(path for mode, kind, _oid, path in self._ls_tree(sha) if kind == "blob")

    def _ls_tree(self, sha: str) -> list[tuple[str, str, str, str]]:
        return [(mode, kind, oid, rel) for mode, kind, oid, _size, rel in self._ls_sized(sha)]

    def _ls_sized(self, sha: str, name: str = "") -> list[tuple[str, str, str, int, str]]:
        """Every entry of the commit's tree, recursively, with blob sizes (-1 for others).

        The listing is read in chunks and abandoned past what ``max_tree_files`` entries with
        long paths could need, so a tree of a million files is refused before it is listed."""
        commit = self.resolve(sha)
        limit = self.limits.max_tree_files
        raw = self._capped(
            ["ls-tree", "-z", "-r", "-l", "--full-tree", commit],
            limit * 512 + _MB,
            lambda: (
                f"{name or 'the tree ' + commit[:12]} has more than {limit:,} files, over the cap"
            ),
        )
        entries = []
        for record in raw.decode("utf-8", "surrogateescape").split("\0"):
            if not record:
                continue
            meta, _, rel = record.partition("\t")
            mode, kind, oid, size = meta.split()
            entries.append((mode, kind, oid, int(size) if size.isdigit() else -1, rel))
        return entries

    # -- checkouts ----------------------------------------------------------------------------

    def tree_plan(self, sha: str, *, side: str = "") -> TreePlan:
        """What :meth:`materialize` writes for ``sha`` (see :class:`TreePlan`), computed from
        the tree listing and symlink blobs only; RepositoryError when the tree is over a cap
        (``side``, e.g. "head", names the tree in the message)."""
        commit = self.resolve(sha)
        if commit in self._plans:
            return self._plans[commit]
        limits = self.limits
        name = f"the {side} tree ({commit[:12]})" if side else f"the tree {commit[:12]}"
        entries = [e for e in self._ls_sized(commit, name) if e[1] == "blob"]
        if len(entries) > limits.max_tree_files:
            raise RepositoryError(
                f"{name} has {len(entries):,} files, over the {limits.max_tree_files:,}-file cap"
            )
        plan = TreePlan()
        regular: dict[str, tuple[str, str, int]] = {}
        links: dict[str, str] = {}
        dirs = {""}
        for mode, _kind, oid, size, rel in entries:
            pure = PurePosixPath(rel)
            if pure.is_absolute() or any(p in ("", ".", "..") for p in rel.split("/")):
                plan.left_out[rel] = "unsafe path"
                continue
            dirs.update("/".join(pure.parts[:i]) for i in range(1, len(pure.parts)))
            if mode in _REGULAR:
                regular[rel] = (mode, oid, size)
            elif mode == _SYMLINK:
                links[rel] = oid
            else:
                plan.left_out[rel] = f"unsupported mode {mode}"
        targets = self._link_targets(links, entries)
        for rel in sorted(regular.keys() | links.keys()):
            if rel in regular:
                entry: tuple[str, str, int] | None = regular[rel]
            else:
                target = targets.get(rel)
                found = None if target is None else _resolve(rel, regular, targets, dirs)
                entry = regular[found] if found else None
                if entry is None:
                    plan.left_out[rel] = "symlink that leaves the tree or is not to a file"
                    continue
            assert entry is not None
            if entry[2] > limits.max_file_bytes:
                plan.left_out[rel] = (
                    f"{size_text(entry[2])}, over the {size_text(limits.max_file_bytes)} "
                    "per-file cap"
                )
                continue
            plan.files[rel] = entry
        if plan.total_bytes > limits.max_tree_bytes:
            raise RepositoryError(
                f"{name} is {size_text(plan.total_bytes)}, over the "
                f"{size_text(limits.max_tree_bytes)} cap"
            )
        self._plans[commit] = plan
        return plan

    def _link_targets(
        self, links: dict[str, str], entries: list[tuple[str, str, str, int, str]]
    ) -> dict[str, str]:
        """The target text of each symlink short enough to be one (PATH_MAX), from its blob."""
        sizes = {e[4]: e[3] for e in entries}
        wanted = [(rel, oid) for rel, oid in links.items() if 0 <= sizes[rel] <= _MAX_LINK_BYTES]
        targets: dict[str, str] = {}

        def keep(index: int, chunks: Iterator[bytes]) -> None:
            targets[wanted[index][0]] = b"".join(chunks).decode("utf-8", "surrogateescape")

        self._cat_blobs([oid for _rel, oid in wanted], keep)
        return targets

    def _cat_blobs(
        self, oids: Sequence[str], on_blob: Callable[[int, Iterator[bytes]], None]
    ) -> None:
        """``on_blob(i, chunks)`` for each blob of ``oids``, streamed from ``cat-file --batch``
        one chunk at a time (nothing is read whole)."""
        if not oids:
            return
        feed = (f"{oid}\n".encode() for oid in oids)
        with self._streaming(["cat-file", "--batch"], timeout=MATERIALIZE_TIMEOUT,
                             stdin=feed) as out:  # fmt: skip
            for index, oid in enumerate(oids):
                header = out.readline(256).split()
                if len(header) != 3 or header[1] != b"blob" or not header[2].isdigit():
                    raise RepositoryError(f"git cat-file failed: cannot read blob {oid[:12]}")
                left = [int(header[2])]
                on_blob(index, _chunks(out, left, oid))
                for _ in _chunks(out, left, oid):  # what the consumer did not take
                    pass
                out.read(1)  # the newline after each blob

    # -- checkouts ----------------------------------------------------------------------------

    def materialize(self, sha: str, dest_root: str | os.PathLike[str], *, side: str = "") -> Path:
        """A read-only plain-directory copy of commit ``sha`` at ``dest_root/<sha>``.

        Cached by sha; built in a temporary sibling directory and renamed into place, so a
        concurrent run sees either nothing or the whole tree. Files are read from the object
        store (not ``git archive``, which would honour ``export-ignore``/``export-subst``) and
        streamed to disk. Only regular files and directories are written: an in-tree symlink
        to a regular file becomes a copy of it, every other symlink and submodule is left out,
        as is a blob over the per-file cap (:meth:`tree_plan` says which and why). Old trees
        are evicted from ``dest_root`` (:func:`evict_trees`).
        """
        commit = self.resolve(sha)
        root = Path(dest_root)
        root.mkdir(parents=True, exist_ok=True)
        final = root / commit
        if final.is_dir() and not final.is_symlink():
            self.tree_plan(commit, side=side)  # the caps hold for a cached tree too
            with contextlib.suppress(OSError):
                os.utime(final)  # recently used: kept by eviction
            return final
        plan = self.tree_plan(commit, side=side)
        tmp = Path(tempfile.mkdtemp(prefix=f".{commit[:12]}.", suffix=".tmp", dir=root))
        try:
            tmp.chmod(0o755)
            self._write_tree(plan, tmp)
            _make_read_only(tmp)
            try:
                os.rename(tmp, final)
            except OSError:
                if not final.is_dir():
                    raise
                _remove_tree(tmp)  # another run finished first: use its copy
        except BaseException:
            if tmp.exists():
                _remove_tree(tmp)
            raise
        evict_trees(root, self.limits, keep={commit})
        return final

    def _write_tree(self, plan: TreePlan, dest: Path) -> None:
        items = sorted(plan.files.items())
        if not items:
            return

        def write(index: int, chunks: Iterator[bytes]) -> None:
            rel, (mode, _oid, _size) = items[index]
            if not _write_file(dest, rel, mode, chunks):
                plan.left_out[rel] = "path clashes with another entry"

        self._cat_blobs([oid for _rel, (_mode, oid, _size) in items], write)
        for rel in plan.left_out:
            plan.files.pop(rel, None)


def _chunks(out: IO[bytes], left: list[int], oid: str) -> Iterator[bytes]:
    """The next ``left[0]`` bytes of ``out`` in chunks, counting ``left[0]`` down."""
    while left[0] > 0:
        chunk = out.read(min(left[0], _CHUNK))
        if not chunk:
            raise RepositoryError(f"git cat-file failed: {oid[:12]} cut short")
        left[0] -= len(chunk)
        yield chunk


def _resolve(
    path: str,
    regular: dict[str, tuple[str, str, int]],
    links: dict[str, str],
    dirs: set[str],
) -> str | None:
    """The regular file ``path`` names inside the tree listing, following symlinks component
    by component (chains included, at most ``_MAX_HOPS``); None when it leaves the tree, is
    absolute, loops, or ends anywhere but at a regular file. Never touches the filesystem."""
    current: list[str] = []
    todo = path.split("/")
    hops = 0
    while todo:
        part = todo.pop(0)
        if part in ("", "."):
            continue
        if part == "..":
            if not current:
                return None  # above the root of the tree
            current.pop()
            continue
        current.append(part)
        key = "/".join(current)
        if key in links:
            hops += 1
            target = links[key]
            if hops > _MAX_HOPS or target.startswith("/") or "\0" in target:
                return None
            current.pop()
            todo = target.split("/") + todo
        elif todo:
            if key not in dirs:
                return None
        else:
            return key if key in regular else None
    return None  # the root or a directory


def _write_file(dest: Path, rel: str, mode: str, chunks: Iterator[bytes]) -> bool:
    """Write a new regular file below ``dest``: no component may be a symlink, the file must
    not exist. False (nothing written) when the path clashes with what is already there."""
    parts = rel.split("/")
    fd = os.open(dest, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        for part in parts[:-1]:
            with contextlib.suppress(FileExistsError):
                os.mkdir(part, 0o755, dir_fd=fd)
            try:
                sub = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            except OSError:
                return False
            os.close(fd)
            fd = sub
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
        try:
            out = os.open(parts[-1], flags, 0o755 if mode == "100755" else 0o644, dir_fd=fd)
        except OSError:
            return False
        with os.fdopen(out, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
        return True
    finally:
        os.close(fd)


def read_tree_file(tree: Path, rel: str, max_bytes: int) -> bytes | None:
    """The bytes of the regular file ``rel`` below ``tree``, or None when it is missing, not a
    regular file, over ``max_bytes`` (checked before reading) or reached through a symlink at
    any component: every component is opened with ``O_NOFOLLOW``, so no link is ever followed
    (nor a fifo or a device opened for reading)."""
    parts = rel.split("/")
    if rel.startswith("/") or any(p in ("", ".", "..") for p in parts):
        return None
    try:
        fd = os.open(tree, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        for part in parts[:-1]:
            sub = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            os.close(fd)
            fd = sub
        flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY
        sub = os.open(parts[-1], flags, dir_fd=fd)
        os.close(fd)
        fd = sub
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > max_bytes:
            return None
        with os.fdopen(fd, "rb") as handle:
            fd = -1
            data = handle.read(max_bytes + 1)
        return data if len(data) <= max_bytes else None
    except OSError:
        return None
    finally:
        if fd >= 0:
            os.close(fd)


def read_tree_text(tree: Path, rel: str, max_bytes: int) -> str | None:
    """``read_tree_file`` as UTF-8 text; None also when the bytes are not UTF-8."""
    data = read_tree_file(tree, rel, max_bytes)
    try:
        return None if data is None else data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def evict_trees(
    root: Path, limits: TreeLimits, *, keep: Collection[str] = (), grace: float = 3600.0
) -> list[str]:
    """Remove the least recently used materialized trees under ``root`` beyond the newest
    ``limits.keep_trees`` or ``limits.trees_budget_bytes``; ``keep`` and any tree used in the
    last ``grace`` seconds (a concurrent check may be reading it) stay. The names removed."""
    trees = []
    for entry in os.scandir(root):
        if entry.is_dir(follow_symlinks=False) and len(entry.name) in _SHA_LENGTHS:
            trees.append((entry.stat(follow_symlinks=False).st_mtime, entry.name))
    trees.sort(reverse=True)
    now = time.time()
    removed: list[str] = []
    used = 0
    kept = 0
    for mtime, name in trees:
        size = _tree_bytes(root / name)
        over = kept >= limits.keep_trees or used + size > limits.trees_budget_bytes
        if over and name not in keep and now - mtime > grace:
            _remove_tree(root / name)
            removed.append(name)
            continue
        kept += 1
        used += size
    return removed


def _tree_bytes(path: Path) -> int:
    total = 0
    for dirpath, _dirnames, filenames in os.walk(path):
        for name in filenames:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(dirpath, name)).st_size
    return total


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
