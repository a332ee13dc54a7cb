"""Watchlists: watching recipes and regions, and what changed there since the last visit."""

import pytest

from recipes.community import accounts, regions
from recipes.errors import NotFound, Unauthorized
from recipes.history import editing
from recipes.journal import watchlist
from recipes.models import WatchlistVisit

TEXT = "Louer une salle.\n"


@pytest.fixture
def lea(session, render):
    user = accounts.create_user(session, "lea", "password123", role="contributor")
    regions.create_region(session, "Brest")
    editing.create_recipe(session, author=user, title="Copy party", body=TEXT, render=render)
    editing.create_recipe(session, author=user, title="Repair café", body=TEXT, render=render, region="brest")
    editing.create_recipe(session, author=user, title="Jardin", body=TEXT, render=render)
    return user


def slugs_of(page):
    return [row.change.recipe.slug for row in page.changes]


def test_a_watchlist_shows_changes_of_watched_recipes_and_regions(session, render, lea):
    watchlist.watch(session, lea, "recipe", "copy-party")
    watchlist.watch(session, lea, "recipe", "copy-party")  # twice is once
    watchlist.watch(session, lea, "region", "brest")
    page = watchlist.open_watchlist(session, lea)
    assert [r.slug for r in page.recipes] == ["copy-party"] and [r.slug for r in page.regions] == ["brest"]
    assert slugs_of(page) == ["repair-cafe", "copy-party"] and page.previous_visit is None
    assert all(page.is_new(row) for row in page.changes)
    regions_recipe = regions.get_region(session, "brest")
    assert watchlist.is_watching(session, lea, region=regions_recipe)
    watchlist.unwatch(session, lea, "region", "brest")
    assert not watchlist.is_watching(session, lea, region=regions_recipe)
    assert slugs_of(watchlist.open_watchlist(session, lea)) == ["copy-party"]


def test_changes_after_the_last_visit_are_new(session, render, lea):
    watchlist.watch(session, lea, "recipe", "copy-party")
    first = watchlist.open_watchlist(session, lea)
    # The visit is recorded as having happened at the moment of the creation, whatever the clock did.
    session.get(WatchlistVisit, lea.id).seen_at = first.changes[0].change.created_at
    session.commit()
    editing.save_edit(session, "copy-party", author=lea, body="Autre.\n", base_revision=1, render=render)
    page = watchlist.open_watchlist(session, lea)
    assert page.previous_visit is not None
    assert [page.is_new(row) for row in page.changes] == [True, False]


def test_anonymous_readers_have_no_watchlist_and_unknown_things_cannot_be_watched(session, lea):
    with pytest.raises(Unauthorized):
        watchlist.open_watchlist(session, None)
    with pytest.raises(Unauthorized):
        watchlist.watch(session, None, "recipe", "copy-party")
    with pytest.raises(NotFound):
        watchlist.watch(session, lea, "recipe", "nope")
    with pytest.raises(NotFound):
        watchlist.watch(session, lea, "region", "nulle-part")
    assert not watchlist.is_watching(session, None, recipe=None)
