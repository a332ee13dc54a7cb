"""What a word is to the merge, and when two lines are copies of each other, perhaps edited.

Glossary:

- **word**: a run of text between spaces, where a no-break space does not break it and a number
  keeps its thousands and its unit, so that ``1,5 kg``, ``10:30``, ``12/05/2025``, ``1 000 €`` and
  ``180 °C`` are each one word. The merge joins edits of different words of a line, never two
  different edits of one word ("2,5" and "1,75" never give "2,75").
- **alike**: two lines where most words of the shorter one are in the other: a line edited, or a
  copy of it.
- **looking alike**: two lines sharing at least half the telling words of the shorter one (dashes
  and two-letter words such as "de" or "la" tell nothing): close enough that a line inserted beside
  the other may be a copy of it, edited.
"""

import re
from functools import lru_cache

# Characters that join what they separate: no-break, narrow no-break, figure and thin spaces.
_GLUE = "\u00a0\u202f\u2007\u2009"
_UNIT = r"(?:°\s?[CF]?|%|‰|€|\$|£|[mk]?g|[cdm]?[lL]|[cm]m|min|h|s)"
_PIECE = rf"(?:[^\s]|[{_GLUE}])+"
# A space inside a number ("1 000") or between a number and its unit ("180 °C", "2 kg").
_JOIN = rf"(?:(?<=\d) (?=\d{{3}}(?!\d))|(?<=\d) (?={_UNIT}(?![^\s.,;:!?)])))"
_WORD_TOKEN = re.compile(rf"\n|{_PIECE}(?:{_JOIN}{_PIECE})*|[^\S\n{_GLUE}]+")


def split_merge_words(text: str) -> list[str]:
    """Return the words and runs of spaces of a text, line breaks apart; joined, they give it back."""
    return _WORD_TOKEN.findall(text)


def alike(line: str, other: str) -> bool:
    """Whether most words of the shorter line are in the other one (a copy, perhaps edited)."""
    return _share_enough(_words(line), _words(other), at_least_half=False)


def looks_alike(line: str, other: str) -> bool:
    """Whether two lines share at least half the telling words of the shorter one.

    On a short line one telling word of two is enough: "- 250 g de sucre" and "bien 290 g de sucre".
    """
    return _share_enough(_telling_words(line), _telling_words(other), at_least_half=True)


def _share_enough(words: frozenset[str], other_words: frozenset[str], *, at_least_half: bool) -> bool:
    fewest = min(len(words), len(other_words))
    shared = 2 * len(words & other_words)
    return fewest > 0 and (shared >= fewest if at_least_half else shared > fewest)


# A merge compares each line with several others: its words are found once.
@lru_cache(maxsize=4096)
def _words(line: str) -> frozenset[str]:
    return frozenset(word for word in split_merge_words(line) if not word.isspace())


@lru_cache(maxsize=4096)
def _telling_words(line: str) -> frozenset[str]:
    return frozenset(word for word in _words(line) if len(word) > 2 and any(char.isalnum() for char in word))
