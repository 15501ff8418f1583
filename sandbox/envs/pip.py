"""The one adapter to pip, run as a subprocess of the host's interpreter.

Only these variables of the caller's environment reach pip: the index the operator configures
(``PIP_INDEX_URL``, ``PIP_EXTRA_INDEX_URL``; ``UV_INDEX_URL`` / ``UV_EXTRA_INDEX_URL`` stand in
when the pip ones are unset) and ``PATH``. pip's configuration files are not read
(``PIP_CONFIG_FILE=/dev/null``) and its HTTP cache lives in deepcheck's cache. Nothing here ever
reaches a sandbox: pip runs on the host, and only the wheels it fetched are installed, with
``--no-index``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from sandbox.envs.errors import EnvError
from sandbox.envs.outcomes import last_error, pip_failure, redact
from sandbox.envs.request import EnvRequest, Target

__all__ = ["build_wheels", "download", "index_environment", "install", "make_venv"]

_PASSED = ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL")
_UV = {"PIP_INDEX_URL": "UV_INDEX_URL", "PIP_EXTRA_INDEX_URL": "UV_EXTRA_INDEX_URL"}


def index_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The index variables pip gets from ``environ`` (see the module docstring)."""
    out: dict[str, str] = {}
    for var in _PASSED:
        value = environ.get(var) or environ.get(_UV[var])
        if value:
            out[var] = value
    return out


def _run(
    args: Sequence[str], *, index: Mapping[str, str], cache: Path, timeout: float, what: str
) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "HOME": str(cache),
        "LANG": "C.UTF-8",
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_NO_INPUT": "1",
        "PIP_CACHE_DIR": str(cache / "pip"),
        "PYTHONDONTWRITEBYTECODE": "1",
        **index,
    }
    cmd = [sys.executable, "-m", "pip", *args]
    try:
        return subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        raise EnvError(
            f"{what} took longer than {timeout:.0f} s",
            fix="raise DEEPCHECK_ENV_BUILD_TIMEOUT_S or check the index",
        ) from None
    except OSError as exc:
        raise EnvError(f"{what}: cannot run pip: {exc}") from None


def _format_flags(request: EnvRequest) -> list[str]:
    if request.sdists is True:
        return ["--prefer-binary"]
    flags = ["--only-binary=:all:"]
    if request.sdists:  # only these names, and those from source
        flags += [f"--no-binary={name}" for name in request.sdists]
    return flags


def download(
    request: EnvRequest,
    target: Target,
    dest: Path,
    *,
    find_links: Sequence[Path],
    index: Mapping[str, str],
    cache: Path,
    timeout: float,
) -> list[str]:
    """Resolve the request and download every distribution into ``dest`` (wheels, and sdists
    the request allows); returns notes. Raises EnvError naming the package and the fix."""
    dest.mkdir(parents=True, exist_ok=True)
    work = dest.parent
    constraints, notes = request.effective_constraints()
    reqs = work / "requirements.txt"
    reqs.write_text("".join(f"{r}\n" for r in (*request.harness, *request.requirements)))
    cons = work / "constraints.txt"
    cons.write_text("".join(f"{c}\n" for c in constraints))
    args = ["download", "-q", "--dest", str(dest), "-r", str(reqs), "-c", str(cons)]
    args += _format_flags(request)
    if request.sdists is False:
        args += target.pip_flags
    for link in find_links:
        args += ["--find-links", str(link)]
    if not request.requirements:  # the sandbox's own packages only: no index needed
        args.append("--no-index")
    proc = _run(args, index=index, cache=cache, timeout=timeout, what="resolving the dependencies")
    if proc.returncode != 0:
        failure = pip_failure(proc.stderr, request, target, sdist_only=False)
        if failure.package is not None and not request.sdist_allowed(failure.package):
            sdist_only = _on_index(failure.package, index=index, cache=cache, timeout=timeout)
            failure = pip_failure(proc.stderr, request, target, sdist_only=sdist_only)
        raise failure
    return list(notes)


def _on_index(name: str, *, index: Mapping[str, str], cache: Path, timeout: float) -> bool:
    """Whether the index has any distribution of ``name`` (an sdist counts)."""
    proc = _run(
        ["index", "versions", name], index=index, cache=cache, timeout=timeout,
        what=f"looking up {name}",
    )  # fmt: skip
    return proc.returncode == 0 and "Available versions:" in proc.stdout


def build_wheels(
    sdists: Sequence[Path], dest: Path, *, index: Mapping[str, str], cache: Path, timeout: float
) -> None:
    """Build wheels of the (opted-in) source distributions on the host."""
    proc = _run(
        ["wheel", "-q", "--no-deps", "--wheel-dir", str(dest), *map(str, sdists)],
        index=index, cache=cache, timeout=timeout, what="building sdists",
    )  # fmt: skip
    if proc.returncode != 0:
        names = ", ".join(p.name for p in sdists)
        raise EnvError(f"building a wheel of {names} failed: {last_error(proc.stderr)}")


def make_venv(path: Path, *, timeout: float) -> Path:
    """A virtualenv without pip at ``path``; returns its python."""
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "venv", "--without-pip", str(path)],
            capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise EnvError(f"creating a virtualenv took longer than {timeout:.0f} s") from None
    if proc.returncode != 0:
        raise EnvError(f"creating a virtualenv failed: {last_error(proc.stderr)}")
    return path / "bin" / "python"


def install(python: Path, wheels: Sequence[Path], *, cache: Path, timeout: float) -> None:
    """Install exactly these wheels into ``python``'s environment, with no index at all."""
    if not wheels:
        return
    args = ["--python", str(python), "install", "-q", "--no-index", "--no-deps"]
    proc = _run(
        [*args, *map(str, wheels)], index={}, cache=cache, timeout=timeout,
        what="installing the dependencies",
    )  # fmt: skip
    if proc.returncode != 0:
        raise EnvError(f"installing the dependencies failed: {redact(last_error(proc.stderr))}")
