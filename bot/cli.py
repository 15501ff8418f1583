"""The ``deepcheck`` command line (typer + rich). No business logic lives here."""

from __future__ import annotations

import sys

import typer

from bot import cli_sandbox

app = typer.Typer(
    name="deepcheck",
    help="Code review that runs evidence: verified findings for a change.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(cli_sandbox.sandbox_app, name="sandbox")
app.command("doctor")(cli_sandbox.doctor)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        print("deepcheck: interrupted", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":
    main()
