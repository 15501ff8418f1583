"""Hostile trees: what a pull request can put in its commits to read or exhaust the host.

Each test builds the attack with git in ``tmp_path``, plants a canary file outside the tree
where one applies, and checks that the canary's content appears nowhere we wrote or report,
that no symlink is ever written, and that the run ends with a clear outcome (see
docs/security.md for the list).
"""

from __future__ import annotations

import os
import stat
import subprocess
import uuid
from pathlib import Path

import pytest

from bot.engine.change.reading import analyse
from bot.errors import RepositoryError
from bot.git import GitRepo, TreeLimits, evict_trees, read_tree_file
from tests.fakes.gitrepos import ENV, git, write

HUGE = 300_000_000  # bytes of zeros: a few hundred KB in the object store


def canary(tmp_path: Path) -> tuple[Path, str]:
    secret = f"CANARY-{uuid.uuid4().hex}"
    path = tmp_path / "outside" / "canary.txt"
    path.parent.mkdir(parents=True)
    path.write_text(secret + "\n")
    return path, secret


def commit(repo: Path, msg: str = "change") -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", msg)
    return git(repo, "rev-parse", "HEAD")


def new_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write(repo, {"pkg/__init__.py": "", "pkg/fees.py": "def fee(x: int) -> int:\n    return x\n"})
    commit(repo, "base")
    return repo


def add_huge_blob(repo: Path, rel: str, size: int = HUGE) -> None:
    """Stage ``rel`` as ``size`` zero bytes, streamed into git (never held in memory)."""
    proc = subprocess.Popen(
        ["git", "-C", str(repo), "hash-object", "-w", "--stdin"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=ENV,
    )  # fmt: skip
    assert proc.stdin is not None and proc.stdout is not None
    block = bytes(1_000_000)
    for _ in range(size // len(block)):
        proc.stdin.write(block)
    proc.stdin.close()
    oid = proc.stdout.read().decode().strip()
    proc.stdout.close()
    assert proc.wait() == 0
    git(repo, "update-index", "--add", "--cacheinfo", f"100644,{oid},{rel}")


def every_byte(root: Path) -> bytes:
    """All file contents below ``root``, read without following any link (there must be none)."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            mode = os.lstat(os.path.join(dirpath, name)).st_mode
            assert stat.S_ISDIR(mode) or stat.S_ISREG(mode), f"{name}: not a plain file or dir"
        for name in filenames:
            out.append(Path(dirpath, name).read_bytes())
    return b"".join(out)


def symlink_chain(repo: Path, target: Path, depth: int = 16) -> None:
    """``l0 -> .``, ``l1 -> l0/..``, ...: each link alone looks inside, the chain climbs out."""
    os.symlink(".", repo / "l0")
    for i in range(1, depth):
        os.symlink(f"l{i - 1}/..", repo / f"l{i}")
    os.symlink(f"l{depth - 1}{target}", repo / "stolen.py")


# -- symlinks ------------------------------------------------------------------------------------


def test_a_symlink_chain_that_climbs_out_of_the_tree_is_never_followed(tmp_path: Path) -> None:
    path, secret = canary(tmp_path)
    repo = new_repo(tmp_path)
    symlink_chain(repo, path)
    (repo / "pkg" / "fees.py").write_text("def fee(x: int) -> int:\n    return x + 1\n")
    head = commit(repo)
    git_repo = GitRepo(repo)

    analysis = analyse(git_repo, "HEAD~1", head, tmp_path / "cache")

    assert secret.encode() not in every_byte(analysis.head_tree)
    assert not os.path.lexists(analysis.head_tree / "stolen.py")
    assert "stolen.py" not in analysis.head_files
    assert secret not in repr(analysis)
    assert git_repo.show(head, "stolen.py") is None
    assert git_repo.tree_plan(head).left_out["stolen.py"] == (
        "symlink that leaves the tree or is not to a file"
    )
    assert analysis.notes[-1] == "head: 7 more entries left out"  # l0..l15 and stolen.py
    assert [f.function for f in analysis.functions] == ["fee"]


@pytest.mark.parametrize("target", ["ABSOLUTE", "/dev/zero", "/proc/self/environ"])
def test_an_absolute_symlink_is_never_read(tmp_path: Path, target: str) -> None:
    path, secret = canary(tmp_path)
    repo = new_repo(tmp_path)
    os.symlink(str(path) if target == "ABSOLUTE" else target, repo / "pkg" / "leak.py")
    head = commit(repo)

    git_repo = GitRepo(repo)
    tree = git_repo.materialize(head, tmp_path / "trees")

    assert not os.path.lexists(tree / "pkg" / "leak.py")
    assert secret.encode() not in every_byte(tree)
    assert git_repo.tree_plan(head).left_out == {
        "pkg/leak.py": "symlink that leaves the tree or is not to a file"
    }
    assert git_repo.show(head, "pkg/leak.py") is None


def test_in_tree_symlinks_become_plain_copies_and_loops_end(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    os.symlink("fees.py", repo / "pkg" / "alias.py")
    os.symlink("../pkg/./alias.py", repo / "pkg" / "alias2.py")  # a chain that stays inside
    os.symlink("b", repo / "a")
    os.symlink("a", repo / "b")  # a loop
    os.symlink("pkg", repo / "dirlink")  # a directory: left out, never copied recursively
    os.symlink("pkg/fees.py/x", repo / "through_a_file")
    head = commit(repo)

    git_repo = GitRepo(repo)
    tree = git_repo.materialize(head, tmp_path / "trees")

    every_byte(tree)  # no symlink anywhere
    fees = (tree / "pkg" / "fees.py").read_bytes()
    assert (tree / "pkg" / "alias.py").read_bytes() == fees
    assert (tree / "pkg" / "alias2.py").read_bytes() == fees
    assert git_repo.show(head, "pkg/alias2.py") == fees
    assert set(git_repo.tree_plan(head).left_out) == {"a", "b", "dirlink", "through_a_file"}


def test_reading_a_tree_file_follows_no_link_at_any_component(tmp_path: Path) -> None:
    path, _secret = canary(tmp_path)
    tree = tmp_path / "tree"
    (tree / "pkg").mkdir(parents=True)
    (tree / "pkg" / "ok.py").write_text("x = 1\n")
    os.symlink(path, tree / "pkg" / "link.py")
    os.symlink(path.parent, tree / "dir")
    os.symlink("/dev/zero", tree / "zero.py")
    os.mkfifo(tree / "fifo.py")  # opening it for reading would block forever

    assert read_tree_file(tree, "pkg/ok.py", 100) == b"x = 1\n"
    assert read_tree_file(tree, "pkg/ok.py", 3) is None  # over the cap: not read
    for rel in ["pkg/link.py", "dir/canary.txt", "zero.py", "fifo.py", "../outside/canary.txt",
                "/etc/passwd", "pkg/../pkg/ok.py", ""]:  # fmt: skip
        assert read_tree_file(tree, rel, 10**9) is None, rel


# -- sizes ---------------------------------------------------------------------------------------


def test_a_huge_blob_is_left_out_before_it_is_read(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    add_huge_blob(repo, "pkg/huge.py")
    (repo / "pkg" / "fees.py").write_text("def fee(x: int) -> int:\n    return x + 2\n")
    git(repo, "add", "pkg/fees.py")
    git(repo, "commit", "-q", "-m", "huge")
    git_repo = GitRepo(repo)

    analysis = analyse(git_repo, "HEAD~1", "HEAD", tmp_path / "cache")

    assert not (analysis.head_tree / "pkg" / "huge.py").exists()
    assert "pkg/huge.py left out (300 MB, over the 2 MB per-file cap)" in " ".join(analysis.notes)
    assert git_repo.show("HEAD", "pkg/huge.py") is None
    assert [f.function for f in analysis.functions] == ["fee"]
    # the diff of the huge file is "Binary files differ": git never diffed its contents
    assert {s.path: s.reason for s in analysis.skipped}["pkg/huge.py"] == "binary"


def test_a_tree_over_the_byte_cap_is_refused_with_the_cap_named(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    write(repo, {f"data/f{i}.txt": "x" * 100_000 for i in range(12)})
    head = commit(repo)
    git_repo = GitRepo(repo, limits=TreeLimits(max_tree_bytes=1_000_000))

    with pytest.raises(RepositoryError, match=r"^the head tree \([0-9a-f]{12}\) is 1\.2 MB, "
                       r"over the 1 MB cap$"):  # fmt: skip
        git_repo.materialize(head, tmp_path / "trees", side="head")
    assert not any((tmp_path / "trees").iterdir())


def test_ten_thousand_files(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    write(repo, {f"many/d{i % 100}/f{i}.txt": f"{i}\n" for i in range(10_000)})
    head = commit(repo)

    refused = GitRepo(repo, limits=TreeLimits(max_tree_files=5_000))
    with pytest.raises(
        RepositoryError, match=r"^the tree [0-9a-f]{12} has 10,002 files, over the 5,000-file cap$"
    ):
        refused.materialize(head, tmp_path / "trees")

    tree = GitRepo(repo).materialize(head, tmp_path / "trees")
    assert (tree / "many" / "d7" / "f9907.txt").read_text() == "9907\n"
    assert sum(len(files) for _d, _s, files in os.walk(tree)) == 10_002


def test_a_diff_over_the_cap_is_refused_while_it_is_read(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    write(repo, {"pkg/gen.py": "".join(f"X{i} = {i}\n" for i in range(100_000))})
    head = commit(repo)
    git_repo = GitRepo(repo, limits=TreeLimits(max_diff_bytes=500_000))

    with pytest.raises(RepositoryError, match=r"^the diff is over the 500 KB cap$"):
        git_repo.diff("HEAD~1", head)


# -- contents ------------------------------------------------------------------------------------


def test_binary_non_utf8_and_unparsable_sources_end_cleanly(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    write(repo, {
        "pkg/blob.py": b"\x00\x01\x02binary\xff" * 100,
        "pkg/latin.py": "def f(x):\n    return 'caf\xe9'\n".encode("latin-1"),
        "pkg/broken.py": "def f(:\n",
        "pkg/fees.py": "def fee(x: int) -> int:\n    return x * 2\n",
        ".deepcheck.yml": b"\xff\xfe not yaml",
    })  # fmt: skip
    head = commit(repo)

    analysis = analyse(GitRepo(repo), "HEAD~1", head, tmp_path / "cache")

    reasons = {s.path: s.reason for s in analysis.skipped}
    assert reasons["pkg/blob.py"] == "binary"
    assert reasons["pkg/latin.py"] == "unreadable or too large"
    assert reasons["pkg/broken.py"] == "syntax error at line 1"
    assert [f.title for f in analysis.findings] == ["pkg/broken.py does not compile on head"]
    assert [f.function for f in analysis.functions] == ["fee"]
    assert any(n.startswith("config: .deepcheck.yml: cannot read") for n in analysis.notes)


# -- the tree cache ------------------------------------------------------------------------------


def test_old_trees_are_evicted_beyond_the_count_and_the_byte_budget(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    shas = []
    for i in range(4):
        write(repo, {"blob.txt": str(i) * 10_000})
        shas.append(commit(repo, f"c{i}"))
    git_repo = GitRepo(repo)
    trees = tmp_path / "trees"
    for n, sha in enumerate(shas):
        git_repo.materialize(sha, trees)
        os.utime(trees / sha, (1_000_000 + n, 1_000_000 + n))  # used long ago, oldest first

    assert evict_trees(trees, TreeLimits(keep_trees=2), keep={shas[0]}) == [shas[1]]
    assert sorted(p.name for p in trees.iterdir()) == sorted([shas[0], shas[2], shas[3]])
    assert evict_trees(trees, TreeLimits(trees_budget_bytes=15_000)) == [shas[2], shas[0]]
    assert [p.name for p in trees.iterdir()] == [shas[3]]
    # a tree used within the grace period stays whatever the budget says
    git_repo.materialize(shas[0], trees)
    os.utime(trees / shas[3])
    assert evict_trees(trees, TreeLimits(keep_trees=1)) == []
