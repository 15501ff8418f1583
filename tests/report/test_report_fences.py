"""Markdown building blocks: fences, inline code, truncation, marker neutralizing."""

from __future__ import annotations

from bot.report import fences


def test_code_block_fence_outgrows_backticks_in_content() -> None:
    assert fences.code_block("x = 1", "python") == "```python\nx = 1\n```"
    assert fences.code_block("a ```` b\n").startswith("`````\n")


def test_inline_code_handles_backticks_and_newlines() -> None:
    assert fences.inline_code("f(x)") == "`f(x)`"
    assert fences.inline_code("a`b") == "``a`b``"
    assert fences.inline_code("`x`") == "`` `x` ``"
    assert fences.inline_code("a\nb") == "`a b`"


def test_truncate_code_cuts_at_line_boundaries_within_budget() -> None:
    code = "".join(f"line {i}\n" for i in range(1000))
    cut = fences.truncate_code(code, 100)
    assert fences.gh_len(cut) <= 100
    assert cut.endswith("more lines\n")
    assert all(line.startswith(("line ", "# … truncated")) for line in cut.splitlines())
    assert fences.truncate_code("short\n", 100) == "short\n"


def test_truncate_code_keeps_a_prefix_of_one_giant_line() -> None:
    cut = fences.truncate_code("x" * 10_000, 200)
    assert fences.gh_len(cut) <= 200 and cut.startswith("xxx")


def test_balance_fences() -> None:
    assert fences.balance_fences("a\n```py\nx\n") == "a\n```py\nx\n```"
    assert fences.balance_fences("````\n```\n") == "````\n```\n````"
    assert fences.balance_fences("```\nx\n```\n") == "```\nx\n```\n"
    assert fences.balance_fences("``` not `a fence`\n") == "``` not `a fence`\n"


def test_truncate_markdown_closes_the_fence_it_cut_into() -> None:
    text = "intro\n\n```python\n" + "x = 1\n" * 1000 + "```\n\nafter"
    cut = fences.truncate_markdown(text, 300)
    assert fences.gh_len(cut) <= 300
    assert cut.endswith("```\n\n_… truncated_")
    assert fences.balance_fences(cut) == cut


def test_gh_len_counts_utf16_units() -> None:
    assert fences.gh_len("€") == 1
    assert fences.gh_len("💶") == 2
    assert fences.clip("💶" * 10, 5) == "💶💶…"


def test_neutralize_markers() -> None:
    assert "<!--" not in fences.neutralize_markers("<!-- deepcheck:finding:x -->")
    assert fences.neutralize_markers("<!-- other -->") == "<!-- other -->"
