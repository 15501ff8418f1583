"""Hostile probe: head code cannot reach the base side — its files, caches or processes.

Runs on both sides at once (``alone``: the two sides share the start's pool). The base side
names its process ``dc-base-probe``, keeps a result and marker files in its own scratch, and
waits while the head side attacks: writes into the base side's directory and caches, the
supervisor's /tmp and /dev/shm, the checkouts' ``__pycache__``; signals, ptrace and /proc of
the base process. Each attack must fail, and the base side's result must be unchanged.
"""

import contextlib
import ctypes
import ctypes.util
import errno
import os
import signal
import time
from pathlib import Path

import dc_probe_tree

BEACON = b"dc-base-probe"
PR_SET_NAME = 15
PTRACE_ATTACH = 16
PTRACE_DETACH = 17
WAIT_S = 25.0
ESCAPES: list[str] = []


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def _scratch() -> Path:
    return Path(os.environ["TMPDIR"])


def _base_dirs() -> list[Path]:
    """The base side's directory (``…/sides/base``) and its private subdirectory, if any."""
    here = _scratch()
    while here.name != "head" or here.parent.name != "sides":
        assert here != here.parent, f"no sides/head above {_scratch()}"
        here = here.parent
    base = here.with_name("base")
    assert base.is_dir(), f"{base} is not there: nothing to attack"
    own = base / "own"  # bubblewrap's layout; in Docker base itself is 0700 (not even stat)
    return [base, *([own] if os.path.exists(own) else [])]


REFUSED = {errno.EACCES, errno.EPERM, errno.EROFS}


def _try(what: str, action) -> None:  # type: ignore[no-untyped-def]
    try:
        action()
    except OSError as exc:
        if exc.errno not in REFUSED:  # a wrong path proves nothing
            ESCAPES.append(f"{what}: not refused but {exc!r}")
        return
    ESCAPES.append(what)


def _write(path: Path) -> None:
    """Plant a file; where that worked (a backend without uids), remove it again."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        fh.write("poisoned by head")
    with contextlib.suppress(OSError):
        path.unlink()


def _base_pids() -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                comm = Path(f"/proc/{entry}/comm").read_bytes().strip()
            except OSError:
                continue
            if comm == BEACON:
                found.append(int(entry))
    return found


def _attack_process(pid: int) -> None:
    _try(f"signal {pid}", lambda: os.kill(pid, signal.SIGUSR1))
    _try(f"read /proc/{pid}/environ", lambda: Path(f"/proc/{pid}/environ").read_bytes())
    _try(f"list /proc/{pid}/fd", lambda: os.listdir(f"/proc/{pid}/fd"))
    _try(f"list /proc/{pid}/cwd", lambda: os.listdir(f"/proc/{pid}/cwd"))
    _try(f"open /proc/{pid}/mem", lambda: open(f"/proc/{pid}/mem", "rb").close())
    libc = _libc()
    libc.ptrace.restype = ctypes.c_long
    if libc.ptrace(PTRACE_ATTACH, pid, None, None) == 0:
        ESCAPES.append(f"ptrace {pid}")
        libc.ptrace(PTRACE_DETACH, pid, None, None)


def _attack_files() -> None:
    for base in _base_dirs():
        _try(f"list {base}", lambda b=base: os.listdir(b))
        _try(f"write {base}", lambda b=base: _write(b / "planted.txt"))
        _try(f"plant {base}/.hypothesis", lambda b=base: _write(b / ".hypothesis" / "x" / "y"))
        _try(f"plant {base}/__pycache__", lambda b=base: _write(b / "__pycache__" / "m.pyc"))
    sides = _base_dirs()[0].parent
    for shared in ("/tmp", "/dev/shm", "/var/tmp", str(sides)):
        _try(f"write {shared}", lambda d=shared: _write(Path(d) / "dc-planted-by-head"))
    tree = Path(dc_probe_tree.__file__).parent
    for checkout in {tree, tree.with_name("base")}:
        target = checkout / "__pycache__" / "dc_probe_tree.cpython-311.pyc"
        _try(f"write {target}", lambda t=target: _write(t))


def _head() -> None:
    deadline = time.monotonic() + WAIT_S
    pids = _base_pids()
    while not pids and time.monotonic() < deadline:
        time.sleep(0.05)
        pids = _base_pids()
    assert pids, "the base side never ran at the same time (nothing to attack)"
    _attack_files()
    for pid in pids:
        _attack_process(pid)
    assert not ESCAPES, f"head reached the base side: {ESCAPES}"


def _base() -> None:
    received: list[int] = []
    signal.signal(signal.SIGUSR1, lambda signum, _frame: received.append(signum))
    _libc().prctl(PR_SET_NAME, ctypes.c_char_p(BEACON), 0, 0, 0)
    markers = {
        _scratch() / "state.txt": "base",
        Path.home() / ".hypothesis" / "examples" / "kept": "base example",
        Path.cwd() / "__pycache__" / "helper.txt": "base cache",
    }
    for path, text in markers.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    result = sum(range(1000))
    time.sleep(12.0)  # the head side attacks meanwhile (it may start late on a busy machine)
    assert received == [], f"the base process got signals {received}"
    for path, text in markers.items():
        assert path.read_text() == text, f"{path} changed"
    extra = {p.name for p in _scratch().iterdir()} - {"state.txt", ".hypothesis", "candidate"}
    assert not extra, f"files appeared in the base scratch: {extra}"
    assert result == sum(range(1000))


def test_sides_are_apart() -> None:
    if dc_probe_tree.SIDE == "base":
        _base()
    else:
        _head()
