"""bot.app.github.client against a fake GitHub REST API on 127.0.0.1, through the real PyGithub."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from bot.app.github.client import GitHubApp, GitHubError, GitHubHost
from bot.app.github.host import Annotation, CodeHost, ReviewComment
from bot.app.github.publish import Publication, infrastructure_failure, publication
from bot.app.github.ratelimit import Backoff, RateLimiter
from bot.errors import InfrastructureError
from bot.models import Finding, Report, Spent, Witness
from bot.report.markdown import finding_marker
from tests.fakes.github_api import OUTSIDE_DIFF, SECONDARY_RATE_LIMIT, FakeGitHub, rsa_key_pair

REPO = "acme/ledger"
PR = 7
HEAD, HEAD2, HEAD3 = "a" * 40, "c" * 40, "d" * 40
INSTALLATION = 1001
PATH = "ledger/interest.py"
PATCH = (
    "@@ -10,4 +10,5 @@ def compound(principal, rate, periods):\n"
    "     total = principal\n"
    "-    for _ in range(periods):\n"
    "+    for _ in range(periods - 1):\n"
    "+        # one period short\n"
    "         total += total * rate\n"
    "     return total"
)  # head lines 10-14 are in the diff
TEST = (
    "from decimal import Decimal\n\nfrom ledger.interest import compound\n\n\n"
    "def test_compound_applies_one_period():\n"
    "    assert compound(Decimal('1.00'), Decimal('0.5'), 1) == Decimal('1.50')\n"
)


@pytest.fixture(scope="module")
def keys() -> tuple[str, bytes]:
    return rsa_key_pair()


@pytest.fixture
def fake(keys: tuple[str, bytes]) -> Iterator[FakeGitHub]:
    with FakeGitHub(keys[1], installations=(INSTALLATION,)) as server:
        server.add_repo(
            REPO,
            files={".deepcheck.yml": "fail_on: [defect]\n"},
            permissions={"alice": "write", "maria": "maintain", "olga": "admin", "bob": "read"},
        )
        server.repos[REPO].branches["feature"] = {".deepcheck.yml": "fail_on: []\n"}
        server.add_pull(REPO, PR, head_sha=HEAD, patches={PATH: PATCH, "logo.png": None})
        yield server


def make_app(fake: FakeGitHub, private_key: str) -> GitHubApp:
    limiter = RateLimiter(Backoff(base=0.01, secondary_wait=0.01), min_write_interval=0)
    return GitHubApp(fake.app_id, private_key, base_url=fake.base_url, limiter=limiter)


@pytest.fixture
def host(fake: FakeGitHub, keys: tuple[str, bytes]) -> Iterator[GitHubHost]:
    app = make_app(fake, keys[0])
    yield app.host(INSTALLATION)
    app.close()


def finding(fid: str, line: int, kind: str = "defect") -> Finding:
    return Finding(
        id=fid,
        kind=kind,  # type: ignore[arg-type]
        severity="high",
        verified=True,
        path=PATH,
        line=line,
        function="compound",
        title=f"compound() skips the last period ({fid})",
        message="The loop runs `range(periods - 1)`.",
        witness=Witness(
            "compound(Decimal('1.00'), Decimal('0.5'), 1)",
            "Decimal('1.50')",
            "Decimal('1.00')",
            TEST,
        ),
        confidence=0.97,
    )


def report(head: str, *findings: Finding) -> Report:
    return Report("b" * 40, head, "standard", (), findings, Spent())


def run(host: CodeHost, head: str, *findings: Finding) -> Publication:
    """What the task does for one push: check run, review, from the posted state."""
    check = host.start_check(REPO, head, "deepcheck", f"{REPO}#{PR}@{head}")
    pr = host.pull_request(REPO, PR)
    pub = publication(report(head, *findings), pr, host.posted_finding_ids(REPO, PR))
    host.finish_check(
        REPO, check, conclusion=pub.conclusion, title=pub.title, summary=pub.summary,
        text=pub.text, annotations=pub.annotations,
    )  # fmt: skip
    if pub.has_review:
        host.review(REPO, PR, head, pub.review_body, pub.comments)
    return pub


def review_posts(fake: FakeGitHub) -> list[dict[str, object]]:
    return [r.body for r in fake.calls("POST", r"/pulls/7/reviews$") if r.status == 200]


def test_the_adapter_satisfies_the_port(host: GitHubHost) -> None:
    port: CodeHost = host
    assert port is host


def test_pull_request_carries_the_patches(host: GitHubHost) -> None:
    pr = host.pull_request(REPO, PR)
    assert (pr.number, pr.head_sha, pr.base_ref, pr.author, pr.author_is_bot) == (
        PR, HEAD, "main", "alice", False,
    )  # fmt: skip
    assert pr.patches == {PATH: PATCH, "logo.png": None}


def test_head_sha_is_githubs_current_head(host: GitHubHost, fake: FakeGitHub) -> None:
    assert host.head_sha(REPO, PR) == HEAD
    fake.push(REPO, PR, "c" * 40, {PATH: PATCH})
    assert host.head_sha(REPO, PR) == "c" * 40
    assert not fake.calls("GET", rf"/pulls/{PR}/files$")  # one read of the PR, no files


def test_a_review_with_inline_comments_on_the_right_lines_and_the_test_collapsed(
    host: GitHubHost, fake: FakeGitHub
) -> None:
    run(host, HEAD, finding("f-inside", 12))
    (posted,) = review_posts(fake)
    assert posted["event"] == "COMMENT" and posted["commit_id"] == HEAD
    (comment,) = posted["comments"]  # type: ignore[misc]
    assert (comment["path"], comment["line"], comment["side"]) == (PATH, 12, "RIGHT")
    assert finding_marker("f-inside") in comment["body"]
    details = comment["body"].split("<details>", 1)[1]
    assert "<summary>" in details and "def test_compound_applies_one_period" in details
    assert fake.reviews[0]["state"] == "COMMENTED"


def test_a_finding_outside_the_diff_goes_to_the_body_and_the_review_is_accepted(
    host: GitHubHost, fake: FakeGitHub
) -> None:
    pub = run(host, HEAD, finding("f-inside", 11), finding("f-outside", 40))
    assert pub.outside_diff_ids == ("f-outside",)
    assert [r.status for r in fake.calls("POST", r"/reviews$")] == [200]
    (posted,) = review_posts(fake)
    assert [c["line"] for c in posted["comments"]] == [11]  # type: ignore[attr-defined]
    assert finding_marker("f-outside") in str(posted["body"])


def test_a_comment_github_still_refuses_is_folded_into_the_body(
    host: GitHubHost, fake: FakeGitHub
) -> None:
    stale = ReviewComment(PATH, 99, f"{finding_marker('late')}\nlate finding")
    host.review(REPO, PR, HEAD, "review body", [stale])
    statuses = [r.status for r in fake.calls("POST", r"/reviews$")]
    assert statuses == [422, 200]
    refused = fake.calls("POST", r"/reviews$")[0]
    assert refused.response["errors"] == [OUTSIDE_DIFF]
    assert fake.reviews[-1]["body"].startswith("review body")
    assert "late finding" in fake.reviews[-1]["body"]
    assert host.posted_finding_ids(REPO, PR) == {"late"}


def test_a_second_push_posts_only_what_is_new_and_reports_what_vanished(
    host: GitHubHost, fake: FakeGitHub
) -> None:
    run(host, HEAD, finding("stays", 11), finding("goes", 12))
    assert host.posted_finding_ids(REPO, PR) == {"stays", "goes"}

    fake.push(REPO, PR, HEAD2, {PATH: PATCH})
    second = run(host, HEAD2, finding("stays", 11), finding("new", 13))
    assert second.already_posted_ids == ("stays",) and second.resolved_ids == ("goes",)
    posted = review_posts(fake)
    assert len(posted) == 2
    bodies = [c["body"] for c in posted[1]["comments"]]  # type: ignore[attr-defined]
    assert [finding_marker("new") in b for b in bodies] == [True]
    assert finding_marker("stays") not in str(posted[1])
    assert "Resolved since the last push" in str(posted[1]["body"])
    assert host.posted_finding_ids(REPO, PR) == {"stays", "new"}

    fake.push(REPO, PR, HEAD3, {PATH: PATCH})
    third = run(host, HEAD3, finding("stays", 11), finding("new", 13))
    assert third.resolved_ids == () and not third.has_review
    assert len(review_posts(fake)) == 2


def test_more_than_fifty_annotations_go_in_batches(host: GitHubHost, fake: FakeGitHub) -> None:
    check = host.start_check(REPO, HEAD, "deepcheck", "job-1")
    notes = [Annotation(PATH, i, i, "warning", f"note {i}", f"t{i}") for i in range(1, 121)]
    host.finish_check(
        REPO, check, conclusion="failure", title="3 findings", summary="s", text="t",
        annotations=notes,
    )  # fmt: skip
    patches = fake.check_run_patches(check)
    assert [len(p["output"]["annotations"]) for p in patches] == [50, 50, 20]
    assert patches[0]["status"] == "completed" and patches[0]["conclusion"] == "failure"
    assert patches[0]["completed_at"].endswith("Z")
    assert [a["message"] for a in fake.check_runs[check]["_annotations"]] == [
        f"note {i}" for i in range(1, 121)
    ]
    assert fake.check_runs[check]["conclusion"] == "failure"


def test_an_infrastructure_failure_is_a_neutral_check_run(
    host: GitHubHost, fake: FakeGitHub
) -> None:
    check = host.start_check(REPO, HEAD, "deepcheck", "job-1")
    pub = infrastructure_failure("sandbox image deepcheck-sandbox:3 missing", head=HEAD)
    host.finish_check(
        REPO, check, conclusion=pub.conclusion, title=pub.title, summary=pub.summary,
        text=pub.text, annotations=pub.annotations,
    )  # fmt: skip
    stored = fake.check_runs[check]
    assert (stored["status"], stored["conclusion"]) == ("completed", "neutral")
    assert "sandbox image deepcheck-sandbox:3 missing" in stored["output"]["summary"]
    assert fake.calls("POST", r"/reviews$") == []


def test_a_check_run_is_reused_for_the_same_external_id(host: GitHubHost, fake: FakeGitHub) -> None:
    first = host.start_check(REPO, HEAD, "deepcheck", "job-1")
    again = host.start_check(REPO, HEAD, "deepcheck", "job-1")
    other = host.start_check(REPO, HEAD, "deepcheck", "job-2")
    assert first == again != other
    assert len(fake.calls("POST", r"/check-runs$")) == 2


def test_secondary_rate_limit_is_retried_after_retry_after(
    host: GitHubHost, fake: FakeGitHub
) -> None:
    fake.secondary_rate_limit("POST", r"/pulls/7/reviews$", retry_after="0.3")
    started = time.monotonic()
    host.review(REPO, PR, HEAD, "body", [ReviewComment(PATH, 12, "inline")])
    assert time.monotonic() - started >= 0.3
    assert [r.status for r in fake.calls("POST", r"/reviews$")] == [403, 200]
    assert len(fake.reviews) == 1


def test_a_5xx_after_the_review_was_stored_does_not_post_it_twice(
    host: GitHubHost, fake: FakeGitHub
) -> None:
    fake.fail("POST", r"/pulls/7/reviews$", 502, after=True)
    host.review(REPO, PR, HEAD, "body <!-- deepcheck:review:x -->", [])
    assert [r.status for r in fake.calls("POST", r"/reviews$")] == [502]
    assert len(fake.reviews) == 1


def test_a_5xx_after_the_check_run_was_created_reuses_it(
    host: GitHubHost, fake: FakeGitHub
) -> None:
    fake.fail("POST", r"/check-runs$", 503, after=True)
    check = host.start_check(REPO, HEAD, "deepcheck", "job-9")
    assert list(fake.check_runs) == [check]


def test_errors_that_are_not_rate_limits_fail_at_once_as_infrastructure_errors(
    host: GitHubHost, fake: FakeGitHub
) -> None:
    fake.fail("POST", r"/check-runs$", 403, message="Resource not accessible by integration")
    with pytest.raises(GitHubError) as caught:
        host.start_check(REPO, HEAD, "deepcheck", "job-1")
    assert isinstance(caught.value, InfrastructureError) and caught.value.status == 403
    assert len(fake.calls("POST", r"/check-runs$")) == 1


def test_server_errors_are_retried_with_backoff(host: GitHubHost, fake: FakeGitHub) -> None:
    fake.fail("GET", r"/pulls/7$", 502, times=2)
    assert host.pull_request(REPO, PR).head_sha == HEAD


def test_the_tracking_issue_is_created_once_then_updated(
    host: GitHubHost, fake: FakeGitHub
) -> None:
    marker = "<!-- deepcheck:nightly -->"
    first = host.upsert_issue(REPO, marker, "deepcheck nightly: 1 finding", "one")
    second = host.upsert_issue(REPO, marker, "deepcheck nightly: 2 findings", "two")
    assert first == second
    (issue,) = fake.issues.values()
    assert issue["title"] == "deepcheck nightly: 2 findings"
    assert issue["body"].startswith(marker) and issue["body"].endswith("two")
    assert len(fake.calls("POST", r"/issues$")) == 1


def test_an_issue_by_someone_else_with_the_marker_is_not_taken_over(
    host: GitHubHost, fake: FakeGitHub
) -> None:
    marker = "<!-- deepcheck:nightly -->"
    fake.issues[(REPO, 50)] = {
        "id": 1, "number": 50, "title": "copied", "body": marker, "state": "open",
        "user": {"login": "mallory", "id": 3, "type": "User"},
        "url": f"{fake.base_url}/repos/{REPO}/issues/50",
    }  # fmt: skip
    number = host.upsert_issue(REPO, marker, "deepcheck nightly", "body")
    assert number != 50 and fake.issues[(REPO, 50)]["title"] == "copied"


def test_reacting_to_a_deep_check_comment(host: GitHubHost, fake: FakeGitHub) -> None:
    comment = fake.add_issue_comment(REPO, PR, "/deep-check high", "alice")
    host.react(REPO, comment, "eyes")
    host.react(REPO, comment, "eyes")  # a redelivery: GitHub answers 200, nothing new
    (reaction,) = fake.reactions
    assert (reaction["content"], reaction["_comment"]) == ("eyes", comment)
    assert reaction["user"]["login"] == "deepcheck[bot]"


def test_comment_on_a_pull_request(host: GitHubHost, fake: FakeGitHub) -> None:
    host.comment(REPO, PR, "Unknown tier `ultra`: use quick, standard or deep.")
    (posted,) = [c for c in fake.issue_comments.values() if c["_number"] == PR]
    assert posted["body"].startswith("Unknown tier") and posted["user"]["type"] == "Bot"


@pytest.mark.parametrize(
    ("user", "expected"),
    [("alice", True), ("maria", True), ("olga", True), ("bob", False), ("stranger", False)],
)
def test_write_permission(host: GitHubHost, user: str, expected: bool) -> None:
    assert host.can_write(REPO, user) is expected


def test_the_config_is_read_from_the_named_branch(host: GitHubHost) -> None:
    assert host.file_on_branch(REPO, ".deepcheck.yml", "main") == "fail_on: [defect]\n"
    assert host.file_on_branch(REPO, ".deepcheck.yml", "feature") == "fail_on: []\n"
    assert host.file_on_branch(REPO, "missing.yml", "main") is None


def test_clone_token_is_an_installation_token(host: GitHubHost, fake: FakeGitHub) -> None:
    token = host.clone_token(INSTALLATION)
    assert token is not None and fake.tokens[token] == INSTALLATION
    assert host.clone_token(999) is None
    jwt_calls = fake.calls("POST", r"^/app/installations/\d+/access_tokens$")
    assert all(c.authorization.startswith("Bearer ") for c in jwt_calls)


def test_a_key_the_fake_does_not_know_is_refused(fake: FakeGitHub) -> None:
    other_key, _ = rsa_key_pair()
    host = make_app(fake, other_key).host(INSTALLATION)
    with pytest.raises(GitHubError) as caught:
        host.pull_request(REPO, PR)
    assert caught.value.status == 401


def test_every_url_the_fake_returns_is_its_own(host: GitHubHost, fake: FakeGitHub) -> None:
    run(host, HEAD, finding("f", 12), finding("g", 40))
    assert all(not c.path.startswith("http") for c in fake.requests)
    assert "api.github.com" not in str(fake.reviews) + str(fake.check_runs)


def test_posted_findings_are_read_across_pages(host: GitHubHost, fake: FakeGitHub) -> None:
    added = "".join(f"+    line_{i} = {i}\n" for i in range(1, 151))
    fake.push(REPO, PR, HEAD, {PATH: f"@@ -0,0 +1,150 @@\n{added}"})
    comments = [ReviewComment(PATH, i, f"{finding_marker(f'f{i}')}\nbody") for i in range(1, 151)]
    host.review(REPO, PR, HEAD, "many", comments)
    assert host.posted_finding_ids(REPO, PR) == {f"f{i}" for i in range(1, 151)}
    pages = fake.calls("GET", r"/pulls/7/comments$")
    assert [c.query.get("page", "1") for c in pages] == ["1", "2"]


def test_a_secondary_limit_without_retry_after_backs_off(
    host: GitHubHost, fake: FakeGitHub
) -> None:
    fake.fail("POST", r"/check-runs$", 403, message=SECONDARY_RATE_LIMIT, times=2)
    check = host.start_check(REPO, HEAD, "deepcheck", "job-1")
    assert [r.status for r in fake.calls("POST", r"/check-runs$")] == [403, 403, 201]
    assert list(fake.check_runs) == [check]


def test_an_exhausted_primary_limit_waits_for_the_reset(host: GitHubHost, fake: FakeGitHub) -> None:
    reset = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(time.time()))}
    fake.fail("GET", r"/pulls/7$", 403, headers=reset, message="API rate limit exceeded")
    assert host.pull_request(REPO, PR).head_sha == HEAD
    assert [r.status for r in fake.calls("GET", r"/pulls/7$")] == [403, 200]
