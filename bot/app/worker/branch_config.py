"""The repository's ``.deepcheck.yml`` as the App reads it: from the default branch, never the PR.

A pull request cannot loosen its own checks: its head's configuration file is ignored, the
default branch's (read through the code host) applies; absent, the defaults do.
"""

from __future__ import annotations

from bot.app.github.host import CodeHost
from bot.app.jobs import RepoRef
from bot.engine.repo_config import CONFIG_FILE, RepoConfig, load_repo_config

__all__ = ["default_branch_config"]


def default_branch_config(host: CodeHost, repo: RepoRef) -> tuple[RepoConfig, list[str]]:
    """``.deepcheck.yml`` from the default branch (defaults when absent), and its problems."""
    text = host.file_on_branch(repo.full_name, CONFIG_FILE, repo.default_branch)
    if text is None:
        return RepoConfig(), []
    config, errors = load_repo_config(text, label=f"{CONFIG_FILE}@{repo.default_branch}")
    return config, [str(e) for e in errors]
