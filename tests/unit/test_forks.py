"""Forking a recipe into a region, and comparing any two recipes."""

import pytest

from recipes.blobs import load_blob
from recipes.community import accounts, regions
from recipes.errors import Invalid, NotFound, Unauthorized
from recipes.history import editing
from recipes.history.diffing import diff_ops
from recipes.lineage import forks
from recipes.models import Blob, Recipe, Revision

TEXT = "# Copy party\n\nOn copie des logiciels libres.\n\nLicence CC BY-SA 4.0.\n"


@pytest.fixture
def author(session):
    regions.create_region(session, "La Roche-sur-Yon")
    regions.create_region(session, "Brest")
    regions.create_region(session, "Paris")
    return accounts.create_user(session, "lea", "password123", role="contributor")


@pytest.fixture
def origin(session, author, render):
    return editing.create_recipe(
        session,
        author=author,
        title="Copy party",
        body=TEXT,
        render=render,
        tags=["numérique"],
        language="fr",
        region="la-roche-sur-yon",
    ).recipe


def fork(session, author, render, slug="copy-party", region="brest", **kwargs):
    return forks.fork_recipe(session, slug, author=author, region=region, render=render, **kwargs)


def test_a_fork_starts_as_the_parents_text_and_shares_its_blob(session, author, render, origin):
    editing.save_edit(
        session, "copy-party", author=author, body=TEXT + "Apéro.\n", base_revision=1, render=render
    )
    blobs_before = session.query(Blob).count()
    outcome = fork(session, author, render)
    variant, first = outcome.recipe, outcome.revision
    parent_head = origin.head_revision
    assert session.query(Blob).count() == blobs_before
    assert (variant.slug, variant.title) == ("copy-party-brest", "Copy party (Brest)")
    assert (variant.parent_id, variant.fork_revision_id) == (origin.id, parent_head.id)
    assert (variant.region.slug, variant.language, variant.tag_names) == ("brest", "fr", ["numérique"])
    assert (first.number, first.kind, first.blob_id) == (1, "fork", parent_head.blob_id)
    assert first.upstream_revision_id == parent_head.id
    assert first.summary == "Adapted from Copy party (La Roche-sur-Yon), revision 2"
    assert first.summary_kind == "fork"
    assert first.summary_values == {"title": "Copy party", "region": "La Roche-sur-Yon", "number": 2}
    assert load_blob(session, first.blob_id).text == TEXT + "Apéro.\n"


def test_a_second_fork_into_the_same_region_gets_a_numbered_slug(session, author, render, origin):
    fork(session, author, render)
    assert fork(session, author, render).recipe.slug == "copy-party-brest-2"


def test_a_fork_may_have_its_own_slug_and_title(session, author, render, origin):
    variant = fork(
        session, author, render, new_slug="copy-party-finistere", title="Copy party au bout du monde"
    )
    assert (variant.recipe.slug, variant.recipe.title) == (
        "copy-party-finistere",
        "Copy party au bout du monde",
    )


def test_a_fork_of_a_fork_names_its_own_region_only(session, author, render, origin):
    fork(session, author, render)
    grandchild = fork(session, author, render, slug="copy-party-brest", region="paris").recipe
    assert (grandchild.slug, grandchild.title) == ("copy-party-brest-paris", "Copy party (Paris)")
    assert grandchild.parent.slug == "copy-party-brest"


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"region": "atlantide"}, Invalid),
        ({"region": ""}, Invalid),
        ({"region": None}, Invalid),
        ({"region": ["brest"]}, Invalid),
        ({"slug": "nulle-part"}, NotFound),
        ({"new_slug": "Pas Un Slug"}, Invalid),
        ({"new_slug": "copy-party"}, Invalid),
        ({"new_slug": "x" * 81}, Invalid),
        ({"title": "   "}, Invalid),
    ],
)
def test_bad_forks_are_refused_and_nothing_is_written(session, author, render, origin, kwargs, error):
    with pytest.raises(error):
        fork(session, author, render, **kwargs)
    assert session.query(Recipe).count() == 1
    assert session.query(Revision).count() == 1


def test_an_anonymous_reader_cannot_fork(session, render, origin):
    with pytest.raises(Unauthorized):
        fork(session, None, render)


def test_a_long_title_keeps_the_region_name(session, author, render):
    long_title = "Copy party" + " très" * 38
    created = editing.create_recipe(session, author=author, title=long_title, body=TEXT, render=render)
    variant = fork(session, author, render, slug=created.recipe.slug).recipe
    assert variant.title.endswith("très (Brest)") and len(variant.title) <= 200


def test_regions_are_added_by_people_with_an_account(session, author):
    assert forks.add_region(session, author=author, name="Pays de Brest").slug == "pays-de-brest"
    with pytest.raises(Unauthorized):
        forks.add_region(session, author=None, name="Lyon")


def test_compare_two_sibling_variants(session, author, render, origin):
    fork(session, author, render)
    fork(session, author, render, region="paris")
    editing.save_edit(
        session,
        "copy-party-paris",
        author=author,
        body=TEXT.replace("libres", "libres et gratuits"),
        base_revision=1,
        render=render,
    )
    comparison = forks.compare(session, "copy-party-brest", "copy-party-paris")
    assert (comparison.old_recipe.slug, comparison.new.number) == ("copy-party-brest", 2)
    ops = diff_ops(comparison.old_text, comparison.new_text)
    assert "".join(text for op, text in ops if op != 1) == TEXT
    assert [text for op, text in ops if op == 1] == [" et gratuits"]


def test_compare_with_revision_numbers(session, author, render, origin):
    editing.save_edit(session, "copy-party", author=author, body="Autre.\n", base_revision=1, render=render)
    comparison = forks.compare(session, "copy-party@1", "copy-party@2")
    assert (comparison.old_text, comparison.new_text) == (TEXT, "Autre.\n")


@pytest.mark.parametrize(
    "spec, error",
    [
        ("", Invalid),
        ("copy-party@", Invalid),
        ("copy-party@abc", Invalid),
        ("copy-party@0", Invalid),
        ("copy-party@-1", Invalid),
        ("copy\x00party", Invalid),
        ("x" * 300, Invalid),
        (None, Invalid),
        ("copy-party@2", NotFound),
        ("copy-party@99999999999999", Invalid),
        ("copy-party@" + "9" * 5000, Invalid),
        ("nulle-part", NotFound),
    ],
)
def test_bad_comparisons_are_refused(session, origin, spec, error):
    with pytest.raises(error):
        forks.compare(session, "copy-party", spec)
