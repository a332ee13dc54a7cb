"""Slugs made from titles, and the checks on what people send."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recipes import validation
from recipes.errors import Invalid
from recipes.slugs import MAX_SLUG_LENGTH, slugify


@pytest.mark.parametrize(
    "title, slug",
    [
        ("Cartopartie à Plouarzel", "cartopartie-a-plouarzel"),
        ("Repair Café", "repair-cafe"),
        ("Fête des communs — Genève", "fete-des-communs-geneve"),
        ("Œuvres libres & cœur", "oeuvres-libres-coeur"),
        ("  --Copy   party!! ", "copy-party"),
        ("Κοινός κήπος", "koinos-kepos"),
        ("共享花园", "gong-xiang-hua-yuan"),
        ("Общий сад", "obshchii-sad"),
    ],
)
def test_a_slug_is_ascii_lowercase_and_hyphenated(title, slug):
    assert slugify(title) == slug


@given(st.text())
def test_any_title_gives_a_safe_slug(title):
    slug = slugify(title)
    assert len(slug) <= MAX_SLUG_LENGTH
    assert all(c.isascii() and (c.isalnum() or c == "-") for c in slug)
    assert not slug.startswith("-") and not slug.endswith("-") and "--" not in slug


def test_bodies_get_unix_line_endings():
    assert validation.clean_body("a\r\nb\rc\n") == "a\nb\nc\n"


def test_tags_are_lowercased_trimmed_and_deduplicated():
    assert validation.clean_tags(["Carte", " carte ", "OSM", ""]) == ["carte", "osm"]
    assert validation.clean_tags("jardin, graines") == ["jardin", "graines"]


@pytest.mark.parametrize("tags", [[1], {"a": 1}, ["<script>"], ["x" * 41], [f"t{i}" for i in range(21)]])
def test_bad_tags_are_refused(tags):
    with pytest.raises(Invalid):
        validation.clean_tags(tags)


@pytest.mark.parametrize("value, number", [(1, 1), ("7", 7), (" 12 ", 12)])
def test_revision_numbers_are_whole_numbers_from_one(value, number):
    assert validation.clean_revision_number(value) == number


@pytest.mark.parametrize("value", [0, -1, "-1", "abc", "1.5", 1.5, True, None, "²", "", 2**31, "9" * 5000])
def test_other_revision_numbers_are_invalid(value):
    with pytest.raises(Invalid):
        validation.clean_revision_number(value)


@pytest.mark.parametrize("language", ["de", "", 3])
def test_unknown_languages_are_refused(language):
    with pytest.raises(Invalid):
        validation.clean_language(language)


def test_titles_and_summaries_lose_control_characters():
    assert validation.clean_title("Copy\x00 party\x1b") == "Copy party"
    assert validation.clean_summary("typo\x00") == "typo"
