"""Parse a git unified diff into one :class:`FileChange` per file (pure, no I/O).

File headers are read here (git's ``diff --git`` blocks, including C-quoted paths, renames,
mode changes and binary markers); hunk bodies are counted by ``unidiff``. Line numbers are
1-based: ``added_lines`` and ``diff_lines`` on the head side, ``removed_lines`` on the base
side. ``diff_lines`` are the head lines GitHub accepts inline comments on (RIGHT side: context
and added lines of every hunk).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from unidiff.errors import UnidiffParseError
from unidiff.patch import PatchedFile, PatchSet

from bot.errors import InfrastructureError

FileStatus = Literal["added", "modified", "deleted", "renamed"]

_SYMLINK_MODE = "120000"
_SUBMODULE_MODE = "160000"
_DEV_NULL = "/dev/null"
_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}
_INDEX_MODE = re.compile(r"^index [0-9a-f]+\.\.[0-9a-f]+ (?P<mode>\d+)$")


class DiffError(InfrastructureError):
    """A diff that cannot be parsed (truncated or not produced by git)."""


@dataclass(frozen=True)
class FileChange:
    """One file of a diff.

    ``path`` is the head path (the base path for a deleted file); ``old_path`` the base path
    (None for an added file). Line tuples are sorted and free of duplicates.
    """

    path: str
    old_path: str | None
    status: FileStatus
    is_binary: bool = False
    added_lines: tuple[int, ...] = ()
    removed_lines: tuple[int, ...] = ()
    diff_lines: tuple[int, ...] = ()
    old_mode: str | None = None
    new_mode: str | None = None

    @property
    def is_symlink(self) -> bool:
        return (self.new_mode or self.old_mode) == _SYMLINK_MODE

    @property
    def is_submodule(self) -> bool:
        return _SUBMODULE_MODE in (self.new_mode, self.old_mode)

    @property
    def is_python(self) -> bool:
        """A regular ``.py`` file (``.pyi`` stubs, symlinks and binaries are not analysed)."""
        return (
            self.path.endswith(".py")
            and not self.is_binary
            and not self.is_symlink
            and not self.is_submodule
        )

    @property
    def mode_changed(self) -> bool:
        return self.status in ("modified", "renamed") and self.old_mode != self.new_mode

    @property
    def skip_reason(self) -> str | None:
        """Why no function of this file can be analysed, or None when it can be."""
        if self.is_binary:
            return "binary"
        if not self.is_python:
            return "not python"
        return None

    def in_diff(self, line: int) -> bool:
        """Whether head ``line`` may carry an inline comment on GitHub."""
        return line in self.diff_lines


def parse_diff(text: str) -> list[FileChange]:
    """Every file of a git diff, in diff order. Raises DiffError on a malformed diff."""
    lines = _split_lf(text)
    if not any(line.startswith("diff --git ") for line in lines):
        return _parse_plain(text)
    chunks: list[list[str]] = []
    for line in lines:
        if line.startswith("diff --git "):
            chunks.append([line])
        elif chunks:
            chunks[-1].append(line)
    return [_parse_chunk(chunk) for chunk in chunks]


def _split_lf(text: str) -> list[str]:
    """Lines split on newline only, as git does (``str.splitlines`` also splits on ``\\f``)."""
    parts = text.split("\n")
    out = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        out.append(parts[-1])
    return out


def _parse_chunk(chunk: list[str]) -> FileChange:
    header = chunk[0].rstrip("\n")[len("diff --git ") :]
    old_path, new_path = _split_git_header(header)
    status: FileStatus = "modified"
    old_mode = new_mode = None
    is_binary = False
    body_start = len(chunk)
    rename_from = rename_to = None
    for i, raw in enumerate(chunk[1:], start=1):
        line = raw.rstrip("\n")
        if line.startswith("@@ "):
            body_start = i
            break
        if line.startswith("Binary files ") or line == "GIT binary patch":
            is_binary = True
            break
        if line.startswith("new file mode "):
            status, new_mode = "added", line.split()[-1]
        elif line.startswith("deleted file mode "):
            status, old_mode = "deleted", line.split()[-1]
        elif line.startswith("old mode "):
            old_mode = line.split()[-1]
        elif line.startswith("new mode "):
            new_mode = line.split()[-1]
        elif line.startswith("rename from "):
            rename_from = _path_token(line[len("rename from ") :])
        elif line.startswith("rename to "):
            rename_to = _path_token(line[len("rename to ") :])
        elif line.startswith("--- "):
            name = _file_header_path(line[4:])
            if name == _DEV_NULL:
                status = "added"
            elif name is not None:
                old_path = name
        elif line.startswith("+++ "):
            name = _file_header_path(line[4:])
            if name == _DEV_NULL:
                status = "deleted"
            elif name is not None:
                new_path = name
        elif match := _INDEX_MODE.match(line):
            old_mode = old_mode or match["mode"]
            new_mode = new_mode or match["mode"]
    if rename_from is not None and rename_to is not None:
        old_path, new_path, status = rename_from, rename_to, "renamed"
    added, removed, visible = _count_hunks(chunk[body_start:], new_path)
    base_path: str | None = old_path
    if status == "added":
        base_path, old_mode = None, None
    elif status == "deleted":
        new_path, new_mode = old_path, None
    return FileChange(
        path=new_path,
        old_path=base_path,
        status=status,
        is_binary=is_binary,
        added_lines=added,
        removed_lines=removed,
        diff_lines=visible,
        old_mode=old_mode,
        new_mode=new_mode,
    )


def _count_hunks(
    body: list[str], name: str
) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    if not body:
        return (), (), ()
    try:
        patch = PatchSet(["--- a/x\n", "+++ b/x\n", *body])
    except UnidiffParseError as exc:
        raise DiffError(f"malformed diff for {name}: {exc}") from exc
    return _line_numbers(patch[0]) if patch else ((), (), ())


def _line_numbers(
    patched: PatchedFile,
) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """(added head lines, removed base lines, head lines shown in a hunk)."""
    added: set[int] = set()
    removed: set[int] = set()
    visible: set[int] = set()
    for hunk in patched:
        for line in hunk:
            if line.is_added and line.target_line_no is not None:
                added.add(line.target_line_no)
                visible.add(line.target_line_no)
            elif line.is_removed and line.source_line_no is not None:
                removed.add(line.source_line_no)
            elif line.is_context and line.target_line_no is not None:
                visible.add(line.target_line_no)
    return tuple(sorted(added)), tuple(sorted(removed)), tuple(sorted(visible))


def _split_git_header(header: str) -> tuple[str, str]:
    """('old', 'new') from ``a/old b/new`` (either side possibly C-quoted)."""
    if header.startswith('"'):
        end = _quoted_end(header)
        first, rest = header[: end + 1], header[end + 2 :]
        return _strip_prefix(_unquote(first)), _strip_prefix(_path_token(rest))
    if header.endswith('"'):
        start = header.index(' "')
        return _strip_prefix(header[:start]), _strip_prefix(_unquote(header[start + 1 :]))
    half = (len(header) - 1) // 2
    if len(header) % 2 == 1 and header[half] == " " and header[half + 3 :] == header[2:half]:
        return header[2:half], header[half + 3 :]
    old, sep, new = header.rpartition(" b/")
    if not sep:
        old, _, new = header.partition(" ")
        return _strip_prefix(old), _strip_prefix(new)
    return _strip_prefix(old), new


def _file_header_path(value: str) -> str | None:
    if value.startswith('"'):
        return _strip_prefix(_unquote(value[: _quoted_end(value) + 1]))
    value = value.split("\t", 1)[0]
    if value == _DEV_NULL:
        return value
    return _strip_prefix(value) if value else None


def _path_token(value: str) -> str:
    return _unquote(value) if value.startswith('"') and value.endswith('"') else value


def _strip_prefix(path: str) -> str:
    return path[2:] if path[:2] in ("a/", "b/") else path


def _quoted_end(value: str) -> int:
    i = 1
    while i < len(value):
        if value[i] == "\\":
            i += 2
            continue
        if value[i] == '"':
            return i
        i += 1
    raise DiffError(f"unterminated quoted path in diff header: {value}")


def _unquote(value: str) -> str:
    """Undo git's C-style quoting (``"a\\tb\\303\\274"``) of a path."""
    out = bytearray()
    i, end = 1, len(value) - 1
    while i < end:
        char = value[i]
        if char != "\\":
            out += char.encode("utf-8", "surrogateescape")
            i += 1
        elif value[i + 1] in "01234567":
            out.append(int(value[i + 1 : i + 4], 8) & 0xFF)
            i += 4
        else:
            out.append(_ESCAPES.get(value[i + 1], ord(value[i + 1])))
            i += 2
    return out.decode("utf-8", "replace")


def _parse_plain(text: str) -> list[FileChange]:
    """A unified diff without git headers (``diff -u``, difflib): paths from ---/+++."""
    try:
        patch = PatchSet(text)
    except UnidiffParseError as exc:
        raise DiffError(f"malformed diff: {exc}") from exc
    changes = []
    for patched in patch:
        added, removed, visible = _line_numbers(patched)
        path = patched.path
        if patched.is_added_file:
            changes.append(FileChange(path, None, "added", False, added, removed, visible))
        elif patched.is_removed_file:
            changes.append(FileChange(path, path, "deleted", False, added, removed, visible))
        else:
            changes.append(FileChange(path, path, "modified", False, added, removed, visible))
    return changes
