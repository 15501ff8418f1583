"""The nightly scan of each repository, and its one tracking issue.

For each repository whose ``.deepcheck.yml`` (default branch) has ``nightly: paths``,
:func:`due_scans` says when a scan is due (once a day, at or after ``nightly.time`` UTC; the
store's delivery claims make that once across every worker), and :func:`run_nightly_scan`
runs :func:`bot.engine.scan.scan` on the default branch and keeps ONE issue per repository up to
date
through ``CodeHost.upsert_issue``: new findings are added, findings no longer reproduced are
ticked off, one that comes back is unticked; when nothing changed, nothing is posted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from bot.app.github.host import CodeHost, Runner
from bot.app.jobs import NightlyScan, RepoRef
from bot.app.repo_cache import RepoCache
from bot.app.settings import Settings
from bot.app.store import NightlyItem, Store
from bot.app.worker.branch_config import default_branch_config
from bot.app.worker.isolation import limits_from, scan_isolated
from bot.engine.pipeline import Deps
from bot.engine.repo_config import RepoConfig
from bot.engine.scan import ScanRequest
from bot.models import Finding, Report
from bot.report.fences import clip, inline_code, neutralize_markers, truncate_markdown
from bot.report.markdown import COMMENT_LIMIT, finding_marker
from rules.ruleset import RuleSet

__all__ = [
    "ISSUE_MARKER",
    "ISSUE_TITLE",
    "due_scans",
    "issue_body",
    "merge_items",
    "run_nightly_scan",
]

log = logging.getLogger("deepcheck.nightly")

ISSUE_MARKER = "<!-- deepcheck:nightly -->"
ISSUE_TITLE = "deepcheck nightly scan: money invariants"


def merge_items(previous: Sequence[NightlyItem], report: Report) -> list[NightlyItem]:
    """The issue's items after this scan: earlier ones (fixed when gone), then new ones."""
    current = {f.id: f for f in report.findings}
    items: list[NightlyItem] = []
    for item in previous:
        found = current.pop(item.id, None)
        if found is None:
            items.append(NightlyItem(item.id, item.title, item.path, item.line, fixed=True))
        else:
            items.append(_item(found))
    items.extend(_item(f) for f in report.findings if f.id in current)
    return items


def _item(f: Finding) -> NightlyItem:
    return NightlyItem(f.id, " ".join(f.title.split()), f.path, f.line)


def issue_body(repo: RepoRef, items: Sequence[NightlyItem], head_sha: str) -> str:
    open_items = [i for i in items if not i.fixed]
    lines = [
        ISSUE_MARKER,
        f"deepcheck checks the money logic of `{repo.default_branch}` every night "
        f"(last scan: `{head_sha[:12]}`). {len(open_items)} open, "
        f"{len(items) - len(open_items)} fixed.",
        "",
    ]
    for i in items:
        title = clip(neutralize_markers(i.title), 300)
        where = inline_code(f"{i.path}:{i.line}")
        if i.fixed:
            lines.append(f"- [x] ~~{title}~~ {where} (no longer reproduced) {finding_marker(i.id)}")
        else:
            lines.append(f"- [ ] **{title}** {where} {finding_marker(i.id)}")
    if not items:
        lines.append("Nothing found.")
    return truncate_markdown("\n".join(lines), COMMENT_LIMIT)


def run_nightly_scan(
    cmd: NightlyScan,
    *,
    host: CodeHost,
    store: Store,
    runner: Runner,
    rules: RuleSet,
    settings: Settings,
    config: RepoConfig | None = None,
    image_for: Callable[[RepoConfig, Path], str | None] | None = None,
) -> int | None:
    """Scan the default branch and update the tracking issue; the issue number, or None when
    there is nothing to scan or nothing to say. ``image_for``: the repository's declared
    dependencies, installed as for a pull request's check."""
    repo = cmd.repo
    if config is None:
        config, _problems = default_branch_config(host, repo)
    paths = cmd.paths or (config.nightly.paths if config.nightly else ())
    if not paths:
        log.info("%s: no nightly paths configured", repo.full_name)
        return None
    token = host.clone_token(repo.installation_id) if repo.clone_url.startswith("http") else None
    cache = RepoCache(settings.data_dir / "repos")
    path = cache.fetch(repo, token)
    deps = Deps(
        runner=runner, rules=rules, cache_dir=settings.data_dir / "cache",
        limits=settings.tree_limits, image_for=image_for,
    )  # fmt: skip
    # in a memory-limited child, like a pull request's analysis (bot/app/worker/isolation.py)
    report = scan_isolated(
        ScanRequest(repo=path, paths=tuple(paths)), deps, limits=limits_from(settings)
    )
    previous = store.nightly_issue(repo.full_name)
    items = merge_items(previous.items if previous else (), report)
    known = previous is not None and previous.issue_number is not None
    if known and previous is not None and list(previous.items) == items:
        store.save_nightly_issue(repo.full_name, previous.issue_number, items, report.head)
        return previous.issue_number  # nothing new, nothing fixed: nothing reposted
    if not known and not items:
        store.save_nightly_issue(repo.full_name, None, items, report.head)
        return None  # no finding ever: no issue
    number = host.upsert_issue(
        repo.full_name, ISSUE_MARKER, ISSUE_TITLE, issue_body(repo, items, report.head)
    )
    store.save_nightly_issue(repo.full_name, number, items, report.head)
    return number


def due_scans(
    store: Store,
    host_for: Callable[[int], CodeHost],
    *,
    clone_url: Callable[[str], str],
    now: datetime | None = None,
) -> list[NightlyScan]:
    """The scans due now: repositories whose nightly time (UTC) has passed today and whose
    scan for today nobody has claimed yet. Once an hour across every consumer: the first
    tick of the hour reads the configurations, the others return nothing."""
    now = now or datetime.now(UTC)
    tick = f"nightly-tick:{now.strftime('%Y-%m-%dT%H')}"
    if not store.claim_delivery(tick):
        return []  # another consumer read the configurations this hour
    store.complete_delivery(tick)
    due: list[NightlyScan] = []
    for r in store.repositories():
        ref = RepoRef(
            installation_id=r.installation_id, full_name=r.full_name,
            clone_url=r.clone_url or clone_url(r.full_name),
            default_branch=r.default_branch or "main",
        )  # fmt: skip
        try:
            config, _ = default_branch_config(host_for(r.installation_id), ref)
        except Exception as exc:  # one repository's failure must not stop the others
            log.warning("%s: cannot read its configuration: %s", r.full_name, exc)
            continue
        if config.nightly is None or not config.nightly.paths:
            continue
        hour, minute = (int(x) for x in config.nightly.time.split(":"))
        if (now.hour, now.minute) < (hour, minute):
            continue
        claim = f"nightly:{r.full_name}:{now.date().isoformat()}"
        if store.claim_delivery(claim):
            store.complete_delivery(claim)  # once a day, even if the scan fails
            due.append(NightlyScan(ref, tuple(config.nightly.paths)))
    return due
