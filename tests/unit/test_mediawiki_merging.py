"""A recipe edited in Levain between two imports: MediaWiki's new revisions come as a concurrent edit.

Changes on other lines are merged three-way with the Levain head (base: the last imported revision);
changes on the same lines go to a variant proposed to the recipe, for a person to merge, and the
page's later MediaWiki revisions wait for that decision.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from recipes.blobs import load_blob
from recipes.community import accounts
from recipes.exchange.mediawiki import ParkedChanges, converting, import_mediawiki, stream
from recipes.history import editing
from recipes.lineage import proposals
from recipes.models import Change, Proposal, Revision, User
from recipes.moderation import renaming
from recipes.queries import get_recipe
from wiki.markdown import render_markdown

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "mediawiki"
FIRST, LATER, LAST = (
    FIXTURES / name for name in ("recettes-0.11.xml", "recettes-suite-0.11.xml", "recettes-fin-0.11.xml")
)


def bring_in(session, path):
    return import_mediawiki(session, path, render=render_markdown)


def text_of(session, slug):
    return load_blob(session, get_recipe(session, slug).head_revision.blob_id).text


def edit(session, author, slug, old, new):
    body = text_of(session, slug)
    assert old in body
    recipe = get_recipe(session, slug)
    return editing.save_edit(
        session, slug, author=author, body=body.replace(old, new), base_revision=recipe.head_number,
        render=render_markdown, summary="Modifié ici",
    )  # fmt: skip


def authors_and_summaries(session, slug):
    query = (
        select(User.name, Revision.summary)
        .join(User, User.id == Revision.author_id)
        .where(Revision.recipe_id == get_recipe(session, slug).id)
        .order_by(Revision.number)
    )
    return [tuple(row) for row in session.execute(query)]


@pytest.fixture
def camille(session):
    """An editor of the Levain wiki."""
    return accounts.create_user(session, "camille", "password123", role="editor")


def test_new_revisions_are_merged_with_edits_made_here_on_other_lines(session, camille):
    bring_in(session, FIRST)
    edit(session, camille, "copy-party", "une clé USB ou un disque dur", "une clé USB (ou deux)")
    report = bring_in(session, LATER)
    assert (report.revisions_imported, report.revisions_merged, report.conflicts) == (4, 2, [])
    body = text_of(session, "copy-party")
    assert "une clé USB (ou deux)" in body  # the Levain edit
    assert "De 10 h à 18 h, le premier samedi du mois." in body and "multiprise et des rallonges" in body
    assert authors_and_summaries(session, "copy-party")[-3:] == [
        ("camille", "Modifié ici"),
        ("Marie_Dupont", "Nouveaux horaires"),
        ("Zoé", "Rallonges"),
    ]
    assert bring_in(session, LATER).revisions_imported == 0


def test_overlapping_changes_go_to_a_variant_proposed_to_the_recipe(session, camille):
    bring_in(session, FIRST)
    edit(session, camille, "cartopartie", "1. Choisir une zone", "1. Choisir un quartier")
    head_before = get_recipe(session, "cartopartie").head_revision_id
    report = bring_in(session, LATER)
    proposal = session.scalar(select(Proposal))
    assert report.conflicts == [ParkedChanges("cartopartie", "cartopartie-mediawiki", proposal.id, 1)]
    assert get_recipe(session, "cartopartie").head_revision_id == head_before  # nothing overwritten
    variant = get_recipe(session, "cartopartie-mediawiki")
    assert (variant.parent.slug, variant.title) == ("cartopartie", "Cartopartie (MediaWiki)")
    assert [name for name, _ in authors_and_summaries(session, "cartopartie-mediawiki")] == [
        "Yann_Le_Goff",
        "Yann_Le_Goff",
    ]
    assert "1. Choisir une zone avec la mairie" in text_of(session, "cartopartie-mediawiki")
    assert (proposal.status, proposal.target.slug, proposal.author.name) == (
        "open",
        "cartopartie",
        "Yann_Le_Goff",
    )
    assert proposal.base_revision.number == 3  # the last revision imported, before the Levain edit
    merge = proposals.proposal_detail(session, proposal.id).merge
    assert [(c.ours, c.theirs) for c in merge.conflicts] == [
        ("1. Choisir un quartier\n", "1. Choisir une zone avec la mairie\n")
    ]
    changes = session.scalars(select(Change.type).where(Change.recipe_id == proposal.target_id))
    assert "proposal" in list(changes)


def test_later_revisions_wait_for_the_proposal_then_merge_on_what_a_person_chose(session, camille):
    bring_in(session, FIRST)
    edit(session, camille, "cartopartie", "1. Choisir une zone", "1. Choisir un quartier")
    proposal_id = bring_in(session, LATER).conflicts[0].proposal
    waiting = bring_in(session, LAST)
    assert (waiting.revisions_imported, waiting.revisions_waiting) == (0, 1)
    proposals.accept_proposal(
        session, proposal_id, author=camille, render=render_markdown,
        resolutions=["1. Choisir un quartier avec la mairie\n"],
    )  # fmt: skip
    report = bring_in(session, LAST)
    assert (report.revisions_imported, report.revisions_merged, report.revisions_waiting) == (1, 1, 0)
    body = text_of(session, "cartopartie")
    assert "1. Choisir un quartier avec la mairie" in body and "| Carnets | 12 |" in body
    assert authors_and_summaries(session, "cartopartie")[-1] == ("Yann_Le_Goff", "Plus de carnets")


def test_a_recipe_renamed_here_keeps_its_name_and_links_follow_it(session, camille):
    bring_in(session, FIRST)
    renaming.rename_recipe(
        session, "copy-party", user=camille, title="Copy party de Brest", render=render_markdown
    )
    report = bring_in(session, LATER)
    assert "copy-party-de-brest" in report.recipes_updated
    assert get_recipe(session, "copy-party-de-brest").title == "Copy party de Brest"
    assert "[[copy-party-de-brest|copy parties]]" in text_of(session, "fete-des-communs")


def test_a_recipe_deleted_here_takes_no_more_revisions(session):
    bring_in(session, FIRST)
    moderator = accounts.create_user(session, "ines", "password123", role="moderator")
    renaming.delete_recipe(session, "cartopartie", user=moderator, reason="Doublon")
    report = bring_in(session, LATER)
    assert [(s.title, s.reason) for s in report.skipped_pages if s.reason == "deleted"] == [
        ("Cartopartie", "deleted")
    ]
    assert "cartopartie" not in report.recipes_updated


def test_a_long_page_is_written_in_several_transactions_with_the_same_result(session, monkeypatch):
    monkeypatch.setattr(stream, "REVISIONS_PER_TRANSACTION", 1)
    report = bring_in(session, FIRST)
    assert report.revisions_imported == 9
    assert [name for name, _ in authors_and_summaries(session, "copy-party")] == [
        "Marie_Dupont",
        "Yann_Le_Goff",
        "Anonyme",
        "Jean-Éric_L-Hostis",
    ]


@pytest.mark.slow
def test_worker_processes_convert_as_the_import_itself_does(session, monkeypatch, tmp_path):
    """A large import converts in worker processes: the recipes are the same as converted in-process."""
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one processor: an import converts in its own process")
    bring_in(session, FIRST)
    in_process = {slug: text_of(session, slug) for slug in ("copy-party", "cartopartie", "repair-cafe")}
    monkeypatch.setattr(converting, "PARALLEL_FROM", 0)
    monkeypatch.setattr(converting, "BATCH", 2)
    pipelines, real = [], converting._pipelined
    monkeypatch.setattr(converting, "_pipelined", lambda *args: pipelines.append(args) or real(*args))
    again = import_mediawiki(session, FIRST, render=render_markdown, namespaces=["Discussion"])
    assert again.recipes_created == ["discussion-copy-party"]
    assert {slug: text_of(session, slug) for slug in in_process} == in_process
    fresh = import_mediawiki(session, LATER, render=render_markdown)
    assert (fresh.revisions_imported, fresh.recipes_created) == (4, ["fete-des-communs"])
    assert len(pipelines) == 2
