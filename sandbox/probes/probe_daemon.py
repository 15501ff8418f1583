"""Hostile probe: leave a daemonized process (setsid + double fork) behind after the test.

The process carries a token in its command line; the host checks after the run that no
process with that token is left (in Docker the container is gone with it).
"""

import json
import os
import sys
import time
from pathlib import Path


def _token() -> str:
    doc = json.loads(Path(__file__).with_name("probe_config.json").read_text())
    return str(doc["token"])


def test_daemonize() -> None:
    token = _token()
    code = (
        "import os, time\n"
        "marker = os.path.join(os.environ.get('TMPDIR', '/tmp'), 'dc-daemon-alive')\n"
        "while True:\n"
        "    open(marker, 'w').write(str(time.time()))\n"
        "    time.sleep(0.2)\n"
        f"# {token}\n"
    )
    pid = os.fork()
    if pid == 0:
        os.setsid()
        if os.fork() == 0:
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            os.execv(sys.executable, [sys.executable, "-c", code])
        os._exit(0)
    os.waitpid(pid, 0)
    time.sleep(0.5)
