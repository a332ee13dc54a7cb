"""Realistic concurrent edits of a French recipe, with what merging them should give, for merge oracles.

Glossary:
- *token*: a word of the generated text (a number with its unit, like ``1,5 kg``, is one word) or a
  line break. A text is its tokens, the words of a line joined by one space.
- *edit*: base tokens ``start`` to ``end`` (excluded) replaced by other tokens: a word replaced,
  inserted or deleted, a number changed, a line inserted, deleted, replaced or moved (two edits), a
  blank line added or removed.
- *case*: a base, and ours and theirs each made by one to three edits of their own.
- *expected*: the base with both sides' edits applied, when the edits of one side do not touch those
  of the other (identical edits count once); otherwise None: the only right merge is a conflict (or
  git's own result). Two edits touch when they overlap, when both insert at the same place (which
  comes first is a guess), or when one borders the other and either changes a line break (a line
  split, joined, filled in, added or removed next to the other's edit changes that edit's line).

Each case comes from its own seeded ``random.Random``, so a case is reproducible from its number.
"""

from __future__ import annotations

import difflib
import itertools
import random
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass

from recipes.history.words import split_merge_words

NL = "\n"

TITLES = ["Crêpes de Plouarzel", "Pain au levain", "Far breton", "Soupe de potimarron", "Kouign-amann"]
HEADINGS = ["## Ingrédients", "## Étapes", "## Notes", "## Résumé", "## Matériel"]
QUANTITIES = ["250 g", "1,5 kg", "500 g", "2", "3", "12,5 cl", "1 000 g", "0,5 l", "1/2", "180 g", "75 cl"]
INGREDIENTS = ["de farine", "de sel", "de sucre", "d'eau tiède", "de beurre demi-sel", "d'œufs", "de lait"]
STEPS = [
    ["Préchauffer", "le", "four", "à", "180 °C."],
    ["Cuire", "40 min", "à", "220°C", "puis", "laisser", "refroidir."],
    ["Mélanger", "la", "farine", "et", "le", "sel", "dans", "un", "grand", "saladier."],
    ["Rendez-vous", "à", "10:30", "le", "12/05/2025", "devant", "la", "mairie."],
    ["Budget", "prévu :", "1\u00a0000 €", "pour", "30", "personnes."],
    ["Pétrir", "10", "minutes", "jusqu'à", "ce", "que", "la", "pâte", "soit", "lisse."],
    ["Laisser", "reposer", "la", "pâte", "2 h", "à", "température", "ambiante."],
    ["Hydratation", "de", "72,5 %", "pour", "une", "mie", "alvéolée."],
]
WORDS = ["bio", "tiède", "environ", "doucement", "bien", "fine", "T65", "complète", "froide", "puis"]
EDIT_KINDS = [
    "replace_word",
    "change_number",
    "insert_word",
    "delete_word",
    "insert_line",
    "delete_line",
    "replace_line",
    "move_line",
    "blank_line",
]


@dataclass(frozen=True)
class Edit:
    """Base tokens ``start`` to ``end`` (excluded) become ``tokens``."""

    start: int
    end: int
    tokens: tuple[str, ...]


@dataclass(frozen=True)
class MergeCase:
    number: int
    base: str
    ours: str
    theirs: str
    expected: str | None
    kinds: tuple[str, ...]  # the kinds of edits made, ours' then theirs'


def generate_cases(count: int, seed: int = 13) -> Iterator[MergeCase]:
    """``count`` cases; case n depends only on the seed and n."""
    for number in range(count):
        yield generate_case(random.Random(f"{seed}-{number}"), number)


def generate_case(rng: random.Random, number: int = 0) -> MergeCase:
    base = recipe_tokens(rng)
    ours_edits, ours_kinds = side_edits(rng, base, near=None)
    theirs_edits, theirs_kinds = side_edits(rng, base, near=ours_edits if rng.random() < 0.5 else None)
    return MergeCase(
        number,
        render(base),
        render(applied(base, ours_edits)),
        render(applied(base, theirs_edits)),
        expected_merge(base, ours_edits, theirs_edits),
        tuple(ours_kinds + theirs_kinds),
    )


def recipe_tokens(rng: random.Random) -> list[str]:
    """A recipe: a title, headings, blank lines, ingredients with quantities, steps."""
    lines: list[list[str]] = [["#", *rng.choice(TITLES).split()], []]
    for heading in rng.sample(HEADINGS, rng.randint(2, 3)):
        lines += [heading.split(), []]
        for _ in range(rng.randint(1, 4)):
            lines.append(_new_line(rng))
            if rng.random() < 0.3:
                lines.append([])
        lines.append([])
    return [token for line in lines for token in (*line, NL)]


def _new_line(rng: random.Random) -> list[str]:
    if rng.random() < 0.5:
        return ["-", rng.choice(QUANTITIES), *rng.choice(INGREDIENTS).split()]
    return list(rng.choice(STEPS))


def render(tokens: list[str]) -> str:
    """The text of some tokens: each line's words joined by one space."""
    text, line = [], []
    for token in tokens:
        if token == NL:
            text.append(" ".join(line) + NL)
            line = []
        else:
            line.append(token)
    if line:
        text.append(" ".join(line))
    return "".join(text)


def applied(base: list[str], edits: list[Edit]) -> list[str]:
    """Base with edits that do not overlap applied (from the end, so that positions hold)."""
    tokens = list(base)
    # From the end; at one place, whole lines go before words inserted at the start of a line.
    for edit in sorted(
        edits, key=lambda edit: (edit.start, edit.end, not _whole_lines(edit, base)), reverse=True
    ):
        tokens[edit.start : edit.end] = edit.tokens
    return tokens


def touch(first: Edit, second: Edit, base: list[str]) -> bool:
    """Whether two edits overlap, insert at one place, or meet across a line one of them changes.

    An edit that changes lines takes its whole lines; whole lines added or removed right after
    them touch it too (the same line added around a blank line filled in would be there twice).
    """
    if first.start < second.end and second.start < first.end:
        return True
    if first.start == first.end == second.start == second.end:
        # Which comes first is a guess, unless whole lines are inserted before a line's first word.
        return _whole_lines(first, base) == _whole_lines(second, base)
    for changing, other in ((first, second), (second, first)):
        if _changes_lines(changing, base):
            start, last_break = _extent(changing, base)
            reach = last_break + 1 if _whole_lines(other, base) else last_break
            if other.start <= reach and start <= other.end:
                return True
    return False


def _changes_lines(edit: Edit, base: list[str]) -> bool:
    """A line split, joined or a blank line filled in; adding or removing whole lines is not."""
    if _whole_lines(edit, base):
        return False
    blank = edit.start < len(base) and base[edit.start] == NL and _line_start(edit.start, base)
    return blank or NL in edit.tokens or NL in base[edit.start : edit.end]


def _whole_lines(edit: Edit, base: list[str]) -> bool:
    ends_lines = not edit.tokens or edit.tokens[-1] == NL
    return ends_lines and _line_start(edit.start, base) and _line_start(edit.end, base)


def _line_start(at: int, base: list[str]) -> bool:
    return at == 0 or base[at - 1] == NL


def _extent(edit: Edit, base: list[str]) -> tuple[int, int]:
    """The first token of the edit's first line and the line break ending its last line."""
    start, end = edit.start, max(edit.end - 1, edit.start)
    while start > 0 and base[start - 1] != NL:
        start -= 1
    while end < len(base) - 1 and base[end] != NL:
        end += 1
    return start, end


def expected_merge(base: list[str], ours: list[Edit], theirs: list[Edit]) -> str | None:
    shared = set(ours)
    theirs = [edit for edit in theirs if edit not in shared]
    if any(touch(mine, other, base) for mine in ours for other in theirs):
        return None
    return render(applied(base, ours + theirs))


def merges_of_readings(base: str, ours: str, theirs: str) -> set[str]:
    """The expected merges of the two sides read as edits by a plain diff, from the start and from the end.

    A side's text may say other edits than those generated (a line inserted after its copy, or the copy
    edited and the line inserted before it): where one reading of each side gives edits that do not
    touch, the merge of that reading is as right as the generated one. Tokens are the merge's words
    (``split_merge_words``), so that a number with its unit is one.
    """
    base_tokens = _tokens(base)
    ours_readings, theirs_readings = (
        [
            edits
            for backwards in (False, True)
            for edits in _copies_placed_otherwise(
                _reading(base_tokens, _tokens(side), backwards), base_tokens
            )
            if render(applied(base_tokens, edits)) == render(_tokens(side))
        ]
        for side in (ours, theirs)
    )
    merges = {expected_merge(base_tokens, mine, other) for mine in ours_readings for other in theirs_readings}
    return {merge for merge in merges if merge is not None}


def _tokens(text: str) -> list[str]:
    return [word for word in split_merge_words(text) if word == NL or not word.isspace()]


def _reading(base: list[str], side: list[str], backwards: bool) -> list[Edit]:
    """The edits a line diff, then a word diff of lines replaced one for one, reads from base to side.

    ``backwards``: the diff runs from the end, placing a change among copies of a line at the last one.
    """
    base_lines, side_lines = _line_tokens(base), _line_tokens(side)
    starts = list(itertools.accumulate((len(line) for line in base_lines), initial=0))
    edits = []
    for tag, first, last, side_first, side_last in _opcodes(base_lines, side_lines, backwards):
        if tag == "equal":
            continue
        old, new = base_lines[first:last], side_lines[side_first:side_last]
        if tag == "replace" and len(old) == len(new):
            for at, (old_line, new_line) in enumerate(zip(old, new, strict=True)):
                edits += [
                    Edit(
                        starts[first + at] + word_first,
                        starts[first + at] + word_last,
                        new_line[new_first:new_last],
                    )
                    for word_tag, word_first, word_last, new_first, new_last in _opcodes(
                        old_line, new_line, backwards
                    )
                    if word_tag != "equal"
                ]
        else:
            edits.append(Edit(starts[first], starts[last], tuple(token for line in new for token in line)))
    return edits


def _copies_placed_otherwise(edits: list[Edit], base: list[str]) -> list[list[Edit]]:
    """The edits, and the same with each copy of a line inserted before it placed after it, or the
    other way round: the text is the same, the edits it borders are not."""
    choices = []
    for edit in edits:
        placed = [edit]
        if edit.start == edit.end and _line_start(edit.start, base) and edit.tokens[-1:] == (NL,):
            length = len(edit.tokens)
            if tuple(base[edit.start : edit.start + length]) == edit.tokens:
                placed.append(Edit(edit.start + length, edit.start + length, edit.tokens))
            before = edit.start - length
            if before >= 0 and _line_start(before, base) and tuple(base[before : edit.start]) == edit.tokens:
                placed.append(Edit(before, before, edit.tokens))
        choices.append(placed)
    return [list(chosen) for chosen in itertools.product(*choices)]


def _line_tokens(tokens: list[str]) -> list[tuple[str, ...]]:
    lines, line = [], []
    for token in tokens:
        line.append(token)
        if token == NL:
            lines.append(tuple(line))
            line = []
    return lines + [tuple(line)] if line else lines


def _opcodes(
    old: Sequence[Hashable], new: Sequence[Hashable], backwards: bool
) -> list[tuple[str, int, int, int, int]]:
    if not backwards:
        return difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    reversed_codes = difflib.SequenceMatcher(None, old[::-1], new[::-1], autojunk=False).get_opcodes()
    return [
        (tag, len(old) - last, len(old) - first, len(new) - side_last, len(new) - side_first)
        for tag, first, last, side_first, side_last in reversed(reversed_codes)
    ]


def side_edits(rng: random.Random, base: list[str], near: list[Edit] | None) -> tuple[list[Edit], list[str]]:
    """One to three edits that do not touch each other; ``near``: aim at the lines of these edits."""
    groups: list[list[Edit]] = []
    kinds: list[str] = []
    for _ in range(rng.randint(1, 3)):
        for _attempt in range(20):
            kind = rng.choice(EDIT_KINDS)
            made = _edit(rng, kind, base, near)
            edits = [edit for group in groups for edit in group]
            if made and not any(touch(new, old, base) for new in made for old in edits):
                unclear = reads_as_other_edits([*edits, *made], base)
                if _each_counts([*groups, made], base) and not unclear:
                    groups.append(made)
                    kinds.append(kind)
                    break
    edits = [edit for group in groups for edit in group]
    if near and rng.random() < 0.1:
        edits, kinds = list(near), ["same_edit"]
    return edits, kinds


def _each_counts(groups: list[list[Edit]], base: list[str]) -> bool:
    """Whether leaving out any of the edits changes the text: none undoes others (a blank line removed
    here and added there, or a repeated line deleted and inserted, would say what the text cannot)."""
    whole = render(applied(base, [edit for group in groups for edit in group]))
    for kept in itertools.product((True, False), repeat=len(groups)):
        if not all(kept):
            rest = [edit for keep, group in zip(kept, groups, strict=True) if keep for edit in group]
            if render(applied(base, rest)) == whole:
                return False
    return True


def reads_as_other_edits(edits: list[Edit], base: list[str]) -> bool:
    """Whether a line is replaced by one keeping most of its words, or replaced or deleted while a
    line is inserted right beside it.

    A line replaced by one keeping most of its words reads as that line's words edited; a copy of a
    line inserted beside it while it is replaced reads as a new line inserted beside the unchanged
    one; a line deleted and another inserted in its place reads as that line edited. The text says
    those edits, which may not touch the other side's where the ones generated do: the expected merge
    would be a guess.
    """
    for start, line_break in _lines(base):
        words = set(base[start:line_break])
        for edit in edits:
            if (edit.start, edit.end) == (start, line_break) and edit.tokens:
                fewest = min(len(words), len(set(edit.tokens)))
                if fewest and 2 * len(words & set(edit.tokens)) > fewest:
                    return True
        inserted = [edit.tokens for edit in edits if edit.start == edit.end in (start, line_break + 1)]
        replaced = [edit.tokens for edit in edits if (edit.start, edit.end) == (start, line_break)]
        deleted = Edit(start, line_break + 1, ()) in edits
        copied = (*base[start:line_break], NL) in inserted
        if inserted and (deleted or (copied and any(replaced))):
            return True
    return False


def _lines(base: list[str]) -> list[tuple[int, int]]:
    """(first token, line break token) of each line."""
    lines, start = [], 0
    for index, token in enumerate(base):
        if token == NL:
            lines.append((start, index))
            start = index + 1
    return lines


def _edit(rng: random.Random, kind: str, base: list[str], near: list[Edit] | None) -> list[Edit] | None:
    lines = _lines(base)
    if near:
        aimed = [line for line in lines if any(line[0] - 2 <= edit.start <= line[1] + 2 for edit in near)]
        lines = aimed or lines
    start, end = rng.choice(lines)
    words = list(range(start, end))
    if kind == "replace_word" and words:
        at = rng.choice(words)
        return [Edit(at, at + 1, (rng.choice(WORDS),))]
    if kind == "change_number":
        numbers = [at for at in words if any(char.isdigit() for char in base[at])]
        if numbers:
            at = rng.choice(numbers)
            return [Edit(at, at + 1, (changed_number(rng, base[at]),))]
        return None
    if kind == "insert_word":
        at = rng.choice([*words, end])
        return [Edit(at, at, (rng.choice(WORDS),))]
    if kind == "delete_word" and len(words) > 1:
        at = rng.choice(words)
        return [Edit(at, at + 1, ())]
    if kind == "insert_line":
        copied = base[start:end] if rng.random() < 0.3 else _new_line(rng)
        at = rng.choice([start, end + 1])
        return [Edit(at, at, (*copied, NL))]
    if kind == "delete_line":
        return [Edit(start, end + 1, ())]
    if kind == "replace_line":
        return [Edit(start, end, tuple(_new_line(rng)))]
    if kind == "move_line" and words:
        targets = [other for other, _ in _lines(base) if other < start or other > end + 1]
        to = rng.choice(targets)
        return [Edit(start, end + 1, ()), Edit(to, to, (*base[start:end], NL))]
    if kind == "blank_line":
        if not words:
            return [Edit(start, end + 1, ())]
        return [Edit(end + 1, end + 1, (NL,))]
    return None


def changed_number(rng: random.Random, word: str) -> str:
    """The word with one of its numbers changed, or its unit: what people do to quantities and times."""
    digits = [index for index, char in enumerate(word) if char.isdigit()]
    choice = rng.random()
    if choice < 0.15 and "°C" in word:
        return word.replace("°C", "°F")
    if choice < 0.3 and " g" in word:
        return word.replace(" g", " kg")
    at = rng.choice(digits)
    new_digit = rng.choice([digit for digit in "0123456789" if digit != word[at]])
    if choice > 0.85:
        return word[:at] + word[at] + new_digit + word[at + 1 :]  # a digit more: "1,5" to "1,75"
    return word[:at] + new_digit + word[at + 1 :]
