"""What one run says on a pull request, decided without I/O.

From a :class:`~bot.models.Report`, the pull request as GitHub sees it
(:class:`~bot.app.github.host.PullRequestInfo`, with each file's patch) and the ids of the findings
still open from earlier pushes, :func:`publication` decides:

- the check run: conclusion (``failure`` when a finding of a ``fail_on`` kind is verified,
  else ``success``; an infrastructure failure is :func:`infrastructure_failure`, ``neutral``),
  title, summary, text, and one annotation per finding (the adapter sends them 50 a request);
- the review: inline comments for new findings on head lines inside the PR diff, and a body
  with the new findings outside the diff (GitHub rejects a whole review with 422 for a single
  comment off the diff) and the findings of earlier pushes that are gone (resolved).

A finding already posted on an earlier push is not posted again. The body carries hidden
markers: ``<!-- deepcheck:finding:<id> -->`` for each finding it holds (the markdown may
shorten a finding to a line without one) and ``<!-- deepcheck:resolved:<id> -->`` for each
resolved one, so the adapter's ``posted_finding_ids`` can tell what is still open.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence, Set
from dataclasses import dataclass

from bot.app.github.host import Annotation, PullRequestInfo, ReviewComment
from bot.models import Finding, Report
from bot.report.fences import clip, gh_len, neutralize_markers, truncate_markdown
from bot.report.json_report import sorted_findings
from bot.report.markdown import (
    CHECK_RUN_LIMIT,
    COMMENT_LIMIT,
    check_run_summary,
    finding_comment,
    finding_marker,
    review_body,
)

__all__ = [
    "ANNOTATIONS_PER_REQUEST",
    "DEFAULT_FAIL_ON",
    "Publication",
    "annotation_batches",
    "conclusion",
    "diff_lines",
    "infrastructure_failure",
    "publication",
    "resolved_marker",
]

ANNOTATIONS_PER_REQUEST = 50  # GitHub's limit per create/update of a check run
DEFAULT_FAIL_ON: tuple[str, ...] = ("defect", "behavior-change")  # RepoConfig.fail_on default
_ANNOTATION_MESSAGE = 4_000
_ANNOTATION_TITLE = 255
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")


def resolved_marker(finding_id: str) -> str:
    return f"<!-- deepcheck:resolved:{finding_id} -->"


@dataclass(frozen=True)
class Publication:
    """Everything one run posts. An empty ``review_body`` means: post no review."""

    conclusion: str  # success | failure | neutral
    title: str
    summary: str
    text: str
    annotations: tuple[Annotation, ...] = ()
    review_body: str = ""
    comments: tuple[ReviewComment, ...] = ()
    new_ids: tuple[str, ...] = ()  # posted by this run (inline or in the body)
    outside_diff_ids: tuple[str, ...] = ()  # of new_ids, those in the body
    already_posted_ids: tuple[str, ...] = ()  # still present, said on an earlier push
    resolved_ids: tuple[str, ...] = ()  # said on an earlier push, gone now

    @property
    def has_review(self) -> bool:
        return bool(self.review_body)


def diff_lines(patch: str | None) -> frozenset[int]:
    """Head lines of a GitHub file patch that take an inline comment (RIGHT side).

    Context and added lines of every hunk; None (binary, too large) gives no line.
    """
    if not patch:
        return frozenset()
    lines: set[int] = set()
    head: int | None = None
    for raw in patch.splitlines():
        match = _HUNK.match(raw)
        if match:
            head = int(match.group(1))
            continue
        if head is None or raw.startswith("\\"):
            continue  # before the first hunk; "\ No newline at end of file"
        if raw.startswith("-"):
            continue
        lines.add(head)  # "+" added, " " context (GitHub may strip a lone space: "")
        head += 1
    return frozenset(lines)


def conclusion(report: Report, fail_on: Collection[str] = DEFAULT_FAIL_ON) -> str:
    """``failure`` for a verified finding of a ``fail_on`` kind; ``neutral`` when the change
    could not be verified (its code did not run); else ``success``."""
    blocking = any(f.kind in fail_on for f in report.blocking)
    if blocking:
        return "failure"
    return "neutral" if report.unverified else "success"


def _annotation(finding: Finding, fail_on: Collection[str]) -> Annotation:
    if finding.verified and finding.kind in fail_on:
        level = "failure"
    elif finding.verified:
        level = "warning"
    else:
        level = "notice"
    parts = [neutralize_markers(finding.message.strip())]
    if finding.witness is not None:
        w = finding.witness
        parts.append(f"Witness: {w.call}\nbase: {w.base}\nhead: {w.head}")
    text = neutralize_markers("\n\n".join(p for p in parts if p) or finding.title)
    message = clip(text, _ANNOTATION_MESSAGE)
    title = clip(" ".join(neutralize_markers(finding.title).split()), _ANNOTATION_TITLE)
    line = max(1, finding.line)
    return Annotation(finding.path, line, line, level, message, title)


def annotation_batches(
    annotations: Sequence[Annotation], size: int = ANNOTATIONS_PER_REQUEST
) -> list[tuple[Annotation, ...]]:
    """The annotations cut into requests of at most ``size`` (one empty batch for none)."""
    if not annotations:
        return [()]
    return [tuple(annotations[i : i + size]) for i in range(0, len(annotations), size)]


def _with_markers(body: str, markers: Iterable[str]) -> str:
    tail = "\n".join(dict.fromkeys(markers))
    if not tail:
        return body
    room = COMMENT_LIMIT - gh_len(tail) - 2
    return f"{truncate_markdown(body, room)}\n\n{tail}"


def publication(
    report: Report,
    pr: PullRequestInfo,
    posted_ids: Set[str],
    *,
    fail_on: Collection[str] = DEFAULT_FAIL_ON,
    resolve_missing: bool = True,
) -> Publication:
    """What to post for ``report`` on ``pr`` given the findings still open from earlier pushes.

    ``resolve_missing=False`` for a run that looked at part of the PR only (``/deep-check
    path``): a finding it did not look for is not reported resolved.
    """
    title, summary, text = check_run_summary(report)
    findings = sorted_findings(report.findings)
    annotations = tuple(_annotation(f, fail_on) for f in findings)

    current = {f.id for f in findings}
    new = [f for f in findings if f.id not in posted_ids]
    already = [f.id for f in findings if f.id in posted_ids]
    resolved = sorted(i for i in posted_ids if i not in current) if resolve_missing else []

    lines = {path: diff_lines(patch) for path, patch in pr.patches.items()}
    comments: list[ReviewComment] = []
    outside: list[Finding] = []
    for finding in new:
        if finding.line in lines.get(finding.path, frozenset()):
            comments.append(ReviewComment(finding.path, finding.line, finding_comment(finding)))
        else:
            outside.append(finding)

    body = ""
    if comments or outside or resolved:
        markers = [finding_marker(f.id) for f in outside]
        markers += [resolved_marker(i) for i in resolved]
        body = _with_markers(review_body(report, outside, resolved), markers)
    return Publication(
        conclusion=conclusion(report, fail_on),
        title=title,
        summary=summary,
        text=text,
        annotations=annotations,
        review_body=body,
        comments=tuple(comments),
        new_ids=tuple(f.id for f in new),
        outside_diff_ids=tuple(f.id for f in outside),
        already_posted_ids=tuple(already),
        resolved_ids=tuple(resolved),
    )


def infrastructure_failure(reason: str, *, head: str = "") -> Publication:
    """A ``neutral`` check run naming what failed; nothing is said against the PR."""
    flat = " ".join(neutralize_markers(reason).split()) or "unknown error"
    where = f" on `{head[:12]}`" if head else ""
    summary = (
        f"deepcheck could not finish{where}: the machinery failed, not the code under review. "
        "No finding is reported for this run; push again or comment `/deep-check` to retry."
        f"\n\n**Reason:** {clip(flat, 4_000)}"
    )
    return Publication(
        conclusion="neutral",
        title=clip(f"deepcheck could not finish: {flat}", 200),
        summary=truncate_markdown(summary, CHECK_RUN_LIMIT),
        text="",
    )
