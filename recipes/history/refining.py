"""Finer merges inside a line-level conflict, taken only where they are each side's intent.

Glossary:

- **word**: the unit a refinement merges within a line (words.py): two different changes to one
  word are a conflict, never a splice.
- **line edit**: what a line diff of base against one side found, within the conflict: a
  **modification** of one line into one line keeping most of its words, or a **replacement**
  of a range of base lines (possibly empty: an insertion) by other lines (possibly none: a deletion).
- **reach** of a replacement: its base lines, and a line beside them that a line it adds or removes
  looks like (words.py), since which of the two is the line kept is a guess.
- **refinement**: base with ours' line edits and theirs' line edits applied together. It exists only
  when no replacement of one side reaches over or borders the reach of one of the other, none reaches
  over a line the other side modified, and lines modified on both sides merge word by word.

A line break is never common ground here: a blank line filled in, or a line split or joined, is a
replacement of whole lines, so that the same line added on both sides around a changed blank line is
a conflict, not a line taken twice.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from recipes.history.alignment import Block, unambiguous_blocks
from recipes.history.diff3 import Conflict, diff3, line_blocks, split_lines_keeping_breaks
from recipes.history.words import alike, looks_alike, split_merge_words

_Value = TypeVar("_Value")


@dataclass(frozen=True)
class _LineEdit:
    """Base lines ``start`` to ``end`` (excluded) become ``lines``; ``modified`` for one line's words."""

    start: int
    end: int
    lines: tuple[str, ...]
    modified: bool = False


def refine(conflict: Conflict, deadline: float, around: tuple[str, str] = ("", "")) -> str | None:
    """Return the refinement of a line-level conflict, or None when the two sides' edits touch.

    ``around`` holds the lines all three texts share right before and after the conflict ("" for none).
    """
    texts = (conflict.base, conflict.ours, conflict.theirs)
    # A text's last line without a line break is the same line as with one; only the ending changed.
    unended = [bool(text) and not text.endswith("\n") for text in texts]
    ending = _merged_ending(*unended)
    ended = (text + "\n" * missing for text, missing in zip(texts, unended, strict=True))
    base, ours, theirs = (split_lines_keeping_breaks(text) for text in ended)
    ours_blocks = line_blocks(base, ours, deadline)
    if _line_edits(base, ours, ours_blocks, around) == [_LineEdit(0, len(base), tuple(ours))]:
        # Ours replaced every line: whatever theirs changed touches it (texts rewritten on both sides).
        return None
    # Where a side's edit lies among copies of a line is a guess; the guess must not decide the merge.
    blocks = unambiguous_blocks(base, ours, theirs, ours_blocks, line_blocks(base, theirs, deadline))
    ours_edits, theirs_edits = (
        _line_edits(base, side, side_blocks, around)
        for side, side_blocks in zip((ours, theirs), blocks, strict=True)
    )
    made_by_ours = set(ours_edits)
    theirs_edits = [edit for edit in theirs_edits if edit not in made_by_ours]  # the same edit, once
    if ending is None or _replacements_touch(ours_edits, theirs_edits, base):
        return None
    covered = _covers_a_modified_line(ours_edits, theirs_edits, base)
    if covered or _covers_a_modified_line(theirs_edits, ours_edits, base):
        return None
    merged = _applied(base, ours_edits, theirs_edits, deadline)
    return merged.removesuffix("\n") if merged is not None and ending else merged


def _line_edits(
    base: Sequence[str], side: Sequence[str], blocks: Sequence[Block], around: tuple[str, str]
) -> list[_LineEdit]:
    """The edits a line diff of base against one side makes, in order, from the lines it kept."""
    lines = [around[0], *side, around[1]]  # the side with its neighbours, one place further
    edits: list[_LineEdit] = []
    base_at = side_at = 0
    for base_start, side_start, length in [*blocks, (len(base), len(side), 0)]:
        if base_start > base_at or side_start > side_at:
            neighbours = (lines[side_at], lines[side_start + 1])
            edits.extend(_classified(base_at, base[base_at:base_start], side[side_at:side_start], neighbours))
        base_at, side_at = base_start + length, side_start + length
    return edits


def _classified(
    start: int, old: Sequence[str], new: Sequence[str], neighbours: Sequence[str]
) -> list[_LineEdit]:
    """Modifications if the removed and added lines pair up as the same lines edited, else a replacement.

    A line turned into a copy of a line beside it reads as well as that line removed and a copy of its
    neighbour added: which one is "the" line edited is a guess, so such a change stays a replacement.
    A line left as it was inside a change (an ambiguous place made one change by alignment.py) is the
    same guess.
    """
    guessed = set(new) & {*old, *neighbours}
    if len(old) == len(new) and not guessed and all(map(_same_line_edited, old, new)):
        return [_LineEdit(start + at, start + at + 1, (line,), True) for at, line in enumerate(new)]
    return [_LineEdit(start, start + len(old), tuple(new))]


def _same_line_edited(old: str, new: str) -> bool:
    """Whether two lines keep most of their words (a blank line shares none with any line).

    A line rewritten is a replacement: merging its words with the other side's would be a guess, and
    pairing lines that share only "de" and "la" would make every rewritten paragraph a word merge.
    """
    return alike(old, new)


def _replacements_touch(ours: Sequence[_LineEdit], theirs: Sequence[_LineEdit], base: Sequence[str]) -> bool:
    """Whether a replacement of one side reaches over or borders one of the other side (sweeping by start)."""
    replacements = sorted(
        (*_reach(edit, base), side)
        for side, edits in enumerate((ours, theirs))
        for edit in edits
        if not edit.modified
    )
    reached = [-1, -1]  # the furthest end of each side's replacements so far
    for start, end, side in replacements:
        if reached[1 - side] >= start:
            return True
        reached[side] = max(reached[side], end)
    return False


def _covers_a_modified_line(
    replacing: Sequence[_LineEdit], modifying: Sequence[_LineEdit], base: Sequence[str]
) -> bool:
    """Whether a replacement reaches over a line the other side modified."""
    modified = [edit.start for edit in modifying if edit.modified]
    reaches = [_reach(edit, base) for edit in replacing if not edit.modified]
    return any(start <= number < end for number in modified for start, end in reaches)


def _reach(edit: _LineEdit, base: Sequence[str]) -> tuple[int, int]:
    """The base lines a replacement may be read to change: its own, and a line beside them that a line
    it adds or removes looks like.

    Which of two look-alike lines is "the" line, and which one was added or removed, is a guess; a
    wrong guess would put the other side's edit on the wrong line, or beside the wrong one.
    """
    start, end = edit.start, edit.end
    moved = (*edit.lines, *base[edit.start : edit.end])
    # A line inserted may be a copy of the line beside it, edited; a line that replaces another is
    # first of all that line edited, and is taken for a copy of its neighbour only if it keeps most words.
    resembles = looks_alike if start == end else alike
    if start > 0 and any(resembles(base[start - 1], line) for line in moved):
        start -= 1
    if end < len(base) and any(resembles(base[end], line) for line in moved):
        end += 1
    return start, end


def _applied(
    base: Sequence[str], ours: Sequence[_LineEdit], theirs: Sequence[_LineEdit], deadline: float
) -> str | None:
    """Base with both sides' edits, which do not touch; None if a line modified twice conflicts."""
    replacements = {edit.start: edit for edit in (*ours, *theirs) if not edit.modified}
    ours_lines = {edit.start: edit.lines[0] for edit in ours if edit.modified}
    theirs_lines = {edit.start: edit.lines[0] for edit in theirs if edit.modified}
    result: list[str] = []
    skipped_until = 0
    for number in range(len(base) + 1):
        replacement = replacements.get(number)
        if replacement is not None:
            result.extend(replacement.lines)
            skipped_until = replacement.end
        if number == len(base) or number < skipped_until:
            continue
        line = merge_line(base[number], ours_lines.get(number), theirs_lines.get(number), deadline)
        if line is None:
            return None
        result.append(line)
    return "".join(result)


def merge_line(base: str, ours: str | None, theirs: str | None, deadline: float) -> str | None:
    """Merge one line edited on either side (None: unchanged) word by word; None on a conflict."""
    if ours is None or theirs is None or ours == theirs:
        return next((line for line in (ours, theirs) if line is not None), base)
    lines = (base, ours, theirs)
    texts = [line.removesuffix("\n") for line in lines]
    ending = _merged_ending(*(line[len(text) :] for line, text in zip(lines, texts, strict=True)))
    chunks = diff3(*(split_merge_words(text) for text in texts), deadline, semantic=True)
    if ending is None or any(isinstance(chunk, Conflict) for chunk in chunks):
        return None
    return "".join(chunks) + ending  # type: ignore[arg-type]


def _merged_ending(base: _Value, ours: _Value, theirs: _Value) -> _Value | None:
    """The side's value that changed, or the value both share; None if each changed it differently."""
    if ours == theirs or theirs == base:
        return ours
    return theirs if ours == base else None
