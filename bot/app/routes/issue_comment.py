"""``issue_comment`` created with ``/deep-check`` on a pull request → verify it on demand.

Cheap checks first, since most comments are not commands: a comment on an issue, or one that
is not a command, is ignored before anything else. Bots (any ``Bot`` account, any ``…[bot]``
login, this App's own login) never drive deepcheck. Commenters whose ``author_association``
says they cannot have write access get a reply saying so (no reaction, no check); everyone
else goes to the task, which asks the code host whether the commenter can write (the
association alone does not prove it) before it reacts.
A comment carries no head SHA: the task fetches the PR, and checks that ``requested_by`` (the
commenter) can write.
"""

from __future__ import annotations

from bot.app.commands import (
    NO_WRITE_ACCESS,
    USAGE,
    CommandError,
    HelpRequest,
    is_command,
    parse_command,
    refusal,
)
from bot.app.jobs import CheckPR, Command, Ignore, Reply
from bot.app.routes.router import Delivery, Router
from bot.app.routes.senders import is_bot
from bot.app.settings import Settings

router = Router()

# These associations never come with write access. CONTRIBUTOR is left to the task: an
# organization member whose membership is private can show up as CONTRIBUTOR.
OUTSIDER_ASSOCIATIONS = frozenset({"NONE", "FIRST_TIMER", "FIRST_TIME_CONTRIBUTOR", "MANNEQUIN"})


@router.register("issue_comment", "created")
def deep_check_command(delivery: Delivery, settings: Settings) -> list[Command]:
    if not delivery.has("issue.pull_request"):
        return [Ignore("issue_comment: on an issue, not a pull request")]
    body = delivery.get("comment", dict).get("body")
    if not isinstance(body, str) or not is_command(body):
        return [Ignore("issue_comment: not a /deep-check command")]
    if is_bot(delivery, "sender", settings) or is_bot(delivery, "comment.user", settings):
        return [Ignore("issue_comment: from a bot")]
    if not delivery.has("installation"):
        return [Ignore("issue_comment: no installation in the payload")]
    repo = delivery.repo()
    number = delivery.get("issue.number", int)
    comment_id = delivery.get("comment.id", int)
    association = delivery.get("comment", dict).get("author_association")
    if association in OUTSIDER_ASSOCIATIONS:  # answered, not ignored: every command is
        login = delivery.get("comment.user.login", str)
        return [Reply(repo, number, refusal(login, NO_WRITE_ACCESS), comment_id=comment_id)]
    try:
        request = parse_command(body)
    except CommandError as exc:
        return [Reply(repo, number, f"`/deep-check`: {exc}.\n\n{USAGE}", comment_id=comment_id)]
    if isinstance(request, HelpRequest):
        return [Reply(repo, number, USAGE, comment_id=comment_id)]
    return [
        CheckPR(
            repo=repo,
            number=number,
            tier=request.tier,
            paths=request.paths,
            trigger="comment",
            delivery_id=delivery.delivery_id,
            comment_id=comment_id,
            requested_by=delivery.get("comment.user.login", str),
        )
    ]
