"""Service settings: DEEPCHECK_* variables, one typed Settings, refused placeholders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.app.settings import Settings, SettingsError


def make(**values: Any) -> Settings:
    return Settings(**values)


PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----\n"
GOOD = {
    "webhook_secret": "a-webhook-secret-long-enough",
    "github_app_id": 42,
    "github_private_key": PEM,
}


def test_defaults(tmp_path: Path) -> None:
    settings = make(data_dir=tmp_path)
    assert settings.github_api_url == "https://api.github.com"
    assert settings.database_url == f"sqlite:///{tmp_path}/deepcheck.db"
    assert settings.queue_url == f"sqlite:///{tmp_path}/queue.db"
    assert settings.queue_backend == "sqlite"
    assert (settings.sandbox, settings.allow_process_sandbox) == ("auto", False)
    assert (settings.skip_drafts, settings.skip_bots) == (True, True)
    assert settings.webhook_secret_bytes() == b""


def test_read_from_deepcheck_variables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DEEPCHECK_GITHUB_API_URL", "http://127.0.0.1:9000/api/v3/")
    monkeypatch.setenv("DEEPCHECK_GITHUB_APP_ID", "123")
    monkeypatch.setenv("DEEPCHECK_WEBHOOK_SECRET", "s3cr3t-from-the-environment")
    monkeypatch.setenv("DEEPCHECK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DEEPCHECK_QUEUE_URL", "redis://localhost:6379/0")
    monkeypatch.setenv("DEEPCHECK_SANDBOX", "docker")
    monkeypatch.setenv("DEEPCHECK_SKIP_DRAFTS", "false")
    monkeypatch.setenv("DEEPCHECK_CACHE_DIR", "/tmp/other")  # another part's variable
    settings = make()
    assert settings.github_api_url == "http://127.0.0.1:9000/api/v3"
    assert settings.github_app_id == 123
    assert settings.webhook_secret_bytes() == b"s3cr3t-from-the-environment"
    assert settings.queue_backend == "redis"
    assert settings.database_url.startswith(f"sqlite:///{tmp_path}")
    assert (settings.sandbox, settings.skip_drafts) == ("docker", False)


def test_secrets_do_not_show() -> None:
    settings = make(**GOOD)
    assert "long-enough" not in repr(settings) and "MIIEow" not in repr(settings)


def test_valid_settings_serve() -> None:
    make(**GOOD).validate_for_serving()


@pytest.mark.parametrize(
    "secret", [None, "", "   ", "changethis", "Secret", "xxx", "xxxxxxxxxxxxxxxxxxxx", "k7#Qp2"]
)
def test_a_missing_or_placeholder_secret_stops_the_server_in_one_line(secret: str | None) -> None:
    settings = make(**{**GOOD, "webhook_secret": secret})
    with pytest.raises(SettingsError) as error:
        settings.validate_for_serving()
    message = str(error.value)
    assert message.startswith("cannot serve: DEEPCHECK_WEBHOOK_SECRET")
    assert "\n" not in message
    if secret and secret.strip():
        assert secret not in message  # never echo a secret, even a bad one


def test_every_problem_in_one_line() -> None:
    settings = make(webhook_secret="changethis", sandbox="process")
    with pytest.raises(SettingsError) as error:
        settings.validate_for_serving()
    message = str(error.value)
    assert "\n" not in message
    for part in ("WEBHOOK_SECRET", "GITHUB_APP_ID", "PRIVATE_KEY", "ALLOW_PROCESS_SANDBOX"):
        assert part in message


def test_the_web_role_needs_only_the_secret() -> None:
    make(webhook_secret=GOOD["webhook_secret"]).validate_for_serving(worker=False)


def test_process_sandbox_only_when_allowed() -> None:
    refused = make(**GOOD, sandbox="process")
    with pytest.raises(SettingsError, match="ALLOW_PROCESS_SANDBOX"):
        refused.validate_for_serving()
    allowed = make(**GOOD, sandbox="process", allow_process_sandbox=True)
    allowed.validate_for_serving()


def test_private_key_from_a_file(tmp_path: Path) -> None:
    key = tmp_path / "app.pem"
    key.write_text(PEM)
    base = {"webhook_secret": GOOD["webhook_secret"], "github_app_id": 42}
    settings = make(**base, github_private_key_path=key)
    settings.validate_for_serving()
    assert settings.private_key_pem() == PEM
    missing = make(**base, github_private_key_path=tmp_path / "nope.pem")
    with pytest.raises(SettingsError, match="cannot read"):
        missing.validate_for_serving()
    both = make(**base, github_private_key=PEM, github_private_key_path=key)
    with pytest.raises(SettingsError, match="only one"):
        both.validate_for_serving()


@pytest.mark.parametrize("key", ["changethis", "xxx", "not a key"])
def test_a_placeholder_private_key_is_refused(key: str) -> None:
    settings = make(**{**GOOD, "github_private_key": key})
    with pytest.raises(SettingsError, match="DEEPCHECK_GITHUB_PRIVATE_KEY"):
        settings.validate_for_serving()


def test_a_bad_sandbox_name_is_rejected_when_read() -> None:
    with pytest.raises(ValueError):
        make(sandbox="vm")


def test_no_settings_are_built_at_import_time() -> None:
    import bot.app.events
    import bot.app.settings
    import bot.app.web

    for module in (bot.app.settings, bot.app.events, bot.app.web):
        assert not [name for name, value in vars(module).items() if isinstance(value, Settings)]
