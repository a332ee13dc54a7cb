"""Lineage: ancestors, the tree of descendants, and how far each fork is from its upstream."""

import pytest
from sqlalchemy import event

from recipes import queries
from recipes.community import accounts, regions
from recipes.errors import Invalid, NotFound
from recipes.history import editing, revisions
from recipes.lineage import forks, sync
from recipes.lineage import tree as lineage

TEXT = "Louer une salle.\n\nCopier des logiciels libres.\n"


@pytest.fixture
def author(session):
    for name in ("La Roche-sur-Yon", "Brest", "Paris", "Lyon"):
        regions.create_region(session, name)
    return accounts.create_user(session, "lea", "password123", role="contributor")


@pytest.fixture
def family(session, author, render):
    """copy-party (La Roche-sur-Yon) → copy-party-brest → copy-party-brest-paris; and copy-party-lyon."""
    editing.create_recipe(
        session, author=author, title="Copy party", body=TEXT, render=render, region="la-roche-sur-yon"
    )
    fork(session, author, render, "copy-party", "brest")
    edit(session, author, render, "copy-party", TEXT + "Apéro.\n")
    fork(session, author, render, "copy-party-brest", "paris")
    fork(session, author, render, "copy-party", "lyon")


def fork(session, author, render, slug, region):
    return forks.fork_recipe(session, slug, author=author, region=region, render=render)


def edit(session, author, render, slug, body):
    head = queries.get_recipe(session, slug).head_number
    return editing.save_edit(session, slug, author=author, body=body, base_revision=head, render=render)


def slugs(nodes):
    return [(node.slug, slugs(node.children)) for node in nodes]


def test_ancestors_go_up_to_the_origin_parent_first_with_their_fork_points(session, family):
    found = lineage.lineage(session, "copy-party-brest-paris")
    assert [(a.node.slug, a.node.region_slug, a.revision) for a in found.ancestors] == [
        ("copy-party-brest", "brest", 1),
        ("copy-party", "la-roche-sur-yon", 1),
    ]
    assert found.recipe.slug == "copy-party-brest-paris"
    assert found.descendants == []


def test_descendants_are_a_tree(session, family):
    found = lineage.lineage(session, "copy-party")
    assert found.ancestors == []
    assert slugs(found.descendants) == [
        ("copy-party-brest", [("copy-party-brest-paris", [])]),
        ("copy-party-lyon", []),
    ]
    assert found.count_descendants() == 3
    lyon = found.descendants[1]
    assert (lyon.fork_revision, lyon.base, lyon.behind, lyon.ahead, lyon.region_name) == (2, 2, 0, 0, "Lyon")


def test_each_node_says_how_far_behind_its_upstream_it_is(session, author, render, family):
    edit(session, author, render, "copy-party-brest", TEXT + "Local.\n")
    brest = lineage.lineage(session, "copy-party").descendants[0]
    assert (brest.fork_revision, brest.base, brest.behind, brest.ahead, brest.head_number) == (1, 1, 1, 1, 2)
    assert (brest.parent_slug, brest.depth) == ("copy-party", 1)
    assert brest.children[0].depth == 2


def test_an_origin_has_no_upstream(session, family):
    origin = lineage.lineage(session, "copy-party").recipe
    assert (origin.parent_id, origin.base, origin.behind, origin.ahead) == (None, None, None, None)
    with pytest.raises(Invalid):
        lineage.upstream_status(session, "copy-party")
    with pytest.raises(NotFound):
        lineage.lineage(session, "nulle-part")


def test_upstream_status_counts_behind_and_ahead_from_stored_facts(session, author, render, family):
    edit(session, author, render, "copy-party", TEXT + "Apéro.\nMusique.\n")
    edit(session, author, render, "copy-party-brest", "Titre.\n\n" + TEXT)
    edit(session, author, render, "copy-party-brest", "Titre.\n\n" + TEXT.replace("salle", "salle à Brest"))
    status = lineage.upstream_status(session, "copy-party-brest")
    assert (status.parent.slug, status.base.number, status.upstream_head.number) == ("copy-party", 1, 3)
    assert (status.behind, status.ahead) == (2, 2)
    sync.sync(session, "copy-party-brest", author=author, base_revision=3, render=render)
    status = lineage.upstream_status(session, "copy-party-brest")
    assert (status.base.number, status.behind, status.ahead) == (3, 0, 0)
    assert revisions.merged_upstream_number(session, status.recipe) == 3


def test_a_regions_page_lists_its_recipes_with_their_parents(session, family):
    brest = lineage.region_recipes(session, "brest")
    assert brest.region.name == "Brest"
    assert [(n.slug, n.parent_slug) for n in brest.recipes] == [("copy-party-brest", "copy-party")]
    with pytest.raises(NotFound):
        lineage.region_recipes(session, "atlantide")


def count_statements(session, action) -> int:
    statements = []
    engine = session.get_bind()
    listener = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, statement, …)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(statements)


def test_lineage_costs_the_same_few_statements_whatever_its_size(session, author, render, family):
    small = count_statements(session, lambda: lineage.lineage(session, "copy-party-brest"))
    for region in ("paris", "lyon", "brest"):
        fork(session, author, render, "copy-party-brest-paris", region)
    session.commit()
    large = count_statements(session, lambda: lineage.lineage(session, "copy-party-brest"))
    assert large == small <= 6
