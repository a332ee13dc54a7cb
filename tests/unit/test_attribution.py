"""Who a recipe credits: its authors by first contribution, and the chain of recipes it was adapted from."""

from recipes.community import accounts, regions
from recipes.history import editing
from recipes.licences.attribution import attribution, authors
from recipes.lineage import forks
from recipes.models import Revision

TEXT = "Louer une salle.\n"


def test_authors_and_chain_of_a_fork_of_a_fork(session, render):
    for name in ("Brest", "Paris"):
        regions.create_region(session, name)
    ana, bob, cid = (
        accounts.create_user(session, name, "password123", role="editor") for name in ("ana", "bob", "cid")
    )
    editing.create_recipe(
        session,
        author=ana,
        title="Copy party",
        body=TEXT,
        render=render,
        licence="CC-BY-4.0",
        offered_licences=("CC-BY-4.0",),
    )
    editing.save_edit(
        session, "copy-party", author=bob, body=TEXT + "Apéro.\n", base_revision=1, render=render
    )
    brest = forks.fork_recipe(
        session, "copy-party", author=cid, region="brest", render=render, licence="CC-BY-SA-4.0"
    ).recipe
    # Written upstream after the fork: not part of what Brest adapted.
    editing.save_edit(session, "copy-party", author=cid, body=TEXT + "Fin.\n", base_revision=2, render=render)
    paris = forks.fork_recipe(session, brest.slug, author=bob, region="paris", render=render).recipe

    credits = attribution(session, paris)
    assert credits.itself.licence == "CC-BY-SA-4.0" and credits.itself.authors == ["bob"]
    assert [(c.recipe.slug, c.revision, c.licence, c.authors) for c in credits.chain] == [
        ("copy-party-brest", 1, "CC-BY-SA-4.0", ["cid"]),
        ("copy-party", 2, "CC-BY-4.0", ["ana", "bob"]),
    ]
    assert credits.chain[0].region_name == "Brest"
    assert authors(session, credits.chain[1].recipe.id) == ["ana", "bob", "cid"]


def test_an_author_whose_only_revision_was_rejected_is_not_credited(session, render):
    ana, bob = (accounts.create_user(session, name, "password123", role="editor") for name in ("ana", "bob"))
    recipe = editing.create_recipe(session, author=ana, title="Copy party", body=TEXT, render=render).recipe
    saved = editing.save_edit(
        session, "copy-party", author=bob, body=TEXT + "x\n", base_revision=1, render=render
    )
    session.get(Revision, saved.revision.id).status = "rejected"
    session.commit()
    assert authors(session, recipe.id) == ["ana"]
