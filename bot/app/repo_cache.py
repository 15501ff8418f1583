"""Bare mirrors of the repositories the App checks, fetched with git into a per-repository cache.

An installation token is sent for http(s) URLs only, as an ``http.extraHeader`` in git's
environment: it never enters argv, the URL, the cache's config or an error message.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

from bot.app.jobs import RepoRef
from bot.errors import InfrastructureError, RepositoryError
from bot.git import git_env
from bot.redaction import scrub

__all__ = ["FETCH_TIMEOUT", "RepoCache"]

FETCH_TIMEOUT = 600.0


def _git_env(token: str | None) -> dict[str, str]:
    env = git_env()
    env["GIT_ASKPASS"] = "true"
    if token:
        # A header for this process only: never in argv, the URL or the cache's config.
        basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
        env.update(
            GIT_CONFIG_COUNT="1",
            GIT_CONFIG_KEY_0="http.extraHeader",
            GIT_CONFIG_VALUE_0=f"Authorization: Basic {basic}",
        )
    return env


class RepoCache:
    """Bare mirrors of the repositories the App checks, one per repository, under ``root``.

    Fetches are serialized per repository with a file lock; readers (the pipeline) see commits,
    which git never rewrites in place.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, full_name: str) -> Path:
        owner, _, name = full_name.partition("/")
        safe = [re.sub(r"[^A-Za-z0-9._-]", "_", part) or "_" for part in (owner, name)]
        return self.root / safe[0] / f"{safe[1]}.git"

    @contextlib.contextmanager
    def locked(self, full_name: str) -> Iterator[Path]:
        path = self.path(full_name)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.parent / f".{path.name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield path
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def fetch(
        self,
        repo: RepoRef,
        token: str | None,
        *,
        shas: tuple[str, ...] = (),
        pull: int | None = None,
    ) -> Path:
        """The bare mirror of ``repo`` holding every branch and each of ``shas``."""
        url = repo.clone_url
        if not url.startswith(("https://", "http://", "file://")) and not url.startswith("/"):
            raise RepositoryError(f"unsupported clone URL scheme for {repo.full_name}")
        send = token if url.startswith(("https://", "http://")) else None
        with self.locked(repo.full_name) as path:
            if not (path / "HEAD").is_file():
                self._git(None, ["init", "--bare", "--quiet", str(path)], send)
            self._git(path, ["fetch", "--quiet", "--no-tags", "--force", "--prune", url,
                             "+refs/heads/*:refs/heads/*"], send)  # fmt: skip
            missing = [s for s in shas if s and not self._has(path, s)]
            if missing and pull is not None:
                ref = f"refs/pull/{pull}/head"
                with contextlib.suppress(RepositoryError):
                    self._git(path, ["fetch", "--quiet", "--no-tags", "--force", url,
                                     f"+{ref}:{ref}"], send)  # fmt: skip
                missing = [s for s in missing if not self._has(path, s)]
            for sha in missing:
                self._git(path, ["fetch", "--quiet", "--no-tags", url, sha], send)
                if not self._has(path, sha):
                    raise RepositoryError(f"commit {sha[:12]} not found in {repo.full_name}")
            if repo.default_branch and self._has(path, f"refs/heads/{repo.default_branch}"):
                self._git(path, ["symbolic-ref", "HEAD", f"refs/heads/{repo.default_branch}"], send)
        return path

    def _has(self, path: Path, rev: str) -> bool:
        proc = subprocess.run(
            ["git", "-C", str(path), "cat-file", "-e", f"{rev}^{{commit}}"],
            env=_git_env(None), capture_output=True, timeout=60, check=False,
        )  # fmt: skip
        return proc.returncode == 0

    def _git(self, path: Path | None, args: list[str], token: str | None) -> None:
        cmd = ["git", "-c", "protocol.allow=never", "-c", "protocol.https.allow=always",
               "-c", "protocol.http.allow=always", "-c", "protocol.file.allow=always",
               "-c", "core.hooksPath=/dev/null"]  # fmt: skip
        if path is not None:
            cmd += ["-C", str(path)]
        try:
            proc = subprocess.run(
                cmd + args, env=_git_env(token), capture_output=True, timeout=FETCH_TIMEOUT,
                stdin=subprocess.DEVNULL, check=False,
            )  # fmt: skip
        except FileNotFoundError:
            raise InfrastructureError("git is not installed (not found on PATH)") from None
        except subprocess.TimeoutExpired:
            raise InfrastructureError(f"git {args[0]} timed out after {FETCH_TIMEOUT:g}s") from None
        if proc.returncode != 0:
            lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            detail = scrub(lines[-1] if lines else "no output", token)
            raise RepositoryError(f"git {args[0]} failed: {detail.removeprefix('fatal: ')}")
