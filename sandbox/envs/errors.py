"""The error the environment builders raise: one line a user reads, the package and the fix."""

from __future__ import annotations


class EnvError(RuntimeError):
    """A dependency environment cannot be made; ``package`` and ``fix`` when they are known."""

    def __init__(self, message: str, *, package: str | None = None, fix: str | None = None):
        self.package = package
        self.fix = fix
        self.reason = message
        super().__init__(f"{message}; {fix}" if fix else message)
