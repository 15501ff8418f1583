"""Human terminal output with rich (``--format text``).

:func:`render` writes to a rich ``Console``: colors and syntax highlighting on a terminal,
plain text when the console is not one (a file, a pipe, CI logs). Everything that comes from
the code under review (messages, witness values, tests) is printed as ``Text``, ``Syntax`` or
``Markdown``, never as rich markup, so a ``[red]`` in a repr stays literal.
"""

from __future__ import annotations

from io import StringIO

from rich.console import Console, Group, RenderableType
from rich.markdown import Markdown
from rich.padding import Padding
from rich.rule import Rule
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from bot.models import Finding, Report
from bot.report import renderer
from bot.report.json_report import sorted_findings
from bot.report.summary import (
    KIND_LABELS,
    analysed_line,
    checked_line,
    is_scan,
    kind_counts,
    short_sha,
    spent_line,
    tier_path,
    unverified_line,
    verdict,
    witness_label,
)

__all__ = ["render", "render_text"]

_KIND_STYLES = {"defect": "bold red", "behavior-change": "bold yellow", "risk": "bold cyan"}
_SEVERITY_STYLES = {"high": "red", "medium": "yellow", "low": "dim"}


def _header(report: Report) -> RenderableType:
    line = Text()
    line.append("deepcheck", style="bold")
    if is_scan(report):
        line.append(f"  scan of {short_sha(report.head)}")
    else:
        line.append(f"  {short_sha(report.base)}..{short_sha(report.head)}")
    line.append("  tier path: ", style="dim")
    line.append(tier_path(report), style="bold")
    rows: list[RenderableType] = [line]
    if report.title:
        rows.append(Text(" ".join(report.title.split()), style="italic"))
    return Group(*rows)


def _functions_table(report: Report) -> Table:
    counts: dict[tuple[str, str], int] = {}
    for finding in report.findings:
        key = (finding.path, finding.function)
        counts[key] = counts.get(key, 0) + 1
    table = Table(title=analysed_line(report), title_justify="left", expand=False)
    table.add_column("function", overflow="fold")
    table.add_column("file", overflow="fold")
    table.add_column("lines", justify="right", no_wrap=True)
    scan = is_scan(report)
    if not scan:  # a scan has no change: every function of the tree is read as it is
        table.add_column("change", no_wrap=True)
    table.add_column("findings", justify="right", no_wrap=True)
    functions = sorted(report.changed_functions, key=lambda f: (f.path, f.start_line))
    for fn in functions:
        found = counts.get((fn.path, fn.function), 0)
        cells: list[RenderableType] = [
            Text(fn.function),
            Text(fn.path),
            f"{fn.start_line}–{fn.end_line}",
        ]
        if not scan:
            cells.append(fn.status)
        cells.append(Text(str(found), style="bold red" if found else "dim"))
        table.add_row(*cells)
    return table


def _finding(finding: Finding, index: int) -> RenderableType:
    kind = KIND_LABELS.get(finding.kind, finding.kind).upper()
    head = Text(f"{index}. ")
    head.append(kind, style=_KIND_STYLES.get(finding.kind, "bold"))
    head.append(f" [{finding.severity}]", style=_SEVERITY_STYLES.get(finding.severity, ""))
    head.append(" ")
    head.append(" ".join(finding.title.split()), style="bold")

    where = Text(f"{finding.path}:{finding.line}", style="cyan")
    where.append(f" in {finding.function}", style="")
    where.append(f" · confidence {finding.confidence:.0%}", style="dim")
    where.append(" · verified" if finding.verified else " · not verified", style="dim")
    if finding.sources:
        where.append(" · from " + ", ".join(finding.sources), style="dim")
    where.append(f" · id {finding.id}", style="dim")

    parts: list[RenderableType] = [head, Padding(where, (0, 0, 0, 3))]
    if finding.message.strip():
        parts.append(Padding(Markdown(finding.message.strip()), (0, 0, 0, 3)))
    witness = finding.witness
    if witness is not None:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        grid.add_row("call", Text(witness.call))
        if witness.base:  # a scan's witness has no base
            grid.add_row("base", Text(witness.base))
            grid.add_row("head", Text(witness.head))
        else:
            grid.add_row("result", Text(witness.head))
        parts.append(Padding(grid, (0, 0, 0, 3)))
        if witness.test.strip():
            syntax = Syntax(
                witness.test.rstrip("\n"),
                "python",
                theme="ansi_dark",
                background_color="default",
                word_wrap=True,
            )
            label = Text(f"reproducing test ({witness_label(witness.base)}):", style="dim")
            parts.append(Padding(Group(label, syntax), (0, 0, 0, 3)))
    return Group(*parts)


def render(report: Report, console: Console) -> None:
    """Write the report to ``console``: header, functions, findings, skipped, spent, verdict."""
    console.print(_header(report))
    unverified_text = unverified_line(report)
    if unverified_text is not None:
        console.print(Text(unverified_text, style="bold yellow"))
    console.print()
    if report.changed_functions:
        console.print(_functions_table(report))
    else:
        console.print(Text("No changed functions to analyse.", style="dim"))
    findings = sorted_findings(report.findings)
    console.print()
    console.print(Rule(f"Findings: {kind_counts(findings)}", align="left"))
    if not findings:
        console.print(Text("Nothing found.", style="dim"))
        console.print()
    for index, finding in enumerate(findings, start=1):
        console.print(_finding(finding, index))
        console.print()
    if report.skipped:
        console.print(Rule(f"Skipped ({len(report.skipped)})", align="left"))
        for item in report.skipped:
            line = Text(f"  {item.path}")
            if item.function:
                line.append(f" ({item.function})")
            line.append(f": {item.reason}", style="dim")
            console.print(line)
        console.print()
    if report.unchecked:
        console.print(Rule(f"Not checked ({len(report.unchecked)})", align="left"))
        for gap in report.unchecked:
            line = Text(f"  {gap.path}::{gap.function}")
            line.append(f": {gap.reason}", style="dim")
            console.print(line)
        console.print()
    if report.notes:
        console.print(Rule("Notes", align="left"))
        for note in report.notes:
            console.print(Text(f"  - {note}"))
        console.print()
    if report.analysed:
        console.print(Text(checked_line(report), style="dim"))
    spent = Text("spent: ", style="dim")
    spent.append(spent_line(report.spent))
    console.print(spent)
    style = "bold red" if report.blocking else "bold yellow" if report.unverified else "bold green"
    console.print(Text(verdict(report), style=style))


def render_text(report: Report, width: int = 100) -> str:
    """The report as plain text (no colors, no terminal codes), ``width`` columns wide.

    Trailing spaces (rich pads blocks to the console width) are stripped.
    """
    buffer = StringIO()
    console = Console(
        file=buffer,
        width=width,
        no_color=True,
        color_system=None,
        force_terminal=False,
        highlight=False,
        emoji=False,
    )
    render(report, console)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


@renderer("text")
def _render(report: Report) -> str:
    return render_text(report)
