"""``deepcheck serve`` and ``deepcheck worker``: the GitHub App's processes (the only uvicorn
importer). No business logic: settings in, adapters built, handed to each other.

- ``serve``: the webhook endpoint (``bot.app.web``) under uvicorn, plus — with the default SQLite
  queue — an embedded huey consumer (threads) in the same process: one process is a whole
  deployment.
- ``worker``: huey consumers only (for ``DEEPCHECK_QUEUE_URL=redis://…``: N web processes and
  M workers share Redis and the PostgreSQL store).

Settings are read and validated first; a problem is one line on stderr and exit code 2. A
sandbox backend that cannot run is one line and exit code 3.

Both run the sandbox self-test (``bot.app.selftest``) at start: ``serve`` in the background,
answering 503 on ``/healthz`` and ``/webhook`` until it passes (retried every 30 s);
``worker`` before consuming, exiting with code 3 and the reason when it fails.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console

from bot.errors import DeepcheckError, UsageError

if TYPE_CHECKING:
    from bot.app.queue import Queue
    from bot.app.settings import Settings
    from bot.app.store import Store
    from sandbox.runner import Runner

__all__ = ["app", "build", "runner_factory", "serve", "worker"]

err = Console(stderr=True, highlight=False)
log = logging.getLogger("deepcheck.app")

app = typer.Typer(
    name="deepcheck-app",
    help="The deepcheck GitHub App: webhook server and queue workers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _fail(code: int, message: str) -> NoReturn:
    line = " ".join(message.split())
    err.print(f"deepcheck: {line}", markup=False, soft_wrap=True)
    raise typer.Exit(code)


def _logging() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


def _settings() -> Settings:
    from pydantic import ValidationError

    from bot.app.settings import Settings

    try:
        return Settings()
    except ValidationError as exc:
        problems = [
            f"DEEPCHECK_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            for e in exc.errors(include_url=False)
        ]
        _fail(2, "invalid settings: " + "; ".join(problems))


def _validate(settings: Settings, *, web: bool, worker: bool) -> None:
    try:
        settings.validate_for_serving(web=web, worker=worker)
    except UsageError as exc:
        _fail(2, str(exc))


def runner_factory(settings: Settings) -> Callable[[], Runner]:
    """How the tasks and the self-test build their sandbox runner: the configured backend,
    with ``DEEPCHECK_SANDBOX_IMAGE`` as the Docker image when it is set."""
    from sandbox.select import DEFAULT_BACKENDS, select_runner

    backends = dict(DEFAULT_BACKENDS)
    image = settings.sandbox_image or None
    if image is not None:

        def docker_runner() -> Runner:
            from sandbox.docker_runner import DockerRunner

            return DockerRunner(image=image)

        backends["docker"] = docker_runner

    def make() -> Runner:
        return select_runner(
            settings.sandbox,
            allow_process=settings.allow_process_sandbox,
            backends=backends,
            warn=log.warning,
        )

    return make


def selftest_dir(settings: Settings) -> Path:
    """Where the self-test writes its tree: under the data directory (a path the engine sees
    too when the App runs in a container with the data directory mounted at the same path)."""
    return settings.data_dir / "selftest"


@dataclass
class Wiring:
    """The App's adapters for one process, built from the settings."""

    settings: Settings
    store: Store
    queue: Queue
    closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        """Close what was opened: GitHub clients, queue connections, the store."""
        for close in reversed(self.closers):
            close()
        self.closers.clear()


def build(settings: Settings, *, jobs: bool, generators: list[str] | None = None) -> Wiring:
    """Store and queue for ``settings``; with ``jobs``, also the sandbox runner, the GitHub
    client and the rules the tasks need (built now, so a problem shows at start).
    ``generators`` narrows the candidate generators (None: all; tests use fewer).

    Raises ``DeepcheckError`` / ``NoBackend`` with a one-line message."""
    from bot.app.queue import Queue, make_huey
    from bot.app.store import Store
    from bot.app.worker.handlers import AppHandlers

    store = Store(settings.database_url)
    closers: list[Callable[[], None]] = [store.close]

    def handlers() -> AppHandlers:
        from bot.app.github.client import GitHubApp
        from bot.engine.rulebook import load_rules
        from bot.llm.client import LLMSession, from_env

        runner = runner_factory(settings)()
        github = GitHubApp(
            settings.github_app_id or 0,
            settings.private_key_pem(),
            base_url=settings.github_api_url,
            bot_login=settings.bot_login,
        )
        closers.append(github.close)
        quota = store.llm_quota()  # in the database: the cap holds across processes

        def llm_for(installation_id: int) -> LLMSession | None:
            return from_env(quota=quota, installation=str(installation_id))

        return AppHandlers(
            settings, store, github.host, runner, load_rules(), generators=generators,
            llm_for=llm_for,
        )  # fmt: skip

    queue = Queue(make_huey(settings), store, handlers)
    closers.append(queue.close)
    if jobs:
        queue.handlers()
    return Wiring(settings, store, queue, closers)


def _build(settings: Settings, *, jobs: bool) -> Wiring:
    from sandbox.runner import NoBackend

    try:
        return build(settings, jobs=jobs)
    except UsageError as exc:
        _fail(2, str(exc))
    except (NoBackend, DeepcheckError) as exc:
        _fail(3, str(exc))


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    consumers: Annotated[
        int | None,
        typer.Option(
            "--consumers",
            help="Embedded queue consumer threads (default: 2 on a SQLite queue, 0 on Redis).",
        ),
    ] = None,
) -> None:
    """Serve the webhook endpoint (and, on SQLite, run the queue in the same process)."""
    settings = _settings()
    threads = consumers if consumers is not None else (
        2 if settings.queue_backend == "sqlite" else 0
    )  # fmt: skip
    _validate(settings, web=True, worker=threads > 0)
    _logging()
    wiring = _build(settings, jobs=threads > 0)
    import uvicorn

    from bot.app.queue import start_consumer, stop_consumer
    from bot.app.selftest import SelfTest
    from bot.app.web import create_app

    selftest = SelfTest(runner_factory(settings), selftest_dir(settings))
    try:
        web = create_app(
            settings,
            enqueue=wiring.queue.enqueue,
            claim_delivery=wiring.store.claim_delivery,
            release_delivery=wiring.store.release_delivery,
            selftest=selftest,
        )
    except UsageError as exc:
        _fail(2, str(exc))
    selftest.start()
    consumer = start_consumer(wiring.queue.huey, workers=threads) if threads > 0 else None
    try:
        uvicorn.run(web, host=host, port=port, log_level="info", proxy_headers=False)
    finally:
        selftest.stop()
        if consumer is not None:
            stop_consumer(consumer)
        wiring.close()


@app.command()
def worker(
    consumers: Annotated[
        int, typer.Option("--consumers", help="Consumer threads in this process.")
    ] = 2,
    periodic: Annotated[
        bool,
        typer.Option(
            "--periodic/--no-periodic",
            help="Also queue the nightly scans and re-queue jobs "
            "whose worker died (safe on every worker: both are deduplicated in the store).",
        ),
    ] = True,
) -> None:
    """Run queue consumers only (the web endpoint runs elsewhere: ``serve --consumers 0``)."""
    settings = _settings()
    _validate(settings, web=False, worker=True)
    _logging()
    from bot.app.selftest import run_selftest

    verdict = run_selftest(runner_factory(settings), selftest_dir(settings))
    if not verdict.ok:
        _fail(3, verdict.reason)
    log.info("sandbox self-test passed")
    wiring = _build(settings, jobs=True)
    from bot.app.queue import start_consumer

    consumer = start_consumer(
        wiring.queue.huey, workers=consumers, periodic=periodic, embedded=False, start=False
    )
    try:
        consumer.run()  # blocks; SIGINT/SIGTERM stop it gracefully
    finally:
        wiring.close()
