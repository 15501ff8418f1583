"""bot.app.github.publish: what a run posts, decided without I/O."""

from __future__ import annotations

from dataclasses import replace

from bot.app.github.host import Annotation, PullRequestInfo
from bot.app.github.publish import (
    annotation_batches,
    conclusion,
    diff_lines,
    infrastructure_failure,
    publication,
    resolved_marker,
)
from bot.models import Finding, Report, Spent, Witness
from bot.report.markdown import COMMENT_LIMIT, finding_marker

PATCH = (
    "@@ -10,4 +10,5 @@ def compound(principal, rate, periods):\n"
    "     total = principal\n"
    "-    for _ in range(periods):\n"
    "+    for _ in range(periods - 1):\n"
    "+        # one period short\n"
    "         total += total * rate\n"
    "     return total\n"
    "@@ -40,2 +41,2 @@ def other():\n"
    "-    x = 1\n"
    "+    x = 2\n"
    "\\ No newline at end of file"
)
TEST = "def test_compound():\n    assert compound(1, 0.5, 1) == 1.5\n"


def finding(fid: str, line: int, kind: str = "defect", **changes: object) -> Finding:
    values: dict[str, object] = {
        "id": fid,
        "kind": kind,
        "severity": "high",
        "verified": kind != "risk",
        "path": "ledger/interest.py",
        "line": line,
        "function": "compound",
        "title": f"finding {fid}",
        "message": "The loop runs one period short.",
        "witness": Witness("compound(1, 0.5, 1)", "1.5", "1.0", TEST),
        "confidence": 0.9,
    }
    values.update(changes)
    return Finding(**values)  # type: ignore[arg-type]


def report(*findings: Finding) -> Report:
    return Report("b" * 40, "a" * 40, "standard", (), tuple(findings), Spent())


def pull(**patches: str | None) -> PullRequestInfo:
    return PullRequestInfo(
        1, "a" * 40, "b" * 40, "main", "t", "", "alice", False, False,
        {"ledger/interest.py": PATCH, **patches},
    )  # fmt: skip


def test_diff_lines_are_context_and_added_lines_of_every_hunk() -> None:
    assert diff_lines(PATCH) == {10, 11, 12, 13, 14, 41}
    assert diff_lines(None) == frozenset()
    assert diff_lines("") == frozenset()


def test_new_findings_inside_the_diff_become_inline_comments_the_rest_goes_to_the_body() -> None:
    inside, outside = finding("in1", 11), finding("out1", 30)
    pub = publication(report(inside, outside), pull(), set())
    assert [(c.path, c.line) for c in pub.comments] == [("ledger/interest.py", 11)]
    assert finding_marker("in1") in pub.comments[0].body
    assert "<details>" in pub.comments[0].body and TEST.splitlines()[0] in pub.comments[0].body
    assert pub.outside_diff_ids == ("out1",)
    assert finding_marker("out1") in pub.review_body
    assert "outside the diff" in pub.review_body
    assert finding_marker("in1") not in pub.review_body
    assert pub.conclusion == "failure"


def test_a_file_without_a_patch_takes_no_inline_comment() -> None:
    binary = finding("bin", 3, path="data.bin")
    pub = publication(report(binary), pull(**{"data.bin": None}), set())
    assert pub.comments == ()
    assert pub.outside_diff_ids == ("bin",)


def test_findings_posted_earlier_are_not_posted_again_and_vanished_ones_are_resolved() -> None:
    kept, new = finding("kept", 11), finding("new", 12)
    pub = publication(report(kept, new), pull(), {"kept", "gone"})
    assert [c.body.count(finding_marker("new")) for c in pub.comments] == [1]
    assert pub.already_posted_ids == ("kept",)
    assert pub.resolved_ids == ("gone",)
    assert resolved_marker("gone") in pub.review_body
    assert "Resolved since the last push" in pub.review_body
    assert finding_marker("kept") not in pub.review_body


def test_nothing_new_and_nothing_resolved_posts_no_review() -> None:
    pub = publication(report(finding("kept", 11)), pull(), {"kept"})
    assert not pub.has_review and pub.comments == ()
    assert len(pub.annotations) == 1  # the check run still shows every finding


def test_conclusion_follows_fail_on() -> None:
    change = finding("bc", 11, kind="behavior-change")
    assert conclusion(report(change)) == "failure"
    assert conclusion(report(change), fail_on=("defect",)) == "success"
    assert conclusion(report(finding("r", 11, kind="risk"))) == "success"
    assert conclusion(report()) == "success"


def test_annotation_levels_follow_blocking() -> None:
    found = (finding("d", 11), finding("b", 12, kind="behavior-change"), finding("r", 13, "risk"))
    pub = publication(report(*found), pull(), set(), fail_on=("defect",))
    levels = {a.title: a.level for a in pub.annotations}
    assert levels == {"finding d": "failure", "finding b": "warning", "finding r": "notice"}


def test_annotations_are_batched_fifty_a_request() -> None:
    many = [Annotation("a.py", i, i, "notice", "m") for i in range(1, 121)]
    batches = annotation_batches(many)
    assert [len(b) for b in batches] == [50, 50, 20]
    assert [a for b in batches for a in b] == many
    assert annotation_batches([]) == [()]


def test_infrastructure_failure_is_neutral_with_the_reason() -> None:
    pub = infrastructure_failure("docker daemon not reachable", head="a" * 40)
    assert pub.conclusion == "neutral"
    assert "docker daemon not reachable" in pub.summary
    assert "docker daemon not reachable" in pub.title
    assert not pub.has_review and pub.annotations == ()


def test_the_body_stays_under_the_limit_with_many_resolved_and_outside_findings() -> None:
    outside = [
        finding(f"o{i:04d}", 500 + i, message="x" * 3_000, title="long " * 50) for i in range(60)
    ]
    gone = {f"gone{i:04d}" for i in range(400)}
    pub = publication(report(*outside), pull(), gone)
    assert len(pub.review_body) <= COMMENT_LIMIT
    for i in range(60):
        assert finding_marker(f"o{i:04d}") in pub.review_body  # even if shown as one line
    assert all(resolved_marker(g) in pub.review_body for g in gone)


def test_a_finding_moved_out_of_the_diff_is_still_recognized_by_id() -> None:
    first = publication(report(finding("f", 11)), pull(), set())
    moved = replace(finding("f", 11), line=30)
    second = publication(report(moved), pull(), set(first.new_ids))
    assert second.new_ids == () and not second.has_review


def test_a_narrowed_run_reports_nothing_resolved() -> None:
    pub = publication(report(finding("new", 11)), pull(), {"elsewhere"}, resolve_missing=False)
    assert pub.resolved_ids == () and "Resolved" not in pub.review_body
    assert pub.new_ids == ("new",)


def test_a_change_whose_code_could_not_run_is_neutral_not_success() -> None:
    from bot.models import Unchecked

    gap = Unchecked("a.py", "f", "cannot import: ModuleNotFoundError: No module named 'x'",
                    "could-not-run")  # fmt: skip
    unverified = replace(report(), unchecked=(gap,), analysed=1)
    assert conclusion(unverified) == "neutral"
    change = finding("c", 10, kind="behavior-change")
    assert conclusion(replace(report(change), unchecked=(gap,), analysed=2)) == "failure"
    in_scope = replace(gap, cause="not-drivable")
    assert conclusion(replace(report(), unchecked=(in_scope,), analysed=2)) == "success"
