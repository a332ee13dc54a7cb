"""What the home, tag and region pages list: popular recipes, tags in use, regions with their counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from recipes.community import accounts, regions
from recipes.errors import Invalid, NotFound
from recipes.history import editing
from recipes.lineage import forks
from recipes.models import Recipe, Revision, utcnow
from recipes.queries import get_recipe
from recipes.search import discovery


@pytest.fixture
def author(session):
    return accounts.create_user(session, "camille", "correct horse battery", role="editor")


def create(session, author, render, title, tags=(), region=None):
    return editing.create_recipe(
        session, author=author, title=title, body=title, render=render, tags=list(tags), region=region
    ).recipe


def edit(session, author, render, slug, times):
    for n in range(times):
        head = get_recipe(session, slug).head_number
        editing.save_edit(session, slug, author=author, body=f"{slug} {n}", base_revision=head, render=render)


def age_revisions(session, slug, days):
    """Move every revision of a recipe ``days`` into the past, as if it had been written then."""
    recipe_id = get_recipe(session, slug).id
    moved = utcnow() - timedelta(days=days)
    session.execute(update(Revision).where(Revision.recipe_id == recipe_id).values(created_at=moved))
    session.commit()


def test_popular_counts_recent_edits_and_weighs_variants(session, author, render):
    regions.create_region(session, "Brest")
    regions.create_region(session, "Lyon")
    create(session, author, render, "Copy party")
    create(session, author, render, "Repair café")
    create(session, author, render, "Grainothèque")
    edit(session, author, render, "repair-cafe", 3)  # 4 revisions in the window
    for region in ("brest", "lyon"):  # 1 revision + 3 × 2 variants
        forks.fork_recipe(session, "copy-party", author=author, region=region, render=render)
    edit(session, author, render, "grainotheque", 6)
    age_revisions(session, "grainotheque", 31)  # busy, but long ago

    popular = discovery.popular_recipes(session, now=utcnow(), limit=10)
    ranked = [(item.recipe.slug, item.recent_edits, item.variants) for item in popular]
    assert ranked[:2] == [("copy-party", 1, 2), ("repair-cafe", 4, 0)]
    # The two variants tie at one revision each: the most recently changed comes first.
    assert ranked[2:] == [("copy-party-lyon", 1, 0), ("copy-party-brest", 1, 0)]
    assert "grainotheque" not in [slug for slug, _, _ in ranked]
    assert len(discovery.popular_recipes(session, now=utcnow(), limit=1)) == 1


def test_deleted_and_unpublished_recipes_are_not_listed(session, author, render):
    create(session, author, render, "Copy party", tags=["numérique"])
    create(session, author, render, "Repair café", tags=["numérique", "réparation"])
    session.execute(update(Recipe).where(Recipe.slug == "repair-cafe").values(deleted_at=utcnow()))
    session.commit()

    assert [r.slug for r in discovery.tag_recipes(session, "numérique")] == ["copy-party"]
    assert [(t.tag, t.count) for t in discovery.tags_in_use(session)] == [("numérique", 1)]
    with pytest.raises(NotFound):
        discovery.tag_recipes(session, "réparation")
    assert [p.recipe.slug for p in discovery.popular_recipes(session, now=utcnow())] == ["copy-party"]


def test_tags_are_counted_most_used_first_and_per_region(session, author, render):
    regions.create_region(session, "Lyon")
    create(session, author, render, "A", tags=["quartier", "cartographie"], region="lyon")
    create(session, author, render, "B", tags=["quartier"])
    create(session, author, render, "C", tags=["atelier", "quartier"])

    assert [(t.tag, t.count) for t in discovery.tags_in_use(session)] == [
        ("quartier", 3), ("atelier", 1), ("cartographie", 1)
    ]
    assert [t.tag for t in discovery.tags_in_use(session, limit=2)] == ["quartier", "atelier"]
    lyon = regions.get_region(session, "lyon")
    assert [t.tag for t in discovery.tags_in_use(session, region_id=lyon.id)] == ["cartographie", "quartier"]


def test_regions_come_with_their_number_of_recipes(session, author, render):
    for name in ("Pays de Brest", "annecy", "Lyon"):
        regions.create_region(session, name)
    create(session, author, render, "A", region="lyon")
    create(session, author, render, "B", region="lyon")
    assert [(r.region.name, r.count) for r in discovery.regions_in_use(session)] == [
        ("annecy", 0), ("Lyon", 2), ("Pays de Brest", 0)
    ]


def test_a_tag_from_an_address_is_cleaned_like_the_tags_of_recipes():
    assert discovery.clean_tag("  Repair   Café ") == "repair café"
    for bad in ("", "   ", "a,b", "<script>", "x" * 41):
        with pytest.raises(Invalid):
            discovery.clean_tag(bad)
