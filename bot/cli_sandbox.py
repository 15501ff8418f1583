"""``deepcheck sandbox …`` and ``deepcheck doctor`` (owned by the sandbox work)."""

from __future__ import annotations

import typer

sandbox_app = typer.Typer(help="Build and inspect the sandbox.", no_args_is_help=True)


@sandbox_app.command("build")
def build() -> None:
    """Build the sandbox image without a registry."""
    typer.echo("deepcheck: sandbox build is not available yet", err=True)
    raise typer.Exit(3)


def doctor() -> None:
    """Say which sandbox backend will be used and probe it with hostile code."""
    typer.echo("deepcheck: doctor is not available yet", err=True)
    raise typer.Exit(3)
