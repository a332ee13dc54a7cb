"""Three-way merge (diff3) of recipe texts, for saving an edit that was started on an older version.

Glossary:

- **base**: the version both people started from. **ours**: the version being saved. **theirs**:
  the version someone else saved in the meantime.
- **token**: the unit being merged: a whole line (with its line break) first, then, to refine a
  conflict, a word, a run of spaces, a line break or a punctuation mark (see ``diffing.split_words``).
- **matching**: the tokens a diff found equal between base and one side, as
  ``(base start, side start, length)`` blocks, in order.
- **stable region**: base tokens matched in ours and in theirs at once; copied to the result.
- **unstable region**: what lies between two stable regions. If only one side changed it, that
  side's text is taken; if both sides made the same change, that change; otherwise it is a conflict.
- **conflict**: an unstable region that both sides changed differently; a person has to choose.
- **word-level refinement**: a conflict's lines merged again token by token. When the two sides
  changed different words of the same lines, that merge is clean and replaces the conflict.

diff-match-patch's patch_apply must never decide a merge: it applies patches by fuzzy matching and
reports success while writing text that neither side wrote ("180C" edited to "200C" and to "190C"
gives "90C"). Here every piece of a result is a piece of base, ours or theirs, taken whole.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from recipes.history.diffing import ADDED, KEPT, REMOVED, deadline_after, diff_token_counts, split_words

_LINE = re.compile(r"[^\n]*\n|[^\n]+")
_OTHER_LINE_BREAK = re.compile(r"\r\n?")

# (base start, side start, length): a run of tokens equal in base and in one side.
_Block = tuple[int, int, int]
# (base start, ours start, theirs start, length): a run of tokens equal in all three.
_StableRegion = tuple[int, int, int, int]


@dataclass(frozen=True)
class Conflict:
    """A region both sides changed differently: its text in base, ours and theirs (whole lines)."""

    base: str
    ours: str
    theirs: str


@dataclass(frozen=True)
class MergeResult:
    """The merged text, as merged pieces of text and the conflicts between them, in order."""

    chunks: tuple[str | Conflict, ...]

    @property
    def conflicts(self) -> tuple[Conflict, ...]:
        return tuple(chunk for chunk in self.chunks if isinstance(chunk, Conflict))

    @property
    def clean(self) -> bool:
        return not self.conflicts

    @property
    def text(self) -> str:
        """The merged text; raises ValueError while there are conflicts."""
        if not self.clean:
            raise ValueError(f"the merge has {len(self.conflicts)} conflict(s) to resolve first")
        return "".join(chunk for chunk in self.chunks if isinstance(chunk, str))

    def resolve(self, choices: Sequence[str]) -> str:
        """Return the whole text with each conflict, in order, replaced by a person's resolved text.

        Choices come from textareas: their line endings are made LF like the merged text, and a
        choice followed by more text is given the line break a textarea tends to drop.
        """
        if isinstance(choices, str):
            raise TypeError("choices must be a sequence of texts, one per conflict, not one text")
        if len(choices) != len(self.conflicts):
            raise ValueError(f"{len(choices)} choice(s) given for {len(self.conflicts)} conflict(s)")
        filled = iter(choices)
        pieces = [next(filled) if isinstance(chunk, Conflict) else chunk for chunk in self.chunks]
        last = len(pieces) - 1
        text = "".join(_as_lines(piece, followed=index < last) for index, piece in enumerate(pieces))
        if self.chunks and _ends_every_side_with_a_line_break(self.chunks[-1]):
            # A textarea drops the final line break; both sides had one, so the text keeps it.
            text = _as_lines(text, followed=True)
        return text

    def with_markers(self) -> str:
        """Return the text with git-style conflict markers, for editing by hand in a textarea."""
        return "".join(_marked(chunk) if isinstance(chunk, Conflict) else chunk for chunk in self.chunks)


def _ends_every_side_with_a_line_break(chunk: str | Conflict) -> bool:
    if not isinstance(chunk, Conflict):
        return False
    return all(side.endswith("\n") for side in (chunk.ours, chunk.theirs) if side)


def _as_lines(text: str, *, followed: bool) -> str:
    text = normalize_line_breaks(text)
    return text + "\n" if followed and text and not text.endswith("\n") else text


def _marked(conflict: Conflict) -> str:
    sections = [
        "<<<<<<< ours\n",
        _as_lines(conflict.ours, followed=True),
        "||||||| base\n",
        _as_lines(conflict.base, followed=True),
        "=======\n",
        _as_lines(conflict.theirs, followed=True),
        ">>>>>>> theirs\n",
    ]
    return "".join(sections)


def normalize_line_breaks(text: str) -> str:
    """Return the text with CRLF and CR line breaks made LF."""
    return _OTHER_LINE_BREAK.sub("\n", text)


def split_lines_keeping_breaks(text: str) -> list[str]:
    """Return the lines of an LF text, each with its "\\n" (the last one may have none)."""
    return _LINE.findall(text)


def merge3(
    base: str, ours: str, theirs: str, *, word_level: bool = True, timeout: float = 1.0
) -> MergeResult:
    """Merge the changes from base to ours and from base to theirs, line by line (diff3).

    Line breaks are made LF first, so a side whose line endings alone changed does not conflict
    with everything. With ``word_level`` (the default), each conflict is merged again word by word
    and kept only if the two sides' changes overlap there too. ``timeout`` bounds the diffs; when it
    runs out, they are coarser, which can only give more conflicts, never a wrong merge.
    """
    deadline = deadline_after(timeout)
    base_lines, ours_lines, theirs_lines = (
        split_lines_keeping_breaks(normalize_line_breaks(text)) for text in (base, ours, theirs)
    )
    chunks = _diff3(base_lines, ours_lines, theirs_lines, deadline, semantic=False)
    if word_level:
        chunks = [_refined(chunk, deadline) if isinstance(chunk, Conflict) else chunk for chunk in chunks]
    return MergeResult(_joined(chunks))


def _refined(conflict: Conflict, deadline: float) -> str | Conflict:
    """Merge a line-level conflict word by word; keep the conflict if the words conflict too."""
    words = [split_words(text) for text in (conflict.base, conflict.ours, conflict.theirs)]
    # Semantic clean-up: a space or a comma that a rewritten sentence shares with the base by
    # chance must not become a stable region that lets the other side's edit in between.
    chunks = _diff3(words[0], words[1], words[2], deadline, semantic=True)
    if any(isinstance(chunk, Conflict) for chunk in chunks):
        return conflict
    return "".join(chunk for chunk in chunks if isinstance(chunk, str))


def _joined(chunks: Sequence[str | Conflict]) -> tuple[str | Conflict, ...]:
    """Join neighbouring texts into one chunk and drop empty ones."""
    joined: list[str | Conflict] = []
    for chunk in chunks:
        if isinstance(chunk, str) and joined and isinstance(joined[-1], str):
            joined[-1] += chunk
        elif chunk != "":
            joined.append(chunk)
    return tuple(joined)


def _diff3(
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


def _matching_blocks(
    base: Sequence[str], side: Sequence[str], deadline: float, semantic: bool
) -> list[_Block]:
    """Return the runs of tokens that a diff of base against one side kept."""
    blocks: list[_Block] = []
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
