"""deepcheck's exception tree, drawn once.

DeepcheckError                  base of everything deepcheck raises on purpose
├── UsageError                  bad input from the user: exit 2, one line
│   ├── RepositoryError         not a git repository, unknown revision, empty range
│   └── ConfigError             a broken .deepcheck.yml / rules file (path:line: message)
└── InfrastructureError         the machinery failed, not the code under review: exit 3,
    ├── SandboxUnavailable      a neutral check run, never a finding
    └── DependencyUnavailable   the repository's dependencies cannot be installed (the
                                package and the fix in the message)
"""

from __future__ import annotations


class DeepcheckError(Exception):
    """Base of deepcheck's own errors."""


class UsageError(DeepcheckError):
    """Bad input: reported in one line, exit code 2."""


class RepositoryError(UsageError):
    """Not a repository, unknown revisions, an empty range."""


class ConfigError(UsageError):
    """A configuration file that cannot be used; str() is 'path:line: message'."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")


class InfrastructureError(DeepcheckError):
    """The sandbox or another part of the machinery failed: exit code 3."""


class SandboxUnavailable(InfrastructureError):
    """No usable sandbox backend (engine down, image missing, refused by policy)."""


class DependencyUnavailable(InfrastructureError):
    """The repository's declared dependencies cannot be installed (a package that does not
    resolve, has no wheel, or breaks a budget); the message names the package and the fix."""
