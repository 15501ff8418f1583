"""What a worker does with each command: orchestration over the ports, no queue in sight.

``bot.app.queue`` registers these functions as huey tasks; tests call them directly with a fake
code host. Every function takes its collaborators as arguments (the store, the code host of the
installation, the sandbox runner, the rules, the settings).

``run_check_pr`` verifies one PR head:

1. a ``/deep-check`` comment: the commenter (``cmd.requested_by``) must have write access,
   else the command is answered with the refusal and gets no reaction (a command that does
   not say who asked is refused: fail closed); then 👀, once however often the job is retried;
2. GitHub is asked for the PR's head (``CodeHost.head_sha``): the order deliveries arrive in
   decides nothing. A job for another head is ``superseded`` — its check run concluded
   ``neutral``, "Superseded by <sha>" — and the current head's job, if it had been marked
   superseded, is queued again (``requeue``);
3. the job is leased in the store; the lease is also the per-PR lock, so jobs of one PR never
   run at the same time (another job holding it raises :class:`Busy`: try again later; a
   command for a head whose check is running waits the same way: it runs after it). A job
   out of attempts is given up: its check run ends ``neutral`` with the reason;
4. a check run starts (``in_progress``; an unfinished one of an earlier attempt is reused); the
   repository is fetched from ``repo.clone_url`` into
   a per-repository cache (:mod:`bot.app.repo_cache`; an installation token is sent for http(s)
   URLs only, as a header in the environment: it never enters the URL, the cache's config, a
   sandbox, a log, the store or an error message); ``.deepcheck.yml`` is read from the DEFAULT
   branch, so a PR cannot loosen its own checks;
5. :func:`bot.engine.pipeline.check` runs on (base, head); GitHub is asked for the head again
   before anything is published;
:func:`bot.app.github.publish.publication` decides
   what to say; the review is posted, the finding ids are recorded, a command without new
   findings gets a short reply (:mod:`bot.app.worker.answers`), the check run finishes.

Before each write to GitHub the worker checks that it still holds the lease
(:class:`LeaseLost`: another worker owns the job now; nothing is written, no duplicate review).
An :class:`~bot.errors.DeepcheckError` (a sandbox that failed, a repository that cannot be
fetched) finishes the check run ``neutral`` with the reason — never ``failure``.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from bot.app.github.host import CodeHost, Runner
from bot.app.github.publish import Publication, infrastructure_failure, publication
from bot.app.jobs import CheckPR, Reply, RepoRef, SyncInstallation
from bot.app.repo_cache import RepoCache
from bot.app.settings import Settings
from bot.app.store import Job, Store
from bot.app.worker.answers import (
    command_answer,
    could_not_finish,
    moved_on,
    refusal,
    superseded_publication,
)
from bot.app.worker.branch_config import default_branch_config
from bot.app.worker.conversation import one_line, react_once, reacted, refused, say_once
from bot.app.worker.isolation import check_isolated, limits_from
from bot.app.worker.lease import Heartbeat, worker_id
from bot.engine.pipeline import CheckRequest, Deps
from bot.engine.repo_config import RepoConfig, path_matches
from bot.errors import DeepcheckError
from bot.llm.client import LLMSession
from bot.llm.plugins import engine_parts
from bot.models import Report
from bot.redaction import scrub
from rules.ruleset import RuleSet

__all__ = [
    "CHECK_NAME",
    "LEASE_SECONDS",
    "Busy",
    "CheckOutcome",
    "LeaseLost",
    "Requeue",
    "command_from_payload",
    "command_payload",
    "conclude",
    "give_up",
    "run_check_pr",
    "run_reply",
    "run_sync_installation",
]

log = logging.getLogger("deepcheck.tasks")

CHECK_NAME = "deepcheck"
LEASE_SECONDS = 900.0  # renewed every third of it while the job runs

ImageFor = Callable[[RepoConfig, Path], str | None]
CheckOutcome = Literal["done", "neutral", "superseded", "refused", "gone", "lost"]
Requeue = Callable[[CheckPR], None]


class Busy(Exception):
    """Another job of the same PR holds the PR lock: run this one later (not an attempt)."""


# -- payloads ----------------------------------------------------------------------------------


def command_payload(cmd: CheckPR) -> str:
    """The command as JSON for the store (the reaper re-queues from it); nothing secret."""
    return json.dumps(dataclasses.asdict(cmd), sort_keys=True)


def command_from_payload(payload: str) -> CheckPR:
    data: dict[str, Any] = json.loads(payload)
    repo = RepoRef(**data.pop("repo"))
    data["paths"] = tuple(data.get("paths", ()))
    return CheckPR(repo=repo, **data)


# -- CheckPR -----------------------------------------------------------------------------------


@dataclass
class _Run:
    cmd: CheckPR
    host: CodeHost
    store: Store
    runner: Runner
    rules: RuleSet
    settings: Settings
    owner: str
    generators: list[str] | None = None
    image_for: ImageFor | None = None
    llm: LLMSession | None = None
    token: str | None = None

    @property
    def repo(self) -> str:
        return self.cmd.repo.full_name


def run_check_pr(
    cmd: CheckPR,
    *,
    host: CodeHost,
    store: Store,
    runner: Runner,
    rules: RuleSet,
    settings: Settings,
    owner: str = "",
    lease_seconds: float = LEASE_SECONDS,
    generators: list[str] | None = None,
    image_for: ImageFor | None = None,
    llm: LLMSession | None = None,
    requeue: Requeue | None = None,
) -> CheckOutcome:
    """Verify one PR head and publish the result (see the module docstring).

    ``generators`` narrows the candidate generators by name (None: all of them); ``image_for``
    picks the repository's sandbox image (Docker); ``llm`` is the model session, if any;
    ``requeue`` queues a command again (a superseded job whose head turned out current)."""
    repo, number = cmd.repo.full_name, cmd.number
    if cmd.trigger == "comment" and not reacted(store, cmd):  # a retry was let in already
        why = refused(host, cmd)  # before the 👀: a refused command gets no reaction
        if why is not None:
            log.info("%s#%s: /deep-check refused (%s)", repo, number, why)
            say_once(host, store, cmd, refusal(cmd, reason=why))
            return "refused"
        if cmd.comment_id is not None:
            react_once(host, store, repo, cmd.comment_id)
    current = host.head_sha(repo, number)  # GitHub's head, whatever order deliveries came in
    store.note_head(repo, number, current)
    if not cmd.head_sha:
        cmd = replace(cmd, head_sha=current)
    store.note_repository(
        repo, cmd.repo.installation_id, clone_url=cmd.repo.clone_url,
        default_branch=cmd.repo.default_branch,
    )  # fmt: skip
    rerun = cmd.trigger in ("comment", "rerequest")
    store.upsert_job(cmd.key, base_sha=cmd.base_sha, payload=command_payload(cmd), rerun=rerun)
    if current != cmd.head_sha:
        if store.mark_superseded(cmd.key):  # once: a redelivery adds no check run
            conclude(host, cmd, superseded_publication(cmd.head_sha, current))
        _revive(store, (repo, number, current), requeue)
        return "superseded"
    store.revive_job(cmd.key)  # superseded earlier, current now: it runs
    owner = owner or worker_id()
    lease = store.lease_job(cmd.key, owner, lease_seconds)
    if lease.outcome == "busy" or (lease.outcome == "running" and cmd.trigger == "comment"):
        # a command while a check runs: it runs after it, never dropped
        raise Busy(f"{repo}#{number}: another job of this pull request is running")
    if lease.outcome == "exhausted" and lease.job is not None:
        give_up(host, store, cmd, lease.job.error or "out of attempts")
        return "neutral"
    if lease.outcome != "leased" or lease.job is None:
        return "gone"
    run = _Run(cmd, host, store, runner, rules, settings, owner, generators, image_for, llm)
    with Heartbeat(store, lease.job, owner, lease_seconds):
        try:
            outcome = _leased(run, lease.job, requeue)
        except LeaseLost as exc:
            log.warning("%s#%s@%s: %s; nothing written", repo, number, cmd.head_sha[:12], exc)
            return "lost"
        except Exception as exc:
            if lease.job.attempts < store.max_attempts:
                store.finish_job(lease.job.id, owner, "queued", "interrupted; will be retried")
                raise
            # the last attempt: give up now rather than leave the check run in progress
            why = f"gave up after {lease.job.attempts} attempts: {one_line(exc, run.token)}"
            store.finish_job(lease.job.id, owner, "failed", why)
            try:
                give_up(host, store, cmd, why)
            except DeepcheckError as again:
                log.warning("%s#%s: the check run could not be finished: %s", repo, number, again)
            return "neutral"
        except BaseException:
            store.finish_job(lease.job.id, owner, "queued", "interrupted; will be retried")
            raise
    return outcome


def _revive(store: Store, key: tuple[str, int, str], requeue: Requeue | None) -> None:
    """The PR's current head had its job marked superseded: queue it again."""
    job = store.revive_job(key)
    if job is None or requeue is None or not job.payload:
        return
    try:
        requeue(command_from_payload(job.payload))
    except (ValueError, TypeError, KeyError) as exc:
        log.warning("job %s: unreadable payload (%s); left to the reaper", job.id, exc)


def conclude(host: CodeHost, cmd: CheckPR, pub: Publication) -> None:
    """Complete the head's check run: the unfinished one an earlier attempt started (GitHub
    finds it by its external id), or a new one."""
    check_id = host.start_check(cmd.repo.full_name, cmd.head_sha, CHECK_NAME, _external_id(cmd))
    _finish(host, cmd.repo.full_name, check_id, pub)


def give_up(host: CodeHost, store: Store, cmd: CheckPR, reason: str) -> None:
    """A job that will not run again: its check run ends ``neutral`` with the reason (and a
    ``/deep-check`` gets the reason as its answer)."""
    log.warning("%s#%s@%s: giving up: %s", cmd.repo.full_name, cmd.number, cmd.head_sha[:12],
                reason)  # fmt: skip
    conclude(host, cmd, infrastructure_failure(reason, head=cmd.head_sha))
    if cmd.trigger == "comment":
        say_once(host, store, cmd, could_not_finish(cmd, reason))


def _external_id(cmd: CheckPR) -> str:
    return f"{cmd.repo.full_name}#{cmd.number}@{cmd.head_sha}"


class LeaseLost(Exception):
    """This worker no longer holds the job's lease: another one owns it; write nothing."""


def _guard(run: _Run, job: Job) -> None:
    """Just before a write to GitHub: abort when the lease was lost."""
    if not run.store.holds_lease(job.id, run.owner):
        raise LeaseLost(f"job {job.id}: lease lost before writing to GitHub")


def _leased(run: _Run, job: Job, requeue: Requeue | None) -> CheckOutcome:
    cmd, host, store = run.cmd, run.host, run.store
    pr = host.pull_request(run.repo, cmd.number)  # the truth about the head, and patches
    store.note_head(run.repo, cmd.number, pr.head_sha)
    if pr.head_sha != cmd.head_sha:
        _guard(run, job)
        conclude(host, cmd, superseded_publication(cmd.head_sha, pr.head_sha))
        store.finish_job(job.id, run.owner, "superseded", f"the PR head is now {pr.head_sha}")
        _revive(store, (run.repo, cmd.number, pr.head_sha), requeue)
        return "superseded"
    base = cmd.base_sha or pr.base_sha
    _guard(run, job)
    check_id = host.start_check(run.repo, cmd.head_sha, CHECK_NAME, _external_id(cmd))
    try:
        config, problems = default_branch_config(host, cmd.repo)
        report = _verify(run, base, config, problems)
        current = host.head_sha(run.repo, cmd.number)  # before publishing: still the head?
        if current != cmd.head_sha:
            store.note_head(run.repo, cmd.number, current)
            _guard(run, job)
            _finish(host, run.repo, check_id, superseded_publication(cmd.head_sha, current))
            if cmd.trigger == "comment":
                say_once(host, store, cmd, moved_on(cmd, current))
            store.finish_job(job.id, run.owner, "superseded", f"the PR head is now {current}")
            _revive(store, (run.repo, cmd.number, current), requeue)
            return "superseded"
        posted = host.posted_finding_ids(run.repo, cmd.number)
        pub = publication(report, pr, posted, fail_on=config.fail_on, resolve_missing=not cmd.paths)
        _guard(run, job)
        if pub.has_review:
            host.review(run.repo, cmd.number, cmd.head_sha, pub.review_body, pub.comments)
        ids = (*pub.new_ids, *pub.already_posted_ids)
        store.record_findings(run.repo, cmd.number, cmd.head_sha, ids, pub.conclusion)
        if cmd.trigger == "comment" and not pub.new_ids:  # new findings: the review answers
            _guard(run, job)
            say_once(host, store, cmd, command_answer(cmd, report, pub))
        _guard(run, job)
        _finish(host, run.repo, check_id, pub)
    except LeaseLost:
        raise
    except DeepcheckError as exc:
        reason = scrub(str(exc), run.token)
        log.warning("%s#%s@%s: %s", run.repo, cmd.number, cmd.head_sha[:12], reason)
        return _failed(run, job, check_id, reason)
    except Exception as exc:
        reason = scrub(f"internal error: {type(exc).__name__}: {exc}", run.token)
        log.exception("%s#%s: %s", run.repo, cmd.number, reason)
        return _failed(run, job, check_id, reason)
    store.finish_job(job.id, run.owner, "done")
    return "done"


def _failed(run: _Run, job: Job, check_id: int, reason: str) -> CheckOutcome:
    """An infrastructure failure: the check run ends ``neutral`` with the reason (and a
    command gets it as its answer)."""
    _guard(run, job)
    _finish(run.host, run.repo, check_id, infrastructure_failure(reason, head=run.cmd.head_sha))
    if run.cmd.trigger == "comment":
        say_once(run.host, run.store, run.cmd, could_not_finish(run.cmd, reason))
    run.store.finish_job(job.id, run.owner, "failed", reason)
    return "neutral"


def _verify(run: _Run, base: str, config: RepoConfig, problems: list[str]) -> Report:
    cmd, settings = run.cmd, run.settings
    run.token = run.host.clone_token(cmd.repo.installation_id) if _is_http(cmd.repo) else None
    cache = RepoCache(settings.data_dir / "repos")
    path = cache.fetch(cmd.repo, run.token, shas=(base, cmd.head_sha), pull=cmd.number)
    parts = engine_parts(run.llm, run.generators)
    deps = Deps(
        runner=run.runner, rules=run.rules, cache_dir=settings.data_dir / "cache",
        image_for=run.image_for, generators=parts.generators, judge=parts.judge,
        meter=parts.meter, limits=settings.tree_limits,
    )  # fmt: skip
    # The default branch's config, so a PR cannot weaken its own checks.
    request = CheckRequest(repo=path, base=base, head=cmd.head_sha, tier=cmd.tier, config=config)
    report = check_isolated(
        request, deps, llm=run.llm, generators=run.generators, limits=limits_from(settings)
    )  # a child process with a memory limit: a PR cannot take this worker down
    notes = [f"config: {p}" for p in problems]
    findings = report.findings
    if cmd.paths:  # `/deep-check path/to/file.py`: only what was asked about
        findings = tuple(f for f in findings if any(path_matches(p, f.path) for p in cmd.paths))
        notes.append("limited to " + ", ".join(cmd.paths))
    return replace(report, findings=findings, notes=(*report.notes, *notes))


def _is_http(repo: RepoRef) -> bool:
    return repo.clone_url.startswith(("https://", "http://"))


def _finish(host: CodeHost, repo: str, check_id: int, pub: Publication) -> None:
    host.finish_check(
        repo, check_id, conclusion=pub.conclusion, title=pub.title, summary=pub.summary,
        text=pub.text, annotations=pub.annotations,
    )  # fmt: skip


# -- the small commands --------------------------------------------------------------------------


def run_reply(cmd: Reply, *, host: CodeHost) -> None:
    """Answer a bad or help ``/deep-check`` command on the PR conversation."""
    host.comment(cmd.repo.full_name, cmd.number, cmd.body)


def run_sync_installation(cmd: SyncInstallation, *, store: Store) -> None:
    store.sync_installation(
        cmd.installation_id, cmd.action, added=cmd.repositories_added,
        removed=cmd.repositories_removed,
    )  # fmt: skip
