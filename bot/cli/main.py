"""The ``deepcheck`` command line (typer + rich). No business logic lives here."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console

from bot.cache import cache_dir
from bot.cli import bench as cli_bench
from bot.cli import sandbox as cli_sandbox
from bot.cli import serve as cli_app
from bot.engine.plan import REQUESTABLE_TIERS, TIER_ORDER
from bot.errors import DeepcheckError, UsageError
from bot.report.summary import unverified_line

if TYPE_CHECKING:
    from bot.engine.pipeline import Deps
    from bot.models import Report

app = typer.Typer(
    name="deepcheck",
    help="Code review that runs evidence: verified findings for a change.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(cli_sandbox.sandbox_app, name="sandbox")
app.command("doctor")(cli_sandbox.doctor)
app.command("serve")(cli_app.serve)
app.command("worker")(cli_app.worker)
app.command("bench")(cli_bench.bench)

FORMATS = ("text", "json", "sarif", "markdown")
SANDBOXES = ("auto", "docker", "process")
KINDS = ("defect", "behavior-change", "risk")

err = Console(stderr=True, highlight=False)


def _fail(code: int, message: str) -> NoReturn:
    err.print(f"deepcheck: {message}", markup=False, soft_wrap=True)
    raise typer.Exit(code)


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        _fail(2, f"--{name} must be one of {', '.join(allowed)} (got {value!r})")
    return value


@app.command()
def check(
    base: Annotated[str, typer.Option("--base", help="Base revision (the PR's target).")],
    head: Annotated[str, typer.Option("--head", help="Head revision (the PR).")] = "HEAD",
    repo: Annotated[Path, typer.Option("--repo", help="Git repository.")] = Path("."),
    tier: Annotated[str, typer.Option(help="auto | quick | standard | deep")] = "auto",
    fmt: Annotated[str, typer.Option("--format", help="text | json | sarif | markdown")] = "text",
    output: Annotated[Path | None, typer.Option(help="Write the report here.")] = None,
    sandbox: Annotated[str, typer.Option(help="auto | docker | process")] = "auto",
    fail_on: Annotated[
        str, typer.Option(help="Comma-separated finding kinds that exit 1.")
    ] = "defect,behavior-change",
    seed: Annotated[int, typer.Option(help="Seed shared by base and head.")] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress.")] = False,
    latency_budget: Annotated[
        float | None,
        typer.Option(
            "--latency-budget",
            min=1,
            help="Seconds: model sampling stops then; the best evidence found is reported.",
        ),
    ] = None,
) -> None:
    """Verify a local git range and print findings (exit 0 clean, 1 blocking, 2 usage, 3 error)."""
    from bot.engine.pipeline import CheckRequest
    from bot.engine.pipeline import check as run_check

    _choice("tier", tier, REQUESTABLE_TIERS)
    request = CheckRequest(repo=repo, base=base, head=head, tier=tier, seed=seed)

    def precheck() -> None:  # bad input is reported before any sandbox is looked for
        from bot.git import GitRepo

        git = GitRepo(repo)
        if git.resolve(base) == git.resolve(head):
            raise UsageError(f"empty range: {base} and {head} are the same commit")

    _execute(
        lambda deps: run_check(request, deps),
        precheck=precheck, fmt=fmt, output=output, sandbox=sandbox,
        fail_on=fail_on, quiet=quiet, latency_budget=latency_budget,
    )  # fmt: skip


@app.command()
def scan(
    repo: Annotated[Path, typer.Option("--repo", help="Repository or directory.")] = Path("."),
    paths: Annotated[
        list[str] | None, typer.Option("--paths", help="Globs to scan (repeatable).")
    ] = None,
    tier: Annotated[str, typer.Option(help="quick | standard | deep")] = "standard",
    fmt: Annotated[str, typer.Option("--format", help="text | json | sarif | markdown")] = "text",
    output: Annotated[Path | None, typer.Option(help="Write the report here.")] = None,
    sandbox: Annotated[str, typer.Option(help="auto | docker | process")] = "auto",
    seed: Annotated[int, typer.Option(help="Hypothesis seed.")] = 0,
    budget: Annotated[
        float | None,
        typer.Option(
            "--budget",
            help="CPU minutes for the scan, spread over the functions by risk "
            "(default: the tier's examples per function).",
            min=0.1,
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress.")] = False,
) -> None:
    """Check money invariants over a tree's financial functions (the nightly scan, locally)."""
    from bot.engine.scan import ScanRequest
    from bot.engine.scan import scan as run_scan

    _choice("tier", tier, TIER_ORDER)
    request = ScanRequest(
        repo=repo, paths=tuple(paths or ()), tier=tier, seed=seed, budget_minutes=budget
    )
    _execute(
        lambda deps: run_scan(request, deps), fmt=fmt, output=output, sandbox=sandbox,
        fail_on="defect", quiet=quiet,
    )  # fmt: skip


def _execute(
    job: Callable[[Deps], Report],
    *,
    fmt: str,
    output: Path | None,
    sandbox: str,
    fail_on: str,
    quiet: bool,
    latency_budget: float | None = None,
    precheck: Callable[[], None] | None = None,
) -> NoReturn:
    """Select the sandbox, run ``job`` with progress, render, exit 0/1/2/3."""
    from bot.engine.pipeline import Deps
    from bot.engine.rulebook import load_rules
    from bot.report import render
    from sandbox.runner import NoBackend
    from sandbox.select import select_runner

    _choice("format", fmt, FORMATS)
    _choice("sandbox", sandbox, SANDBOXES)
    kinds = tuple(k.strip() for k in fail_on.split(",") if k.strip())
    for kind in kinds:
        _choice("fail-on", kind, KINDS)
    show = not quiet and err.is_terminal
    try:
        if precheck is not None:
            precheck()
        runner = select_runner(
            sandbox,
            allow_process=True,
            warn=lambda msg: err.print(f"deepcheck: {msg}", markup=False, soft_wrap=True),
        )
        if runner.name == "process" and sandbox == "process" and not quiet:
            err.print(f"deepcheck: {runner.isolation}", markup=False, soft_wrap=True)
        rules = load_rules()
        with err.status("deepcheck: starting", spinner="dots") if show else _null() as status:

            def progress(msg: str) -> None:
                if status is not None:
                    status.update(f"deepcheck: {msg}")
                elif not quiet:
                    err.print(f"deepcheck: {msg}", markup=False)

            from bot.engine.repo_image import with_environments

            # the repository's declared dependencies: a cached layer / virtualenv
            runner, image_for = with_environments(runner, progress)
            from bot.llm.client import DailyQuota, from_env
            from bot.llm.plugins import engine_parts

            llm = from_env(
                quota=DailyQuota(cache_dir() / "llm-quota.json"), latency_budget_s=latency_budget
            )
            parts = engine_parts(llm)
            deps = Deps(
                runner=runner, rules=rules, cache_dir=cache_dir(), progress=progress,
                image_for=image_for, generators=parts.generators, judge=parts.judge,
                meter=parts.meter,
            )  # fmt: skip
            try:
                report = job(deps)
            finally:
                if llm is not None:
                    llm.close()
    except UsageError as exc:
        _fail(2, str(exc))
    except (NoBackend, DeepcheckError) as exc:
        _fail(3, str(exc))
    text = render(report, fmt)
    if not text.endswith("\n"):
        text += "\n"
    if output is not None:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            _fail(2, f"cannot write {output}: {exc.strerror}")
    else:
        sys.stdout.write(text)
    blocking = [f for f in report.findings if f.verified and f.kind in kinds]
    if blocking:
        raise typer.Exit(1)
    if report.unverified:  # never a silent pass: the change's code could not run
        err.print(f"deepcheck: {unverified_line(report)}", markup=False, soft_wrap=True)
        raise typer.Exit(3)
    raise typer.Exit(0)


class _null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def main() -> None:
    """Entry point: every failure is one line on stderr with the documented exit code."""
    try:
        code = app(prog_name="deepcheck", standalone_mode=False)
    except typer.TyperException as exc:  # bad or missing options: one line, exit 2
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        if exc.format_message():
            print(f"deepcheck: {exc.format_message()}{hint}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, typer.Abort):
        print("deepcheck: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # an internal failure: one line, exit 3 (traceback on request)
        if os.environ.get("DEEPCHECK_DEBUG"):
            raise
        print(f"deepcheck: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(3)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
