"""``deepcheck doctor``: which backend runs, whether its image exists, and hostile probes.

Each probe (``sandbox/probes``) is a pytest candidate run through the selected Runner; it is
*contained* when every side ends with one of the statuses the catalog expects and its host-side
check (if any) agrees. Probes share one sandbox start except those marked ``alone``; ``unsafe``
ones (the fork bomb) only run where a pids and memory limit holds them (Docker).

Exit code (``DoctorReport.exit_code``): 0 all contained, 1 otherwise, 3 no backend.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sandbox.probes import TREE_MARKER, Probe, load_probes
from sandbox.results import CandidateResult, RunResult, Status
from sandbox.runner import NoBackend, Runner
from sandbox.select import select_runner
from sandbox.spec import Limits, SandboxSpec
from sandbox.workspace import Candidate, Workspace

CANARY_NAME = "DEEPCHECK_DOCTOR_CANARY"
PROBE_LIMITS = Limits(candidate_timeout_s=20.0, wall_timeout_s=240.0)
RESPONSIVE_LIMIT_S = 2.0
Progress = Callable[[str], None]


@dataclass(frozen=True)
class ProbeReport:
    id: str
    title: str
    contained: bool
    status: str  # "passed/failed/…" per side joined, or "not run" / "infrastructure"
    detail: str = ""
    seconds: float = 0.0


@dataclass
class DoctorReport:
    mode: str
    backend: str | None = None
    isolation: str = ""
    docker: str = ""  # "ready" or why not
    image: str | None = None
    image_present: bool | None = None
    no_backend: str | None = None
    probes: list[ProbeReport] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.no_backend is not None:
            return 3
        return 0 if self.probes and all(p.contained for p in self.probes) else 1

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "exit_code": self.exit_code}


@dataclass(frozen=True)
class ProbeContext:
    """What the host knows that probes need: written beside each probe as probe_config.json."""

    connect_to: str | None
    canary: str = field(default_factory=lambda: secrets.token_hex(12))
    token: str = field(default_factory=lambda: f"dc-probe-{secrets.token_hex(8)}")
    canary_name: str = CANARY_NAME

    def config_json(self, extra: Mapping[str, object] | None = None) -> str:
        return json.dumps(
            {
                "connect_to": self.connect_to,
                "canary": self.canary,
                "canary_name": self.canary_name,
                "token": self.token,
                **(extra or {}),
            }
        )


# -- host-side checks, registered by name (catalog: host_check = "...") ----------------------


class HostCheck:
    """Watches one probe from the host: ``before`` the run, a verdict ``after`` it."""

    def __init__(self, ctx: ProbeContext) -> None:
        self.ctx = ctx

    def before(self) -> dict[str, object]:
        """Start watching; returns extra probe_config.json entries."""
        return {}

    def after(self, cand: CandidateResult, result: RunResult) -> str | None:
        """None when contained, else the reason (one line)."""
        return None


HOST_CHECKS: dict[str, type[HostCheck]] = {}


def host_check(name: str) -> Callable[[type[HostCheck]], type[HostCheck]]:
    def register(cls: type[HostCheck]) -> type[HostCheck]:
        HOST_CHECKS[name] = cls
        return cls

    return register


def processes_with(token: str) -> list[int]:
    """Host pids whose command line holds ``token`` (Docker containers' processes included)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
            if token.encode() in cmdline:
                found.append(int(entry))
    return found


@host_check("host_listener")
class HostListener(HostCheck):
    """A TCP listener on this machine's bridge address: the probe's connect must not reach it.

    Without a listener a refused connect would look the same as no network at all.
    """

    def before(self) -> dict[str, object]:
        self.reached = 0
        self.problem: str | None = None
        if not self.ctx.connect_to:
            return {}
        self._server = socket.create_server((self.ctx.connect_to, 0))
        self._server.settimeout(0.2)
        port = int(self._server.getsockname()[1])
        try:  # the listener must be reachable from the host, or the probe proves nothing
            socket.create_connection((self.ctx.connect_to, port), timeout=2).close()
            self._server.accept()[0].close()
        except OSError as exc:
            self.problem = f"host listener {self.ctx.connect_to}:{port} unusable: {exc}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="doctor-listener", daemon=True)
        self._thread.start()
        return {"connect_port": port}

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.close()
            self.reached += 1

    def after(self, cand: CandidateResult, result: RunResult) -> str | None:
        if not self.ctx.connect_to:
            return None
        self._stop.set()
        self._thread.join(timeout=5)
        self._server.close()
        if self.reached:
            return f"{self.reached} connection(s) from the sandbox reached this machine"
        return self.problem


@host_check("no_leftover_process")
class NoLeftoverProcess(HostCheck):
    def after(self, cand: CandidateResult, result: RunResult) -> str | None:
        time.sleep(0.3)
        left = processes_with(self.ctx.token)
        return f"daemonized process still running on the host: pids {left}" if left else None


@host_check("no_forged_ids")
class NoForgedIds(HostCheck):
    def after(self, cand: CandidateResult, result: RunResult) -> str | None:
        return "a forged candidate id was accepted" if "forged" in result.candidates else None


@host_check("output_capped")
class OutputCapped(HostCheck):
    def after(self, cand: CandidateResult, result: RunResult) -> str | None:
        limit = PROBE_LIMITS.output_bytes
        for side, outcome in cand.sides.items():
            kept = len(outcome.log.encode())
            if kept > limit * 1.1 + 4096:
                return f"{side}: {kept} bytes of log kept (cap {limit})"
            if outcome.log_truncated_bytes < 100 << 20:
                return f"{side}: only {outcome.log_truncated_bytes} bytes reported as dropped"
        return None


@host_check("host_responsive")
class HostResponsive(HostCheck):
    """Times starting a trivial host process every 0.25 s while the probe runs."""

    def before(self) -> dict[str, object]:
        self.worst = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._tick, name="doctor-responsive", daemon=True)
        self._thread.start()
        return {}

    def _tick(self) -> None:
        while not self._stop.wait(0.25):
            t = time.monotonic()
            subprocess.run(["true"], check=False, timeout=30)
            self.worst = max(self.worst, time.monotonic() - t)

    def after(self, cand: CandidateResult, result: RunResult) -> str | None:
        self._stop.set()
        self._thread.join(timeout=35)
        if self.worst > RESPONSIVE_LIMIT_S:
            return f"host stalled {self.worst:.2f} s starting a process"
        return None


# -- running probes -----------------------------------------------------------------------


def _workspace(
    root: Path, probes: Iterable[Probe], ctx: ProbeContext, extra: Mapping[str, object]
) -> Workspace:
    trees = {}
    for side in ("base", "head"):
        tree = root / side
        tree.mkdir(parents=True)
        (tree / TREE_MARKER).write_text(f"SIDE = {side!r}\n", encoding="utf-8")
        tree.chmod(0o755)
        trees[side] = tree
    candidates = tuple(
        Candidate(
            id=p.id,
            kind="pytest",
            files={p.test_name: p.source(), "probe_config.json": ctx.config_json(extra)},
            sides=p.sides,
            timeout_s=p.timeout_s,
        )
        for p in probes
    )
    return Workspace(head=trees["head"], base=trees["base"], candidates=candidates)


@contextmanager
def _canary(ctx: ProbeContext) -> Iterator[None]:
    old = os.environ.get(ctx.canary_name)
    os.environ[ctx.canary_name] = ctx.canary
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(ctx.canary_name, None)
        else:
            os.environ[ctx.canary_name] = old


def _verdict(probe: Probe, result: RunResult, problems: Mapping[str, str | None]) -> ProbeReport:
    seconds = round(result.duration_s, 2)
    if result.infrastructure_error:
        return ProbeReport(
            probe.id, probe.title, False, "infrastructure", result.infrastructure_error, seconds
        )
    cand = result.candidates.get(probe.id)
    if cand is None or not cand.sides:
        return ProbeReport(probe.id, probe.title, False, "missing", "no answer", seconds)
    status = "/".join(str(o.status) for o in cand.sides.values())
    for side, outcome in cand.sides.items():
        if not outcome.tests and outcome.status not in (Status.TIMEOUT, Status.RESOURCE):
            detail = f"{side}: the probe did not run ({outcome.status}: {outcome.detail})"
            return ProbeReport(probe.id, probe.title, False, status, detail[:500], seconds)
        if outcome.status not in probe.contained:
            wanted = "|".join(sorted(probe.contained))
            detail = f"{side}: {outcome.status} (contained is {wanted}): {outcome.detail}"
            return ProbeReport(probe.id, probe.title, False, status, detail[:500], seconds)
    problem = problems.get(probe.id)
    if problem:
        return ProbeReport(probe.id, probe.title, False, status, problem, seconds)
    detail = next(iter(cand.sides.values())).detail
    return ProbeReport(probe.id, probe.title, True, status, detail[:200], seconds)


def run_probe_group(
    runner: Runner, probes: list[Probe], ctx: ProbeContext, spec: SandboxSpec | None = None
) -> tuple[RunResult, list[ProbeReport]]:
    """Run ``probes`` in one sandbox start; the RunResult and one report per probe."""
    spec = spec or SandboxSpec(limits=PROBE_LIMITS)
    checks = {p.id: HOST_CHECKS[p.host_check](ctx) for p in probes if p.host_check}
    with tempfile.TemporaryDirectory(prefix="deepcheck-doctor-") as tmp, _canary(ctx):
        extra: dict[str, object] = {}
        for check in checks.values():
            extra.update(check.before())
        workspace = _workspace(Path(tmp), probes, ctx, extra)
        try:
            result = runner.run(workspace, spec)
        except (OSError, ValueError, RuntimeError) as exc:  # a runner bug: still stop the checks
            result = RunResult(backend=runner.name, infrastructure_error=f"runner failed: {exc}")
    problems = {
        pid: check.after(result.candidates.get(pid) or CandidateResult(pid, "pytest"), result)
        for pid, check in checks.items()
    }
    return result, [_verdict(p, result, problems) for p in probes]


def run_probes(
    runner: Runner,
    ctx: ProbeContext,
    probes: Iterable[Probe] | None = None,
    *,
    progress: Progress | None = None,
) -> list[ProbeReport]:
    """Every probe, in catalog order: shared ones in one start, ``alone`` ones each in theirs."""
    probes = list(load_probes() if probes is None else probes)
    contains_bombs = runner.name == "docker"
    reports: dict[str, ProbeReport] = {}
    shared = [p for p in probes if not p.alone and (contains_bombs or not p.unsafe)]
    groups = [shared] if shared else []
    groups += [[p] for p in probes if p.alone and (contains_bombs or not p.unsafe)]
    for p in probes:
        if p.unsafe and not contains_bombs:
            reason = f"not run: the {runner.name} backend has no pids/memory limit to hold it"
            reports[p.id] = ProbeReport(p.id, p.title, False, "not run", reason)
    for group in groups:
        if progress:
            progress(f"probing: {', '.join(p.id for p in group)}")
        _, found = run_probe_group(runner, group, ctx)
        reports.update((r.id, r) for r in found)
    return [reports[p.id] for p in probes]


def diagnose(
    mode: str = "auto",
    *,
    allow_process: bool = True,
    select: Callable[..., Runner] = select_runner,
    docker_status: Callable[[], tuple[str, str | None, bool | None, str | None]] | None = None,
    probes: Iterable[Probe] | None = None,
    progress: Progress | None = None,
) -> DoctorReport:
    """Choose the backend as ``deepcheck check`` would, then probe it."""
    engine, image, present, gateway = (docker_status or _docker_status)()
    report = DoctorReport(mode=mode, docker=engine, image=image, image_present=present)
    try:
        runner = select(mode, allow_process=allow_process, warn=lambda _msg: None)
    except NoBackend as exc:
        report.no_backend = str(exc)
        return report
    report.backend = runner.name
    report.isolation = runner.isolation
    try:
        report.probes = run_probes(
            runner, ProbeContext(connect_to=gateway), probes, progress=progress
        )
    finally:
        close = getattr(runner, "close", None)
        if callable(close):
            close()
    return report


def _docker_status() -> tuple[str, str | None, bool | None, str | None]:
    """(engine "ready" or why not, image tag, image present, this machine's bridge address)."""
    from sandbox.docker_runner import DockerEngine
    from sandbox.images import ImageError, default_image

    with DockerEngine() as engine:
        image = default_image()
        reason = engine.unavailable_reason()
        if reason:
            return reason, image, None, None
        try:
            present = engine.image_labels(image) is not None
        except ImageError as exc:
            return str(exc), image, None, None
        return "ready", image, present, engine.bridge_gateway()
