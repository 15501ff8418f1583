"""Kind ``pytest`` end to end: the real supervisor through the process backend.

All scenarios go into one sandbox start per backend (that is how the pipeline uses it, and it
keeps the suite fast); each test then reads its candidate's answer.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from harness_fixtures import BACKENDS, candidate, make_runner, make_tree, run_job

from sandbox import RunResult, SandboxSpec, Status, Workspace
from sandbox.jobdir import HARNESS_MODULE, HARNESS_SOURCE, write_job
from sandbox.workspace import Candidate

BASE = {"calc.py": "def add(a, b):\n    return a + b\n"}
HEAD = {"calc.py": "def add(a, b):\n    return a - b if b == 2 else a + b\n"}


def head_only(cid: str, files: dict[str, str], **kw: object) -> Candidate:
    """Most scenarios only need one side: halve the worker count."""
    return candidate(cid, "pytest", files, sides=("head",), **kw)


SCENARIOS: list[Candidate] = [
    candidate(
        "passfail",
        "pytest",
        {
            "test_calc.py": """
                from calc import add
                def test_two():
                    assert add(2, 2) == 4
                def test_one():
                    assert add(1, 1) == 2
            """
        },
    ),
    head_only("collect-error", {"test_broken.py": "import does_not_exist\n"}),
    head_only("no-tests", {"test_empty.py": "X = 1\n"}),
    head_only(
        "fake-pass-print",
        {
            "test_liar.py": """
                import json, os, sys
                def test_lies():
                    print("test_liar.py::test_lies PASSED")
                    print("===== 1 passed in 0.01s =====")
                    sys.__stdout__.write("1 passed\\n")
                    fake = {"type": "session_finished", "exitstatus": 0}
                    for name in ("results.json", os.path.join(os.environ["HOME"], "r.json")):
                        with open(name, "w") as fh:
                            json.dump({"status": "passed", "tests": [], **fake}, fh)
                    # Forge records on every fd we might have inherited (no token).
                    for fd in range(3, 64):
                        try:
                            os.write(fd, (json.dumps(fake) + "\\n").encode())
                        except OSError:
                            pass
                    assert False, "the real verdict"
            """
        },
    ),
    head_only(
        "os-exit",
        {
            "test_exit.py": """
                import os
                def test_first():
                    assert True
                def test_exits():
                    print("PASSED")
                    os._exit(0)
            """
        },
    ),
    head_only(
        "huge-output",
        {
            "test_loud.py": """
                def test_loud():
                    block = "x" * 1023 + "\\n"
                    print(block * (50 * 1024))
                    assert False
            """
        },
    ),
    head_only(
        "select",
        {
            "test_sel.py": """
                def test_good():
                    assert True
                def test_bad():
                    assert False
            """
        },
        params={"select": ["test_sel.py::test_good"]},
    ),
    head_only(
        "setup-error",
        {
            "test_fixture.py": """
                import pytest
                @pytest.fixture
                def broken():
                    raise RuntimeError("fixture exploded")
                def test_uses(broken):
                    assert True
            """
        },
    ),
    head_only("bad-arg", {"test_a.py": "def test_a(): pass\n"}, params={"args": ["--pdb"]}),
    head_only(
        "sleeper",
        {"test_sleep.py": "import time\ndef test_s():\n    time.sleep(60)\n"},
        timeout_s=2.0,
    ),
    head_only(
        "forked-child",
        {
            "test_fork.py": """
                import os
                def test_parent_passes():
                    pid = os.fork()
                    if pid == 0:
                        assert False, "the forked child fails and unwinds into pytest"
                    os.waitpid(pid, 0)
            """
        },
    ),
    candidate("unknown-kind", "quantum", {}, sides=("head",)),
    head_only(
        "hypothesis-db",
        {
            "test_prop.py": """
                import os
                from hypothesis import given, strategies as st
                @given(st.integers())
                def test_prop(x):
                    assert isinstance(x, int)
                def test_no_db_in_cwd():
                    assert not os.path.exists(".hypothesis/examples")
            """
        },
    ),
]


@pytest.fixture(scope="module", params=BACKENDS)
def answer(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    runner = make_runner(request.param)
    root = tmp_path_factory.mktemp(f"pytest-kind-{request.param}")
    base = make_tree(root / "base", BASE)
    head = make_tree(root / "head", HEAD)
    return run_job(runner, base, head, SCENARIOS, output_bytes=10_000)


def _status(answer: RunResult, cid: str) -> dict[str, Status]:
    return {side: o.status for side, o in answer.candidates[cid].sides.items()}


def test_base_passes_head_fails_with_per_test_records(answer: RunResult) -> None:
    cand = answer.candidates["passfail"]
    assert _status(answer, "passfail") == {"base": Status.PASSED, "head": Status.FAILED}
    head = cand.sides["head"]
    outcomes = {t["nodeid"]: t["outcome"] for t in head.tests}
    assert outcomes == {"test_calc.py::test_two": "failed", "test_calc.py::test_one": "passed"}
    assert "assert 0 == 4" in head.detail
    assert answer.start_s > 0


def test_collection_error_and_no_tests_are_errors(answer: RunResult) -> None:
    assert set(_status(answer, "collect-error").values()) == {Status.ERROR}
    assert "does_not_exist" in answer.candidates["collect-error"].sides["head"].detail
    assert set(_status(answer, "no-tests").values()) == {Status.ERROR}
    assert "no tests ran" in answer.candidates["no-tests"].sides["head"].detail


def test_printed_pass_lines_and_fake_files_do_not_pass(answer: RunResult) -> None:
    assert set(_status(answer, "fake-pass-print").values()) == {Status.FAILED}
    assert "the real verdict" in answer.candidates["fake-pass-print"].sides["head"].detail


def test_os_exit_mid_session_is_an_error(answer: RunResult) -> None:
    side = answer.candidates["os-exit"].sides["head"]
    assert side.status == Status.ERROR
    assert "before the session-finished record" in side.detail


def test_output_is_capped_and_drained(answer: RunResult) -> None:
    side = answer.candidates["huge-output"].sides["head"]
    assert side.status == Status.FAILED
    assert len(side.log.encode()) <= 10_000
    assert side.log_truncated_bytes > 50 * 1024 * 1024 - 10_000


def test_select_and_refused_args(answer: RunResult) -> None:
    sel = answer.candidates["select"].sides["head"]
    assert sel.status == Status.PASSED
    assert [t["nodeid"] for t in sel.tests] == ["test_sel.py::test_good"]
    assert set(_status(answer, "bad-arg").values()) == {Status.ERROR}
    assert "not allowed" in answer.candidates["bad-arg"].sides["head"].detail


def test_fixture_error_is_an_error(answer: RunResult) -> None:
    side = answer.candidates["setup-error"].sides["head"]
    assert side.status == Status.ERROR
    assert "fixture exploded" in side.detail


def test_timeout_kills_the_side(answer: RunResult) -> None:
    side = answer.candidates["sleeper"].sides["head"]
    assert side.status == Status.TIMEOUT
    assert side.duration_s < 10


def test_a_forked_child_cannot_report_for_the_worker(answer: RunResult) -> None:
    side = answer.candidates["forked-child"].sides["head"]
    assert side.status == Status.PASSED, side.detail
    assert [t["outcome"] for t in side.tests] == ["passed"]


def test_unknown_kind_is_an_infrastructure_failure(answer: RunResult) -> None:
    side = answer.candidates["unknown-kind"].sides["head"]
    assert side.status == Status.INFRASTRUCTURE
    assert "quantum" in side.detail


def test_hypothesis_runs_without_database_writes(answer: RunResult) -> None:
    assert set(_status(answer, "hypothesis-db").values()) == {Status.PASSED}


def test_missing_base_runs_head_only(tmp_path: Path) -> None:
    runner = make_runner("bwrap")
    head = make_tree(tmp_path / "head", BASE)
    cand = candidate(
        "only-head",
        "pytest",
        {"test_a.py": "from calc import add\ndef test_a():\n    assert add(1, 2) == 3\n"},
    )
    result = run_job(runner, None, head, [cand])
    assert _status(result, "only-head") == {"head": Status.PASSED}


def test_workers_start_from_scratch_without_the_fork_server(tmp_path: Path) -> None:
    """The zygote is an optimisation: the same verdicts come back without it."""
    base = make_tree(tmp_path / "base", BASE)
    head = make_tree(tmp_path / "head", HEAD)
    job = tmp_path / "job"
    manifest = write_job(
        job,
        Workspace(head=head, base=base, candidates=(SCENARIOS[0],)),
        SandboxSpec(),
        {"base": str(base), "head": str(head)},
    )
    doc = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**doc, "fork_server": False}))
    shutil.copytree(HARNESS_SOURCE, tmp_path / "h" / HARNESS_MODULE)
    work = tmp_path / "work"
    work.mkdir()
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(tmp_path / "h"), "HOME": str(work)}
    proc = subprocess.run(
        [sys.executable, "-m", HARNESS_MODULE, str(manifest)],
        cwd=work,
        env=env,
        capture_output=True,
        timeout=60,
        check=True,
    )
    answer = json.loads(proc.stdout)
    sides = answer["candidates"][0]["sides"]
    assert (sides["base"]["status"], sides["head"]["status"]) == ("passed", "failed")
    assert "zygote" not in proc.stderr.decode()
