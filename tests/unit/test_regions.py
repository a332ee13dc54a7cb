"""Tests of recipes.community.regions: creating, finding and listing the regions that adapt recipes."""

import pytest

from recipes.community.regions import MAX_REGION_NAME_LENGTH, create_region, get_region, list_regions
from recipes.errors import Invalid, NotFound


def test_create_region_makes_a_slug_from_the_name(session):
    region = create_region(session, "La Roche-sur-Yon")

    assert (region.slug, region.name) == ("la-roche-sur-yon", "La Roche-sur-Yon")
    assert get_region(session, "la-roche-sur-yon").name == "La Roche-sur-Yon"


def test_spaces_in_names_are_collapsed(session):
    region = create_region(session, "  Plouarzel \t et   environs ")

    assert (region.slug, region.name) == ("plouarzel-et-environs", "Plouarzel et environs")


def test_accents_are_folded_in_slugs_only(session):
    region = create_region(session, "Genève")

    assert (region.slug, region.name) == ("geneve", "Genève")


def test_a_region_whose_slug_exists_is_refused(session):
    create_region(session, "Genève")

    with pytest.raises(Invalid, match="geneve"):
        create_region(session, "GENEVE")
    assert [r.name for r in list_regions(session)] == ["Genève"]


@pytest.mark.parametrize("name", ["", "   ", "!!!", "—", None, 42, "x" * (MAX_REGION_NAME_LENGTH + 1)])
def test_bad_names_are_refused(session, name):
    with pytest.raises(Invalid):
        create_region(session, name)
    assert list_regions(session) == []


def test_get_region_of_an_unknown_slug(session):
    with pytest.raises(NotFound, match="brest"):
        get_region(session, "brest")


def test_list_regions_is_sorted_by_name_without_regard_to_case(session):
    for name in ("lyon", "Brest", "Paris", "aix"):
        create_region(session, name)

    assert [r.name for r in list_regions(session)] == ["aix", "Brest", "lyon", "Paris"]
