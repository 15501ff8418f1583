"""bot.llm.client: settings from the environment, tool-input validation, accounting and caps."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine.candidates import Explorer
from bot.llm.client import (
    DEFAULT_MODEL,
    PRICES,
    AnthropicSampler,
    DailyQuota,
    Ledger,
    LLMSession,
    LLMSettings,
    Prompt,
    from_env,
    price_for,
    retry_after_seconds,
    validate_tool_input,
)
from bot.llm.plugins import engine_parts
from bot.models import Spent
from tests.fakes.anthropic_api import FakeAnthropicAPI, Reply, checks_reply


def test_without_a_key_there_is_no_model() -> None:
    assert from_env({}) is None
    assert from_env({"ANTHROPIC_API_KEY": "  "}) is None
    assert from_env({"ANTHROPIC_API_KEY": "changeme"}) is None


def test_settings_from_the_environment() -> None:
    settings = LLMSettings.from_env(
        {
            "ANTHROPIC_API_KEY": "sk-ant-secret-value",
            "ANTHROPIC_BASE_URL": "http://127.0.0.1:9",
            "DEEPCHECK_MODEL": "claude-haiku-4-5",
            "DEEPCHECK_LLM_PR_USD": "0.5",
            "DEEPCHECK_LATENCY_BUDGET": "30",
            "DEEPCHECK_LLM_PRICE": "2,10",
        }
    )
    assert settings is not None
    assert (settings.model, settings.base_url, settings.pr_usd) == (
        "claude-haiku-4-5",
        "http://127.0.0.1:9",
        0.5,
    )
    assert settings.latency_budget_s == 30.0
    assert settings.price is not None and settings.price.output == 10.0
    assert "secret" not in repr(settings)  # the key never shows in logs
    default = LLMSettings.from_env({"ANTHROPIC_API_KEY": "sk-ant-local-model"})
    assert default is not None and default.model == DEFAULT_MODEL
    assert default.base_url is None  # the SDK's own default (or ANTHROPIC_BASE_URL)
    # placeholders are no key at all (one list for every secret: bot.redaction)
    for placeholder in ("changeme", "xxxx", "sk-ant-...", "your-key"):
        assert LLMSettings.from_env({"ANTHROPIC_API_KEY": placeholder}) is None


def test_prices_cover_the_default_and_unknown_models_are_charged_the_most() -> None:
    assert DEFAULT_MODEL in PRICES
    assert price_for("claude-haiku-4-5-20251001") == PRICES["claude-haiku-4-5"]
    assert price_for("claude-unknown") == max(PRICES.values(), key=lambda p: p.output)


def test_the_llm_generator_joins_the_engine_only_with_a_session() -> None:
    settings = LLMSettings(api_key="test-key", base_url="http://127.0.0.1:9")
    session = LLMSession(settings, AnthropicSampler(settings, sleep=lambda _s: None))
    try:
        with_model = engine_parts(session)
        [gen] = [g for g in with_model.generators if g.name == "llm"]
        assert gen.phase == 2 and isinstance(gen, Explorer)
        assert gen.candidates([], None) == []  # type: ignore[arg-type]
        assert with_model.judge is not None and with_model.meter is session.ledger
        names = [g.name for g in with_model.generators]
        assert names == sorted(names)
        assert names == ["differential", "doctests", "existing-tests", "llm", "symbolic"]
        assert [g.name for g in engine_parts(session, ["llm", "differential"]).generators] == [
            "llm",
            "differential",
        ]
    finally:
        session.close()
    without = engine_parts(None)
    assert [g.name for g in without.generators] == [
        "differential",
        "doctests",
        "existing-tests",
        "symbolic",
    ]
    assert without.judge is None and without.meter is None
    with pytest.raises(KeyError):
        engine_parts(None, ["nonesuch"])


@pytest.mark.parametrize(
    ("tool", "data", "ok"),
    [
        ("propose_checks", {"checks": []}, True),
        ("propose_checks", {"checks": [{"function": "f", "claim": "c", "test": "t"}]}, True),
        ("propose_checks", {"checks": [{"function": "f", "claim": "c"}]}, False),
        ("propose_checks", {"checks": "no"}, False),
        ("propose_checks", ["checks"], False),
        ("judge_change", {"verdict": "bug", "reason": "r"}, True),
        ("judge_change", {"verdict": "BUG", "reason": "r"}, False),
        ("judge_change", {"verdict": "bug"}, False),
        ("predict_result", {"expected": "0", "stated": True, "reason": "r"}, True),
        ("predict_result", {"expected": "0", "stated": "yes", "reason": "r"}, False),
        ("predict_result", {"expected": " ", "stated": False, "reason": "r"}, False),
        ("predict_result", {"expected": "0", "stated": True}, False),
        ("other", {}, False),
    ],
)
def test_tool_input_validation(tool: str, data: object, ok: bool) -> None:
    assert (validate_tool_input(tool, data) is None) is ok


def test_retry_after_headers() -> None:
    assert retry_after_seconds({"retry-after": "2"}) == 2.0
    assert retry_after_seconds({"Retry-After-Ms": "1500", "retry-after": "9"}) == 1.5
    assert retry_after_seconds({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0
    assert retry_after_seconds({"retry-after": "soon"}) is None
    assert retry_after_seconds(None) is None


def test_ledger_counts_tokens_dollars_and_fills_spent() -> None:
    settings = LLMSettings(api_key="k", model="claude-sonnet-4-6")
    ledger = Ledger(settings)
    ledger.record(1_000_000, 100_000)
    ledger.agree(2, 3)
    ledger.agree(2, 2)
    spent = Spent(llm_calls=1, llm_tokens=5)
    ledger.fill(spent)
    assert (spent.llm_calls, spent.llm_tokens) == (2, 1_100_005)
    assert spent.cost_usd == pytest.approx(3.0 + 1.5)
    assert ledger.as_dict()["llm_agreement"] == 0.8
    assert ledger.as_dict()["llm_input_tokens"] == 1_000_000


def test_daily_cap_per_installation_survives_runs(tmp_path: Path) -> None:
    path = tmp_path / "quota.json"
    settings = LLMSettings(api_key="k", day_tokens=1000)
    first = Ledger(settings, quota=DailyQuota(path, today=lambda: "2026-11-28"), installation="7")
    first.record(600, 500)
    again = Ledger(settings, quota=DailyQuota(path, today=lambda: "2026-11-28"), installation="7")
    assert again.out_of_budget() == "daily cap for this installation reached"
    other = Ledger(settings, quota=DailyQuota(path, today=lambda: "2026-11-28"), installation="8")
    assert other.out_of_budget() is None
    tomorrow = Ledger(
        settings, quota=DailyQuota(path, today=lambda: "2026-11-29"), installation="7"
    )
    assert tomorrow.out_of_budget() is None


def test_samples_run_in_parallel_under_the_cap() -> None:
    slow = checks_reply()
    with FakeAnthropicAPI(lambda _r: Reply(body=slow.body, delay_s=0.2)) as api:
        settings = LLMSettings(api_key="k", base_url=api.url, concurrency=3)
        sampler = AnthropicSampler(settings)
        samples = sampler.sample([Prompt("propose_checks", "s", "u")] * 7)
    assert all(s.ok for s in samples)
    assert api.max_in_flight == 3
    # Every request forces the tool and carries both tool schemas' contract names.
    assert {r.body["tool_choice"]["name"] for r in api.requests} == {"propose_checks"}
    assert api.requests[0].body["tools"][0]["name"] == "propose_checks"
    assert "temperature" not in api.requests[0].body


@pytest.mark.parametrize(
    "reply",
    [
        Reply(body={"unexpected": True}),
        Reply(body={"type": "message", "content": [{"type": "text", "text": "no tool"}]}),
        Reply(status=200, body={"type": "message", "content": None, "stop_reason": None}),
        Reply(status=401, body={"type": "error", "error": {"type": "authentication_error"}}),
    ],
)
def test_odd_answers_are_discarded_samples(reply: Reply) -> None:
    with FakeAnthropicAPI(lambda _r: reply) as api:
        settings = LLMSettings(api_key="k", base_url=api.url)
        sampler = AnthropicSampler(settings)
        [sample] = sampler.sample([Prompt("judge_change", "s", "u")])
    assert sample.tool_input is None and sample.problem
    assert sum(sampler.ledger.discarded.values()) == 1
