"""What a worker does with each command: orchestration over the ports, no queue in sight.

``bot.app.queue`` registers these functions as huey tasks; tests call them directly with a fake
code host. Every function takes its collaborators as arguments (the store, the code host of the
installation, the sandbox runner, the rules, the settings).

``run_check_pr`` verifies one PR head:

1. a ``/deep-check`` comment gets 👀 at once (once, however often the job is retried), then
   the commenter (``cmd.requested_by``) must have write access: a command that does not say
   who asked is refused (fail closed);
2. a job older than the PR's newest known head is dropped (superseded): a stale result never
   overwrites a newer one; the PR is read from the host, which has the last word on its head;
3. the job is leased in the store; the lease is also the per-PR lock, so jobs of one PR never
   run at the same time (another job holding it raises :class:`Busy`: try again later);
4. a check run starts (``in_progress``); the repository is fetched from ``repo.clone_url`` into
   a per-repository cache (:mod:`bot.app.repo_cache`; an installation token is sent for http(s)
   URLs only, as a header in the environment: it never enters the URL, the cache's config, a
   sandbox, a log, the store or an error message); ``.deepcheck.yml`` is read from the DEFAULT
   branch, so a PR cannot loosen its own checks;
5. :func:`bot.engine.pipeline.check` runs on (base, head);
:func:`bot.app.github.publish.publication` decides
   what to say; the review is posted, the finding ids are recorded, the check run finishes.

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

from bot.app.github.host import CodeHost, PullRequestInfo, Runner
from bot.app.github.publish import Publication, infrastructure_failure, publication
from bot.app.jobs import CheckPR, Reply, RepoRef, SyncInstallation
from bot.app.repo_cache import RepoCache
from bot.app.settings import Settings
from bot.app.store import Job, Store
from bot.app.worker.branch_config import default_branch_config
from bot.app.worker.lease import Heartbeat, worker_id
from bot.engine.pipeline import CheckRequest, Deps, check
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
    "command_from_payload",
    "command_payload",
    "run_check_pr",
    "run_reply",
    "run_sync_installation",
]

log = logging.getLogger("deepcheck.tasks")

CHECK_NAME = "deepcheck"
LEASE_SECONDS = 900.0  # renewed every third of it while the job runs

ImageFor = Callable[[RepoConfig, Path], str | None]
CheckOutcome = Literal["done", "neutral", "superseded", "refused", "gone"]


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
) -> CheckOutcome:
    """Verify one PR head and publish the result (see the module docstring).

    ``generators`` narrows the candidate generators by name (None: all of them); ``image_for``
    picks the repository's sandbox image (Docker); ``llm`` is the model session, if any."""
    repo, number = cmd.repo.full_name, cmd.number
    pr: PullRequestInfo | None = None
    if cmd.trigger == "comment":
        if cmd.comment_id is not None:
            _react_once(host, store, repo, cmd.comment_id)
        requested_by = cmd.requested_by
        if not requested_by or not host.can_write(repo, requested_by):
            log.info("%s#%s: /deep-check refused (no write access: %r)", repo, number, requested_by)
            return "refused"
    if not cmd.head_sha:
        pr = host.pull_request(repo, number)
        store.note_head(repo, number, pr.head_sha)
        cmd = replace(cmd, head_sha=pr.head_sha, base_sha=pr.base_sha)
    store.note_repository(
        repo, cmd.repo.installation_id, clone_url=cmd.repo.clone_url,
        default_branch=cmd.repo.default_branch,
    )  # fmt: skip
    rerun = cmd.trigger in ("comment", "rerequest")
    store.upsert_job(cmd.key, base_sha=cmd.base_sha, payload=command_payload(cmd), rerun=rerun)
    latest = store.latest_head(repo, number)  # a job seen for the first time is the latest
    if latest is not None and latest != cmd.head_sha:
        store.supersede_older(repo, number, latest)
        return "superseded"
    owner = owner or worker_id()
    lease = store.lease_job(cmd.key, owner, lease_seconds)
    if lease.outcome == "busy":
        raise Busy(f"{repo}#{number}: another job of this pull request is running")
    if lease.outcome == "gone" or lease.job is None:
        return "gone"
    run = _Run(cmd, host, store, runner, rules, settings, owner, generators, image_for, llm)
    with Heartbeat(store, lease.job, owner, lease_seconds):
        try:
            outcome = _leased(run, lease.job, pr)
        except BaseException:
            store.finish_job(lease.job.id, owner, "queued", "interrupted; will be retried")
            raise
    return outcome


def _react_once(host: CodeHost, store: Store, repo: str, comment_id: int) -> None:
    """👀 on the comment, once: a job waiting for its PR's lock is retried many times."""
    claim = f"reaction:{repo}:{comment_id}"
    if not store.claim_delivery(claim):
        return
    try:
        host.react(repo, comment_id, "eyes")
    except BaseException:
        store.release_delivery(claim)
        raise
    store.complete_delivery(claim)


def _leased(run: _Run, job: Job, pr: PullRequestInfo | None) -> CheckOutcome:
    cmd, host, store = run.cmd, run.host, run.store
    if pr is None:
        pr = host.pull_request(run.repo, cmd.number)  # the truth about the head, and patches
        store.note_head(run.repo, cmd.number, pr.head_sha)
    if pr.head_sha != cmd.head_sha:
        store.finish_job(job.id, run.owner, "superseded", f"the PR head is now {pr.head_sha}")
        return "superseded"
    base = cmd.base_sha or pr.base_sha
    external_id = f"{run.repo}#{cmd.number}@{cmd.head_sha}"
    check_id = host.start_check(run.repo, cmd.head_sha, CHECK_NAME, external_id)
    try:
        config, problems = default_branch_config(host, cmd.repo)
        report = _verify(run, base, config, problems)
        if store.latest_head(run.repo, cmd.number) != cmd.head_sha:
            _finish(run, check_id, _superseded_publication(cmd.head_sha))
            store.finish_job(job.id, run.owner, "superseded", "a newer head arrived meanwhile")
            return "superseded"
        posted = host.posted_finding_ids(run.repo, cmd.number)
        pub = publication(report, pr, posted, fail_on=config.fail_on, resolve_missing=not cmd.paths)
        if pub.has_review:
            host.review(run.repo, cmd.number, cmd.head_sha, pub.review_body, pub.comments)
        ids = (*pub.new_ids, *pub.already_posted_ids)
        store.record_findings(run.repo, cmd.number, cmd.head_sha, ids, pub.conclusion)
        _finish(run, check_id, pub)
    except DeepcheckError as exc:
        reason = scrub(str(exc), run.token)
        log.warning("%s#%s@%s: %s", run.repo, cmd.number, cmd.head_sha[:12], reason)
        _finish(run, check_id, infrastructure_failure(reason, head=cmd.head_sha))
        store.finish_job(job.id, run.owner, "failed", reason)
        return "neutral"
    except Exception as exc:
        reason = scrub(f"internal error: {type(exc).__name__}: {exc}", run.token)
        log.exception("%s#%s: %s", run.repo, cmd.number, reason)
        _finish(run, check_id, infrastructure_failure(reason, head=cmd.head_sha))
        store.finish_job(job.id, run.owner, "failed", reason)
        return "neutral"
    store.finish_job(job.id, run.owner, "done")
    return "done"


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
    report = check(request, deps)
    notes = [f"config: {p}" for p in problems]
    findings = report.findings
    if cmd.paths:  # `/deep-check path/to/file.py`: only what was asked about
        findings = tuple(f for f in findings if any(path_matches(p, f.path) for p in cmd.paths))
        notes.append("limited to " + ", ".join(cmd.paths))
    return replace(report, findings=findings, notes=(*report.notes, *notes))


def _is_http(repo: RepoRef) -> bool:
    return repo.clone_url.startswith(("https://", "http://"))


def _superseded_publication(head: str) -> Publication:
    return Publication(
        conclusion="neutral",
        title="Superseded by a newer push",
        summary=f"A newer commit was pushed while `{head[:12]}` was being checked; "
        "its result is on the newer commit.",
        text="",
    )


def _finish(run: _Run, check_id: int, pub: Publication) -> None:
    run.host.finish_check(
        run.repo, check_id, conclusion=pub.conclusion, title=pub.title, summary=pub.summary,
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
