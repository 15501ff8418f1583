"""Serve a folder of wheels as a package index on 127.0.0.1 and run a command against it.

    .venv/bin/python bench/local_index.py build/deps-wheels -- \\
        .venv/bin/deepcheck bench --corpus bench/deps ...
    .venv/bin/python bench/local_index.py build/deps-wheels     # serve until Ctrl-C

The command runs with ``PIP_INDEX_URL`` set to the index (PEP 503 "simple" pages, from
``tests/fakes/pypi.py``), so the dependency environments of the checks it runs resolve from that
folder (plus the sandbox's own wheels in ``build/wheelhouse``) and nothing reaches the network.
Exits with the command's exit code.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.pypi import SimpleIndex  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path, help="wheels (and sdists) to serve")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the command to run")
    args = parser.parse_args()
    if not args.folder.is_dir():
        print(f"local_index: {args.folder} is not a directory", file=sys.stderr)
        return 2
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    with SimpleIndex(args.folder.resolve()) as index:
        if not command:
            print(f"export PIP_INDEX_URL={index.url}", flush=True)
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                return 0
        env = {**os.environ, "PIP_INDEX_URL": index.url}
        env.pop("PIP_EXTRA_INDEX_URL", None)
        return subprocess.run(command, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
