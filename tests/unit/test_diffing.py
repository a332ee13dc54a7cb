"""Tests for recipes.history.diffing: exact ops for the API, and rows, segments and hunks for the views."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from recipes.history import diffing
from recipes.history.diffing import (
    ADDED,
    KEPT,
    REMOVED,
    DiffRow,
    Op,
    Segment,
    diff_ops,
    diff_rows,
    diff_stats,
    hunks,
    split_lines,
    split_words,
)

# Lines a recipe could have, so that generated texts share lines and their diffs are interesting.
RECIPE_LINES = [
    "Mélanger la farine et le sel.\n",
    "Mélanger la farine et le sucre.\n",
    "Ajouter 3 œufs 🥚, un à un.\n",
    "Ajouter 4 œufs 🥚, un à un.\n",
    "\n",
    "Cuire 20 min à 180 °C.\r\n",
    "Laisser reposer\n",
    "  - 500 g de farine T65\n",
    "Bake for 25 minutes.",
]

any_texts = st.text(
    alphabet=st.one_of(st.sampled_from(list("ab \n\r\t.,éàœ€😀")), st.characters(codec="utf-8")),
    max_size=60,
)
recipe_texts = st.lists(st.sampled_from(RECIPE_LINES), max_size=25).map("".join)
texts = st.one_of(any_texts, recipe_texts)


def old_text(ops: list[Op]) -> str:
    return "".join(text for kind, text in ops if kind != ADDED)


def new_text(ops: list[Op]) -> str:
    return "".join(text for kind, text in ops if kind != REMOVED)


def side_lines(rows: list[DiffRow], side: str) -> list[str]:
    """The lines that rows show on one side ("old" or "new"), in order."""
    number = "old_number" if side == "old" else "new_number"
    return ["".join(segment.text for segment in getattr(row, side)) for row in rows if getattr(row, number)]


def random_text(rng: random.Random, size: int) -> str:
    return "".join(rng.choice("abcdéf \n") for _ in range(size))


# Examples


def test_a_word_changed_inside_a_line_is_the_only_change():
    old = "Pétrir 10 minutes.\nMettre 200 g de farine.\nCuire.\n"
    new = "Pétrir 10 minutes.\nMettre 250 g de farine.\nCuire.\n"
    assert diff_ops(old, new) == [
        (KEPT, "Pétrir 10 minutes.\nMettre "),
        (REMOVED, "200"),
        (ADDED, "250"),
        (KEPT, " g de farine.\nCuire.\n"),
    ]
    change = diff_rows(old, new)[1]
    assert change.kind == "change"
    assert (change.old_number, change.new_number) == (2, 2)
    assert change.old == (Segment("Mettre ", False), Segment("200", True), Segment(" g de farine.", False))
    assert change.new == (Segment("Mettre ", False), Segment("250", True), Segment(" g de farine.", False))


def test_accented_words_are_whole_tokens():
    assert split_words("Crème brûlée, œufs…") == ["Crème", " ", "brûlée", ",", " ", "œufs", "…"]
    old, new = "Une crème brûlée.\n", "Une crème caramélisée.\n"
    (row,) = diff_rows(old, new)
    assert [segment for segment in row.new if segment.changed] == [Segment("caramélisée", True)]


def test_identical_texts_give_only_equal_rows():
    text = "Levain\n\nFarine 1 kg\nEau 700 g\n"
    rows = diff_rows(text, text)
    assert [row.kind for row in rows] == ["equal"] * 4
    assert [(row.old_number, row.new_number) for row in rows] == [(1, 1), (2, 2), (3, 3), (4, 4)]
    assert diff_ops(text, text) == [(KEPT, text)]
    assert hunks(rows) == []
    assert diff_stats(text, text) == (0, 0)


def test_empty_texts():
    assert diff_ops("", "") == []
    assert diff_rows("", "") == []
    assert diff_ops("", "Farine\n") == [(ADDED, "Farine\n")]
    assert diff_rows("", "Farine\n") == [DiffRow("insert", None, 1, (), (Segment("Farine", True),))]
    assert diff_rows("Farine", "") == [DiffRow("delete", 1, None, (Segment("Farine", True),), ())]
    assert diff_stats("", "a\nb\n") == (2, 0)


def test_crlf_text_ops_are_exact_and_rows_ignore_line_endings():
    old = "Farine\r\nEau\r\nSel\r\n"
    new = "Farine\nEau\nSel\n"
    ops = diff_ops(old, new)
    assert (old_text(ops), new_text(ops)) == (old, new)
    assert [row.kind for row in diff_rows(old, new)] == ["equal"] * 3
    changed = diff_rows("Farine\r\nEau\r\n", "Farine\r\nEau tiède\r\n")
    assert [row.kind for row in changed] == ["equal", "change"]
    assert changed[1].new == (Segment("Eau", False), Segment(" tiède", True))


def test_pure_insertion_at_start_and_at_end():
    middle = "Pétrir.\nCuire.\n"
    assert diff_ops(middle, "Titre\n" + middle) == [(ADDED, "Titre\n"), (KEPT, middle)]
    assert diff_ops(middle, middle + "Servir.\n") == [(KEPT, middle), (ADDED, "Servir.\n")]
    rows = diff_rows(middle, "Titre\n" + middle + "Servir.\n")
    assert [(row.kind, row.old_number, row.new_number) for row in rows] == [
        ("insert", None, 1),
        ("equal", 1, 2),
        ("equal", 2, 3),
        ("insert", None, 4),
    ]


def test_surplus_lines_of_a_changed_block_are_deleted_or_inserted():
    rows = diff_rows("a\nun\ndeux\nz\n", "a\nUN\nDEUX\nTROIS\nz\n")
    assert [(row.kind, row.old_number, row.new_number) for row in rows] == [
        ("equal", 1, 1),
        ("change", 2, 2),
        ("change", 3, 3),
        ("insert", None, 4),
        ("equal", 4, 5),
    ]
    assert diff_stats("a\nun\ndeux\nz\n", "a\nUN\nDEUX\nTROIS\nz\n") == (3, 2)


def test_hunks_collapse_long_unchanged_stretches():
    old = "".join(f"ligne {n}\n" for n in range(1, 31))
    new = old.replace("ligne 5\n", "ligne cinq\n").replace("ligne 25\n", "ligne vingt-cinq\n")
    result = hunks(diff_rows(old, new), context=2)
    assert [len(hunk.rows) for hunk in result] == [5, 5]
    assert [hunk.rows[0].old_number for hunk in result] == [3, 23]
    assert [hunk.skipped_before for hunk in result] == [2, 15]
    assert result[-1].skipped_after == 3
    # Hunks whose context touches are one hunk.
    close = old.replace("ligne 9\n", "ligne neuf\n").replace("ligne 5\n", "ligne cinq\n")
    assert len(hunks(diff_rows(old, close), context=2)) == 1


def test_pathological_texts_under_a_tiny_timeout_give_an_exact_diff():
    rng = random.Random(7)
    old, new = random_text(rng, 100_000), random_text(rng, 100_000)
    ops = diff_ops(old, new, timeout=0.01)
    assert (old_text(ops), new_text(ops)) == (old, new)
    rows = diff_rows(old, new, timeout=0.01)
    assert (side_lines(rows, "old"), side_lines(rows, "new")) == (split_lines(old), split_lines(new))


def test_more_distinct_tokens_than_characters_gives_a_coarse_exact_diff(monkeypatch):
    monkeypatch.setattr(diffing, "_MAX_DISTINCT_TOKENS", 3)
    old, new = "Farine de blé\nEau\n", "Farine de seigle\nEau\n"
    ops = diff_ops(old, new)
    assert (old_text(ops), new_text(ops)) == (old, new)


# Properties


@settings(max_examples=200, deadline=None)
@given(texts, texts)
def test_ops_spell_both_texts(old: str, new: str):
    ops = diff_ops(old, new)
    assert (old_text(ops), new_text(ops)) == (old, new)
    assert all(text for _, text in ops)


@settings(max_examples=100, deadline=None)
@given(texts, texts)
def test_ops_and_rows_stay_exact_even_without_time(old: str, new: str):
    ops = diff_ops(old, new, timeout=0)
    assert (old_text(ops), new_text(ops)) == (old, new)
    rows = diff_rows(old, new, timeout=0)
    assert (side_lines(rows, "old"), side_lines(rows, "new")) == (split_lines(old), split_lines(new))


@settings(max_examples=200, deadline=None)
@given(texts, texts)
def test_rows_show_every_line_of_both_texts_in_order(old: str, new: str):
    rows = diff_rows(old, new)
    assert side_lines(rows, "old") == split_lines(old)
    assert side_lines(rows, "new") == split_lines(new)
    assert [row.old_number for row in rows if row.old_number] == list(range(1, len(split_lines(old)) + 1))
    assert diff_stats(old, new) == (
        sum(row.kind in ("insert", "change") for row in rows),
        sum(row.kind in ("delete", "change") for row in rows),
    )


@settings(max_examples=100, deadline=None)
@given(recipe_texts, recipe_texts, st.integers(min_value=0, max_value=4))
def test_hunks_keep_every_changed_row_once(old: str, new: str, context: int):
    rows = diff_rows(old, new)
    result = hunks(rows, context)
    shown = [row for hunk in result for row in hunk.rows]
    assert [row for row in shown if row.kind != "equal"] == [row for row in rows if row.kind != "equal"]
    if shown:
        skipped = sum(hunk.skipped_before + hunk.skipped_after for hunk in result)
        assert len(shown) + skipped == len(rows)


@settings(max_examples=200, deadline=None)
@given(any_texts)
def test_words_spell_the_text(text: str):
    assert "".join(split_words(text)) == text
