"""Sandboxes: run candidate checks against the base and head of a change.

The public surface is backend-neutral:

    from sandbox import Candidate, Workspace, SandboxSpec
    from sandbox.select import select_runner
    runner = select_runner("auto", allow_process=True)
    result = runner.run(Workspace(base=..., head=..., candidates=[...]), SandboxSpec())

Backends: ``sandbox.docker_runner`` (production, the only module importing ``docker``) and
``sandbox.process_runner`` (bubblewrap when installed, else a subprocess with rlimits).
Inside the sandbox, ``sandbox/harness`` (imported there as ``dc_harness``) runs the candidates
and is the only writer of the results channel.
"""

from sandbox.results import CandidateResult, Outcome, RunResult, Status
from sandbox.spec import Limits, SandboxSpec
from sandbox.workspace import Candidate, Workspace

__all__ = [
    "Candidate",
    "CandidateResult",
    "Limits",
    "Outcome",
    "RunResult",
    "SandboxSpec",
    "Status",
    "Workspace",
]
