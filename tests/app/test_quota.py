"""The daily LLM quota in the App's database: two stores (two processes' worth of engines and
connections) on one database never lose an addition, and the Ledger's daily cap holds for
both — on SQLite and on the real PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from bot.app.store import Store
from bot.llm.budget import Ledger, LLMSettings

ROOT = Path(__file__).resolve().parents[2]
DAY = "2026-12-03"


def test_two_stores_add_atomically_and_the_cap_holds_for_both(
    store_factory: Callable[..., Store],
) -> None:
    web, worker = store_factory(), store_factory()
    quotas = [s.llm_quota(today=lambda: DAY) for s in (web, worker)]

    def spend(quota: object, n: int) -> None:
        for _ in range(n):
            quota.add("42", 10, 0.01)  # type: ignore[attr-defined]

    threads = [threading.Thread(target=spend, args=(q, 25)) for q in quotas for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    tokens, usd = quotas[0].used("42")
    assert tokens == 4 * 25 * 10 and abs(usd - 1.0) < 1e-9  # not one addition lost
    assert quotas[1].used("42") == (tokens, usd)
    assert quotas[1].used("43") == (0, 0.0)  # per installation
    assert worker.llm_quota(today=lambda: "2026-12-04").used("42") == (0, 0.0)  # per day

    settings = LLMSettings(api_key="k", day_tokens=1_500, day_usd=100.0)
    ledgers = [Ledger(settings, quota=q, installation="42") for q in quotas]
    assert all(ledger.out_of_budget() is None for ledger in ledgers)
    ledgers[0].record(400, 100)  # one process spends: 1,500 tokens for the day
    for ledger in ledgers:  # the other process sees it at once
        assert ledger.out_of_budget() == "daily cap for this installation reached"


def test_another_process_adds_to_the_same_row(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'deepcheck.db'}"
    store = Store(url)
    try:
        script = (
            "import sys\nfrom bot.app.store import Store\n"
            "s = Store(sys.argv[1]); q = s.llm_quota(today=lambda: sys.argv[2])\n"
            "for _ in range(200): q.add('7', 3, 0.5)\ns.close()\n"
        )
        child = subprocess.Popen([sys.executable, "-c", script, url, DAY], cwd=ROOT)
        quota = store.llm_quota(today=lambda: DAY)
        for _ in range(200):
            quota.add("7", 1, 0.25)
        assert child.wait(timeout=120) == 0
        assert quota.used("7") == (200 * 3 + 200 * 1, 200 * 0.5 + 200 * 0.25)
    finally:
        store.close()
