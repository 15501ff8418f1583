"""Worker entry: ``python -P -m dc_harness.worker <config-fd> <report-fd>``.

Runs before any PR code: hardens the process, reads its config (and token) from the config
pipe, drops to the side's uid and creates its scratch (``identity``, ``scratch``: see
supervisor.Scratch), makes the report pipe non-inheritable (tests' subprocesses do not get
it), then hands over to the entry module named in the config.
"""

from __future__ import annotations

import importlib
import os
import sys

from . import hardening
from .channel import ReportWriter, read_config

ENTRIES = frozenset({"pytest_worker", "driver", "crosshair_worker"})


def main(argv: list[str]) -> int:
    hardening.set_non_dumpable()
    hardening.raise_oom_score()  # as the supervisor's uid: /proc/self is not ours after the drop
    cfg_fd, report_fd = int(argv[0]), int(argv[1])
    config = read_config(cfg_fd)
    # This side's own uid (Docker: base 10001, head 10002) and scratch, before any PR code.
    hardening.become(config.pop("identity", None))
    hardening.die_with_parent()  # after the drop: a uid change clears it
    hardening.enter_scratch(config.pop("scratch", None))
    os.set_inheritable(report_fd, False)
    writer = ReportWriter(report_fd, str(config.pop("token")))
    # A test that forks (multiprocessing, a daemon) must not report as this worker: a forked
    # child unwinding into pytest would otherwise send records of its own.
    os.register_at_fork(after_in_child=writer.disown)
    entry = str(config.pop("entry"))
    if entry not in ENTRIES:
        raise SystemExit(f"dc_harness.worker: unknown entry {entry!r}")
    module = importlib.import_module(f"{__package__}.{entry}")
    rc: int = module.run(config, writer)
    sys.stdout.flush()
    sys.stderr.flush()
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
