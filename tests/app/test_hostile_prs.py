"""Hostile pull requests through the real worker (run_check_pr, a fake host, a real store and a
real file:// repository): the host is never read, never exhausted, and every run ends with a
clear outcome. Text a PR controls cannot plant our hidden markers. See docs/security.md."""

from __future__ import annotations

import os
import re
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from app_fakes import GIT_ENV, FakeHost, FakeRunner, PullRequestRepo, git, write

from bot.app.github.client import _FINDING
from bot.app.github.host import PullRequestInfo
from bot.app.github.publish import publication
from bot.app.jobs import CheckPR, RepoRef
from bot.app.settings import Settings
from bot.app.store import Store
from bot.app.worker.tasks import run_check_pr
from bot.models import Finding, Report, Spent, Witness
from bot.report.fences import balance_fences
from rules.loader import RuleSet, load_rules

REPO = "octo/ledger"
_ANY_MARKER = re.compile(r"<!--\s*deepcheck:\w+:([^\s>]+)", re.IGNORECASE)
BASE = {
    "ledger/__init__.py": "",
    "ledger/fees.py": "def late_fee(days: int) -> int:\n    return 0 if days <= 5 else 1\n",
}
GENERATED = "".join(f"X{i} = {i}\n" for i in range(100_000))  # a 1.4 MB diff
CHANGED = {"ledger/fees.py": "def late_fee(days: int) -> int:\n    return 0 if days < 5 else 1\n"}


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    yield s
    s.close()


@pytest.fixture
def secret(tmp_path: Path) -> tuple[Path, str]:
    value = f"CANARY-{uuid.uuid4().hex}"
    path = tmp_path / "host" / "canary.txt"
    path.parent.mkdir()
    path.write_text(value + "\n")
    return path, value


def hostile_pr(root: Path, attack: Callable[[Path], None]) -> PullRequestRepo:
    """``main`` holds BASE; ``feature`` changes fees.py and applies ``attack`` to the work tree."""
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    write(root, BASE)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    base = git(root, "rev-parse", "HEAD")
    git(root, "checkout", "-q", "-b", "feature")
    write(root, CHANGED)
    attack(root)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Change the code")
    head = git(root, "rev-parse", "HEAD")
    git(root, "checkout", "-q", "main")
    return PullRequestRepo(root, base, head)


def check_pr(
    pr: PullRequestRepo, store: Store, rules: RuleSet, settings: Settings
) -> tuple[str, FakeHost]:
    host = FakeHost()
    host.add_pr(REPO, 3, pr)
    ref = RepoRef(installation_id=1, full_name=REPO, clone_url=pr.url)
    cmd = CheckPR(repo=ref, number=3, head_sha=pr.head, base_sha=pr.base, delivery_id="d1")
    outcome = run_check_pr(
        cmd, host=host, store=store, runner=FakeRunner(), rules=rules, settings=settings
    )
    return outcome, host


def everything_said(host: FakeHost) -> str:
    parts: list[str] = []
    for run in host.checks.values():
        parts += [run.title, run.summary]
        parts += [f"{a.title}\n{a.message}" for a in run.annotations]  # a.path: the real path
    for review in host.reviews:
        parts += [review.body, *(c.body for c in review.comments)]
    return "\n".join(parts)


def tree_bytes(root: Path) -> int:
    return sum(
        os.lstat(os.path.join(d, f)).st_size for d, _s, files in os.walk(root) for f in files
    )


def test_symlinks_to_the_host_are_never_read(
    tmp_path: Path, store: Store, rules: RuleSet, secret: tuple[Path, str]
) -> None:
    path, value = secret

    def attack(root: Path) -> None:
        os.symlink(".", root / "l0")
        for i in range(1, 16):
            os.symlink(f"l{i - 1}/..", root / f"l{i}")
        os.symlink(f"l15{path}", root / "chain.py")  # each link alone looks inside
        os.symlink(str(path), root / "ledger" / "absolute.py")
        os.symlink("/dev/zero", root / "ledger" / "zero.py")
        os.symlink("/proc/self/environ", root / ".deepcheck.yml")

    settings = Settings(data_dir=tmp_path / "data")
    outcome, host = check_pr(hostile_pr(tmp_path / "origin", attack), store, rules, settings)

    assert outcome == "done"
    [run] = host.checks.values()
    assert run.status == "completed" and run.conclusion in ("success", "neutral", "failure")
    assert value not in everything_said(host)
    trees = settings.data_dir / "cache" / "trees"
    for dirpath, dirnames, filenames in os.walk(trees):
        for name in dirnames + filenames:
            assert not os.path.islink(os.path.join(dirpath, name)), name
        for name in filenames:
            assert value.encode() not in Path(dirpath, name).read_bytes()


def test_a_huge_blob_is_left_out_and_the_check_finishes(
    tmp_path: Path, store: Store, rules: RuleSet
) -> None:
    def attack(root: Path) -> None:
        proc = subprocess.Popen(
            ["git", "-C", str(root), "hash-object", "-w", "--stdin"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=GIT_ENV,
        )  # fmt: skip
        assert proc.stdin is not None and proc.stdout is not None
        for _ in range(300):  # 300 MB of zeros: a few hundred KB once compressed
            proc.stdin.write(bytes(1_000_000))
        proc.stdin.close()
        oid = proc.stdout.read().decode().strip()
        proc.stdout.close()
        assert proc.wait() == 0
        git(root, "update-index", "--add", "--cacheinfo", f"100644,{oid},ledger/huge.py")

    settings = Settings(data_dir=tmp_path / "data")
    outcome, host = check_pr(hostile_pr(tmp_path / "origin", attack), store, rules, settings)

    assert outcome == "done"
    [run] = host.checks.values()
    assert run.status == "completed"
    assert tree_bytes(settings.data_dir / "cache") < 1_000_000  # nothing of it was written


@pytest.mark.parametrize(
    ("limit", "attack", "reason"),
    [
        (
            {"max_tree_bytes": 1_000_000},
            lambda root: write(root, {f"data/f{i}.txt": "x" * 100_000 for i in range(12)}),
            r"the head tree \([0-9a-f]{12}\) is 1\.2 MB, over the 1 MB cap",
        ),
        (
            {"max_tree_files": 5_000},
            lambda root: write(root, {f"m/d{i % 100}/f{i}.txt": f"{i}\n" for i in range(10_000)}),
            r"the head tree \([0-9a-f]{12}\) has 10,002 files, over the 5,000-file cap",
        ),
        (
            {"max_diff_bytes": 500_000},
            lambda root: write(root, {"ledger/gen.py": GENERATED}),
            r"the diff is over the 500 KB cap",
        ),
    ],
    ids=["bytes", "files", "diff"],
)  # fmt: skip
def test_over_a_cap_the_check_run_ends_neutral_naming_the_cap(
    tmp_path: Path,
    store: Store,
    rules: RuleSet,
    limit: dict[str, int],
    attack: Callable[[Path], None],
    reason: str,
) -> None:
    settings = Settings(data_dir=tmp_path / "data", **limit)  # type: ignore[arg-type]
    outcome, host = check_pr(hostile_pr(tmp_path / "origin", attack), store, rules, settings)

    assert outcome == "neutral"
    [run] = host.checks.values()
    assert (run.status, run.conclusion) == ("completed", "neutral")
    assert re.search(f"deepcheck could not finish: {reason}$", run.title), run.title
    assert not host.reviews
    assert tree_bytes(settings.data_dir / "cache") < 2_000_000


def test_binary_non_utf8_and_unparsable_files_end_cleanly(
    tmp_path: Path, store: Store, rules: RuleSet
) -> None:
    def attack(root: Path) -> None:
        (root / "ledger" / "blob.py").write_bytes(b"\x00\xff" * 5000)
        (root / "ledger" / "latin.py").write_bytes("X = 'caf\xe9'\n".encode("latin-1"))
        (root / "ledger" / "broken.py").write_text("def f(:\n")

    settings = Settings(data_dir=tmp_path / "data")
    outcome, host = check_pr(hostile_pr(tmp_path / "origin", attack), store, rules, settings)

    assert outcome == "done"
    [review] = host.reviews
    assert {c.path for c in review.comments} == {"ledger/broken.py"}


def test_a_forged_marker_in_a_path_is_not_taken_for_ours(
    tmp_path: Path, store: Store, rules: RuleSet
) -> None:
    name = "ledger/x<!-- deepcheck:finding:forged01 -->.py"

    def attack(root: Path) -> None:
        (root / name).write_text("def f(:\n    ```\n")

    settings = Settings(data_dir=tmp_path / "data")
    outcome, host = check_pr(hostile_pr(tmp_path / "origin", attack), store, rules, settings)

    assert outcome == "done"
    said = everything_said(host)
    assert "forged01" in said  # the finding is reported...
    assert "forged01" not in _FINDING.findall(said)  # ...but no marker of it parses as ours
    assert "forged01" not in host.posted_finding_ids(REPO, 3)


def test_forged_markers_and_fences_in_witness_values_stay_inert(tmp_path: Path) -> None:
    forged = "<!-- deepcheck:finding:forged02 -->"
    hostile = f"'{forged}\\n```\\n</details>\\n# heading\\n<!--DEEPCHECK:finding:forged03 -->'"
    finding = Finding(
        id="a1b2c3d4e5f6", kind="behavior-change", severity="medium", verified=True,
        path="ledger/fees.py", line=2, function="late_fee", title=f"late_fee changed {forged}",
        message=f"returns {hostile}\n```python\nunclosed", confidence=1.0,
        witness=Witness(
            call=f"late_fee({forged!r})", base="0", head=hostile,
            test=f"def test_it():\n    assert late_fee(5) == {hostile}\n",
        ),
        sources=("differential",), samples=1, votes=1, in_diff=True,
    )  # fmt: skip
    report = Report(
        base="b" * 40, head="c" * 40, tier="standard", changed_functions=(), findings=(finding,),
        spent=Spent(), notes=(f"note {forged}",), title=f"PR {forged}",
    )  # fmt: skip
    info = PullRequestInfo(
        number=3, head_sha="c" * 40, base_sha="b" * 40, base_ref="main", title=report.title,
        body="", author="mallory", author_is_bot=False, draft=False,
        patches={"ledger/fees.py": "@@ -1,2 +1,2 @@\n def late_fee(days):\n-    a\n+    b\n"},
    )  # fmt: skip

    pub = publication(report, info, set(), fail_on=("defect",), resolve_missing=False)

    texts = [pub.review_body, pub.summary, pub.text, *(c.body for c in pub.comments)]
    ours = {"a1b2c3d4e5f6", "c" * 40}
    for text in texts:
        assert set(_FINDING.findall(text)) <= ours
        assert set(_ANY_MARKER.findall(text)) <= ours, text  # any case, any spacing
        # every fence opened is closed: the witness cannot swallow the rest of the comment
        assert balance_fences(text) == text, text
    assert "forged02" in pub.review_body + "".join(c.body for c in pub.comments)  # still shown
    assert any("a1b2c3d4e5f6" in _FINDING.findall(t) for t in texts)
