"""``python3 -m dc_harness /job/manifest.json``: run the job, answer on stdout (one JSON)."""

import sys

from .supervisor import main

sys.exit(main(sys.argv[1:]))
