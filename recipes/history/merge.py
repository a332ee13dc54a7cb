"""Three-way merge (diff3) of recipe texts, for saving an edit that was started on an older version.

Glossary:

- **base**: the version both people started from. **ours**: the version being saved. **theirs**:
  the version someone else saved in the meantime.
- **conflict**: a region of whole lines that both sides changed differently (see ``diff3``); a
  person has to choose.
- **refinement**: a conflict merged again more finely, where the two sides' edits do not touch
  after all: different words of the same lines, or whole lines beside words edited (see
  ``refining``). It replaces the conflict only then.

diff-match-patch's patch_apply must never decide a merge: it applies patches by fuzzy matching and
reports success while writing text that neither side wrote ("180C" edited to "200C" and to "190C"
gives "90C"). Here every piece of a result is a piece of base, ours or theirs, taken whole.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from recipes.history.diff3 import Conflict, diff3, split_lines_keeping_breaks
from recipes.history.diffing import deadline_after
from recipes.history.refining import refine

_OTHER_LINE_BREAK = re.compile(r"\r\n?")

__all__ = ["Conflict", "MergeResult", "merge3", "normalize_line_breaks", "split_lines_keeping_breaks"]


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
    chunks = diff3(base_lines, ours_lines, theirs_lines, deadline, semantic=False)
    if word_level:
        chunks = _joined(chunks)
        chunks = [
            _refined(chunk, deadline, _around(chunks, at)) if isinstance(chunk, Conflict) else chunk
            for at, chunk in enumerate(chunks)
        ]
    return MergeResult(_joined(chunks))


def _refined(conflict: Conflict, deadline: float, around: tuple[str, str]) -> str | Conflict:
    """The conflict's refinement if there is one, else the conflict."""
    refined = refine(conflict, deadline, around)
    return conflict if refined is None else refined


def _around(chunks: Sequence[str | Conflict], at: int) -> tuple[str, str]:
    """The lines the three texts share right before and after chunk ``at`` ("" where there is none)."""
    before = chunks[at - 1] if at > 0 else ""
    after = chunks[at + 1] if at + 1 < len(chunks) else ""
    before_lines = split_lines_keeping_breaks(before) if isinstance(before, str) else []
    after_lines = split_lines_keeping_breaks(after) if isinstance(after, str) else []
    return (before_lines[-1] if before_lines else "", after_lines[0] if after_lines else "")


def _joined(chunks: Sequence[str | Conflict]) -> tuple[str | Conflict, ...]:
    """Join neighbouring texts into one chunk and drop empty ones."""
    joined: list[str | Conflict] = []
    for chunk in chunks:
        if isinstance(chunk, str) and joined and isinstance(joined[-1], str):
            joined[-1] += chunk
        elif chunk != "":
            joined.append(chunk)
    return tuple(joined)
