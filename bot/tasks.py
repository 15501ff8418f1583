"""What a worker does with each command: orchestration over the ports, no queue in sight.

``bot.queue`` registers these functions as huey tasks; tests call them directly with a fake
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
   a per-repository cache (:mod:`bot.repo_cache`; an installation token is sent for http(s)
   URLs only, as a header in the environment: it never enters the URL, the cache's config, a
   sandbox, a log, the store or an error message); ``.deepcheck.yml`` is read from the DEFAULT
   branch, so a PR cannot loosen its own checks;
5. :func:`bot.pipeline.check` runs on (base, head); :func:`bot.publish.publication` decides
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
from typing import TYPE_CHECKING, Any, Literal

from bot.config import RepoConfig, load_repo_config, path_matches
from bot.errors import DeepcheckError
from bot.jobs import CheckPR, NightlyScan, Reply, RepoRef, SyncInstallation
from bot.lease import Heartbeat, worker_id
from bot.models import Report
from bot.pipeline import CheckRequest, Deps, check
from bot.ports import CodeHost, PullRequestInfo, Runner
from bot.publish import Publication, infrastructure_failure, publication
from bot.redaction import scrub
from bot.repo_cache import RepoCache
from bot.settings import Settings
from bot.store import Job, Store
from rules.loader import RuleSet

if TYPE_CHECKING:
    from bot.llm import LLMSession

__all__ = [
    "CHECK_NAME",
    "CONFIG_FILE",
    "LEASE_SECONDS",
    "AppHandlers",
    "Busy",
    "CheckOutcome",
    "command_from_payload",
    "command_payload",
    "default_branch_config",
    "run_check_pr",
    "run_reply",
    "run_sync_installation",
]

log = logging.getLogger("deepcheck.tasks")

CHECK_NAME = "deepcheck"
CONFIG_FILE = ".deepcheck.yml"
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


# -- configuration -----------------------------------------------------------------------------


def default_branch_config(host: CodeHost, repo: RepoRef) -> tuple[RepoConfig, list[str]]:
    """``.deepcheck.yml`` from the default branch (defaults when absent), and its problems."""
    text = host.file_on_branch(repo.full_name, CONFIG_FILE, repo.default_branch)
    if text is None:
        return RepoConfig(), []
    config, errors = load_repo_config(text, label=f"{CONFIG_FILE}@{repo.default_branch}")
    return config, [str(e) for e in errors]


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
    deps = Deps(
        runner=run.runner, rules=run.rules, cache_dir=settings.data_dir / "cache",
        generator_names=run.generators, image_for=run.image_for, llm=run.llm,
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


# -- the App's handlers (bot.queue.Handlers) ------------------------------------------------------


def default_clone_url(settings: Settings, full_name: str) -> str:
    """``https://github.com/<name>.git`` (or the GitHub Enterprise host of the API URL)."""
    api = settings.github_api_url.rstrip("/")
    if api == "https://api.github.com":
        return f"https://github.com/{full_name}.git"
    return f"{api.removesuffix('/api/v3')}/{full_name}.git"


@dataclass
class AppHandlers:
    """What each queued command does in the App: the functions above, wired to the ports."""

    settings: Settings
    store: Store
    host_for: Callable[[int], CodeHost]
    runner: Runner
    rules: RuleSet
    lease_seconds: float = LEASE_SECONDS
    generators: list[str] | None = None  # None: every candidate generator
    llm_for: Callable[[int], LLMSession | None] | None = None  # per installation (quota)

    def check_pr(self, cmd: CheckPR, owner: str) -> CheckOutcome:
        image_for: ImageFor | None = None
        if self.runner.name == "docker":
            from bot.repo_image import docker_image_for

            image_for = docker_image_for
        llm = self.llm_for(cmd.repo.installation_id) if self.llm_for is not None else None
        try:
            return run_check_pr(
                cmd, host=self.host_for(cmd.repo.installation_id), store=self.store,
                runner=self.runner, rules=self.rules, settings=self.settings,
                owner=worker_id(owner), lease_seconds=self.lease_seconds,
                generators=self.generators, image_for=image_for, llm=llm,
            )  # fmt: skip
        finally:
            if llm is not None:
                llm.close()

    def reply(self, cmd: Reply) -> None:
        run_reply(cmd, host=self.host_for(cmd.repo.installation_id))

    def sync_installation(self, cmd: SyncInstallation) -> None:
        run_sync_installation(cmd, store=self.store)

    def nightly_scan(self, cmd: NightlyScan) -> int | None:
        from bot.nightly import run_nightly_scan  # bot.nightly builds on this module

        return run_nightly_scan(
            cmd, host=self.host_for(cmd.repo.installation_id), store=self.store,
            runner=self.runner, rules=self.rules, settings=self.settings,
        )  # fmt: skip

    def due_nightly_scans(self) -> list[NightlyScan]:
        from bot.nightly import due_scans

        return due_scans(
            self.store, self.host_for, clone_url=lambda n: default_clone_url(self.settings, n)
        )

    def expired_checks(self) -> list[CheckPR]:
        out = []
        for job in self.store.requeue_expired():
            try:
                out.append(command_from_payload(job.payload))
            except (ValueError, TypeError, KeyError) as exc:
                log.warning("job %s: unreadable payload (%s); dropped", job.id, exc)
        return out
