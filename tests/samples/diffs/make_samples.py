"""Regenerate the recorded diffs in this directory from a scratch git repository.

    .venv/bin/python tests/samples/diffs/make_samples.py

Each sample is real ``git diff`` output of bot.git.GitRepo.diff for one scenario; the
expectations live in tests/engine/test_diff.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from bot.git import GitRepo  # noqa: E402

FUNCS = "".join(f"def f{i}(x):\n    return x + {i}\n\n\n" for i in range(12))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp)
        git = ["git", "-C", tmp, "-c", "user.name=t", "-c", "user.email=t@example.com"]
        env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}

        def commit(message: str) -> str:
            subprocess.run([*git, "add", "-A"], check=True, env=env)
            subprocess.run([*git, "commit", "-qm", message], check=True, env=env)
            out = subprocess.run([*git, "rev-parse", "HEAD"], check=True, env=env,
                                 capture_output=True, text=True)
            return out.stdout.strip()

        def write(path: str, data: str | bytes, mode: int | None = None) -> None:
            target = repo / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, str):
                data = data.encode()
            target.write_bytes(data)
            if mode is not None:
                target.chmod(mode)

        subprocess.run(["git", "init", "-q", tmp], check=True, env=env)
        write("calc.py", FUNCS)
        write("old_name.py", FUNCS)
        write("moved.py", "X = 1\n")
        write("gone.py", "def bye():\n    return 1\n")
        write("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x01")
        write("run.py", "print('hi')\n")
        write("my dir/ünï cödé.py", "A = 1\n")
        write('tab\there "q".py', "B = 1\n")
        write("crlf.py", "a = 1\r\nb = 2\r\n")
        write("tail.py", "x = 1\ny = 2")
        write("README.md", "hello\n")
        write("link.py", "")
        (repo / "link.py").unlink()
        os.symlink("calc.py", repo / "link.py")
        base = commit("base")

        write("calc.py", FUNCS.replace("x + 2\n", "x + 20\n").replace("x + 9\n", "x - 9\n")
              + "def extra(y):\n    return y * 0.5\n")
        write("new_name.py", FUNCS.replace("x + 5\n", "x + 50\n"))
        (repo / "old_name.py").unlink()
        (repo / "moved.py").rename(repo / "pkg_moved.py")
        (repo / "gone.py").unlink()
        write("fresh.py", "def hello(name):\n    return f'hi {name}'\n")
        write("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x02")
        write("data.bin", b"\x00\x01\x02")
        (repo / "run.py").chmod(0o755)
        write("my dir/ünï cödé.py", "A = 2\n")
        write('tab\there "q".py', "B = 2\n")
        write("crlf.py", "a = 1\r\nb = 3\r\n")
        write("tail.py", "x = 1\ny = 3")
        write("README.md", "hello\nworld\n")
        (repo / "link.py").unlink()
        os.symlink("fresh.py", repo / "link.py")
        head = commit("head")

        text = GitRepo(repo).diff(base, head)
        (HERE / "mixed.diff").write_bytes(text.encode())


if __name__ == "__main__":
    main()
