"""Process hardening and reaping (Linux): prctl, OOM score, leftover processes.

All functions are best effort where the kernel may refuse (an unprivileged container can forbid
prctl or /proc writes); they report what happened instead of hiding it.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys

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
