"""Tests for recipes.history.merge: a diff3 that merges disjoint edits and never invents text."""

import re

import pytest
from diff_match_patch import diff_match_patch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from recipes.history.diffing import split_words
from recipes.history.merge import Conflict, MergeResult, merge3, normalize_line_breaks

PARAGRAPHS = "Levain\n\nMélanger la farine et l'eau.\n\nPétrir 10 minutes.\n\nCuire 40 minutes à 240 °C.\n"

# A small alphabet of lines, so that generated texts repeat lines and share many of them.
LINES = ["Farine\n", "Eau\n", "\n", "Sel 20 g\n", "Pétrir.\n", "Cuire à 240 °C.\n", "Eau tiède\n", "fin"]
line_texts = st.lists(st.sampled_from(LINES[:-1]), max_size=12).map("".join)
# Some texts end without a line break, and some have CRLF line breaks.
texts = st.one_of(
    line_texts,
    st.tuples(line_texts, st.sampled_from(["", "fin"])).map("".join),
    line_texts.map(lambda text: text.replace("\n", "\r\n")),
    st.text(alphabet=st.sampled_from(list("ab \n.é😀")), max_size=20),
)


def known_lines(*texts: str) -> set[str]:
    """The lines of some texts, and the empty line that splitting a text ending with "\n" gives."""
    return {""}.union(*(normalize_line_breaks(text).split("\n") for text in texts))


def starts_a_line_in(part: str, text: str) -> bool:
    """Whether part is found in text made of whole lines: starting a line, ending one or the text."""
    if not part:
        return True
    return any(
        (start == 0 or text[start - 1] == "\n") and (part.endswith("\n") or start + len(part) == len(text))
        for start in (match.start() for match in re.finditer(f"(?={re.escape(part)})", text))
    )


# Examples


def test_disjoint_edits_in_different_paragraphs_merge():
    ours = PARAGRAPHS.replace("l'eau", "l'eau tiède")
    theirs = PARAGRAPHS.replace("240 °C", "250 °C")
    result = merge3(PARAGRAPHS, ours, theirs)
    assert result.clean
    assert result.text == PARAGRAPHS.replace("l'eau", "l'eau tiède").replace("240 °C", "250 °C")


def test_overlapping_edits_conflict_with_both_texts_verbatim():
    ours = PARAGRAPHS.replace("Pétrir 10 minutes.", "Pétrir 12 minutes.")
    theirs = PARAGRAPHS.replace("Pétrir 10 minutes.", "Pétrir 8 minutes, puis rabattre.")
    result = merge3(PARAGRAPHS, ours, theirs)
    assert result.conflicts == (
        Conflict("Pétrir 10 minutes.\n", "Pétrir 12 minutes.\n", "Pétrir 8 minutes, puis rabattre.\n"),
    )
    assert result.resolve(["Pétrir 11 minutes."]) == PARAGRAPHS.replace("10", "11")
    with pytest.raises(ValueError):
        _ = result.text


def test_the_oven_temperature_is_a_conflict_not_a_fuzzy_patch():
    base, ours, theirs = "Preheat oven to 180C.", "Preheat oven to 200C.", "Preheat oven to 190C."
    # Why patch_apply must never decide a merge: it reports success and writes "90C".
    dmp = diff_match_patch()
    patched, applied = dmp.patch_apply(dmp.patch_make(base, theirs), ours)
    assert all(applied) and patched == "Preheat oven to 90C."

    result = merge3(base, ours, theirs)
    assert result.chunks == (Conflict(base, ours, theirs),)
    assert result.with_markers() == (
        "<<<<<<< ours\nPreheat oven to 200C.\n||||||| base\nPreheat oven to 180C.\n"
        "=======\nPreheat oven to 190C.\n>>>>>>> theirs\n"
    )


def test_repeated_identical_lines():
    base = "Farine\n\nFarine\n\nFarine\n"
    ours = "Farine\n\nFarine\n\nFarine\n\nFarine\n"
    theirs = "Seigle\n\nFarine\n\nFarine\n"
    assert merge3(base, ours, theirs).text == "Seigle\n\nFarine\n\nFarine\n\nFarine\n"
    assert merge3(base, "Farine\n\nFarine\n", "Farine\n\nFarine\n").text == "Farine\n\nFarine\n"


def test_edits_at_the_very_start_and_end():
    base = "un\ndeux\ntrois\nquatre\n"
    assert merge3(base, "zéro\n" + base, base + "cinq\n").text == "zéro\n" + base + "cinq\n"
    first_changed, last_changed = base.replace("un", "UN"), base.replace("quatre", "QUATRE")
    assert merge3(base, first_changed, last_changed).text == "UN\ndeux\ntrois\nQUATRE\n"
    assert merge3(base, "deux\ntrois\nquatre\n", "un\ndeux\ntrois\n").text == "deux\ntrois\n"


def test_texts_without_a_final_line_break():
    assert merge3("a\nb", "a\nb\nc", "x\nb").text == "x\nb\nc"
    assert merge3("a\nb", "a\nb\n", "a\nb").text == "a\nb\n"


def test_a_deleted_paragraph_that_the_other_side_edited_is_a_conflict():
    ours = PARAGRAPHS.replace("Pétrir 10 minutes.\n\n", "")
    theirs = PARAGRAPHS.replace("Pétrir 10 minutes.", "Pétrir 15 minutes.")
    result = merge3(PARAGRAPHS, ours, theirs)
    (conflict,) = result.conflicts
    assert "Pétrir 15 minutes." in conflict.theirs
    assert "Pétrir" not in conflict.ours
    assert result.resolve([conflict.ours]) == ours
    assert result.resolve([conflict.theirs]) == theirs


def test_insertions_at_the_same_place_conflict_unless_identical():
    base = "Farine\nEau\n"
    assert merge3(base, "Farine\nSel\nEau\n", "Farine\nSel\nEau\n").text == "Farine\nSel\nEau\n"
    result = merge3(base, "Farine\nSel\nEau\n", "Farine\nLevain\nEau\n")
    assert result.conflicts == (Conflict("", "Sel\n", "Levain\n"),)
    assert result.resolve(["Sel\nLevain\n"]) == "Farine\nSel\nLevain\nEau\n"


def test_a_side_that_only_changed_line_endings_does_not_conflict():
    base = "Farine\nEau\nSel\n"
    ours = base.replace("\n", "\r\n")
    theirs = "Farine\nEau tiède\nSel\n"
    assert merge3(base, ours, theirs).text == theirs
    assert merge3("a\rb\r", "a\rb\rc\r", "A\rb\r").text == "A\nb\nc\n"


def test_empty_texts():
    assert merge3("", "", "") == MergeResult(())
    assert merge3("", "", "").text == ""
    assert merge3("", "Farine\n", "").text == "Farine\n"
    assert merge3("Farine\n", "", "Farine\n").text == ""
    assert merge3("", "Farine\n", "Eau\n").conflicts == (Conflict("", "Farine\n", "Eau\n"),)


def test_different_words_of_the_same_line_merge_word_by_word():
    base = "Pour 2 pains : 500 g de farine, 350 g d'eau.\n"
    ours = "Pour 2 pains : 550 g de farine, 350 g d'eau.\n"
    theirs = "Pour 2 pains : 500 g de farine, 370 g d'eau.\n"
    assert merge3(base, ours, theirs).text == "Pour 2 pains : 550 g de farine, 370 g d'eau.\n"
    # Line by line only, as MediaWiki does, it is a conflict.
    assert not merge3(base, ours, theirs, word_level=False).clean


def test_a_rewritten_sentence_does_not_let_the_other_sides_word_in():
    base = "Cuire 40 minutes à 240 °C.\n"
    ours = "Enfourner jusqu'à ce que la croûte soit bien dorée.\n"
    theirs = "Cuire 45 minutes à 240 °C.\n"
    assert merge3(base, ours, theirs).conflicts == (Conflict(base, ours, theirs),)


# The three ways a word-level merge used to invent text (issue: "a merge never invents text")

NUMBER_EDITS = [
    ("- 1,5 kg de farine\n", "- 2,5 kg de farine\n", "- 1,75 kg de farine\n"),
    ("Départ à 10:30.\n", "Départ à 11:30.\n", "Départ à 10:45.\n"),
    ("Hydratation 12.5 %\n", "Hydratation 13.5 %\n", "Hydratation 12.8 %\n"),
    ("Atelier le 12/05/2025\n", "Atelier le 19/05/2025\n", "Atelier le 12/06/2025\n"),
    ("Four 180°C\n", "Four 200°C\n", "Four 180°F\n"),
    ("Four à 180 °C\n", "Four à 200 °C\n", "Four à 180 °F\n"),
    ("Budget 1\u00a0000 €\n", "Budget 2\u00a0000 €\n", "Budget 1\u00a0500 €\n"),
    ("Budget 1 000 €\n", "Budget 2 000 €\n", "Budget 1 500 €\n"),
    ("Poids 1 000 g\n", "Poids 1 000 kg\n", "Poids 1 200 g\n"),
]


@pytest.mark.parametrize(("base", "ours", "theirs"), NUMBER_EDITS)
def test_two_changes_to_one_number_are_a_conflict_never_a_splice(base: str, ours: str, theirs: str):
    assert merge3(base, ours, theirs).chunks == (Conflict(base, ours, theirs),)
    assert merge3(base, theirs, ours).chunks == (Conflict(base, theirs, ours),)


def test_a_number_and_another_word_of_the_line_still_merge():
    base, ours, theirs = "- 1,5 kg de farine T65\n", "- 2,5 kg de farine T65\n", "- 1,5 kg de farine T80\n"
    assert merge3(base, ours, theirs).text == "- 2,5 kg de farine T80\n"


def test_a_line_added_on_both_sides_around_a_removed_blank_line_is_not_taken_twice():
    base = "## Ingrédients\n\n- 250 g de farine\n\n- 1 pincée de sel\n"
    head = "## Ingrédients\n\n- 250 g de farine\n- 50 g de sucre\n- 1 pincée de sel\n"
    stale = "## Ingrédients\n\n- 250 g de farine\n\n- 50 g de sucre\n- 1 pincée de sel\n"
    for ours, theirs in ((stale, head), (head, stale)):
        result = merge3(base, ours, theirs)
        assert not result.clean
        assert result.conflicts == merge3(base, ours, theirs, word_level=False).conflicts


def test_a_blank_line_filled_in_is_a_whole_line_change():
    base = "Farine\n\nSel\n"
    result = merge3(base, "Farine\nSucre\nSel\n", "Farine\n\nSucre\nSel\n")
    assert not result.clean


def test_a_word_edit_beside_a_line_added_on_the_other_side_merges():
    base = "- 250 g de farine\n- 1 pincée de sel\n"
    ours = "- 300 g de farine\n- 1 pincée de sel\n"
    theirs = "- 250 g de farine\n- 50 g de sucre\n- 1 pincée de sel\n"
    expected = "- 300 g de farine\n- 50 g de sucre\n- 1 pincée de sel\n"
    assert merge3(base, ours, theirs).text == expected
    assert merge3(base, theirs, ours).text == expected


def test_a_line_turned_into_a_copy_of_its_neighbour_is_not_merged_word_by_word():
    # Theirs reads as "farine" changed to "sel" as well as the flour line deleted and the salt line
    # added twice: ours' word put on the salt would be a guess (git: a conflict).
    base = "- 250 g de farine\n- 250 g de sel\n"
    ours = "bio 250 g de farine\n- 250 g de sel\n"
    theirs = "- 250 g de sel\n- 250 g de sel\n"
    assert not merge3(base, ours, theirs).clean
    assert not merge3(base, theirs, ours).clean


def test_a_line_deleted_on_one_side_and_edited_on_the_other_is_a_conflict():
    base = "- 250 g de farine\n- 1 pincée de sel\n"
    result = merge3(base, "- 1 pincée de sel\n", "- 300 g de farine\n- 1 pincée de sel\n")
    assert not result.clean


def test_words_of_moved_lines_are_not_paired_with_other_lines():
    base = "le sel\nle poivre\n"
    ours = "le poivre\nle sucre\n"
    theirs = "le sel\ndu poivre\n"
    result = merge3(base, ours, theirs)
    assert not result.clean or result.text == "du poivre\nle sucre\n"


def test_resolve_checks_its_choices():
    result = merge3("a\n", "b\n", "c\n")
    with pytest.raises(ValueError):
        result.resolve([])
    with pytest.raises(TypeError):
        result.resolve("b\n")
    assert result.resolve(["b\r\nc\r\n"]) == "b\nc\n"


def test_markers_around_a_region_without_a_final_line_break():
    result = merge3("a\nb", "a\nB", "a\n")
    assert result.with_markers() == "a\n<<<<<<< ours\nB\n||||||| base\nb\n=======\n>>>>>>> theirs\n"


# Properties


@settings(max_examples=200, deadline=None)
@given(texts, texts)
def test_one_sided_changes_are_taken_whole(base: str, other: str):
    expected = normalize_line_breaks(other)
    assert merge3(base, base, other).text == expected
    assert merge3(base, other, base).text == expected
    assert merge3(base, other, other).text == expected


@st.composite
def disjoint_edits(draw: st.DrawFn) -> tuple[list[str], list[str], list[str], list[str]]:
    """A base of distinct lines, with ours and theirs each replacing its own range of lines.

    At least one untouched line lies between the two ranges, so that line by line they are disjoint.
    """
    base = [f"ligne {n}\n" for n in range(draw(st.integers(1, 20)))]
    cuts = sorted(draw(st.lists(st.integers(0, len(base)), min_size=4, max_size=4)))
    assume(cuts[2] > cuts[1])
    first, second = (cuts[0], cuts[1]), (cuts[2], cuts[3])
    first_lines = [f"nôtre {n}\n" for n in range(draw(st.integers(0, 3)))]
    second_lines = [f"leur {n}\n" for n in range(draw(st.integers(0, 3)))]
    if draw(st.booleans()):
        first_lines, second_lines = second_lines, first_lines
    expected = base[: first[0]] + first_lines + base[first[1] : second[0]] + second_lines + base[second[1] :]
    ours = base[: first[0]] + first_lines + base[first[1] :]
    theirs = base[: second[0]] + second_lines + base[second[1] :]
    return base, ours, theirs, expected


@settings(max_examples=200, deadline=None)
@given(disjoint_edits(), st.booleans())
def test_disjoint_edits_are_clean_and_keep_both_sides(edits: tuple[list[str], ...], word_level: bool):
    base, ours, theirs, expected = ("".join(lines) for lines in edits)
    assert merge3(base, ours, theirs, word_level=word_level).text == expected
    assert merge3(base, theirs, ours, word_level=word_level).text == expected


@settings(max_examples=200, deadline=None)
@given(texts, texts, texts)
def test_conflicts_hold_each_sides_lines_verbatim(base: str, ours: str, theirs: str):
    base, ours, theirs = (normalize_line_breaks(text) for text in (base, ours, theirs))
    for conflict in merge3(base, ours, theirs).conflicts:
        assert starts_a_line_in(conflict.base, base)
        assert starts_a_line_in(conflict.ours, ours)
        assert starts_a_line_in(conflict.theirs, theirs)
        assert conflict.ours != conflict.theirs


@settings(max_examples=200, deadline=None)
@given(texts, texts, texts)
def test_a_merge_writes_nothing_that_no_version_had(base: str, ours: str, theirs: str):
    line_merge = merge3(base, ours, theirs, word_level=False)
    pieces = [chunk for chunk in line_merge.chunks if isinstance(chunk, str)]
    assert set("".join(pieces).split("\n")) <= known_lines(base, ours, theirs)
    # Word by word, new lines can appear (two edits in one line), but no new word.
    word_merge = merge3(base, ours, theirs)
    merged = "".join(chunk for chunk in word_merge.chunks if isinstance(chunk, str))
    merged_words = set(split_words(merged))
    assert merged_words <= set(split_words(normalize_line_breaks(base + "\n" + ours + "\n" + theirs)))


@settings(max_examples=200, deadline=None)
@given(texts, texts, texts)
def test_swapping_sides_mirrors_the_merge(base: str, ours: str, theirs: str):
    result, mirrored = merge3(base, ours, theirs), merge3(base, theirs, ours)
    assert len(result.chunks) == len(mirrored.chunks)
    for chunk, mirror in zip(result.chunks, mirrored.chunks, strict=True):
        if isinstance(chunk, Conflict):
            assert mirror == Conflict(chunk.base, chunk.theirs, chunk.ours)
        else:
            assert mirror == chunk


@settings(max_examples=200, deadline=None)
@given(texts, texts)
def test_resolving_with_the_only_changed_side_gives_that_side(base: str, other: str):
    for ours, theirs, side in ((other, base, "ours"), (base, other, "theirs")):
        result = merge3(base, ours, theirs)
        choices = [getattr(conflict, side) for conflict in result.conflicts]
        assert result.resolve(choices) == normalize_line_breaks(other)


@settings(max_examples=100, deadline=None)
@given(texts, texts, texts)
def test_resolving_with_one_side_everywhere_writes_only_known_lines(base: str, ours: str, theirs: str):
    result = merge3(base, ours, theirs, word_level=False)
    known = known_lines(base, ours, theirs)
    for side in ("ours", "theirs"):
        resolved = result.resolve([getattr(conflict, side) for conflict in result.conflicts])
        assert set(resolved.split("\n")) <= known


def test_a_last_conflict_resolved_in_a_textarea_keeps_the_final_line_break():
    result = merge3("Farine\nEau\n", "Farine\nEau tiède\n", "Farine\nEau froide\n")
    assert len(result.conflicts) == 1
    assert result.resolve(["Eau à 25 °C"]) == "Farine\nEau à 25 °C\n"


def test_texts_rewritten_everywhere_still_merge_the_lines_they_share():
    # Over a thousand lines on one side only: the line diff leaves them out, and must still put
    # the shared lines back in their places.
    base = "".join(f"Étape {number} à l'ancienne.\n" for number in range(1100)) + "Farine\nEau\nSel\n"
    ours = "".join(f"Étape {number} revue.\n" for number in range(1100)) + "Farine\nEau\nSel\n"
    theirs = base.replace("Eau\n", "Eau tiède\n")

    assert merge3(base, ours, theirs).text == ours.replace("Eau\n", "Eau tiède\n")


def test_texts_rewritten_everywhere_on_both_sides_conflict_on_whole_lines():
    base = "".join(f"Étape {number} à l'ancienne.\n" for number in range(600)) + "Farine\n"
    ours = "".join(f"Étape {number} revue.\n" for number in range(600)) + "Farine\n"
    theirs = "".join(f"Étape {number} refaite.\n" for number in range(600)) + "Farine\n"

    result = merge3(base, ours, theirs)

    assert result.conflicts == (Conflict(base[: -len("Farine\n")], ours[:-7], theirs[:-7]),)
    assert result.resolve([ours[:-7]]) == ours


# Cases of the merge oracle (bench/merge_oracle.py, seed 13) that used to merge cleanly to text that was
# neither git's merge nor both sides' edits: base, ours, theirs and git's merge (None: a conflict).
AMBIGUOUS_PLACES = [
    pytest.param(
        (
            "# Kouign-amann\n\n## Résumé\n\n- 250 g d'eau tiède\n"
            "Budget prévu : 1\xa0000 € pour 30 personnes.\n\n\n## Étapes\n\n- 1/2 d'œufs\n"
            "Hydratation de 72,5 % pour une mie alvéolée.\n\n## Notes\n\n- 250 g d'eau tiède\n\n\n"
        ),
        (
            "\n## Résumé\n\n\n- 250 g d'eau tiède\nBudget prévu : 1\xa0000 € pour 30 personnes.\n\n\n"
            "## Étapes\n\n- 1/2 d'œufs\nHydratation de 72,5 % pour une mie alvéolée.\n\n\n## Notes\n\n"
            "- 250 g d'eau tiède\n\n\n"
        ),
        (
            "# Kouign-amann\n\n## Résumé\n\n\n- 250 g d'eau tiède\n"
            "Budget prévu : 1\xa0000 € pour 30 personnes.\n\n\n## Étapes\n\n- 1/2 d'œufs\n"
            "Hydratation de 72,5 % pour une mie alvéolée.\n\n## Notes\n\n- 250 g d'eau tiède\n\n\n"
        ),
        (
            "\n## Résumé\n\n\n- 250 g d'eau tiède\nBudget prévu : 1\xa0000 € pour 30 personnes.\n\n\n"
            "## Étapes\n\n- 1/2 d'œufs\nHydratation de 72,5 % pour une mie alvéolée.\n\n\n## Notes\n\n"
            "- 250 g d'eau tiède\n\n\n"
        ),
        id="the_same_blank_line_added_beside_a_deleted_title",
    ),
    pytest.param(
        (
            "# Pain au levain\n\n## Matériel\n\n- 180 g de farine\n"
            "Rendez-vous à 10:30 le 12/05/2025 devant la mairie.\n\n"
            "Pétrir 10 minutes jusqu'à ce que la pâte soit lisse.\n\n"
            "Pétrir 10 minutes jusqu'à ce que la pâte soit lisse.\n\n\n## Notes\n\n- 1 000 g de sucre\n\n"
            "- 75 cl de lait\n\n"
        ),
        (
            "# Pain au levain\n\n## Matériel\n\n- 180 g de farine\n"
            "Rendez-vous à 10:30 le 12/05/2025 devant la mairie.\n\n"
            "Pétrir 10 minutes jusqu'à ce que la pâte soit lisse.\n\n"
            "Pétrir 10 minutes jusqu'à ce que la pâte soit lisse.\n\n\n\n## Notes\n\n- 1 000 g de sucre\n\n"
            "- 75 cl de lait\n\n"
        ),
        (
            "# Pain au levain\n\n## Matériel\n\n- 180 g de farine\n"
            "Rendez-vous à 10:30 le 12/05/2025 devant la mairie.\n\n"
            "Pétrir 10 minutes jusqu'à ce que la pâte soit lisse.\n\n"
            "Pétrir 10 minutes jusqu'à ce que fine pâte soit lisse.\n\n\n\nNotes\n\n- 1 000 g de sucre\n\n"
            "- 75 cl de lait\n\n"
        ),
        None,
        id="the_same_blank_line_added_beside_a_changed_heading",
    ),
    pytest.param(
        (
            "# Kouign-amann\n\n## Notes\n\nHydratation de 72,5 % pour une mie alvéolée.\n\n"
            "- 250 g de lait\n- 1 000 g de farine\n\n## Matériel\n\n"
            "Laisser reposer la pâte 2 h à température ambiante.\n- 180 g de sel\n\n"
            "Budget prévu : 1\xa0000 € pour 30 personnes.\n\n\n"
        ),
        (
            "# Kouign-amann\n\n## Notes\n\nHydratation de 72,5 % pour une mie alvéolée.\n\n"
            "- 250 g de lait\n- 1 000 g de farine\n\n\n## Matériel\n\n"
            "Laisser reposer la pâte 2 h à température ambiante.\n- 180 g de sel\n\n"
            "Budget prévu : 1\xa0000 € pour 30 personnes.\n\n\n"
        ),
        (
            "# Kouign-amann\n\nfroide Notes\nMélanger la farine et le sel dans un grand saladier.\n"
            "Hydratation de 72,5 % pour une mie alvéolée.\n\n- 250 g de lait\n- 1 000 g de farine\n\n\n"
            "## Matériel\n\nLaisser reposer la pâte 2 h à température ambiante.\n- 180 g de sel\n\n"
            "Budget prévu : 1\xa0000 € pour 30 personnes.\n\n\n"
        ),
        (
            "# Kouign-amann\n\nfroide Notes\nMélanger la farine et le sel dans un grand saladier.\n"
            "Hydratation de 72,5 % pour une mie alvéolée.\n\n- 250 g de lait\n- 1 000 g de farine\n\n\n"
            "## Matériel\n\nLaisser reposer la pâte 2 h à température ambiante.\n- 180 g de sel\n\n"
            "Budget prévu : 1\xa0000 € pour 30 personnes.\n\n\n"
        ),
        id="the_same_blank_line_added_beside_a_rewritten_paragraph",
    ),
    pytest.param(
        (
            "# Pain au levain\n\n## Étapes\n\nPréchauffer le four à 180 °C.\n"
            "Rendez-vous à 10:30 le 12/05/2025 devant la mairie.\n"
            "Laisser reposer la pâte 2 h à température ambiante.\n\n\n## Matériel\n\n"
            "Budget prévu : 1\xa0000 € pour 30 personnes.\n\nPréchauffer le four à 180 °C.\n"
            "- 500 g d'eau tiède\nRendez-vous à 10:30 le 12/05/2025 devant la mairie.\n\n## Notes\n\n"
            "Cuire 40 min à 220°C puis laisser refroidir.\n"
            "Pétrir 10 minutes jusqu'à ce que la pâte soit lisse.\n- 180 g d'eau tiède\n"
            "Laisser reposer la pâte 2 h à température ambiante.\n\n"
        ),
        (
            "# Pain au levain\n\n## Étapes\n\nPréchauffer le four à 180 °C.\n"
            "Rendez-vous à 10:30 le 12/05/2025 devant la mairie.\n"
            "Laisser reposer la pâte 2 h à température ambiante.\n\n\n## Matériel\n\n"
            "Budget prévu : 1\xa0000 € pour 30 personnes.\n\nPréchauffer le four à 180 °C.\n"
            "- 500 g d'eau tiède\nRendez-vous à 10:30 le 12/05/2025 devant la mairie.\npuis\n## Notes\n\n\n"
            "Cuire 40 min à 220°C puis laisser refroidir.\n"
            "Pétrir 10 minutes jusqu'à ce que la pâte soit lisse.\n- 180 g d'eau tiède\n"
            "Laisser reposer la pâte 2 h à température ambiante.\n\n"
        ),
        (
            "## Étapes\n\nPréchauffer le four à 180 °C.\n"
            "Rendez-vous à 10:30 le 12/05/2025 devant la mairie.\n"
            "Laisser reposer la pâte 2 h à température ambiante.\n\n\n## Matériel\n\n"
            "Budget prévu : 1\xa0000 € pour 30 personnes.\n\nPréchauffer le four à 180 °C.\n"
            "- 500 g d'eau tiède\n# Pain au levain\nRendez-vous à 10:30 le 12/05/2025 devant la mairie.\n\n"
            "\nCuire 40 min à 220°C puis laisser refroidir.\n"
            "Pétrir 10 minutes jusqu'à ce que la pâte soit lisse.\n- 180 g d'eau tiède\n"
            "Laisser reposer la pâte 2 h à température ambiante.\n\n"
        ),
        None,
        id="a_heading_moved_across_a_blank_line_and_deleted",
    ),
    pytest.param(
        (
            "# Far breton\n\n## Étapes\n\n- 12,5 cl de beurre demi-sel\n- 75 cl d'œufs\n\n## Notes\n\n"
            "Pétrir 10 minutes jusqu'à ce que la pâte soit lisse.\n- 1/2 de sucre\n\n"
        ),
        (
            "# Far breton\n\n## Étapes\nPétrir 10 minutes jusqu'à ce que la pâte soit lisse.\n\n"
            "- froide de beurre demi-sel\n- 75 cl d'œufs\n## Notes\n\n- 1/2 de sucre\n\n"
        ),
        (
            "# Far breton\n\n## Étapes\n\n\n- 12,5 cl de beurre demi-sel\n- 75 cl d'œufs\n\n## Notes\n\n"
            "Pétrir 10 minutes jusqu'à ce que la pâte soit lisse.\n- 1/2 de sucre\n\n"
        ),
        None,
        id="a_blank_line_and_a_moved_line_inserted_at_one_spot",
    ),
    pytest.param(
        (
            "# Far breton\n\n## Ingrédients\n\n- 0,5 l de sucre\n- 500 g d'œufs\n\n## Étapes\n\n"
            "Préchauffer le four à 180 °C.\nMélanger la farine et le sel dans un grand saladier.\n\n"
        ),
        (
            "# Far breton\ncomplète\n## Ingrédients\n\n- 0,5 l de sucre\n- 500 g d'œufs\n\n## Étapes\n\n"
            "Préchauffer le four à 180 °C.\n\nMélanger la farine et le sel dans un grand saladier.\n\n"
        ),
        (
            "Far breton\n\n## Ingrédients\n\n- 0,5 l de sucre\n- 500 g d'œufs\n\n## Étapes\n\n"
            "Préchauffer le four à 180 °C.\nPréchauffer le four à 180 °C.\n"
            "Mélanger la farine et le sel dans un grand saladier.\n\n"
        ),
        None,
        id="a_blank_line_inserted_beside_a_copied_line",
    ),
    pytest.param(
        (
            "# Soupe de potimarron\n\n## Notes\n\nPétrir 10 minutes jusqu'à ce que la pâte soit lisse.\n"
            "- 1/2 d'eau tiède\n- 1 000 g de sel\n- 0,5 l de lait\n\n## Matériel\n\n- 3 d'œufs\n"
            "Mélanger la farine et le sel dans un grand saladier.\n"
            "Mélanger la farine et le sel dans un grand saladier.\n\n"
        ),
        (
            "# Soupe de potimarron\n\n## Notes\n\nPétrir 10 minutes jusqu'à ce que la pâte soit lisse.\n"
            "- 1/2 d'eau tiède\n- 1 000 g de sel\nenviron 0,5 l de lait\n\n## Matériel\n\n- 3 d'œufs\n"
            "Mélanger la farine et le sel dans un grand saladier.\n"
            "Mélanger la farine et le sel dans un grand saladier.\n- 75 cl de farine\n\n"
        ),
        (
            "# Soupe de potimarron\n\n## Notes\n\nPétrir 10 minutes jusqu'à ce que la pâte soit lisse.\n"
            "- 1/2 d'eau tiède\n- 1 070 g de sel\n- 0,5 l de lait\n\n## Matériel\n\n- 3 d'œufs\n"
            "Mélanger la farine et le sel dans un grand saladier.\n"
            "Mélanger la farine et le sel dans un grand saladier.\n\n\n"
        ),
        None,
        id="a_line_inserted_beside_a_blank_line_added_at_the_end",
    ),
]


@pytest.mark.parametrize(("base", "ours", "theirs", "git"), AMBIGUOUS_PLACES)
def test_a_change_among_copies_of_a_line_is_gits_merge_or_a_conflict(base, ours, theirs, git):
    for first, second in ((ours, theirs), (theirs, ours)):
        result = merge3(base, first, second)
        if git is None:
            assert not result.clean
        else:
            assert result.text == git


def test_a_line_moved_across_a_blank_line_is_also_that_blank_line_moved_beside_the_others():
    # Ours' diff reads "- 3 de farine" as moved below the blank line, which is the blank line moved
    # above it, beside the one there: where theirs added the same blank line, it is not taken twice.
    base = "## Matériel\n\n- 3 de farine\nBudget pour.\n\n## Notes\n"
    ours = "## Matériel\n\n\n- 3 de farine\nBudget tiède.\n## Notes\n"
    theirs = "## Matériel\n\n\n- 3 de farine\nBudget pour.\n\n## Notes\n"
    for first, second in ((ours, theirs), (theirs, ours)):
        assert not merge3(base, first, second).clean


def test_a_blank_line_added_between_paragraphs_keeps_their_conflicts_apart():
    ours = PARAGRAPHS.replace("l'eau.\n\n", "l'eau.\n\n\n").replace("Pétrir 10", "Pétrir 12")
    theirs = PARAGRAPHS.replace("la farine", "la farine T65").replace("Pétrir 10", "Pétrir doucement 15")
    for first, second in ((ours, theirs), (theirs, ours)):
        result = merge3(PARAGRAPHS, first, second)
        assert [conflict.base for conflict in result.conflicts] == ["Pétrir 10 minutes.\n"]
        assert result.resolve(["Pétrir 12 minutes.\n"]) == (
            "Levain\n\nMélanger la farine T65 et l'eau.\n\nPétrir 12 minutes.\n\nCuire 40 minutes à 240 °C.\n"
        )
