"""Properties of the three-way merge on recipe-like edits, checked against git merge-file.

The cases are those of the merge oracle (bench/merge_cases.py): French recipes edited on both sides
by words, numbers and lines. Where whole lines conflict, a finer merge must be git's merge or both
sides' edits applied; never text that neither side wrote. (Where the line-level diff3 is clean,
which copy of a repeated line a side inserted may be read differently from git: both are right.)
``HYPOTHESIS_PROFILE=thorough`` runs thousands of cases.
"""

import random
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.merge_cases import (
    NL,
    QUANTITIES,
    Edit,
    MergeCase,
    generate_case,
    merges_of_readings,
    reads_as_other_edits,
)
from recipes.history.merge import Conflict, merge3
from recipes.history.words import split_merge_words

cases = st.builds(generate_case, st.randoms(use_true_random=False))


def git_merge(folder: Path, base: str, ours: str, theirs: str) -> str | None:
    """git merge-file's result, or None when it finds a conflict."""
    paths = []
    for name, text in (("ours", ours), ("base", base), ("theirs", theirs)):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    done = subprocess.run(["git", "merge-file", "-p", "--diff3", *paths], capture_output=True, check=False)
    assert 0 <= done.returncode <= 127, done.stderr
    return done.stdout.decode("utf-8") if done.returncode == 0 else None


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("merge")


@given(cases)
def test_a_clean_refinement_is_gits_merge_or_both_sides_edits(folder: Path, case: MergeCase):
    result = merge3(case.base, case.ours, case.theirs)
    line_level = merge3(case.base, case.ours, case.theirs, word_level=False)
    # A line moved is also the lines it crossed moved the other way, and which of two neighbouring
    # blank lines a side removed no text tells: the generated edits say one, the diff may say the other.
    if result.clean and not line_level.clean and "move_line" not in case.kinds:
        right = (git_merge(folder, case.base, case.ours, case.theirs), case.expected)
        if without_blank_lines(result.text) not in {without_blank_lines(text) for text in right if text}:
            # The sides' texts may say other edits than those generated, which do not touch.
            assert result.text in merges_of_readings(case.base, case.ours, case.theirs), case


def test_other_readings_of_a_side_give_the_merges_they_make_right():
    base = "# Far breton\n\nPétrir 10 minutes.\nCuire.\n"
    ours = "# Far breton\nfroide\nPétrir 10 minutes.\nCuire.\n"
    # A line inserted before its copy, then the copy edited; or a new line inserted after it.
    theirs = "# Far breton\n\nPétrir 10 minutes.\nPétrir 15 minutes.\nCuire.\n"
    merges = merges_of_readings(base, ours, theirs)
    assert "# Far breton\nfroide\nPétrir 10 minutes.\nPétrir 15 minutes.\nCuire.\n" in merges
    edited = "# Far breton\n\nPétrir 12 minutes.\nCuire.\n"
    assert merges_of_readings(base, edited, theirs) == {
        "# Far breton\n\nPétrir 12 minutes.\nPétrir 15 minutes.\nCuire.\n"  # never "12" on the new line
    }


def test_no_case_has_a_side_whose_text_says_other_edits_than_those_generated():
    # Each reads as edits that may not touch the other side's: the expected merge would be a guess.
    base = ["#", "Crêpes", NL, NL, "-", "250 g", "de", "farine", NL]
    title_copied_above_and_rewritten = [Edit(0, 0, ("#", "Crêpes", NL)), Edit(0, 2, ("Préchauffer",))]
    line_deleted_and_another_put_there = [Edit(4, 4, ("-", "250 g", "de", "sel", NL)), Edit(4, 9, ())]
    assert reads_as_other_edits(title_copied_above_and_rewritten, base)
    assert reads_as_other_edits(line_deleted_and_another_put_there, base)
    assert reads_as_other_edits([Edit(4, 8, ("-", "250 g", "de", "sel"))], base)  # farine edited
    assert not reads_as_other_edits([Edit(0, 0, ("Four", NL)), Edit(0, 2, ("Préchauffer",))], base)
    assert not reads_as_other_edits([Edit(0, 0, ("#", "Crêpes", NL)), Edit(1, 2, ("Galettes",))], base)


def without_blank_lines(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if line.strip())


@given(cases)
def test_a_clean_merge_writes_only_whole_words_of_the_three_texts(case: MergeCase):
    result = merge3(case.base, case.ours, case.theirs)
    merged = "".join(chunk for chunk in result.chunks if isinstance(chunk, str))
    known = set(split_merge_words(case.base + "\n" + case.ours + "\n" + case.theirs))
    assert set(split_merge_words(merged)) <= known


@given(cases)
def test_one_sided_and_identical_changes_are_taken_whole(case: MergeCase):
    assert merge3(case.base, case.base, case.theirs).text == case.theirs
    assert merge3(case.base, case.ours, case.base).text == case.ours
    assert merge3(case.base, case.ours, case.ours).text == case.ours


@given(cases)
def test_swapping_sides_mirrors_the_merge(case: MergeCase):
    result, mirrored = merge3(case.base, case.ours, case.theirs), merge3(case.base, case.theirs, case.ours)
    assert len(result.chunks) == len(mirrored.chunks)
    for chunk, mirror in zip(result.chunks, mirrored.chunks, strict=True):
        expected = Conflict(chunk.base, chunk.theirs, chunk.ours) if isinstance(chunk, Conflict) else chunk
        assert mirror == expected


@given(cases)
def test_conflicts_hold_each_sides_text_verbatim(case: MergeCase):
    for conflict in merge3(case.base, case.ours, case.theirs).conflicts:
        assert conflict.base in case.base and conflict.ours in case.ours and conflict.theirs in case.theirs
        assert conflict.ours != conflict.theirs


@given(st.sampled_from(QUANTITIES), st.data())
def test_two_changes_to_one_quantity_conflict(quantity: str, data: st.DataObject):
    digits = [index for index, char in enumerate(quantity) if char.isdigit()]
    at, other_at = data.draw(st.sampled_from(digits)), data.draw(st.sampled_from(digits))
    ours = quantity[:at] + str((int(quantity[at]) + 1) % 10) + quantity[at + 1 :]
    theirs = quantity[:other_at] + quantity[other_at] + "5" + quantity[other_at + 1 :]
    base_line, ours_line, theirs_line = (f"- {text} de farine\n" for text in (quantity, ours, theirs))
    before, after = "## Ingrédients\n\n", "- 1 pincée de sel\n"
    result = merge3(before + base_line + after, before + ours_line + after, before + theirs_line + after)
    assert result.conflicts == (Conflict(base_line, ours_line, theirs_line),)


@given(st.randoms(use_true_random=False), st.booleans())
def test_a_line_added_beside_a_blank_line_filled_with_it_is_never_taken_twice(rng: random.Random, swap: bool):
    lines = ["## Ingrédients\n", "\n", "- 250 g de farine\n", "\n", "- 1 pincée de sel\n", "\n"]
    blank = rng.choice([index for index, line in enumerate(lines) if line == "\n"])
    added = rng.choice(["- 50 g de sucre\n", "Mélanger la farine et le sel.\n"])
    filled = lines[:blank] + [added] + lines[blank + 1 :]
    inserted = lines[: blank + 1] + [added] + lines[blank + 1 :]
    ours, theirs = ("".join(filled), "".join(inserted))[:: -1 if swap else 1]
    result = merge3("".join(lines), ours, theirs)
    assert not result.clean or result.text.count(added) == 1
