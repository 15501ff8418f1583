"""The worker's side of the PR conversation besides the review: who may run ``/deep-check``,
the 👀, and the one reply each command gets (however often its job is retried: each is
claimed once in the store, like a delivery)."""

from __future__ import annotations

from collections.abc import Callable

from bot.app.commands import NO_WRITE_ACCESS
from bot.app.github.host import CodeHost
from bot.app.jobs import CheckPR
from bot.app.store import Store
from bot.errors import DeepcheckError
from bot.redaction import scrub

__all__ = ["one_line", "react_once", "reacted", "refused", "say_once"]


def one_line(exc: BaseException, token: str | None) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    named = text if isinstance(exc, DeepcheckError) else f"{type(exc).__name__}: {text}"
    return scrub(named, token)


def reacted(store: Store, cmd: CheckPR) -> bool:
    """True when this command passed the permission check before (its 👀 is posted)."""
    if cmd.comment_id is None:
        return False
    claim = store.delivery(f"reaction:{cmd.repo.full_name}:{cmd.comment_id}")
    return claim is not None and claim.state == "done"


def refused(host: CodeHost, cmd: CheckPR) -> str | None:
    """Why a ``/deep-check`` may not run (None: the commenter can write)."""
    if not cmd.requested_by:
        return "the comment does not say who asked"
    if not host.can_write(cmd.repo.full_name, cmd.requested_by):
        return NO_WRITE_ACCESS
    return None


def react_once(host: CodeHost, store: Store, repo: str, comment_id: int) -> None:
    """👀 on the comment, once: a job waiting for its PR's lock is retried many times."""
    _claimed(store, f"reaction:{repo}:{comment_id}", lambda: host.react(repo, comment_id, "eyes"))


def say_once(host: CodeHost, store: Store, cmd: CheckPR, body: str) -> None:
    """One reply per command comment, however often its job is retried."""
    repo = cmd.repo.full_name
    key = f"answer:{repo}:{cmd.comment_id}" if cmd.comment_id is not None else ""
    _claimed(store, key, lambda: host.comment(repo, cmd.number, body))


def _claimed(store: Store, claim: str, act: Callable[[], None]) -> None:
    if claim and not store.claim_delivery(claim):
        return
    try:
        act()
    except BaseException:
        if claim:
            store.release_delivery(claim)
        raise
    if claim:
        store.complete_delivery(claim)
