"""Process hardening and reaping (Linux): prctl, OOM score, leftover processes.

All functions are best effort where the kernel may refuse (an unprivileged container can forbid
prctl or /proc writes); they report what happened instead of hiding it.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import signal
import sys
from typing import Any

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36

_libc: ctypes.CDLL | None = None


def _prctl(option: int, arg: int) -> bool:
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    return int(_libc.prctl(option, arg, 0, 0, 0)) == 0


def warn(msg: str) -> None:
    print(f"dc_harness: {msg}", file=sys.stderr, flush=True)


def set_non_dumpable() -> None:
    """Same-uid processes can no longer ptrace us or open /proc/<pid>/{fd,mem,environ}."""
    if not _prctl(PR_SET_DUMPABLE, 0):
        warn(f"prctl(PR_SET_DUMPABLE, 0) failed: errno {ctypes.get_errno()}")


def die_with_parent() -> None:
    """SIGKILL this process when its parent dies (set before any untrusted import)."""
    if not _prctl(PR_SET_PDEATHSIG, signal.SIGKILL):
        warn(f"prctl(PR_SET_PDEATHSIG) failed: errno {ctypes.get_errno()}")


def become_subreaper() -> bool:
    """Orphaned descendants (daemonized processes) get reparented to us, so we can reap them."""
    return _prctl(PR_SET_CHILD_SUBREAPER, 1)


def raise_oom_score() -> None:
    """Make this process the OOM killer's first choice (workers, never the supervisor)."""
    try:
        with open("/proc/self/oom_score_adj", "w") as fh:
            fh.write("1000")
    except OSError as exc:
        warn(f"cannot raise oom_score_adj: {exc}")


def become(identity: Any) -> None:
    """Drop for good to ``identity`` = (uid, gid): no supplementary groups, no capability left,
    umask 077. Called by a process that will run PR code, before it reads any; a drop that does
    not hold ends the process (fail closed). ``None``: stay as we are (one-uid backends)."""
    os.umask(0o077)
    if identity is None:
        return
    uid, gid = int(identity[0]), int(identity[1])
    try:
        os.setgroups([])
        os.setresgid(gid, gid, gid)
        os.setresuid(uid, uid, uid)
    except OSError as exc:
        raise SystemExit(f"dc_harness: cannot become uid {uid}: {exc}") from None
    if os.getresuid() != (uid, uid, uid) or os.getresgid() != (gid, gid, gid) or os.getgroups():
        raise SystemExit(f"dc_harness: the drop to uid {uid} did not hold")
    if effective_capabilities() != 0:
        raise SystemExit(f"dc_harness: capabilities left after the drop to uid {uid}")
    set_non_dumpable()


def effective_capabilities() -> int:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("CapEff:"):
                    return int(line.split()[1], 16)
    except OSError:
        pass
    return 0


def enter_scratch(scratch: Any) -> None:
    """Create this process's scratch as itself (0700), copy the candidate's files in, chdir.

    ``scratch``: {"root": dir to create, "cand_dir": working dir inside it (or None: root),
    "copy_from": read-only candidate dir to copy (or None)}."""
    if not scratch:
        return
    root = str(scratch["root"])
    os.mkdir(root, 0o700)
    cwd = scratch.get("cand_dir") or root
    source = scratch.get("copy_from")
    if cwd != root:
        if source and os.path.isdir(source):
            shutil.copytree(source, cwd, symlinks=False)
        else:
            os.mkdir(cwd, 0o700)
    os.chdir(cwd)


def kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def _children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue  # exited while we looked
        # pid (comm) state ppid ...; comm may contain spaces and parentheses
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            found.append(int(entry))
    return found


def reap_leftovers() -> int:
    """Kill every process left behind after a batch; returns how many were killed.

    As PID 1 (Docker) ``kill(-1, SIGKILL)`` reaches every other process in the container. Anywhere
    else that would kill the whole user session, so we only kill our own (reparented) children:
    the supervisor is a child subreaper, so daemonized descendants are among them.
    """
    killed = 0
    if os.getpid() == 1:
        with contextlib.suppress(ProcessLookupError):
            os.kill(-1, signal.SIGKILL)
            killed = -1
        _wait_all_children()
        return killed
    for _ in range(20):
        kids = _children_of(os.getpid())
        if not kids:
            break
        for pid in kids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
            killed += 1
        for pid in kids:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
    return killed


def _wait_all_children() -> None:
    """Reap every child (all were just SIGKILLed, so this cannot block for long)."""
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return
