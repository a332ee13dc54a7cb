"""Review of pending revisions in the domain: the policy, approving, rejecting, what readers see."""

import pytest
from sqlalchemy import select

from recipes import queries
from recipes.blobs import load_blob
from recipes.community import accounts
from recipes.community.policy import must_wait_for_review
from recipes.community.visibility import can_see_recipe, can_see_revision, shown_revision
from recipes.errors import EditConflict, Forbidden, Invalid, MergeConflict, NotFound
from recipes.history import editing
from recipes.models import Change, SearchOutbox, User
from recipes.moderation.review import (
    EDITS_TO_BECOME_EDITOR,
    approve_revision,
    reject_revision,
    rejections_for,
    review_queue,
)

BODY = "Une carte.\nDes crayons.\nDu café.\n"


@pytest.fixture
def people(session):
    """People by what they are here: a contributor, another one, an editor, two moderators."""
    accounts_by_key = {
        "contributor": ("camille", "contributor"),
        "other": ("dominique", "contributor"),
        "editor": ("eli", "editor"),
        "moderator": ("morgane", "moderator"),
        "moderator2": ("maxime", "moderator"),
    }
    return {
        key: accounts.create_user(session, name, "password123", role=role)
        for key, (name, role) in accounts_by_key.items()
    }


@pytest.fixture
def recipe(session, people, render):
    return editing.create_recipe(
        session, author=people["editor"], title="Cartopartie", body=BODY, render=render
    ).recipe


def edit(session, recipe, author, render, body, base=None, policy="new-accounts"):
    base = base or queries.get_recipe(session, recipe.slug).head_number
    return editing.save_edit(
        session,
        recipe.slug,
        author=author,
        body=body,
        base_revision=base,
        render=render,
        review_policy=policy,
    )


def text(session, revision):
    return load_blob(session, revision.blob_id).text


def outbox_count(session, recipe):
    return len(list(session.scalars(select(SearchOutbox).where(SearchOutbox.recipe_id == recipe.id))))


@pytest.mark.parametrize(
    ("policy", "role", "waits"),
    [
        ("none", "contributor", False),
        ("new-accounts", "contributor", True),
        ("new-accounts", "editor", False),
        ("all", "editor", True),
        ("all", "moderator", False),
        ("all", "admin", False),
    ],
)
def test_the_review_policy_decides_who_waits(people, policy, role, waits):
    user = User(name="x", password_hash="x", role=role)
    assert must_wait_for_review(user, "edit", None, policy) is waits
    assert must_wait_for_review(user, "fork", None, policy) is False


def test_an_unknown_review_policy_is_a_configuration_error(people):
    with pytest.raises(ValueError):
        must_wait_for_review(people["editor"], "edit", None, "some")


def test_a_contributors_edit_waits_and_readers_keep_the_published_text(session, people, recipe, render):
    before = outbox_count(session, recipe)
    outcome = edit(session, recipe, people["contributor"], render, BODY + "Des gommes.\n")
    recipe = queries.get_recipe(session, recipe.slug)
    assert outcome.revision.status == "pending"
    assert (recipe.head_number, recipe.published_revision.number) == (2, 1)
    assert outbox_count(session, recipe) == before  # the search index keeps the published text
    assert shown_revision(None, recipe).number == 1
    assert shown_revision(people["contributor"], recipe).number == 2  # the author sees their own text
    assert shown_revision(people["other"], recipe).number == 1
    assert not can_see_revision(None, outcome.revision)
    assert not can_see_revision(people["other"], outcome.revision)
    assert can_see_revision(people["editor"], outcome.revision)


def test_approving_publishes_the_revision_and_the_pending_ones_before_it(session, people, recipe, render):
    edit(session, recipe, people["contributor"], render, BODY + "Des gommes.\n")
    edit(session, recipe, people["other"], render, "Titre\n" + BODY + "Des gommes.\n")
    assert [r.number for r in review_queue(session, people["moderator"])] == [2, 3]
    before = outbox_count(session, recipe)
    approve_revision(session, recipe.slug, 3, reviewer=people["moderator"], seen_published=1)
    recipe = queries.get_recipe(session, recipe.slug)
    assert recipe.published_revision.number == 3
    assert [queries.get_revision(session, recipe, n).status for n in (2, 3)] == ["approved", "approved"]
    assert outbox_count(session, recipe) == before + 1
    assert review_queue(session, people["moderator"]) == []
    types = list(session.scalars(select(Change.type).order_by(Change.id)))
    assert types[-1] == "approve"


def test_approving_refuses_what_is_not_pending_and_ones_own_edit(session, people, recipe, render):
    with pytest.raises(Invalid, match="only a revision awaiting review"):
        approve_revision(session, recipe.slug, 1, reviewer=people["moderator"])
    edit(session, recipe, people["contributor"], render, BODY + "x\n")
    edit(session, recipe, people["moderator"], render, BODY + "x\ny\n")  # on top of a pending head: waits
    with pytest.raises(Forbidden, match="your own edit"):
        approve_revision(session, recipe.slug, 3, reviewer=people["moderator"])
    with pytest.raises(Forbidden):
        approve_revision(session, recipe.slug, 2, reviewer=people["editor"])
    approve_revision(session, recipe.slug, 3, reviewer=people["moderator2"])
    assert queries.get_recipe(session, recipe.slug).published_revision.number == 3


def test_approving_on_a_stale_view_of_readers_text_is_refused(session, people, recipe, render):
    edit(session, recipe, people["contributor"], render, BODY + "x\n")
    with pytest.raises(EditConflict):
        approve_revision(session, recipe.slug, 2, reviewer=people["moderator"], seen_published=2)


def test_rejecting_needs_a_reason_and_takes_the_change_out_of_the_head(session, people, recipe, render):
    edit(session, recipe, people["contributor"], render, "Une carte.\nSPAM\nDes crayons.\nDu café.\n")
    edit(session, recipe, people["other"], render, "Une carte.\nSPAM\nDes crayons.\nDu café.\nDu thé.\n")
    with pytest.raises(Invalid, match="reason"):
        reject_revision(session, recipe.slug, 2, reviewer=people["moderator"], reason="  ", render=render)
    rejection = reject_revision(
        session, recipe.slug, 2, reviewer=people["moderator"], reason="publicité", render=render
    )
    recipe = queries.get_recipe(session, recipe.slug)
    assert rejection.revision.status == "rejected"
    assert text(session, recipe.head_revision) == BODY + "Du thé.\n"
    assert rejection.undo.status == "pending"  # it still holds revision 3, which awaits review
    assert not can_see_revision(people["other"], rejection.revision)
    assert can_see_revision(people["contributor"], rejection.revision)
    notices = rejections_for(session, recipe, people["contributor"])
    assert [(n.revision.number, n.reason) for n in notices] == [(2, "publicité")]
    # Revision 3 still holds the rejected change: it is never published.
    with pytest.raises(Invalid, match="approve revision 4"):
        approve_revision(session, recipe.slug, 3, reviewer=people["moderator"])
    approve_revision(session, recipe.slug, 4, reviewer=people["moderator2"])
    recipe = queries.get_recipe(session, recipe.slug)
    assert text(session, recipe.published_revision) == BODY + "Du thé.\n"
    assert queries.get_revision(session, recipe, 3).status == "rejected"
    assert "SPAM" not in text(session, recipe.published_revision)


def test_rejecting_the_only_pending_edit_publishes_the_text_without_it(session, people, recipe, render):
    edit(session, recipe, people["contributor"], render, BODY + "SPAM\n")
    rejection = reject_revision(
        session, recipe.slug, 2, reviewer=people["moderator"], reason="spam", render=render
    )
    recipe = queries.get_recipe(session, recipe.slug)
    assert rejection.undo.status == "approved"
    assert recipe.published_revision_id == recipe.head_revision_id == rejection.undo.id
    assert text(session, recipe.head_revision) == BODY


def test_a_rejection_that_later_edits_overlap_is_a_conflict_and_saves_nothing(
    session, people, recipe, render
):
    edit(session, recipe, people["contributor"], render, "Une carte.\nDes feutres.\nDu café.\n")
    edit(
        session,
        recipe,
        people["editor"],
        render,
        "Une carte.\nDes feutres rouges.\nDu café.\n",
        policy="none",
    )
    with pytest.raises(MergeConflict):
        reject_revision(session, recipe.slug, 2, reviewer=people["moderator"], reason="non", render=render)
    recipe = queries.get_recipe(session, recipe.slug)
    assert recipe.head_number == 3
    assert queries.get_revision(session, recipe, 2).status == "pending"


def test_a_contributors_new_recipe_is_hidden_until_approved(session, people, render):
    outcome = editing.create_recipe(
        session,
        author=people["contributor"],
        title="Repair café",
        body="Des outils.\n",
        render=render,
        review_policy="new-accounts",
    )
    recipe = outcome.recipe
    assert recipe.published_revision_id is None
    assert not can_see_recipe(None, recipe) and not can_see_recipe(people["other"], recipe)
    assert can_see_recipe(people["contributor"], recipe)
    with pytest.raises(NotFound):
        shown_revision(None, recipe)
    approve_revision(session, recipe.slug, 1, reviewer=people["moderator"])
    recipe = queries.get_recipe(session, recipe.slug)
    assert can_see_recipe(None, recipe) and shown_revision(None, recipe).number == 1


def test_a_pending_title_is_not_the_title_readers_see(session, people, recipe, render):
    editing.save_edit(
        session,
        recipe.slug,
        author=people["contributor"],
        body=BODY,
        title="Titre vandalisé",
        base_revision=1,
        render=render,
        review_policy="new-accounts",
    )
    assert queries.get_recipe(session, recipe.slug).title == "Cartopartie"
    approve_revision(session, recipe.slug, 2, reviewer=people["moderator"])
    assert queries.get_recipe(session, recipe.slug).title == "Titre vandalisé"


def test_a_contributor_becomes_editor_after_enough_approved_edits(session, people, recipe, render):
    author = people["contributor"]
    for n in range(EDITS_TO_BECOME_EDITOR):
        outcome = edit(session, recipe, author, render, BODY + f"ligne {n}\n")
        assert accounts.get_user(session, author.name).role == "contributor"
        approve_revision(session, recipe.slug, outcome.revision.number, reviewer=people["moderator"])
    assert accounts.get_user(session, author.name).role == "editor"
    assert edit(session, recipe, author, render, BODY + "libre\n").revision.status == "approved"


def test_a_pending_revision_left_behind_by_a_revert_never_publishes_a_rejected_change(
    session, people, recipe, render
):
    edit(session, recipe, people["contributor"], render, BODY + "SPAM\n")
    edit(session, recipe, people["other"], render, BODY + "SPAM\nDu thé.\n")
    editing.revert(session, recipe.slug, author=people["moderator"], number=1, render=render)
    assert queries.get_recipe(session, recipe.slug).published_revision.number == 4
    reject_revision(session, recipe.slug, 2, reviewer=people["moderator"], reason="spam", render=render)
    with pytest.raises(Invalid, match="rejected change of revision 2"):
        approve_revision(session, recipe.slug, 3, reviewer=people["moderator"])
    assert not can_see_revision(None, queries.get_revision(session, recipe, 3))


def test_an_edit_awaiting_review_cannot_change_the_tags_readers_see(session, people, recipe, render):
    with pytest.raises(Invalid, match="tags cannot wait"):
        editing.save_edit(
            session,
            recipe.slug,
            author=people["contributor"],
            body=BODY + "x\n",
            base_revision=1,
            render=render,
            tags=["spam"],
            review_policy="new-accounts",
        )
    assert queries.get_recipe(session, recipe.slug).tag_names == []
    assert queries.get_recipe(session, recipe.slug).head_number == 1
