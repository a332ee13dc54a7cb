"""Tests of recipes.demo: the demo wiki loads whole, with history, forks and working wiki links."""

import pytest
from sqlalchemy import func, select

from recipes import demo
from recipes.community.accounts import authenticate, create_user, find_user
from recipes.community.regions import create_region, list_regions
from recipes.errors import Invalid
from recipes.models import Blob, Recipe, Region, Revision, User
from recipes.queries import existing_slugs, get_recipe, history, revision_content
from wiki.markdown import render_markdown, wikilink_targets

FRENCH_SECTIONS = (
    "Présentation", "Résumé", "Pourquoi se lancer", "À savoir avant de se lancer", "De quoi a-t-on besoin",
    "Étapes", "Variantes locales", "Licence",
)
ENGLISH_SECTIONS = (
    "Overview", "Summary", "Why get started", "Good to know before starting", "What you need", "Steps",
    "Local variants", "Licence",
)
FORKS = {  # fork: (parent, fork point, region)
    "copy-party-brest": ("copy-party", 4, "brest"),
    "copy-party-paris": ("copy-party-brest", 2, "paris"),
    "cartopartie-geneve": ("cartopartie", 4, "geneve"),
}


@pytest.fixture
def demo_wiki(session):
    report = demo.load_demo(session, render=render_markdown)
    return session, report


def all_recipes(session) -> list[Recipe]:
    return list(session.scalars(select(Recipe).order_by(Recipe.slug)))


def revision_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Revision))


def test_the_demo_fills_an_empty_wiki(demo_wiki):
    session, report = demo_wiki

    assert demo.is_empty(session) is False
    assert (report.recipes, report.forks, report.revisions) == (9, 3, revision_count(session))
    assert {r.slug for r in all_recipes(session)} == set(demo.RECIPES) | set(FORKS)
    assert {r.name for r in list_regions(session)} == set(demo.DEMO_REGIONS)
    assert {r.language for r in all_recipes(session)} == {"fr", "en"}
    assert get_recipe(session, "copy-party").region.name == "La Roche-sur-Yon"
    assert get_recipe(session, "copy-party").tag_names == ["culture libre", "logiciel libre"]
    assert report.users == tuple(demo.DEMO_USERS)
    assert {name: find_user(session, name).role for name in report.users} == demo.DEMO_USERS


def test_every_recipe_has_a_history_by_several_authors_and_each_revision_its_file(demo_wiki):
    session, _ = demo_wiki

    for recipe in all_recipes(session):
        revisions = history(session, recipe).items
        least = 2 if recipe.slug in FORKS else 3
        assert least <= len(revisions) <= 6, recipe.slug
        assert len({revision.author.name for revision in revisions}) >= 2, recipe.slug
        assert all(revision.summary for revision in revisions), recipe.slug
    used = set()
    for revision in session.scalars(select(Revision).where(Revision.kind != "fork")):
        name = f"{revision.recipe.slug}.{revision.number}.md"
        assert revision_content(session, revision).text == (demo.DEMO_DIR / name).read_text(), name
        used.add(name)
    assert used == {path.name for path in demo.DEMO_DIR.glob("*.md")}


def test_recipes_have_the_sections_a_table_a_task_list_a_footnote_and_wiki_links(demo_wiki):
    session, _ = demo_wiki

    targets = set()
    for recipe in all_recipes(session):
        content = revision_content(session, recipe.head_revision)
        sections = ENGLISH_SECTIONS if recipe.language == "en" else FRENCH_SECTIONS
        assert all(f"\n## {section}\n" in "\n" + content.text for section in sections), recipe.slug
        assert "CC BY-SA 4.0" in content.text
        for html in ("<table>", 'type="checkbox"', 'class="footnotes"', 'class="wikilink"'):
            assert html in content.html, (recipe.slug, html)
        targets |= wikilink_targets(content.html)

    assert len(targets) >= 5
    # One link is to a recipe nobody has written yet, to show how the wiki invites it.
    assert targets - existing_slugs(session, targets) == {"grainotheque"}


def test_forks_record_their_parent_fork_point_and_region(demo_wiki):
    session, _ = demo_wiki

    for slug, (parent, fork_point, region) in FORKS.items():
        fork = get_recipe(session, slug)
        assert fork.parent.slug == parent
        assert fork.fork_revision.number == fork_point
        assert fork.region.slug == region
        first = history(session, fork).items[-1]
        assert (first.number, first.kind, first.blob_id) == (1, "fork", fork.fork_revision.blob_id)
    # The La Roche-sur-Yon recipe moved on after Brest forked it: Brest has an update to take in.
    brest = get_recipe(session, "copy-party-brest")
    assert brest.parent.head_number == brest.fork_revision.number + 1


def test_loading_twice_is_refused_and_changes_nothing(demo_wiki):
    session, _ = demo_wiki
    revisions, users = revision_count(session), session.scalar(select(func.count()).select_from(User))

    with pytest.raises(Invalid, match="empty"):
        demo.load_demo(session, render=render_markdown)
    assert revision_count(session) == revisions
    assert session.scalar(select(func.count()).select_from(User)) == users


def test_a_wiki_with_users_and_regions_but_no_recipe_takes_the_demo(session):
    create_user(session, "camille", "her own password", role="admin")
    create_region(session, "Brest")

    report = demo.load_demo(session, render=render_markdown)

    assert report.recipes == 9
    assert authenticate(session, "camille", "her own password").role == "admin"
    assert len(list_regions(session)) == len(demo.DEMO_REGIONS)


def table_counts(session) -> dict[str, int]:
    return {
        model.__name__: session.scalar(select(func.count()).select_from(model))
        for model in (User, Region, Recipe, Revision, Blob)
    }


def test_the_whole_demo_loads_in_one_transaction(session):
    report = demo.load_demo_whole(session.get_bind(), render=render_markdown)

    assert report.recipes == 9
    assert table_counts(session)["Revision"] == report.revisions


def test_a_failure_midway_leaves_the_wiki_empty(session):
    renders = []

    def render_then_fail(text: str) -> str:
        renders.append(text)
        if len(renders) == 10:  # well into the history: users, regions and recipes are saved by now
            raise OSError("disk full")
        return render_markdown(text)

    with pytest.raises(OSError, match="disk full"):
        demo.load_demo_whole(session.get_bind(), render=render_then_fail)

    assert table_counts(session) == {"User": 0, "Region": 0, "Recipe": 0, "Revision": 0, "Blob": 0}
    assert demo.load_demo_whole(session.get_bind(), render=render_markdown).recipes == 9
