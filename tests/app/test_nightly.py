"""The nightly scan keeps one tracking issue per repository (FakeHost, real git, real store)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from app_fakes import FakeHost, FakeRunner, commit, git

from bot.app.jobs import NightlyScan, RepoRef
from bot.app.settings import Settings
from bot.app.store import Store
from bot.app.worker.nightly import ISSUE_MARKER, due_scans, run_nightly_scan
from rules.loader import RuleSet, load_rules

REPO = "octo/ledger"
CONFIG = "nightly:\n  paths: ['ledger/**']\n  time: '03:00'\n"
FLOAT_FEE = (
    "from decimal import Decimal\n\n\n"
    "def late_fee(amount: Decimal, days: int) -> Decimal:\n"
    "    return round(float(amount) * 0.01, 2)\n"
)
FIXED_FEE = (
    "from decimal import ROUND_HALF_EVEN, Decimal\n\n\n"
    "def late_fee(amount: Decimal, days: int) -> Decimal:\n"
    "    return (amount * Decimal('0.01')).quantize(Decimal('0.01'), rounding=ROUND_HALF_EVEN)\n"
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    yield s
    s.close()


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    path = tmp_path / "origin"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    commit(path, {"ledger/__init__.py": "", "ledger/fees.py": FLOAT_FEE}, "fees")
    return path


def scan_once(
    origin: Path, host: FakeHost, store: Store, tmp_path: Path, rules: RuleSet
) -> int | None:
    ref = RepoRef(installation_id=1, full_name=REPO, clone_url=f"file://{origin}")
    return run_nightly_scan(
        NightlyScan(ref), host=host, store=store, runner=FakeRunner(), rules=rules,
        settings=Settings(data_dir=tmp_path / "data"),
    )  # fmt: skip


def test_tracking_issue_is_created_then_updated_with_fixed_items_ticked(
    origin: Path, store: Store, tmp_path: Path
) -> None:
    rules = load_rules()
    host = FakeHost()
    host.files[(REPO, "main", ".deepcheck.yml")] = CONFIG
    number = scan_once(origin, host, store, tmp_path, rules)
    assert number is not None
    marker, _title, body = host.issues[number]
    assert marker == ISSUE_MARKER and ISSUE_MARKER in body
    assert body.count("- [ ]") == 2 and "- [x]" not in body  # float + round() on money
    assert "ledger/fees.py:5" in body

    # nothing changed: nothing reposted
    assert scan_once(origin, host, store, tmp_path, rules) == number
    assert host.issue_edits == 0 and host.calls.count("upsert_issue") == 1

    # the code is fixed on the default branch: the same issue, items ticked off
    commit(origin, {"ledger/fees.py": FIXED_FEE}, "fix fees")
    assert scan_once(origin, host, store, tmp_path, rules) == number
    assert len(host.issues) == 1 and host.issue_edits == 1
    _m, _t, body = host.issues[number]
    assert body.count("- [x]") == 2 and "- [ ]" not in body
    issue = store.nightly_issue(REPO)
    assert issue is not None and all(i.fixed for i in issue.items)
    assert issue.head_sha == git(origin, "rev-parse", "HEAD")

    # it comes back: unticked, still one issue
    commit(origin, {"ledger/fees.py": FLOAT_FEE}, "regress")
    scan_once(origin, host, store, tmp_path, rules)
    _m, _t, body = host.issues[number]
    assert body.count("- [ ]") == 2 and len(host.issues) == 1


def test_no_nightly_paths_means_no_scan(origin: Path, store: Store, tmp_path: Path) -> None:
    host = FakeHost()  # no .deepcheck.yml on the default branch
    assert scan_once(origin, host, store, tmp_path, load_rules()) is None
    assert host.issues == {} and "clone_token" not in host.calls


def test_a_clean_repository_opens_no_issue(tmp_path: Path, store: Store) -> None:
    origin = tmp_path / "clean"
    origin.mkdir()
    git(origin, "init", "-q", "-b", "main")
    commit(origin, {"ledger/__init__.py": "", "ledger/fees.py": FIXED_FEE}, "fees")
    host = FakeHost()
    host.files[(REPO, "main", ".deepcheck.yml")] = CONFIG
    assert scan_once(origin, host, store, tmp_path, load_rules()) is None
    assert host.issues == {}


def test_scans_are_due_once_a_day_after_the_configured_time(store: Store) -> None:
    store.sync_installation(1, "created", added=[REPO, "octo/other"])
    host = FakeHost()
    host.files[(REPO, "main", ".deepcheck.yml")] = CONFIG  # octo/other has no nightly config

    def due(at: datetime) -> list[NightlyScan]:
        return due_scans(store, lambda _i: host, clone_url=lambda n: f"file:///{n}", now=at)

    assert due(datetime(2026, 11, 28, 2, 59, tzinfo=UTC)) == []
    [scan] = due(datetime(2026, 11, 28, 3, 0, tzinfo=UTC))
    assert scan.repo.full_name == REPO and scan.paths == ("ledger/**",)
    assert scan.repo.clone_url == f"file:///{REPO}"
    assert due(datetime(2026, 11, 28, 3, 1, tzinfo=UTC)) == []  # the same hour's tick again
    assert due(datetime(2026, 11, 28, 23, 0, tzinfo=UTC)) == []  # once a day
    assert len(due(datetime(2026, 11, 29, 3, 30, tzinfo=UTC))) == 1


def test_a_scan_that_exhausts_its_memory_kills_only_its_child(
    origin: Path, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The nightly scan's analysis runs in the same memory-limited child as a pull request's
    (bot/app/worker/isolation.py): over the limit, the scan fails with the reason and this
    process goes on (the next scan works)."""
    from bot.app.worker import isolation

    rules = load_rules()
    host = FakeHost()
    host.files[(REPO, "main", ".deepcheck.yml")] = CONFIG
    ref = RepoRef(installation_id=1, full_name=REPO, clone_url=f"file://{origin}")
    settings = Settings(data_dir=tmp_path / "data", analysis_memory_bytes=512 << 20)
    monkeypatch.setattr(isolation, "TEST_PRELUDE", "isolation_hooks:allocate")
    with pytest.raises(isolation.AnalysisFailed, match=r"out of memory \(limit 512 MiB\)"):
        run_nightly_scan(NightlyScan(ref), host=host, store=store, runner=FakeRunner(),
                         rules=rules, settings=settings)  # fmt: skip
    assert not host.issues
    monkeypatch.setattr(isolation, "TEST_PRELUDE", None)
    assert scan_once(origin, host, store, tmp_path, rules) is not None
