"""``check_run`` rerequested → verify that head again, for each of its pull requests.

GitHub sends ``rerequested`` only to the App that owns the check run. A check run on a fork
PR has an empty ``pull_requests`` (GitHub lists only PRs whose head is in the same repository),
so there is nothing to attach a result to: ignored with that reason.
"""

from __future__ import annotations

from typing import Any

from bot.app.jobs import CheckPR, Command, Ignore
from bot.app.routes.router import Delivery, PayloadError, Router
from bot.app.settings import Settings

router = Router()


@router.register("check_run", "rerequested")
def rerun_check(delivery: Delivery, settings: Settings) -> list[Command]:
    if not delivery.has("installation"):
        return [Ignore("check_run: no installation in the payload")]
    app = delivery.get("check_run", dict).get("app")
    app_id = app.get("id") if isinstance(app, dict) else None
    if settings.github_app_id is not None and app_id != settings.github_app_id:
        return [Ignore("check_run: owned by another app")]
    head_sha = delivery.get("check_run.head_sha", str)
    pulls = delivery.get("check_run.pull_requests", list)
    repo = delivery.repo()
    repo_id = delivery.get("repository.id", int)
    commands: list[Command] = []
    for pull in pulls:
        if _base_repo_id(pull) != repo_id:
            continue
        commands.append(
            CheckPR(
                repo=repo,
                number=_int(pull, "number"),
                head_sha=head_sha,
                base_sha=str(pull.get("base", {}).get("sha", "")),
                trigger="rerequest",
                delivery_id=delivery.delivery_id,
            )
        )
    if not commands:
        return [Ignore("check_run: no pull request in this repository (a fork PR?)")]
    return commands


def _base_repo_id(pull: Any) -> object:
    if not isinstance(pull, dict):
        raise PayloadError("check_run payload: a pull_requests entry is not an object")
    base = pull.get("base")
    return base.get("repo", {}).get("id") if isinstance(base, dict) else None


def _int(pull: dict[str, Any], key: str) -> int:
    value = pull.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise PayloadError(f"check_run payload: pull_requests[].{key} is not int")
    return value
