"""diff3 of three token sequences (lines, or the words of a line): the core of every merge.

Glossary:

- **base**: the version both sides started from; **ours** and **theirs**: the two sides.
- **matching**: the tokens a diff found equal between base and one side, as
  ``(base start, side start, length)`` blocks, in order.
- **stable region**: base tokens matched in ours and in theirs at once; copied to the result.
- **unstable region**: what lies between two stable regions. If only one side changed it, that
  side's text is taken; if both sides made the same change, that change; otherwise it is a conflict.
- **conflict**: an unstable region that both sides changed differently; a person has to choose.

Lines are matched by a line diff of base against each side; where its choice among copies of a
line would decide the merge, both sides' matchings are made to say so first (see ``alignment``).
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from recipes.history.alignment import Block, extend_blocks, unambiguous_blocks
from recipes.history.diffing import ADDED, KEPT, REMOVED, diff_token_counts

_LINE = re.compile(r"[^\n]*\n|[^\n]+")

# (base start, ours start, theirs start, length): a run of tokens equal in all three.
_StableRegion = tuple[int, int, int, int]
# Past this many lines found on one side only, a line diff's work grows fast; a rewritten 100 KB
# recipe has about 550 of them, a rewritten 500 KB one about 2,700.
_UNMATCHABLE_LINES_WORTH_LEAVING_OUT = 1000


@dataclass(frozen=True)
class Conflict:
    """A region both sides changed differently: its text in base, ours and theirs (whole lines)."""

    base: str
    ours: str
    theirs: str


def split_lines_keeping_breaks(text: str) -> list[str]:
    """Return the lines of an LF text, each with its "\\n" (the last one may have none)."""
    return _LINE.findall(text)


def diff3(
    base: Sequence[str], ours: Sequence[str], theirs: Sequence[str], deadline: float, *, semantic: bool
) -> list[str | Conflict]:
    """Merge three token sequences: stable regions as they are, unstable regions settled or conflicting."""
    chunks: list[str | Conflict] = []
    base_at = ours_at = theirs_at = 0
    regions = _stable_regions(base, ours, theirs, deadline, semantic)
    for base_start, ours_start, theirs_start, length in regions:
        unstable = (base[base_at:base_start], ours[ours_at:ours_start], theirs[theirs_at:theirs_start])
        chunks.append(_settled(*unstable))
        chunks.append("".join(base[base_start : base_start + length]))
        base_at, ours_at, theirs_at = base_start + length, ours_start + length, theirs_start + length
    return [chunk for chunk in chunks if chunk != ""]


def _settled(base: Sequence[str], ours: Sequence[str], theirs: Sequence[str]) -> str | Conflict:
    """Settle an unstable region: the side that changed it, their common change, or a conflict."""
    if ours == theirs:
        return "".join(ours)
    if ours == base:
        return "".join(theirs)
    if theirs == base:
        return "".join(ours)
    return Conflict("".join(base), "".join(ours), "".join(theirs))


def _stable_regions(
    base: Sequence[str], ours: Sequence[str], theirs: Sequence[str], deadline: float, semantic: bool
) -> list[_StableRegion]:
    """Return the runs of base matched in both sides, ending with an empty region at the very end.

    The empty last region makes whatever follows the last stable region an unstable region like
    the others, so that edits at the very end need no special case.
    """
    ours_blocks = _matching_blocks(base, ours, deadline, semantic)
    theirs_blocks = _matching_blocks(base, theirs, deadline, semantic)
    if not semantic:
        ours_blocks, theirs_blocks = unambiguous_blocks(base, ours, theirs, ours_blocks, theirs_blocks)
    regions: list[_StableRegion] = []
    ours_index = theirs_index = 0
    while ours_index < len(ours_blocks) and theirs_index < len(theirs_blocks):
        ours_base, ours_start, ours_length = ours_blocks[ours_index]
        theirs_base, theirs_start, theirs_length = theirs_blocks[theirs_index]
        start = max(ours_base, theirs_base)
        end = min(ours_base + ours_length, theirs_base + theirs_length)
        if start < end:
            ours_offset, theirs_offset = ours_start - ours_base, theirs_start - theirs_base
            regions.append((start, start + ours_offset, start + theirs_offset, end - start))
        # Move past the block that ends first in base: it cannot overlap anything further on.
        if ours_base + ours_length < theirs_base + theirs_length:
            ours_index += 1
        else:
            theirs_index += 1
    regions.append((len(base), len(ours), len(theirs), 0))
    return regions


def line_blocks(base: Sequence[str], side: Sequence[str], deadline: float) -> list[Block]:
    """Return the runs of lines that a line diff of base against one side kept."""
    return _matching_blocks(base, side, deadline, semantic=False)


def _matching_blocks(
    base: Sequence[str], side: Sequence[str], deadline: float, semantic: bool
) -> list[Block]:
    """Return the runs of tokens that a diff of base against one side kept.

    Lines found on one side only can never be matched. When there are very many of them (texts
    rewritten everywhere), they are left out of the line diff, as GNU diff discards "confusing
    lines": the diff then ends in a blink instead of searching huge hunks until the deadline. Below
    that, the diff sees every line, as its choice among equally long matchings depends on them.
    """
    if not semantic:
        base_places, side_places = _places_of_shared_tokens(base, side)
        unmatchable = len(base) - len(base_places) + len(side) - len(side_places)
        if unmatchable > _UNMATCHABLE_LINES_WORTH_LEAVING_OUT:
            shared_base, shared_side = (
                [base[place] for place in base_places],
                [side[place] for place in side_places],
            )
            shared_blocks = _diffed_blocks(shared_base, shared_side, deadline, semantic)
            return _in_full_places(shared_blocks, base_places, side_places)
    return _diffed_blocks(base, side, deadline, semantic)


def _diffed_blocks(base: Sequence[str], side: Sequence[str], deadline: float, semantic: bool) -> list[Block]:
    """The kept runs of a diff of the two sequences as they are."""
    blocks: list[Block] = []
    base_at = side_at = 0
    for kind, count in diff_token_counts(base, side, deadline, semantic=semantic):
        if kind == KEPT:
            blocks.append((base_at, side_at, count))
            base_at, side_at = base_at + count, side_at + count
        elif kind == REMOVED:
            base_at += count
        elif kind == ADDED:
            side_at += count
    return blocks


def _in_full_places(
    blocks: list[Block], base_places: Sequence[int], side_places: Sequence[int]
) -> list[Block]:
    """Blocks of the shared tokens given back in the full sequences, split where left-out tokens were."""
    full: list[Block] = []
    for base_start, side_start, length in blocks:
        for offset in range(length):
            extend_blocks(full, base_places[base_start + offset], side_places[side_start + offset])
    return full


def _places_of_shared_tokens(base: Sequence[str], side: Sequence[str]) -> tuple[list[int], list[int]]:
    """Return the indexes, in base and in the side, of the tokens that both contain."""
    in_base, in_side = set(base), set(side)
    return (
        [place for place, token in enumerate(base) if token in in_side],
        [place for place, token in enumerate(side) if token in in_base],
    )
