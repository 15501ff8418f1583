"""``deepcheck sandbox build`` and ``deepcheck doctor``: rendering only, the work is in sandbox/."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

sandbox_app = typer.Typer(help="Build and inspect the sandbox.", no_args_is_help=True)
err = Console(stderr=True, highlight=False)
SANDBOXES = ("auto", "docker", "process")


def _fail(code: int, message: str) -> NoReturn:
    err.print(f"deepcheck: {message}", markup=False, soft_wrap=True)
    raise typer.Exit(code)


@sandbox_app.command("build")
def build(
    base_image: Annotated[
        str | None,
        typer.Option(
            "--base-image",
            help="Local image with python3.11 to build on (default: deepcheck-base:bookworm, "
            "made with debootstrap when missing).",
        ),
    ] = None,
    wheelhouse: Annotated[
        Path, typer.Option(help="Host directory of pinned wheels (filled with pip download).")
    ] = Path("build/wheelhouse"),
    force: Annotated[bool, typer.Option("--force", help="Rebuild even if the tag exists.")] = False,
    skip_without_engine: Annotated[
        bool,
        typer.Option(
            "--skip-without-engine",
            help="Exit 0 with a note when no Docker engine answers or the base image cannot be "
            "made here (make test on a laptop; the Docker tests then skip).",
        ),
    ] = False,
    prune: Annotated[
        bool, typer.Option("--prune", help="Remove other deepcheck-sandbox tags afterwards.")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show docker build.")] = False,
) -> None:
    """Build the sandbox image without a registry (skipped quickly when its tag exists)."""
    from sandbox.docker_runner import DockerEngine
    from sandbox.images import ImageError
    from sandbox.images.builder import build_sandbox_image, prune_sandbox_images
    from sandbox.images.errors import BaseUnavailable

    def log(line: str) -> None:
        if verbose or not line.startswith(("--->", "Step ", "Removing ", "Successfully")):
            err.print(f"  {line}", markup=False, soft_wrap=True, style="dim")

    with DockerEngine() as engine:
        reason = engine.unavailable_reason()
        if reason:
            if skip_without_engine:
                err.print(f"deepcheck: {reason}; sandbox image not built (Docker tests will skip)")
                raise typer.Exit(0)
            _fail(3, reason)
        try:
            report = build_sandbox_image(
                engine, base_image=base_image, wheelhouse=wheelhouse, force=force, log=log
            )
            pruned = prune_sandbox_images(engine, report.tag) if prune else []
        except BaseUnavailable as exc:
            if skip_without_engine:
                err.print(f"deepcheck: {exc}; sandbox image not built (Docker tests will skip)")
                raise typer.Exit(0) from None
            _fail(3, str(exc))
        except ImageError as exc:
            _fail(3, str(exc))
    if pruned:
        print(f"removed {len(pruned)} older sandbox image(s): {', '.join(pruned)}")
    if not report.built:
        print(f"{report.tag} is up to date ({report.total_s:.2f} s)")
        return
    steps = ", ".join(f"{k} {v:.1f} s" for k, v in report.seconds.items() if v >= 0.05)
    base_note = " (base built with debootstrap)" if report.base_built else ""
    print(f"built {report.tag} from {report.base_image}{base_note} in {report.total_s:.1f} s")
    print(f"  {steps}")


def doctor(
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    sandbox: Annotated[str, typer.Option(help="auto | docker | process")] = "auto",
    allow_process: Annotated[
        bool,
        typer.Option(
            "--allow-process/--refuse-process",
            help="Whether auto may fall back to the process backend (the GitHub App refuses it "
            "unless configured).",
        ),
    ] = True,
) -> None:
    """Say which sandbox backend will be used and probe it with hostile code.

    Exit 0 when every probe was contained, 1 otherwise, 3 when no backend can run.
    """
    from sandbox.doctor import diagnose

    if sandbox not in SANDBOXES:
        _fail(2, f"--sandbox must be one of {', '.join(SANDBOXES)} (got {sandbox!r})")
    show = not as_json and err.is_terminal

    def progress(msg: str) -> None:
        if not as_json:
            err.print(f"deepcheck: {msg}", markup=False, style="dim")

    with err.status("deepcheck: probing the sandbox") if show else _Quiet():
        report = diagnose(sandbox, allow_process=allow_process, progress=progress)
    envs = _environments()
    if as_json:
        sys.stdout.write(json.dumps({**report.to_json(), "environments": envs}, indent=2) + "\n")
        raise typer.Exit(report.exit_code)
    out = Console(highlight=False)
    out.print(f"sandbox mode   {report.mode}", markup=False)
    out.print(f"docker engine  {report.docker}", markup=False)
    present = {True: "present", False: "missing (deepcheck sandbox build)", None: "unknown"}
    image = f"{report.image or '-'}: {present[report.image_present]}"
    out.print(f"sandbox image  {image}", markup=False)
    _print_environments(out, envs)
    if report.no_backend is not None:
        _fail(3, report.no_backend)
    out.print(f"backend        {report.backend}: {report.isolation}", markup=False)
    table = Table(title="hostile probes", title_justify="left")
    table.add_column("probe")
    table.add_column("tries")
    table.add_column("outcome")
    table.add_column("verdict")
    table.add_column("detail", overflow="fold")
    for p in report.probes:
        verdict = "[green]contained[/]" if p.contained else "[bold red]NOT contained[/]"
        table.add_row(p.id, Text(p.title), Text(p.status), verdict, Text(p.detail))
    out.print(table)
    held = sum(p.contained for p in report.probes)
    out.print(f"{held}/{len(report.probes)} probes contained", markup=False)
    raise typer.Exit(report.exit_code)


def _environments() -> dict[str, object]:
    """The dependency environment cache (``<cache>/envs``, sandbox.envs)."""
    from bot.cache import cache_dir
    from sandbox.envs.cache import EnvCache

    return EnvCache(cache_dir() / "envs").summary()


def _print_environments(out: Console, envs: dict[str, object]) -> None:
    entries = envs["entries"]
    assert isinstance(entries, list)
    size = int(str(envs["bytes"])) >> 20
    wheels = int(str(envs["wheel_store_bytes"])) >> 20
    out.print(
        f"dependency envs {len(entries)} cached, {size} MB (+{wheels} MB of wheels) in "
        f"{envs['root']}",
        markup=False,
    )
    if not entries:
        return
    table = Table(title="dependency environments (most recently used first)", title_justify="left")
    for column in ("key", "kind", "packages", "size", "last used"):
        table.add_column(column)
    for e in entries:
        used = time.strftime("%Y-%m-%d %H:%M", time.localtime(float(e["last_used"])))
        packages = ", ".join(e["packages"][:6]) + (" …" if len(e["packages"]) > 6 else "")
        table.add_row(e["key"], e["kind"], Text(packages), f"{e['bytes'] >> 20} MB", used)
    out.print(table)


class _Quiet:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None
