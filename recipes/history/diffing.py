"""Differences between two versions of a recipe text, for the history pages and the diff API.

Glossary:

- **op**: a ``(kind, text)`` pair in diff-match-patch form; kind is ``REMOVED`` (-1), ``KEPT`` (0) or
  ``ADDED`` (1). The kept and removed texts of a list of ops, in order, spell the old text exactly;
  the kept and added texts spell the new text exactly.
- **token**: a word, a run of spaces, a line break or a single punctuation mark. Word-level diffs
  compare tokens, so a change is never shown as starting in the middle of a word.
- **line**: a line of text without its line break ("\\n", "\\r\\n" or "\\r"). A final line break
  does not start another, empty, line.
- **row**: what one line of a side-by-side view shows: an old line, a new line, or both.
- **segment**: a piece of a line in a row, marked as changed or not.
- **hunk**: consecutive rows around some changes; the unchanged rows between hunks are left out.
- **timeout / deadline**: diffing stops looking for a finer diff once the timeout (seconds) has
  passed; what it returns then is coarser (more text marked as changed) but still exact.
"""

import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

from diff_match_patch import diff_match_patch

REMOVED, KEPT, ADDED = -1, 0, 1

Op: TypeAlias = tuple[int, str]
RowKind: TypeAlias = Literal["equal", "delete", "insert", "change"]

# Line breaks and spaces are separate tokens so that a word-level change never swallows a line break.
_TOKEN = re.compile(r"\r\n|\n|\r|[^\S\r\n]+|\w+|[^\w\s]", re.UNICODE)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Each distinct token is diffed as one character; chr(0) is left out like diff_linesToChars does.
_MAX_DISTINCT_TOKENS = 0x10FFFF

# diff_match_patch keeps only settings on itself; every call gets its deadline explicitly, so one
# shared instance is safe. Its Diff_Timeout stays positive because diff_halfMatch, a speed-up, only
# runs when it is.
_DMP = diff_match_patch()


@dataclass(frozen=True)
class Segment:
    """A piece of a line, marked as changed (removed from the old line or added to the new) or not."""

    text: str
    changed: bool


@dataclass(frozen=True)
class DiffRow:
    """One row of a side-by-side diff. Line numbers are 1-based; None where that side has no line."""

    kind: RowKind
    old_number: int | None
    new_number: int | None
    old: tuple[Segment, ...]
    new: tuple[Segment, ...]


@dataclass(frozen=True)
class Hunk:
    """Rows around some changes, with how many unchanged rows were left out before and after them.

    ``skipped_after`` is only ever non-zero on the last hunk: the others' following rows are the
    next hunk's ``skipped_before``.
    """

    rows: tuple[DiffRow, ...]
    skipped_before: int = 0
    skipped_after: int = 0


def split_words(text: str) -> list[str]:
    """Return the tokens of a text; joined, they give the text back."""
    return _TOKEN.findall(text)


def split_lines(text: str) -> list[str]:
    """Return the lines of a text, without their line breaks ("\\n", "\\r\\n" or "\\r")."""
    lines = _LINE_BREAK.split(text)
    if lines[-1] == "":
        # A text ending with a line break (or an empty text) has no empty line after it.
        lines.pop()
    return lines


def deadline_after(timeout: float) -> float:
    """Return the time.time() at which a diff given this timeout must stop refining."""
    return time.time() + max(timeout, 0.0)


def diff_token_counts(
    old_tokens: Sequence[str], new_tokens: Sequence[str], deadline: float, *, semantic: bool = False
) -> list[tuple[int, int]]:
    """Diff two token sequences; return ``(kind, number of tokens)`` pairs, in order.

    With ``semantic``, chance matches between larger changes (a lone space, a blank line) are
    folded into the changes, as diff_cleanupSemantic does.
    """
    encoded = _encode_tokens(old_tokens, new_tokens)
    if encoded is None:
        # More distinct tokens than characters to stand for them: give up on detail, stay exact.
        everything = ((REMOVED, len(old_tokens)), (ADDED, len(new_tokens)))
        return [(kind, count) for kind, count in everything if count]
    ops = _DMP.diff_main(encoded[0], encoded[1], False, deadline)
    if semantic:
        _DMP.diff_cleanupSemantic(ops)
    return [(kind, len(chars)) for kind, chars in ops if chars]


def _encode_tokens(old_tokens: Sequence[str], new_tokens: Sequence[str]) -> tuple[str, str] | None:
    """Write each distinct token as one character (as diff_linesToChars does for lines)."""
    codes: dict[str, str] = {}
    encoded: list[str] = []
    for tokens in (old_tokens, new_tokens):
        chars = []
        for token in tokens:
            char = codes.get(token)
            if char is None:
                if len(codes) == _MAX_DISTINCT_TOKENS:
                    return None
                char = codes[token] = chr(len(codes) + 1)
            chars.append(char)
        encoded.append("".join(chars))
    return encoded[0], encoded[1]


def diff_ops(old: str, new: str, timeout: float = 1.0) -> list[Op]:
    """Return the ops turning ``old`` into ``new``: whole lines first, then words within changed lines.

    This is the form ``GET /api/v1/recipes/{slug}/diff`` returns: kept and removed texts joined
    give ``old`` exactly, kept and added give ``new`` exactly, whatever the timeout.
    """
    deadline = deadline_after(timeout)
    return _joined(_refine_changes(_line_ops(old, new, deadline), deadline))


def _line_ops(old: str, new: str, deadline: float) -> list[Op]:
    """Diff whole lines (line breaks included), each line standing for one character."""
    old_chars, new_chars, lines = _DMP.diff_linesToChars(old, new)
    ops = _DMP.diff_main(old_chars, new_chars, False, deadline)
    # Blank lines match by chance between two rewritten paragraphs; folding them into the change
    # lets the word-level diff see each paragraph whole (diff_lineMode does the same). Cleaning up
    # before decoding keeps every op made of whole lines.
    _DMP.diff_cleanupSemantic(ops)
    _DMP.diff_charsToLines(ops, lines)
    return ops


def _refine_changes(ops: Iterable[Op], deadline: float) -> list[Op]:
    """Replace each run of removed and added lines by a word-level diff of the two texts."""
    refined: list[Op] = []
    removed: list[str] = []
    added: list[str] = []
    for kind, text in [*ops, (KEPT, "")]:
        if kind == REMOVED:
            removed.append(text)
        elif kind == ADDED:
            added.append(text)
        else:
            refined.extend(_word_ops("".join(removed), "".join(added), deadline))
            removed, added = [], []
            if text:
                refined.append((KEPT, text))
    return refined


def _word_ops(old: str, new: str, deadline: float) -> list[Op]:
    """Diff two texts token by token, with diff_cleanupSemantic's clean-up.

    The clean-up runs on the tokens, not on the decoded text: on text, its final diff_cleanupMerge
    would pull the letters common to "200" and "250" out of the change, leaving "2[0→5]0".
    """
    if not old or not new:
        return [(kind, text) for kind, text in ((REMOVED, old), (ADDED, new)) if text]
    old_tokens, new_tokens = split_words(old), split_words(new)
    ops: list[Op] = []
    old_at = new_at = 0
    for kind, count in diff_token_counts(old_tokens, new_tokens, deadline, semantic=True):
        if kind == ADDED:
            ops.append((ADDED, "".join(new_tokens[new_at : new_at + count])))
            new_at += count
        elif kind == REMOVED:
            ops.append((REMOVED, "".join(old_tokens[old_at : old_at + count])))
            old_at += count
        else:
            ops.append((KEPT, "".join(old_tokens[old_at : old_at + count])))
            old_at, new_at = old_at + count, new_at + count
    return ops


def _joined(ops: Iterable[Op]) -> list[Op]:
    """Join neighbouring ops of the same kind (where one changed block's ops meet the next's)."""
    joined: list[Op] = []
    for kind, text in ops:
        if joined and joined[-1][0] == kind:
            joined[-1] = (kind, joined[-1][1] + text)
        elif text:
            joined.append((kind, text))
    return joined


def diff_rows(old: str, new: str, timeout: float = 1.0) -> list[DiffRow]:
    """Return the rows of a side-by-side (or inline) view of the changes from ``old`` to ``new``.

    Lines are compared without their line breaks, so a text whose line endings alone changed
    (CRLF from a browser, LF on disk) shows no change. Within a block of changed lines, removed and
    added lines are paired in order as "change" rows, marked word by word; the lines left over
    become "delete" or "insert" rows.
    """
    deadline = deadline_after(timeout)
    old_lines, new_lines = split_lines(old), split_lines(new)
    rows: list[DiffRow] = []
    old_at = new_at = removed = added = 0
    for kind, count in [*diff_token_counts(old_lines, new_lines, deadline), (KEPT, 0)]:
        if kind == REMOVED:
            removed += count
        elif kind == ADDED:
            added += count
        else:
            old_block = old_lines[old_at : old_at + removed]
            new_block = new_lines[new_at : new_at + added]
            rows.extend(_changed_rows(old_block, old_at + 1, new_block, new_at + 1, deadline))
            old_at, new_at, removed, added = old_at + removed, new_at + added, 0, 0
            for line in old_lines[old_at : old_at + count]:
                old_at, new_at = old_at + 1, new_at + 1
                rows.append(_equal_row(line, old_at, new_at))
    return rows


def _equal_row(line: str, old_number: int, new_number: int) -> DiffRow:
    segments = _segments([(line, False)])
    return DiffRow("equal", old_number, new_number, segments, segments)


def _changed_rows(
    old_block: Sequence[str], first_old: int, new_block: Sequence[str], first_new: int, deadline: float
) -> list[DiffRow]:
    """Rows for a block of removed lines replaced by a block of added lines."""
    rows = []
    for offset in range(max(len(old_block), len(new_block))):
        old_number, new_number = first_old + offset, first_new + offset
        if offset < len(old_block) and offset < len(new_block):
            old_segments, new_segments = _line_segments(old_block[offset], new_block[offset], deadline)
            rows.append(DiffRow("change", old_number, new_number, old_segments, new_segments))
        elif offset < len(old_block):
            rows.append(DiffRow("delete", old_number, None, _segments([(old_block[offset], True)]), ()))
        else:
            rows.append(DiffRow("insert", None, new_number, (), _segments([(new_block[offset], True)])))
    return rows


def _line_segments(
    old_line: str, new_line: str, deadline: float
) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    """Mark, word by word, what changed between two lines: on the old side, and on the new side."""
    ops = _word_ops(old_line, new_line, deadline)
    old_segments = _segments([(text, kind == REMOVED) for kind, text in ops if kind != ADDED])
    new_segments = _segments([(text, kind == ADDED) for kind, text in ops if kind != REMOVED])
    return old_segments, new_segments


def _segments(pieces: Iterable[tuple[str, bool]]) -> tuple[Segment, ...]:
    """Make segments of (text, changed) pieces, joining neighbours alike and dropping empty ones."""
    segments: list[Segment] = []
    for text, changed in pieces:
        if not text:
            continue
        if segments and segments[-1].changed == changed:
            segments[-1] = Segment(segments[-1].text + text, changed)
        else:
            segments.append(Segment(text, changed))
    return tuple(segments)


def hunks(rows: Sequence[DiffRow], context: int = 3) -> list[Hunk]:
    """Group the changed rows with up to ``context`` unchanged rows on each side; none if no change."""
    if context < 0:
        raise ValueError(f"context must not be negative, not {context}")
    result: list[Hunk] = []
    shown_until = 0
    for start, end in _hunk_spans(rows, context):
        result.append(Hunk(tuple(rows[start:end]), skipped_before=start - shown_until))
        shown_until = end
    if result and shown_until < len(rows):
        last = result[-1]
        result[-1] = Hunk(last.rows, last.skipped_before, skipped_after=len(rows) - shown_until)
    return result


def _hunk_spans(rows: Sequence[DiffRow], context: int) -> list[tuple[int, int]]:
    """Return the (start, end) row ranges of the hunks; ranges that touch or overlap are joined."""
    spans: list[tuple[int, int]] = []
    for index, row in enumerate(rows):
        if row.kind == "equal":
            continue
        start, end = max(0, index - context), min(len(rows), index + context + 1)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def diff_stats(old: str, new: str, timeout: float = 1.0) -> tuple[int, int]:
    """Return (lines added, lines removed), counted as diff_rows counts lines.

    A changed line counts once in each.
    """
    added = removed = 0
    for kind, count in diff_token_counts(split_lines(old), split_lines(new), deadline_after(timeout)):
        if kind == ADDED:
            added += count
        elif kind == REMOVED:
            removed += count
    return added, removed
