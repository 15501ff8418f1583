"""The Docker backend — the only module that imports ``docker``.

One ``run`` is one container start holding every candidate of the workspace::

    job dir (host temp, read-only at /job)   base, head (read-only at /src/base, /src/head)
            │                                         │
            └──► container deepcheck-<run-hash> ◄─────┘   label deepcheck.sandbox=1
                 PID 1: python3 -m dc_harness /job/manifest.json (the supervisor)
                 stdout of PID 1 = the answer (json-file log, read after exit)

Hardening: no network, every capability dropped but CAP_SETUID/SETGID/KILL, no-new-privileges,
read-only root, a small tmpfs at /tmp (exec allowed: Python needs it) and one per side,
pids / memory (no swap) / CPU limits; the supervisor starts as uid 0 and every process that
runs PR code drops to its side's uid (base 10001, head 10002; docker_policy), an explicit
minimal environment (nothing from the host, no proxy settings from
the client config), no Docker socket, a capped log, a wall-clock kill, removal in ``finally``.
Leftovers of a crashed run (labelled; owner process gone, or past their deadline) are removed
at the next start. Every engine call has a timeout.

Infrastructure failures — engine down, image missing, the wall timeout, the whole container
out of memory, an unreadable answer — come back as ``RunResult.infrastructure_error``.

Longer than ~400 lines: it is the one docker adapter (tests/test_layering.py): container
start, limits, copy-in, exec, timeouts and cleanup for every sandbox run.
"""

from __future__ import annotations

import contextlib
import ipaddress
import shutil
import socket
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Any

import docker
import docker.constants
import docker.errors
import requests.exceptions

from sandbox import docker_policy as policy
from sandbox.docker_policy import ContainerRun
from sandbox.images import default_image
from sandbox.images.errors import ImageError
from sandbox.jobdir import JobError, parse_answer, write_job
from sandbox.results import RunResult
from sandbox.spec import SandboxSpec
from sandbox.workspace import Workspace

API_TIMEOUT_S = 30.0
BUILD_TIMEOUT_S = 1800.0
_ENGINE_ERRORS = (docker.errors.DockerException, requests.exceptions.RequestException)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."


class EngineUnavailable(RuntimeError):
    """The Docker engine does not answer (one line)."""


def _probe_unix_socket(base_url: str) -> None:
    """Connect to the engine's unix socket ourselves first.

    docker-py leaks the socket when a unix connect fails (a ResourceWarning at garbage
    collection), so an absent or dead engine is detected here, with the socket closed.
    """
    scheme, _, rest = base_url.partition("://")
    if scheme not in ("unix", "http+unix"):
        return
    path = "/" + rest.lstrip("/")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(5.0)
        try:
            sock.connect(path)
        except OSError as exc:
            raise EngineUnavailable(
                f"Docker engine not reachable at {path}: {exc.strerror or exc}"
            ) from None


class DockerEngine:
    """A thin adapter over the Docker API: what the runner, the image builder and doctor need."""

    def __init__(self, *, api_timeout_s: float = API_TIMEOUT_S) -> None:
        self.api_timeout_s = api_timeout_s
        self._api: docker.APIClient | None = None
        self._long: docker.APIClient | None = None

    def api(self, *, long: bool = False) -> docker.APIClient:
        """The API client (``long``: one with the build timeout); raises EngineUnavailable."""
        cached = self._long if long else self._api
        if cached is not None:
            return cached
        timeout = BUILD_TIMEOUT_S if long else self.api_timeout_s
        env = docker.utils.kwargs_from_env()
        _probe_unix_socket(str(env.get("base_url") or docker.constants.DEFAULT_UNIX_SOCKET))
        try:
            client = docker.APIClient(version="auto", timeout=timeout, **env)
        except _ENGINE_ERRORS as exc:
            raise EngineUnavailable(f"Docker engine not reachable: {_one_line(exc)}") from None
        if long:
            self._long = client
        else:
            self._api = client
        return client

    def unavailable_reason(self) -> str | None:
        try:
            self.api().ping()
        except EngineUnavailable as exc:
            return str(exc)
        except _ENGINE_ERRORS as exc:
            return f"Docker engine not answering: {_one_line(exc)}"
        return None

    def image_labels(self, tag: str) -> dict[str, str] | None:
        try:
            attrs = self.api().inspect_image(tag)
        except docker.errors.ImageNotFound:
            return None
        except (EngineUnavailable, *_ENGINE_ERRORS) as exc:
            raise ImageError(_one_line(exc)) from None
        return dict((attrs.get("Config") or {}).get("Labels") or {})

    def build_image(
        self,
        context: Path,
        tag: str,
        *,
        buildargs: Mapping[str, str],
        labels: Mapping[str, str],
        log: Callable[[str], None],
    ) -> None:
        try:
            stream = self.api(long=True).build(
                path=str(context),
                tag=tag,
                buildargs=dict(buildargs),
                labels=dict(labels),
                network_mode="none",
                rm=True,
                forcerm=True,
                pull=False,
                decode=True,
                timeout=BUILD_TIMEOUT_S,
                use_config_proxy=False,
            )
            for chunk in stream:
                if "error" in chunk:
                    raise ImageError(f"docker build of {tag} failed: {_one_line(chunk['error'])}")
                line = str(chunk.get("stream", "")).strip()
                if line:
                    log(line)
        except (EngineUnavailable, *_ENGINE_ERRORS) as exc:
            raise ImageError(f"docker build of {tag} failed: {_one_line(exc)}") from None

    def import_rootfs(self, tar_path: Path, tag: str, *, changes: Sequence[str]) -> None:
        repository, _, name = tag.rpartition(":")
        try:
            out = self.api(long=True).import_image_from_file(
                str(tar_path), repository=repository, tag=name, changes=list(changes)
            )
        except (EngineUnavailable, *_ENGINE_ERRORS) as exc:
            raise ImageError(f"docker import of {tag} failed: {_one_line(exc)}") from None
        if "error" in str(out):
            raise ImageError(f"docker import of {tag} failed: {_one_line(Exception(out))}")

    def image_tags(self, repository: str) -> list[str]:
        """Local tags of ``repository`` (``name:tag``)."""
        try:
            images = self.api().images(name=repository)
        except (EngineUnavailable, *_ENGINE_ERRORS) as exc:
            raise ImageError(_one_line(exc)) from None
        tags = (t for image in images for t in image.get("RepoTags") or [])
        return sorted(t for t in tags if t.rpartition(":")[0] == repository)

    def remove_image(self, tag: str) -> bool:
        """Untag/remove an image; False when it is in use (or already gone)."""
        try:
            self.api().remove_image(tag)
        except (docker.errors.ImageNotFound, docker.errors.APIError):
            return False
        except (EngineUnavailable, *_ENGINE_ERRORS) as exc:
            raise ImageError(_one_line(exc)) from None
        return True

    def bridge_gateway(self) -> str | None:
        """This machine's address on the default bridge (a connect target for probes)."""
        try:
            net = self.api().inspect_network("bridge")
        except (EngineUnavailable, *_ENGINE_ERRORS):
            return None
        for cfg in (net.get("IPAM") or {}).get("Config") or []:
            if cfg.get("Gateway"):
                return str(cfg["Gateway"])
            if cfg.get("Subnet"):
                subnet = ipaddress.ip_network(cfg["Subnet"], strict=False)
                if subnet.version == 4:
                    return str(next(subnet.hosts()))
        return None

    def close(self) -> None:
        for client in (self._api, self._long):
            if client is not None:
                client.close()
        self._api = self._long = None

    def __enter__(self) -> DockerEngine:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class DockerRunner:
    """The production backend: one hardened container per ``run``."""

    name = "docker"
    isolation = (
        "Docker container: no network, read-only root, PR code without capabilities as one "
        "uid per side (base 10001, head 10002, private scratch), pids/memory/CPU limits, "
        "wall-clock kill"
    )

    def __init__(
        self,
        *,
        image: str | None = None,
        engine: DockerEngine | None = None,
        observe: Callable[[ContainerRun], None] | None = None,
    ) -> None:
        self._image = image
        self.engine = engine or DockerEngine()
        self._observe = observe

    @property
    def image(self) -> str:
        return self._image or default_image()

    def unavailable_reason(self) -> str | None:
        reason = self.engine.unavailable_reason()
        if reason:
            return reason
        try:
            labels = self.engine.image_labels(self.image)
        except ImageError as exc:
            return str(exc)
        if labels is None:
            return f"sandbox image {self.image} is missing (run `deepcheck sandbox build`)"
        return None

    def close(self) -> None:
        self.engine.close()

    def remove_leftovers(self) -> int:
        """Remove labelled containers of crashed runs (owner gone, or past their deadline)."""
        api = self.engine.api()
        now = time.time()
        removed = 0
        for summary in api.containers(all=True, filters={"label": f"{policy.LABEL_SANDBOX}=1"}):
            if policy.is_leftover(summary, now):
                with contextlib.suppress(docker.errors.NotFound):
                    api.remove_container(summary["Id"], force=True)
                    removed += 1
        return removed

    def run(self, workspace: Workspace, spec: SandboxSpec) -> RunResult:
        t0 = time.monotonic()
        image = spec.image or self.image
        job = Path(tempfile.mkdtemp(prefix="deepcheck-job-"))
        try:
            return self._run(workspace, spec, image, job, t0)
        except (EngineUnavailable, *_ENGINE_ERRORS) as exc:
            return self._infra(f"Docker engine failed: {_one_line(exc)}", t0)
        except JobError as exc:
            return self._infra(str(exc), t0)
        finally:
            shutil.rmtree(job, ignore_errors=True)

    def _infra(self, reason: str, t0: float, harness_log: str = "") -> RunResult:
        return RunResult(
            backend=self.name,
            infrastructure_error=reason,
            duration_s=time.monotonic() - t0,
            harness_log=harness_log,
        )

    def _run(
        self, workspace: Workspace, spec: SandboxSpec, image: str, job: Path, t0: float
    ) -> RunResult:
        mounts: list[tuple[str, str]] = []  # (host path, container path), all read-only
        trees: dict[str, str | None] = {}
        for side in ("base", "head"):
            tree = workspace.tree(side)
            trees[side] = None if tree is None else f"/src/{side}"
            if tree is not None:
                problem = policy.tree_problem(tree)
                if problem:
                    return self._infra(problem, t0)
                mounts.append((str(tree.resolve()), f"/src/{side}"))
        manifest = write_job(
            job, workspace, spec, trees, users=policy.SIDE_USERS, side_dirs=policy.SIDE_DIRS
        )
        policy.make_readable(job)
        sources = [f"{src}:{dst}" for src, dst in mounts]
        run_hash, name = policy.run_name(image, sources, manifest.read_text(encoding="utf-8"))
        mounts.append((str(job.resolve()), "/job"))

        api = self.engine.api()
        self.remove_leftovers()
        limits = spec.limits
        labels = policy.labels(run_hash, limits.wall_timeout_s, time.time())
        hc = api.create_host_config(**policy.host_config(limits, mounts))
        t_wall = time.time() - (time.monotonic() - t0)  # wall-clock time of run() entry
        try:
            cid, name = self._create(api, image, name, labels, hc)
        except docker.errors.ImageNotFound:
            return self._infra(f"sandbox image {image} is missing (deepcheck sandbox build)", t0)
        create_s = time.monotonic() - t0
        try:
            return self._start_and_collect(api, cid, name, image, spec, (t0, t_wall, create_s))
        finally:
            # On failure: removed at the next start (label + deadline).
            with contextlib.suppress(*_ENGINE_ERRORS):
                api.remove_container(cid, force=True)

    def _create(
        self, api: docker.APIClient, image: str, name: str, labels: dict[str, str], hc: Any
    ) -> tuple[str, str]:
        """Create under a deterministic name; a stale namesake is removed, a live one kept."""
        names = [name, name, *(f"{name}-{n}" for n in range(2, 6))]
        for attempt, candidate in enumerate(names):
            try:
                created = api.create_container(
                    image,
                    command=policy.COMMAND,
                    name=candidate,
                    user=policy.SANDBOX_USER,
                    environment=dict(policy.ENVIRONMENT),
                    working_dir="/tmp",
                    labels=labels,
                    host_config=hc,
                    network_disabled=True,
                    hostname="sandbox",
                    use_config_proxy=False,  # no proxy settings from the client's config
                )
                return str(created["Id"]), candidate
            except docker.errors.APIError as exc:
                if exc.status_code != 409:
                    raise
                if attempt == 0 and not self.remove_leftovers():
                    names[1] = f"{name}-1"  # the namesake is a live run: do not retry it
        raise EngineUnavailable(f"container name {name} stays taken")

    def _start_and_collect(
        self,
        api: docker.APIClient,
        cid: str,
        name: str,
        image: str,
        spec: SandboxSpec,
        clock: tuple[float, float, float],
    ) -> RunResult:
        t0, t_wall, create_s = clock
        limits = spec.limits
        api.start(cid)
        timed_out = False
        remaining = max(1.0, limits.wall_timeout_s - (time.monotonic() - t0))
        try:
            api.wait(cid, timeout=remaining)
        except requests.exceptions.RequestException:
            if not api.inspect_container(cid)["State"].get("Running"):
                raise
            timed_out = True
            api.kill(cid)
            api.wait(cid, timeout=self.engine.api_timeout_s)
        state = api.inspect_container(cid)["State"]
        stdout = bytes(api.logs(cid, stdout=True, stderr=False))
        stderr = bytes(api.logs(cid, stdout=False, stderr=True, tail=200))
        harness_log = stderr[-policy.HARNESS_LOG_BYTES :].decode("utf-8", "replace")
        wall_s = time.monotonic() - t0
        started = policy.epoch(str(state.get("StartedAt", "")))
        started_s = max(0.0, started - t_wall) if started else create_s
        finished = policy.epoch(str(state.get("FinishedAt", "")))
        finished_s = max(0.0, finished - t_wall) if finished else wall_s
        exit_code = None if timed_out else state.get("ExitCode")
        oom = bool(state.get("OOMKilled"))
        reason = policy.classify(
            exit_code=exit_code,
            oom_killed=oom,
            timed_out=timed_out,
            wall_timeout_s=limits.wall_timeout_s,
            mem_mb=limits.memory_mb,
        )
        if reason is None:
            result = parse_answer(
                self.name, stdout, duration_s=wall_s, start_s=0.0, harness_log=harness_log
            )
            if result.ok:  # the harness reports its own start → ready; add the container's
                result = replace(result, start_s=started_s + result.start_s)
        else:
            result = self._infra(reason, t0, harness_log)
        if self._observe is not None:
            self._observe(
                ContainerRun(
                    name=name,
                    image=image,
                    exit_code=exit_code,
                    oom_killed=oom,
                    timed_out=timed_out,
                    create_s=create_s,
                    started_s=started_s,
                    ready_s=result.start_s if result.ok else started_s,
                    finished_s=finished_s,
                    wall_s=wall_s,
                    stdout_bytes=len(stdout),
                    stderr_bytes=len(stderr),
                )
            )
        return result
