"""Line diffs made safe to merge where the place they give a change is a guess.

Glossary:

- **block**: a run of lines a diff kept, as ``(base start, side start, length)``; the lines outside
  the blocks are **changed** (removed from base, added to the side).
- **change**: the base lines removed between two kept lines, ``[start, end)``, and the side lines
  added there (an insertion has ``start == end``).
- **ambiguous span**: base lines where a diff's choice among equal lines says where a change is,
  while another choice, as right, would say otherwise: a line added beside copies of itself (a blank
  line among blank lines) could be any of them; a line removed from among copies of itself too; a
  line inserted beside one it is alike with (words.py) may be that line edited and a copy of it
  inserted; a line moved across blank lines is as well those blank lines moved the other way, next
  to the blank lines around.
- **touch**: the other side's change inserts within an ambiguous span or changes one of its lines.
  Then the place of the change decides the merge (which insertion comes first, whether the same
  blank line was added once or twice, whether a deleted line stays), so the span is made one change
  as a whole: the merge sees a conflict, or the very same change on both sides, never a guess. An
  ambiguous span that nothing touches is left as it is, so that blank lines keep separating the
  edits around them into different conflicts.
"""

import itertools
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from recipes.history.words import alike

Block = tuple[int, int, int]
# (base line, side line) kept by a diff.
_Pair = tuple[int, int]


@dataclass(frozen=True)
class _Change:
    start: int
    end: int
    side_start: int
    side_end: int


@dataclass(frozen=True)
class _Span:
    """Base lines ``start`` to ``end`` (excluded); ``ends_count``: an insertion at either end touches it."""

    start: int
    end: int
    ends_count: bool


class _Diff:
    """One side's diff as what it changed: base lines removed, side lines added."""

    def __init__(self, base: Sequence[str], side: Sequence[str], blocks: Sequence[Block]) -> None:
        self.base, self.side = base, side
        self.removed, self.added = [True] * len(base), [True] * len(side)
        for base_start, side_start, length in blocks:
            self.removed[base_start : base_start + length] = [False] * length
            self.added[side_start : side_start + length] = [False] * length

    def pairs(self) -> list[_Pair]:
        """The kept lines: the n-th kept line of base is the n-th kept line of the side."""
        kept_base = [number for number, gone in enumerate(self.removed) if not gone]
        kept_side = [number for number, new in enumerate(self.added) if not new]
        return list(zip(kept_base, kept_side, strict=True))

    def blocks(self) -> list[Block]:
        blocks: list[Block] = []
        for base_place, side_place in self.pairs():
            extend_blocks(blocks, base_place, side_place)
        return blocks

    def changes(self, pairs: Sequence[_Pair]) -> list[_Change]:
        """The changes between kept lines, in order."""
        changes = []
        before = (-1, -1)
        for after in [*pairs, (len(self.base), len(self.side))]:
            if after[0] > before[0] + 1 or after[1] > before[1] + 1:
                changes.append(_Change(before[0] + 1, after[0], before[1] + 1, after[1]))
            before = after
        return changes

    def change_span(self, pairs: Sequence[_Pair], span: _Span) -> None:
        """Make the span's base lines, and the side lines kept or added among them, one change.

        ``pairs`` may hold pairs an earlier span of this round changed: the lines around them are
        still in the same order, which is all this needs.
        """
        first, last = bisect_left(pairs, (span.start, -1)), bisect_left(pairs, (span.end, -1))
        side_start = pairs[first - 1][1] + 1 if first > 0 else 0
        side_end = pairs[last][1] if last < len(pairs) else len(self.side)
        self.removed[span.start : span.end] = [True] * (span.end - span.start)
        self.added[side_start:side_end] = [True] * (side_end - side_start)


def extend_blocks(blocks: list[Block], base_place: int, side_place: int) -> None:
    """Add a kept pair of lines to the last block if it follows it in both sequences, else start one."""
    if blocks:
        base_start, side_start, length = blocks[-1]
        if base_start + length == base_place and side_start + length == side_place:
            blocks[-1] = (base_start, side_start, length + 1)
            return
    blocks.append((base_place, side_place, 1))


def unambiguous_blocks(
    base: Sequence[str],
    ours: Sequence[str],
    theirs: Sequence[str],
    ours_blocks: Sequence[Block],
    theirs_blocks: Sequence[Block],
) -> tuple[list[Block], list[Block]]:
    """Both sides' blocks, with each ambiguous span that the other side's changes touch made a change.

    A span made a change can touch an ambiguous span of the other side in turn: this repeats until
    nothing more is touched. Both sides are treated alike, so that the merge stays symmetric.
    """
    diffs = (_Diff(base, ours, ours_blocks), _Diff(base, theirs, theirs_blocks))
    while True:
        pairs = [diff.pairs() for diff in diffs]
        changes = [diff.changes(side_pairs) for diff, side_pairs in zip(diffs, pairs, strict=True)]
        ends = [[change.end for change in side_changes] for side_changes in changes]
        touched = [
            [span for span in _ambiguous_spans(diff, own_pairs, own) if _touches(other, other_ends, span)]
            for diff, own_pairs, own, other, other_ends in zip(
                diffs, pairs, changes, reversed(changes), reversed(ends), strict=True
            )
        ]
        if not any(touched):
            return diffs[0].blocks(), diffs[1].blocks()
        for diff, side_pairs, spans in zip(diffs, pairs, touched, strict=True):
            for span in spans:
                diff.change_span(side_pairs, span)


def _ambiguous_spans(diff: _Diff, pairs: Sequence[_Pair], changes: Sequence[_Change]) -> list[_Span]:
    """One side's ambiguous spans: lines added or removed among copies, lines moved across blank lines.

    Lines added among copies of themselves span the base lines of the copies kept, and the places
    right before and after them, where the added ones may as well have been.
    """
    kept_as = {side_line: base_line for base_line, side_line in pairs}
    spans = []
    for start, end in _runs_of_copies(diff.side, diff.added):
        kept = [kept_as[number] for number in range(start, end) if number in kept_as]
        spans.append(_Span(kept[0], kept[-1] + 1, ends_count=True))
    spans += [_Span(start, end, ends_count=False) for start, end in _runs_of_copies(diff.base, diff.removed)]
    return spans + _insertions_beside_a_copy(diff, changes) + _moves_across_blank_lines(diff, changes)


def _insertions_beside_a_copy(diff: _Diff, changes: Sequence[_Change]) -> list[_Span]:
    """Lines inserted beside a line they are alike with: the line and the place of the insertion.

    "b2" inserted after "b" reads as well as "b" edited into "b2" and a copy of "b" inserted after it.
    """
    spans = []
    for change in changes:
        if change.start != change.end:
            continue
        added = diff.side[change.side_start : change.side_end]
        for neighbour in (change.start - 1, change.start):
            if 0 <= neighbour < len(diff.base) and any(alike(diff.base[neighbour], line) for line in added):
                spans.append(_Span(neighbour, neighbour + 1, ends_count=True))
    return spans


def _runs_of_copies(lines: Sequence[str], changed: Sequence[bool]) -> list[tuple[int, int]]:
    """Runs [start, end) of equal neighbouring lines, some of them changed and some not."""
    runs = []
    start = 0
    for end in range(1, len(lines) + 1):
        if end < len(lines) and lines[end] == lines[start]:
            continue
        if end - start > 1:
            run = changed[start:end]
            if any(run) and not all(run):
                runs.append((start, end))
        start = end
    return runs


def _moves_across_blank_lines(diff: _Diff, changes: Sequence[_Change]) -> list[_Span]:
    """Two changes with only blank lines kept between them, one adding a line that the other removes."""
    spans = []
    for first, second in itertools.pairwise(changes):
        if any(line.strip() for line in diff.base[first.end : second.start]):
            continue
        first_removed, first_added = _lines_of(diff, first)
        second_removed, second_added = _lines_of(diff, second)
        if first_added & second_removed or first_removed & second_added:
            # The blank lines moved the other way may join blank lines beside the two changes.
            start, end = first.start, second.end
            while start > 0 and not diff.base[start - 1].strip():
                start -= 1
            while end < len(diff.base) and not diff.base[end].strip():
                end += 1
            spans.append(_Span(start, end, ends_count=True))
    return spans


def _lines_of(diff: _Diff, change: _Change) -> tuple[set[str], set[str]]:
    removed = set(diff.base[change.start : change.end])
    return removed, set(diff.side[change.side_start : change.side_end])


def _touches(changes: Sequence[_Change], ends: Sequence[int], span: _Span) -> bool:
    """Whether a change inserts within the span (or at its ends, where they count) or changes a line of it.

    ``ends`` are the changes' ends, in order, to find the first change that can reach the span.
    """
    first = bisect_left(ends, span.start)
    for change in itertools.islice(changes, first, None):
        if change.start > span.end:
            return False
        if change.start < change.end:
            if change.start < span.end and change.end > span.start:
                return True
        elif span.start < change.start < span.end:
            return True
        elif span.ends_count and change.start in (span.start, span.end):
            return True
    return False
