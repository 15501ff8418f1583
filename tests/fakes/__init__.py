"""Fakes at the ports: a fake GitHub REST API (``github_api``) driven through real PyGithub."""
