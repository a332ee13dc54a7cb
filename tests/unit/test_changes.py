"""Recent changes: every kind of change recorded once, filtered, paged, hidden when its text is, patrolled."""

import pytest
from sqlalchemy import func, select

from recipes import queries
from recipes.blobs import load_blob
from recipes.community import accounts, regions
from recipes.errors import Forbidden, Invalid, NotFound, Unauthorized
from recipes.history import editing
from recipes.journal import changes
from recipes.journal.changes import ChangeFilters, record_change
from recipes.lineage import forks, proposals, sync
from recipes.models import AuditEntry, Change

TEXT = "Louer une salle.\n\nApporter des clés USB.\n"


@pytest.fixture
def people(session):
    return {
        role: accounts.create_user(session, name, "password123", role=role)
        for name, role in [("lea", "contributor"), ("camille", "editor"), ("mo", "moderator")]
    }


def edit(session, author, render, slug, old, new, **options):
    recipe = queries.get_recipe(session, slug)
    body = load_blob(session, recipe.head_revision.blob_id).text.replace(old, new)
    return editing.save_edit(
        session, slug, author=author, body=body, base_revision=recipe.head_number, render=render, **options
    )


def types_of(rows):
    return [row.change.type for row in rows]


def listed(session, viewer=None, **filters):
    rows, _next = changes.list_changes(session, viewer, changes.clean_filters(session, **filters))
    return rows


def test_every_kind_of_save_is_one_change_of_its_kind(session, render, people):
    lea, camille = people["contributor"], people["editor"]
    regions.create_region(session, "Brest")
    editing.create_recipe(session, author=lea, title="Copy party", body=TEXT, render=render)
    edit(session, lea, render, "copy-party", "salle", "grande salle")
    editing.revert(session, "copy-party", author=camille, number=1, render=render)
    forks.fork_recipe(session, "copy-party", author=lea, region="brest", render=render)
    edit(session, lea, render, "copy-party-brest", "clés USB", "disques")
    edit(session, camille, render, "copy-party", "Louer", "Réserver")
    sync.sync(session, "copy-party-brest", author=lea, base_revision=2, render=render)
    proposal = proposals.create_proposal(session, "copy-party-brest", author=lea, summary="Des disques")
    proposals.accept_proposal(session, proposal.id, author=camille, render=render)
    assert types_of(listed(session)) == [
        "accept",
        "proposal",
        "sync",
        "edit",
        "edit",
        "fork",
        "revert",
        "edit",
        "create",
    ]
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_a_declined_proposal_is_a_change_with_its_reason(session, render, people):
    lea, camille = people["contributor"], people["editor"]
    regions.create_region(session, "Brest")
    editing.create_recipe(session, author=lea, title="Copy party", body=TEXT, render=render)
    forks.fork_recipe(session, "copy-party", author=lea, region="brest", render=render)
    edit(session, lea, render, "copy-party-brest", "salle", "cave")
    proposal = proposals.create_proposal(session, "copy-party-brest", author=lea, summary="Une cave")
    proposals.decline_proposal(session, proposal.id, author=camille, comment="Trop humide")
    latest = listed(session)[0].change
    assert (latest.type, latest.user.name, latest.recipe.slug, latest.summary) == (
        "decline",
        "camille",
        "copy-party",
        "Trop humide",
    )


def test_moderation_changes_go_to_the_audit_log_with_their_reason(session, people):
    mo, lea = people["moderator"], people["contributor"]
    change = record_change(session, type="block", user=mo, target_user=lea, summary="Vandale", reason="spam")
    session.commit()
    entry = session.scalar(select(AuditEntry))
    assert (entry.action, entry.actor_id, entry.target_user_id, entry.reason, entry.change_id) == (
        "block",
        mo.id,
        lea.id,
        "spam",
        change.id,
    )
    with pytest.raises(ValueError):
        record_change(session, type="vandalise", user=mo)


def test_filters_narrow_the_list_and_unknown_values_are_refused(session, render, people):
    lea, camille = people["contributor"], people["editor"]
    regions.create_region(session, "Brest")
    editing.create_recipe(session, author=lea, title="Copy party", body=TEXT, render=render, region="brest")
    editing.create_recipe(session, author=camille, title="Repair café", body=TEXT, render=render)
    edit(session, camille, render, "copy-party", "salle", "cave")
    assert types_of(listed(session, region="brest")) == ["edit", "create"]
    assert [r.change.recipe.slug for r in listed(session, user="lea")] == ["copy-party"]
    assert types_of(listed(session, recipe="repair-cafe")) == ["create"]
    assert len(listed(session, type="create")) == 2
    for bad in [
        {"region": "nulle-part"},
        {"user": "nobody"},
        {"recipe": "nope"},
        {"type": "vandalism"},
        {"unpatrolled": "maybe"},
    ]:
        with pytest.raises(Invalid):
            changes.clean_filters(session, **bad)


def test_pages_are_keyset_paged_newest_first(session, render, people):
    lea = people["contributor"]
    editing.create_recipe(session, author=lea, title="Copy party", body="0\n", render=render)
    for n in range(1, 5):
        edit(session, lea, render, "copy-party", f"{n - 1}\n", f"{n}\n")
    first, cursor = changes.list_changes(session, None, limit=2)
    second, cursor2 = changes.list_changes(session, None, limit=2, before=cursor)
    third, cursor3 = changes.list_changes(session, None, limit=2, before=cursor2)
    numbers = [row.change.revision.number for row in first + second + third]
    assert numbers == [5, 4, 3, 2, 1] and cursor3 is None


def test_pending_and_rejected_changes_are_shown_to_their_author_and_reviewers_only(session, render, people):
    lea, camille, mo = people["contributor"], people["editor"], people["moderator"]
    editing.create_recipe(session, author=camille, title="Copy party", body=TEXT, render=render)
    outcome = edit(session, lea, render, "copy-party", "salle", "SECRET", review_policy="new-accounts")
    assert outcome.revision.status == "pending"
    assert types_of(listed(session, None)) == ["create"]
    assert types_of(listed(session, lea)) == ["edit", "create"]
    assert types_of(listed(session, mo)) == ["edit", "create"]
    other = accounts.create_user(session, "zoe", "password123", role="contributor")
    assert types_of(listed(session, other)) == ["create"]


def test_patrolling_marks_a_change_once_and_is_audited(session, render, people):
    lea, camille = people["contributor"], people["editor"]
    editing.create_recipe(session, author=lea, title="Copy party", body=TEXT, render=render)
    change_id = listed(session)[0].change.id
    with pytest.raises(Forbidden):
        changes.patrol_change(session, change_id, user=lea)
    with pytest.raises(Unauthorized):
        changes.patrol_change(session, change_id, user=None)
    changes.patrol_change(session, change_id, user=camille)
    assert listed(session)[0].patrolled is True
    assert listed(session, unpatrolled="1") == []
    with pytest.raises(Invalid):
        changes.patrol_change(session, change_id, user=camille)
    with pytest.raises(NotFound):
        changes.patrol_change(session, change_id + 100, user=camille)
    assert [e.action for e in session.scalars(select(AuditEntry))] == ["patrol"]
    assert session.scalar(select(func.count()).select_from(Change)) == 1


def test_nobody_patrols_their_own_changes(session, render, people):
    camille = people["editor"]
    editing.create_recipe(session, author=camille, title="Copy party", body=TEXT, render=render)
    change_id = listed(session)[0].change.id
    with pytest.raises(Forbidden, match="your own"):
        changes.patrol_change(session, change_id, user=camille)
    changes.patrol_change(session, change_id, user=people["moderator"])


def test_changes_of_a_deleted_recipe_are_for_moderators_only(session, render, people):
    from recipes.moderation import renaming

    lea, mo = people["contributor"], people["moderator"]
    editing.create_recipe(session, author=lea, title="Copy party", body=TEXT, render=render)
    renaming.delete_recipe(session, "copy-party", user=mo, reason="Doublon")
    assert listed(session, None) == [] and listed(session, lea) == []
    assert types_of(listed(session, mo)) == ["delete", "create"]
    assert listed(session, mo, recipe="copy-party")[0].change.summary == "Doublon"
    assert ChangeFilters(recipe="copy-party") == changes.clean_filters(session, recipe="copy-party")
