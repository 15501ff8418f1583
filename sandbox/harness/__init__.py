"""dc_harness: the code that runs inside the sandbox (copied there as the package ``dc_harness``).

Self-contained on purpose: stdlib + pytest + hypothesis (+ crosshair-tool) only, relative
imports only, nothing from ``sandbox.*`` or ``bot.*``. Run as::

    python3 -m dc_harness /job/manifest.json

Process tree::

    supervisor (trusted, non-dumpable; sole writer of its stdout = the answer to the host)
     └── zygote (trusted fork server: imported pytest + Hypothesis once, no PR code)
          ├── worker: pytest on one side      (runs PR code; own session / process group)
          ├── worker: crosshair diffbehavior  (runs PR code: both versions)
          ├── worker: differential driver     (trusted: imports no PR code)
          │    ├── call server: base          (runs PR code)
          │    └── call server: head          (runs PR code)
          └── ...                             (at most ``parallelism`` workers at once)

Without the zygote (``"fork_server": false`` in the manifest, or when it cannot start) the
supervisor starts each worker with ``python -P -m dc_harness.worker`` instead; same behaviour.

Kinds register in ``kinds/`` by decorator: ``pytest``, ``differential``, ``crosshair``.

Where verdicts come from, and what can still lie
------------------------------------------------
Worker output (stdout/stderr) is drained, capped and returned as a log; it is never parsed for
verdicts. Each worker reports over a dedicated pipe (``channel.py``): one JSON record a line,
each carrying a random per-worker token that the supervisor hands over on a separate config pipe
before any PR code is imported; records without it are dropped. A side passes only when the
session-finished record arrived, at least one test ran and every test passed. So printing fake
``PASSED`` lines, writing a fake results file anywhere, or ``os._exit(0)`` mid-test cannot turn a
side green, and workers cannot reach the supervisor's stdout (the channel to the host).

Residual risk, stated plainly: code running in the same interpreter as a test can always
falsify that test (patch the assertion, monkeypatch pytest, find the token in memory and write a
forged record on the inherited pipe). The harness limits the blast radius to the candidate side
that code runs in; it cannot make an adversarial PR's own tests trustworthy. Workers mark
themselves non-dumpable before importing PR code, so a *sibling* worker cannot read their
memory or open their pipes through ``/proc`` (same uid), and the supervisor is non-dumpable too.
The differential driver imports no PR code; a call server can still lie about its own results.
"""

PROTOCOL_VERSION = 1
