"""The /deep-check parser: pure."""

from __future__ import annotations

import pytest

from bot.app.commands import (
    MAX_PATHS,
    CommandError,
    DeepCheckRequest,
    HelpRequest,
    is_command,
    parse_command,
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("/deep-check", DeepCheckRequest("deep", ())),
        ("/deep-check\nmore text", DeepCheckRequest("deep", ())),
        ("  /deep-check   quick  ", DeepCheckRequest("quick", ())),
        ("/deep-check Standard", DeepCheckRequest("standard", ())),
        ("/deep-check high", DeepCheckRequest("deep", ())),
        ("/deep-check deep deep", DeepCheckRequest("deep", ())),
        ("/deep-check path/to/file.py", DeepCheckRequest("deep", ("path/to/file.py",))),
        ("/deep-check setup.py quick", DeepCheckRequest("quick", ("setup.py",))),
        ("/deep-check ./ledger/ ledger/", DeepCheckRequest("deep", ("ledger/",))),
        ("/deep-check a/./b.py", DeepCheckRequest("deep", ("a/b.py",))),
        ("/deep-check\tquick\r\n", DeepCheckRequest("quick", ())),
        ("/deep-check help", HelpRequest()),
        ("/deep-check --help", HelpRequest()),
    ],
)
def test_commands(body: str, expected: DeepCheckRequest | HelpRequest) -> None:
    assert is_command(body)
    assert parse_command(body) == expected


@pytest.mark.parametrize(
    "body",
    [
        "/deep-check quick deep",
        "/deep-check turbo",
        "/deep-check /etc/passwd",
        "/deep-check ../secrets.py",
        "/deep-check a/../../b.py",
        "/deep-check .",
        "/deep-check help quick",
        "/deep-check a/b;rm.py",
        "/deep-check " + "a/" * 300 + "b.py",
        "/deep-check " + " ".join(f"f{i}.py" for i in range(MAX_PATHS + 1)),
    ],
)
def test_bad_commands_say_why_in_one_line(body: str) -> None:
    with pytest.raises(CommandError) as error:
        parse_command(body)
    assert "\n" not in str(error.value) and len(str(error.value)) < 200


@pytest.mark.parametrize(
    "body", [None, "", "/deep-checker", "please /deep-check", "> /deep-check", "text\n/deep-check"]
)
def test_not_commands(body: str | None) -> None:
    assert not is_command(body)
    with pytest.raises(CommandError):
        parse_command(body or "")


def test_echoed_words_cannot_break_out_of_inline_code() -> None:
    with pytest.raises(CommandError) as error:
        parse_command("/deep-check `@org/team`")
    assert str(error.value).count("`") == 2
