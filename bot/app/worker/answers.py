"""What the worker says besides the review: ``/deep-check`` replies and the check runs of jobs
that did not run to the end (superseded, given up). Pure text, no I/O.

Every ``/deep-check`` gets an answer in the conversation: new findings come as a review;
anything else as a short reply naming the tier run and what it spent (:func:`command_answer`),
or why nothing ran (:func:`refusal`, :func:`could_not_finish`, :func:`moved_on`).
"""

from __future__ import annotations

from bot.app.commands import refusal as refuse
from bot.app.github.publish import Publication
from bot.app.jobs import CheckPR
from bot.models import Report
from bot.report.fences import clip, inline_code, neutralize_markers
from bot.report.summary import plural, short_sha, spent_line, tier_path

__all__ = [
    "command_answer",
    "could_not_finish",
    "moved_on",
    "refusal",
    "superseded_publication",
]


def _asked(cmd: CheckPR) -> str:
    words = ["/deep-check", cmd.tier, *cmd.paths]
    return inline_code(" ".join(words))


def refusal(cmd: CheckPR, *, reason: str) -> str:
    """Why a command was not run (e.g. the commenter cannot write to the repository)."""
    return refuse(cmd.requested_by, reason, " ".join(["/deep-check", cmd.tier, *cmd.paths]))


def command_answer(cmd: CheckPR, report: Report, pub: Publication) -> str:
    """The reply to a command whose run posted no new finding (a review answers otherwise)."""
    already = len(pub.already_posted_ids)
    parts = ["no new findings"]
    if already:
        parts.append(f"{plural(already, 'finding')} already posted above")
    if pub.resolved_ids:
        parts.append(f"{len(pub.resolved_ids)} resolved (see the review)")
    head = short_sha(cmd.head_sha)
    return (
        f"{_asked(cmd)} on `{head}`: {'; '.join(parts)}.\n\n"
        f"Ran {tier_path(report)}: {spent_line(report.spent)}. "
        f"Check run conclusion: **{pub.conclusion}**."
    )


def could_not_finish(cmd: CheckPR, reason: str) -> str:
    flat = clip(" ".join(neutralize_markers(reason).split()), 500)
    return (
        f"{_asked(cmd)} on `{short_sha(cmd.head_sha)}` could not finish: {flat}\n\n"
        "No finding is reported for this run; comment again to retry."
    )


def moved_on(cmd: CheckPR, current: str) -> str:
    return (
        f"{_asked(cmd)}: the pull request's head moved to `{short_sha(current)}` while "
        f"`{short_sha(cmd.head_sha)}` was being checked; the new head is checked "
        "automatically — comment again for a deeper run on it."
    )


def superseded_publication(head: str, current: str) -> Publication:
    """The check run of a job whose head is no longer the PR's: ``neutral``, naming the head
    that replaced it (GitHub's answer, not the order deliveries arrived in)."""
    return Publication(
        conclusion="neutral",
        title=f"Superseded by {short_sha(current)}",
        summary=f"`{short_sha(head)}` is no longer the head of the pull request: superseded by "
        f"`{short_sha(current)}`, which is the commit checked.",
        text="",
    )
