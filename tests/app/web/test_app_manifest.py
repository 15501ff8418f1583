"""app.yml asks for exactly the events and permissions the routes need, no more."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.app.events import handled_events

MANIFEST = Path(__file__).resolve().parents[3] / "app.yml"


def test_the_manifest_lists_exactly_the_routed_events_and_permissions() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert manifest["default_events"] == ["pull_request", "issue_comment", "check_run"]
    assert manifest["default_permissions"] == {
        "pull_requests": "write",
        "checks": "write",
        "issues": "write",
        "contents": "read",
        "metadata": "read",
    }
    always_delivered = {"installation", "installation_repositories", "ping"}
    assert set(manifest["default_events"]) == handled_events() - always_delivered
    assert manifest["hook_attributes"]["url"].endswith("/webhook")
    assert {"name", "url", "description", "public"} <= manifest.keys()
