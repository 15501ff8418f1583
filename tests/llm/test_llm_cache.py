"""Prompt caching: N samples of one function pay for the shared prefix once.

The fake API reports ``cache_creation_input_tokens`` / ``cache_read_input_tokens`` like the
real one (a prefix of at least 1,024 tokens up to the ``cache_control`` breakpoint: written by
the first request, read by later identical ones); the ``Ledger`` prices writes at 1.25x and
reads at 0.1x the input price.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.llm.budget import Ledger, LLMSettings, Price
from bot.llm.client import AnthropicSampler, Prompt
from bot.llm.propose import LLMBudget, LLMGenerator, PRContext
from bot.models import Spent
from bot.report.json_report import to_json
from bot.report.summary import spent_line
from tests.fakes.anthropic_api import (
    FakeAnthropicAPI,
    ScriptedModel,
    checks_reply,
    prediction_reply,
    verdict_reply,
)
from tests.llm.test_llm_generator import Change, change, session_for
from tests.report.report_values import make_report

# A function long enough that its context passes the API's 1,024-token caching minimum.
_RULES = "\n".join(
    f"    if kind == 'k{n}':\n        return amount * {n + 2} // {n + 3}" for n in range(60)
)
BASE = (
    "def fee_for(kind: str, amount: int) -> int:\n"
    f'    """Fee per kind."""\n{_RULES}\n    return 0\n'
)
HEAD = BASE.replace("return 0\n", "return 1\n")


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Change:
    return change(tmp_path_factory.mktemp("big"), {"fees.py": BASE}, {"fees.py": HEAD}, "quick")


def test_ledger_prices_cache_writes_and_reads() -> None:
    ledger = Ledger(LLMSettings(api_key="k", price=Price(3.0, 15.0)))
    ledger.record(1_000_000, 0, cache_write=1_000_000, cache_read=1_000_000)
    assert ledger.cost_usd == pytest.approx(3.0 + 3.75 + 0.30)
    figures = ledger.as_dict()
    assert (figures["llm_cache_write_tokens"], figures["llm_cache_read_tokens"]) == (10**6, 10**6)
    assert ledger.tokens == 3_000_000  # the caps count cached tokens too


def test_n_samples_of_one_function_pay_for_the_shared_prefix_once(big: Change) -> None:
    n = 4
    model = ScriptedModel({"fee_for": [checks_reply()]})  # nothing found: all n are drawn
    with FakeAnthropicAPI(model) as api:
        session = session_for(api)
        gen = LLMGenerator(
            session, adaptive=False, budgets={"quick": LLMBudget(n, n, n, 0, 3, 3, 2, 3)}
        )
        gen.explore(big.analysis.analysed, big.ctx, big.run, PRContext("Fees", "unknown kinds"))
    requests = api.calls("propose_checks")
    assert len(requests) == n
    # Stable system prompt; one prefix (tools + system + the function's blocks) for all n.
    assert len({r.system for r in requests}) == 1
    assert len({r.cache_prefix() for r in requests}) == 1
    content = requests[0].body["messages"][0]["content"]
    assert content[0]["cache_control"] == {"type": "ephemeral"}
    assert "Focus of this sample" in content[-1]["text"]  # the per-sample angle is last
    ledger = session.ledger
    prefix = ledger.cache_write_tokens
    assert prefix >= 1024
    assert ledger.cache_read_tokens == (n - 1) * prefix  # written once, read n-1 times
    # Dollars: the prefix once at 1.25x plus n-1 reads at 0.1x, versus n full-price copies.
    uncached = ledger.price.cost(ledger.input_tokens + n * prefix, ledger.output_tokens)
    assert ledger.cost_usd < uncached
    assert ledger.cost_usd == pytest.approx(
        ledger.price.cost(ledger.input_tokens, ledger.output_tokens, prefix, (n - 1) * prefix)
    )
    # The report's Spent carries the cache tokens the SDK's usage reported (JSON and the line).
    spent = Spent()
    ledger.fill(spent)
    assert (spent.llm_cache_write_tokens, spent.llm_cache_read_tokens) == (prefix, (n - 1) * prefix)
    assert spent.llm_tokens == ledger.tokens and spent.cost_usd == round(ledger.cost_usd, 6)
    data = to_json(make_report((), spent=spent))["spent"]
    assert data["llm_cache_read_tokens"] == (n - 1) * prefix
    assert data["llm_cache_write_tokens"] == prefix
    assert f"cached: {(n - 1) * prefix:,} read, {prefix:,} written" in spent_line(spent)


def test_short_prefixes_are_not_cached(tmp_path: Path) -> None:
    small = change(
        tmp_path,
        {"fees.py": "def f(x):\n    return x\n"},
        {"fees.py": "def f(x):\n    return x + 1\n"},
        "quick",
    )
    with FakeAnthropicAPI(ScriptedModel({"f": [checks_reply()]})) as api:
        session = session_for(api)
        gen = LLMGenerator(
            session, adaptive=False, budgets={"quick": LLMBudget(2, 2, 2, 0, 3, 3, 2, 3)}
        )
        gen.explore(small.analysis.analysed, small.ctx, small.run, PRContext())
    assert len(api.calls()) == 2
    assert session.ledger.cache_write_tokens == session.ledger.cache_read_tokens == 0


def test_proposals_predictions_and_judges_share_the_tools_and_system_prefix() -> None:
    """Every request sends every tool and the same system block, marked: one cache entry for a
    whole review. A different forced tool then misses only the message-level entry."""
    system = "You are deepcheck. " * 80  # a stable system prompt
    shared = "the function's blocks " * 60
    replies = {
        "propose_checks": checks_reply(),
        "predict_result": prediction_reply("1", stated=True),
        "judge_change": verdict_reply("bug"),
    }
    with FakeAnthropicAPI(lambda r: replies[r.tool], cache_min_tokens=0) as api:
        sampler = AnthropicSampler(LLMSettings(api_key="k", base_url=api.url))
        propose = Prompt("propose_checks", system, "angle 1", prefix=shared)
        first = sampler.sample([propose])[0]
        again = sampler.sample([Prompt("propose_checks", system, "angle 2", prefix=shared)])[0]
        predict = sampler.sample([Prompt("predict_result", system, "the intent only")])[0]
        judge = sampler.sample([Prompt("judge_change", system, "witness", prefix=shared)])[0]
    assert [s.ok for s in (first, again, predict, judge)] == [True] * 4
    tools_and_system = len(api.requests[0].cache_breakpoints()[0]) // 4
    assert {tuple(t["name"] for t in r.body["tools"]) for r in api.requests} == {
        ("propose_checks", "predict_result", "judge_change")
    }
    assert len({r.cache_breakpoints()[0] for r in api.requests}) == 1
    # The first request writes tools + system + the function's blocks; the second proposal
    # reads all of it; the prediction (no message breakpoint) and the judge (another forced
    # tool: the message blocks are not reused) read tools + system and write only their own.
    assert first.cache_read_tokens == 0 and first.cache_write_tokens > tools_and_system
    assert again.cache_read_tokens == first.cache_write_tokens and again.cache_write_tokens == 0
    assert predict.cache_read_tokens == tools_and_system and predict.cache_write_tokens == 0
    assert judge.cache_read_tokens == tools_and_system
    assert 0 < judge.cache_write_tokens < first.cache_write_tokens
