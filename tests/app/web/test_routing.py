"""Routing, sans-I/O: recorded deliveries in, commands out."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import pytest
from webhook_samples import DERIVED_COMMENT, load, settings

from bot.app.commands import USAGE
from bot.app.events import handled_events, route, sign, verify_signature
from bot.app.jobs import CheckPR, Command, Ignore, Reply, SyncInstallation
from bot.app.routes import Delivery, Router
from bot.app.settings import Settings

SECRET = b"0123456789abcdef0123"


def only(commands: list[Command]) -> Command:
    assert len(commands) == 1, commands
    return commands[0]


# --- signatures -----------------------------------------------------------------------------


def test_a_valid_signature_verifies() -> None:
    assert verify_signature(SECRET, b"{}", sign(SECRET, b"{}"))


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "sha256=",
        "sha256=" + "0" * 64,
        "sha1=" + hmac.new(SECRET, b"{}", hashlib.sha1).hexdigest(),
        sign(SECRET, b"{}").removeprefix("sha256="),
        sign(b"other", b"{}"),
        sign(SECRET, b"{} "),
        "sha256=é" + "0" * 63,
        "sha256=\u2603",
    ],
)
def test_anything_else_fails_closed(header: str | None) -> None:
    assert not verify_signature(SECRET, b"{}", header)


def test_an_empty_secret_verifies_nothing() -> None:
    assert not verify_signature(b"", b"{}", sign(b"", b"{}"))


# --- pull_request ---------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["opened", "synchronize", "reopened", "ready_for_review"])
def test_pull_request_actions_check_the_head(action: str) -> None:
    payload = load("pull_request/opened.payload.json")
    payload["action"] = action
    command = only(route("pull_request", payload, settings(), delivery_id="g1"))
    assert command == CheckPR(
        repo=command.repo,  # type: ignore[union-attr]
        number=2,
        head_sha=payload["pull_request"]["head"]["sha"],
        base_sha=payload["pull_request"]["base"]["sha"],
        trigger="pull_request",
        delivery_id="g1",
    )


def test_drafts_are_skipped_unless_configured() -> None:
    payload = load("pull_request/opened.payload.json")
    payload["pull_request"]["draft"] = True
    assert isinstance(only(route("pull_request", payload, settings())), Ignore)
    assert isinstance(only(route("pull_request", payload, settings(skip_drafts=False))), CheckPR)


@pytest.mark.parametrize(
    "user", [{"type": "Bot", "login": "dependabot[bot]"}, {"type": "User", "login": "x[bot]"}]
)
def test_bot_authors_are_skipped_unless_configured(user: dict[str, str]) -> None:
    payload = load("pull_request/opened.payload.json")
    payload["pull_request"]["user"].update(user)
    ignored = only(route("pull_request", payload, settings()))
    assert isinstance(ignored, Ignore) and "bot" in ignored.reason
    assert isinstance(only(route("pull_request", payload, settings(skip_bots=False))), CheckPR)


def test_a_payload_of_an_unexpected_shape_is_ignored_with_the_reason() -> None:
    payload = load("pull_request/opened.payload.json")
    del payload["pull_request"]["head"]
    ignored = only(route("pull_request", payload, settings()))
    assert ignored == Ignore("pull_request payload has no pull_request.head.sha")
    payload = load("pull_request/opened.payload.json")
    payload["pull_request"]["number"] = "2"
    ignored = only(route("pull_request", payload, settings()))
    assert ignored == Ignore("pull_request payload: pull_request.number is not int")


def test_without_an_installation_nothing_can_act() -> None:
    payload = load("pull_request/ready_for_review.payload.json")
    assert "installation" not in payload
    assert isinstance(only(route("pull_request", payload, settings())), Ignore)


# --- issue_comment --------------------------------------------------------------------------


def comment(body: str, **changes: Any) -> dict[str, Any]:
    payload = load(DERIVED_COMMENT)
    payload["comment"]["body"] = body
    for dotted, value in changes.items():
        target = payload
        *parents, last = dotted.split("__")
        for key in parents:
            target = target[key]
        target[last] = value
    return payload


def test_the_derived_comment_gives_a_check() -> None:
    command = only(route("issue_comment", load(DERIVED_COMMENT), settings(), delivery_id="g"))
    assert isinstance(command, CheckPR)
    assert (command.trigger, command.tier, command.paths, command.head_sha) == (
        "comment",
        "deep",
        (),
        "",
    )
    assert (command.number, command.comment_id, command.delivery_id) == (1, 492700400, "g")
    assert command.requested_by == "Codertocat"  # the task checks this login's write access


def test_tier_and_paths_reach_the_command() -> None:
    payload = comment("/deep-check quick ledger/interest.py ledger/\nplease")
    command = only(route("issue_comment", payload, settings()))
    assert isinstance(command, CheckPR)
    assert (command.tier, command.paths) == ("quick", ("ledger/interest.py", "ledger/"))


@pytest.mark.parametrize("body", ["/deep-check help", "  /deep-check --help"])
def test_help_replies_with_usage(body: str) -> None:
    reply = only(route("issue_comment", comment(body), settings()))
    assert isinstance(reply, Reply)
    assert (reply.body, reply.number, reply.comment_id) == (USAGE, 1, 492700400)


@pytest.mark.parametrize("body", ["/deep-check turbo", "/deep-check quick deep", "/deep-check .."])
def test_a_bad_command_replies_with_the_reason_and_usage(body: str) -> None:
    reply = only(route("issue_comment", comment(body), settings()))
    assert isinstance(reply, Reply)
    assert reply.body.startswith("`/deep-check`: ") and reply.body.endswith(USAGE)


@pytest.mark.parametrize(
    ("body", "changes"),
    [
        ("looks good, /deep-check later", {}),
        ("/deep-checker", {}),
        ("> /deep-check", {}),
        ("/deep-check", {"sender__type": "Bot"}),
        (
            "/deep-check",
            {"sender__login": "deepcheck[bot]", "comment__user__login": "deepcheck[bot]"},
        ),
        ("/deep-check", {"sender__login": "renovate[bot]"}),
        ("/deep-check", {"comment__user__type": "Bot"}),
        ("/deep-check", {"issue__pull_request": None}),
    ],
)
def test_comments_that_do_nothing(body: str, changes: dict[str, Any]) -> None:
    assert isinstance(only(route("issue_comment", comment(body, **changes), settings())), Ignore)


@pytest.mark.parametrize(
    ("body", "association"),
    [
        ("/deep-check", "NONE"),
        ("/deep-check", "FIRST_TIME_CONTRIBUTOR"),
        ("/deep-check help", "NONE"),
    ],
)
def test_an_outsiders_command_is_answered_with_the_reason(body: str, association: str) -> None:
    payload = comment(body, comment__author_association=association)
    reply = only(route("issue_comment", payload, settings()))
    assert isinstance(reply, Reply)  # an answer, no check and no reaction
    login = payload["comment"]["user"]["login"]
    assert reply.body == (
        f"@{login}: `/deep-check` was not run: it needs write access to the repository."
    )
    assert reply.comment_id == payload["comment"]["id"]


def test_the_apps_own_login_is_a_bot_even_as_a_user_account() -> None:
    payload = comment("/deep-check", sender__login="DeepCheck-Staging")
    assert isinstance(only(route("issue_comment", payload, settings())), CheckPR)
    own = settings(bot_login="deepcheck-staging")
    assert isinstance(only(route("issue_comment", payload, own)), Ignore)


@pytest.mark.parametrize("association", ["OWNER", "MEMBER", "COLLABORATOR", "CONTRIBUTOR"])
def test_possible_writers_go_to_the_task_for_the_access_check(association: str) -> None:
    payload = comment("/deep-check", comment__author_association=association)
    assert isinstance(only(route("issue_comment", payload, settings())), CheckPR)


@pytest.mark.parametrize("action", ["edited", "deleted"])
def test_edited_and_deleted_comments_are_ignored(action: str) -> None:
    payload = comment("/deep-check")
    payload["action"] = action
    assert isinstance(only(route("issue_comment", payload, settings())), Ignore)


# --- check_run ------------------------------------------------------------------------------


def rerequested_with_pull() -> dict[str, Any]:
    payload = load("check_run/rerequested.payload.json")
    pull = load("check_run/completed.payload.json")["check_run"]["pull_requests"][0]
    pull["base"]["repo"]["id"] = payload["repository"]["id"]
    pull["number"] = 7
    payload["check_run"]["pull_requests"] = [pull]
    return payload


def test_a_rerequested_check_run_checks_its_head_again() -> None:
    payload = rerequested_with_pull()
    command = only(route("check_run", payload, settings(), delivery_id="g"))
    assert isinstance(command, CheckPR)
    assert (command.trigger, command.number, command.head_sha) == (
        "rerequest",
        7,
        payload["check_run"]["head_sha"],
    )
    assert command.repo.full_name == "github/hello-world"


def test_a_fork_check_run_has_no_pull_request_and_is_ignored() -> None:
    payload = load("check_run/rerequested.payload.json")
    ignored = only(route("check_run", payload, settings()))
    assert isinstance(ignored, Ignore) and "fork" in ignored.reason


def test_a_pull_request_of_another_repository_is_not_ours() -> None:
    payload = rerequested_with_pull()
    payload["check_run"]["pull_requests"][0]["base"]["repo"]["id"] = 1
    assert isinstance(only(route("check_run", payload, settings())), Ignore)


def test_a_check_run_of_another_app_is_ignored() -> None:
    payload = rerequested_with_pull()
    assert isinstance(only(route("check_run", payload, settings(github_app_id=2))), CheckPR)
    assert isinstance(only(route("check_run", payload, settings(github_app_id=99))), Ignore)


# --- installations --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "installation/created.payload.json",
            SyncInstallation(957387, "created", ("Codertocat/Hello-World",), ()),
        ),
        (
            "installation/deleted.payload.json",
            SyncInstallation(2, "deleted", (), ("octocat/Hello-World",)),
        ),
        ("installation/suspend.payload.json", SyncInstallation(16598467, "suspend")),
        (
            "installation_repositories/added.payload.json",
            SyncInstallation(957387, "added", ("Codertocat/Space",), ()),
        ),
        (
            "installation_repositories/removed.payload.json",
            SyncInstallation(2, "removed", (), ("octocat/Hello-World",)),
        ),
    ],
)
def test_installations_are_synced(name: str, expected: SyncInstallation) -> None:
    assert route(name.split("/")[0], load(name), settings()) == [expected]


# --- the router itself ----------------------------------------------------------------------


def test_ping_gives_nothing() -> None:
    assert route("ping", load("ping/payload.json"), settings()) == []


def test_unhandled_events_stay_strings_and_are_ignored() -> None:
    assert route("merge_group", {"action": "checks_requested"}, settings()) == [
        Ignore("merge_group.checks_requested: not handled")
    ]
    assert route("push", {}, settings()) == [Ignore("push: not handled")]


def test_handled_events_are_the_manifests_plus_the_installation_ones() -> None:
    assert handled_events() == {
        "pull_request",
        "issue_comment",
        "check_run",
        "installation",
        "installation_repositories",
        "ping",
    }


def test_routers_compose_and_register_by_decorator() -> None:
    first, second = Router(), Router()
    seen: list[str] = []

    @first.register("label", "created")
    def created(delivery: Delivery, settings: Settings) -> list[Command]:
        seen.append("created")
        return []

    @second.register("label")
    def any_action(delivery: Delivery, settings: Settings) -> list[Command]:
        seen.append(f"any:{delivery.action}")
        return [Ignore("seen")]

    root = Router(first, second)
    assert root.route(Delivery("label", {"action": "created"}), settings()) == [Ignore("seen")]
    assert seen == ["any:created", "created"]
    assert root.route(Delivery("label", {"action": "deleted"}), settings()) == [Ignore("seen")]
