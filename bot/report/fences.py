"""Markdown building blocks that stay well formed whatever text goes into them.

Witness values, tests and messages carry text from the code under review (and from LLM
samples), so nothing here trusts them: code fences are longer than any backtick run inside,
truncation cuts at a line boundary *inside* the fence and then closes it, an unclosed fence in
a message is closed, and our hidden markers cannot be forged from inside a message.

Lengths are measured the way GitHub's limits are safest to read: in UTF-16 code units
(:func:`gh_len`), which is never less than the number of characters.
"""

from __future__ import annotations

import re

__all__ = [
    "MARKER_PREFIX",
    "balance_fences",
    "clip",
    "code_block",
    "fence_for",
    "gh_len",
    "inline_code",
    "neutralize_markers",
    "truncate_code",
    "truncate_markdown",
]

MARKER_PREFIX = "<!-- deepcheck:"
_BACKTICK_RUN = re.compile(r"`+")
_FENCE_LINE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
# Anything a marker parser might take for ours: any case, any spacing after ``<!--``.
_MARKER_LIKE = re.compile(r"<!--(\s*)(deepcheck)", re.IGNORECASE)


def gh_len(text: str) -> int:
    """Length in UTF-16 code units (what a 65,536 limit can mean at worst)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _longest_backtick_run(text: str) -> int:
    return max((len(m.group()) for m in _BACKTICK_RUN.finditer(text)), default=0)


def fence_for(content: str) -> str:
    """A backtick fence longer than any backtick run in ``content`` (at least three)."""
    return "`" * max(3, _longest_backtick_run(content) + 1)


def code_block(content: str, lang: str = "") -> str:
    """A fenced code block whose fence no line of ``content`` can close."""
    content = _neutralize_code(content)
    fence = fence_for(content)
    body = content if content.endswith("\n") or not content else content + "\n"
    return f"{fence}{lang}\n{body}{fence}"


def inline_code(text: str) -> str:
    """An inline code span for one line of text (newlines become spaces)."""
    flat = " ".join(text.splitlines()) if "\n" in text or "\r" in text else text
    flat = _neutralize_code(flat)
    ticks = "`" * (_longest_backtick_run(flat) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") or not flat.strip() else ""
    return f"{ticks}{pad}{flat}{pad}{ticks}"


def _prefix(text: str, budget: int) -> str:
    """The longest prefix of ``text`` within ``budget`` units."""
    used = 0
    for index, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > budget:
            return text[:index]
    return text


def clip(text: str, budget: int, ellipsis: str = "…") -> str:
    """``text`` within ``budget`` units, ending in ``ellipsis`` when it was cut."""
    if gh_len(text) <= budget:
        return text
    return _prefix(text, max(0, budget - gh_len(ellipsis))) + ellipsis


def _cut_lines(text: str, budget: int) -> tuple[str, int]:
    """The longest prefix of whole lines within ``budget``, and how many lines were cut.

    When not even the first line fits, a character prefix of it is kept (ending in a
    newline) rather than nothing.
    """
    lines = text.splitlines(keepends=True)
    kept: list[str] = []
    used = 0
    for line in lines:
        size = gh_len(line)
        if used + size > budget:
            break
        kept.append(line)
        used += size
    if not kept and lines and budget > 1:
        head = _prefix(lines[0].rstrip("\r\n"), budget - 1)
        return (head + "\n", len(lines) - 1) if head else ("", len(lines))
    return "".join(kept), len(lines) - len(kept)


def truncate_code(content: str, budget: int, comment: str = "#") -> str:
    """``content`` cut at a line boundary to at most ``budget`` units, with a note line.

    The note (``# … truncated: 40 more lines``) is part of the budget. Put the result in
    :func:`code_block`: the fence is computed after cutting, so it always closes.
    """
    if gh_len(content) <= budget:
        return content
    note = f"{comment} … truncated: {{:,}} more lines\n"
    room = max(0, budget - gh_len(note.format(len(content.splitlines()))))
    kept, dropped = _cut_lines(content, room)
    return kept + note.format(dropped)


def _open_fence(text: str) -> str | None:
    """The fence string left open at the end of ``text``, or None."""
    open_fence: str | None = None
    for line in text.splitlines():
        match = _FENCE_LINE.match(line)
        if not match:
            continue
        fence, rest = match.group(1), match.group(2)
        if open_fence is None:
            if fence[0] == "`" and "`" in rest:
                continue  # not a fence: a backtick fence's info string has no backticks
            open_fence = fence
        elif fence[0] == open_fence[0] and len(fence) >= len(open_fence) and not rest.strip():
            open_fence = None
    return open_fence


def balance_fences(markdown: str) -> str:
    """``markdown`` with a fence left open at the end closed."""
    fence = _open_fence(markdown)
    if fence is None:
        return markdown
    joiner = "" if markdown.endswith("\n") else "\n"
    return f"{markdown}{joiner}{fence}"


def neutralize_markers(markdown: str) -> str:
    """Untrusted text cannot carry a marker that our idempotency checks would match."""
    return _MARKER_LIKE.sub(r"&lt;!--\1\2", markdown)


def _neutralize_code(text: str) -> str:
    """The same inside code, where an entity would show as typed: a zero-width space splits
    ``<!--`` so that no parser of our markers (nor GitHub's HTML) sees one."""
    return _MARKER_LIKE.sub("<!-\u200b-\\1\\2", text)


def truncate_markdown(markdown: str, budget: int) -> str:
    """``markdown`` within ``budget`` units, cut at a line boundary, fences closed."""
    closed = balance_fences(markdown)
    if gh_len(closed) <= budget:
        return closed
    note = "\n\n_… truncated_"
    room = budget - gh_len(note)
    while room > 0:
        kept, _ = _cut_lines(markdown, room)
        closed = balance_fences(kept.rstrip("\n")) + note
        if gh_len(closed) <= budget:
            return closed
        room -= gh_len(closed) - budget  # the closing fence did not fit: cut further
    return _prefix(note.strip(), budget)
