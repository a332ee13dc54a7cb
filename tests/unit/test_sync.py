"""Sync from upstream: a fork takes in its parent's changes, merged three-way, and records it."""

import pytest

from recipes import queries
from recipes.blobs import load_blob
from recipes.community import accounts, regions
from recipes.errors import EditConflict, Invalid, MergeConflict, Unauthorized
from recipes.history import editing
from recipes.history.merge import Conflict
from recipes.lineage import forks, sync
from recipes.lineage import tree as lineage
from recipes.models import Revision
from recipes.moderation import review

TEXT = "Louer une salle.\n\nApporter des clés USB.\n\nCopier des logiciels libres.\n"


@pytest.fixture
def author(session, render):
    regions.create_region(session, "Brest")
    user = accounts.create_user(session, "lea", "password123", role="contributor")
    editing.create_recipe(session, author=user, title="Copy party", body=TEXT, render=render)
    forks.fork_recipe(session, "copy-party", author=user, region="brest", render=render)
    return user


def edit(session, author, render, slug, old, new, **kwargs):
    recipe = queries.get_recipe(session, slug)
    body = load_blob(session, recipe.head_revision.blob_id).text.replace(old, new)
    return editing.save_edit(
        session, slug, author=author, body=body, base_revision=recipe.head_number, render=render, **kwargs
    )


def text_of(session, slug):
    return load_blob(session, queries.get_recipe(session, slug).head_revision.blob_id).text


def do_sync(session, author, render, base=None, **kwargs):
    base = base or queries.get_recipe(session, "copy-party-brest").head_number
    return sync.sync(session, "copy-party-brest", author=author, base_revision=base, render=render, **kwargs)


def test_preview_lists_the_upstream_changes_and_merges_without_saving(session, author, render):
    edit(session, author, render, "copy-party", "une salle", "une grande salle", summary="Plus grand")
    edit(session, author, render, "copy-party", "clés USB", "clés USB vierges", summary="Vierges")
    edit(session, author, render, "copy-party-brest", "logiciels libres", "distributions libres")
    preview = sync.preview_sync(session, "copy-party-brest")
    assert (preview.pending, preview.status.behind, preview.status.ahead) == (2, 2, 1)
    assert [(r.number, r.summary) for r in preview.changes] == [(3, "Vierges"), (2, "Plus grand")]
    assert preview.merge.clean
    assert (
        preview.merge.text == "Louer une grande salle.\n\nApporter des clés USB vierges.\n\n"
        "Copier des distributions libres.\n"
    )
    assert session.query(Revision).count() == 5


def test_a_clean_sync_saves_the_merge_and_records_the_upstream_revision(session, author, render):
    edit(session, author, render, "copy-party", "une salle", "une grande salle")
    edit(session, author, render, "copy-party-brest", "logiciels libres", "distributions libres")
    outcome = do_sync(session, author, render)
    assert (outcome.merged, outcome.changed, outcome.revision.kind, outcome.revision.number) == (
        True,
        True,
        "sync",
        3,
    )
    parent_head = queries.get_recipe(session, "copy-party").head_revision
    assert outcome.revision.upstream_revision_id == parent_head.id
    assert outcome.revision.summary == "Sync with Copy party, revision 2"
    assert outcome.revision.summary_kind == "sync"
    assert text_of(session, "copy-party-brest") == TEXT.replace("une salle", "une grande salle").replace(
        "logiciels libres", "distributions libres"
    )
    status = lineage.upstream_status(session, "copy-party-brest")
    assert (status.base.number, status.behind, status.ahead) == (2, 0, 0)
    assert do_sync(session, author, render).changed is False


def test_a_sync_with_nothing_upstream_changes_nothing(session, author, render):
    outcome = do_sync(session, author, render)
    assert (outcome.changed, outcome.revision.number) == (False, 1)


def test_a_conflicting_sync_saves_nothing_and_lists_the_conflicts(session, author, render):
    edit(session, author, render, "copy-party", "des clés USB", "des disques durs")
    edit(session, author, render, "copy-party-brest", "des clés USB", "des DVD")
    with pytest.raises(MergeConflict) as raised:
        do_sync(session, author, render)
    assert raised.value.details["conflicts"] == [
        Conflict("Apporter des clés USB.\n", "Apporter des DVD.\n", "Apporter des disques durs.\n")
    ]
    assert raised.value.details["upstream_revision"] == 2
    assert queries.get_recipe(session, "copy-party-brest").head_number == 2
    assert lineage.upstream_status(session, "copy-party-brest").behind == 1


def test_a_person_resolves_each_conflict_and_nothing_else_is_lost(session, author, render):
    edit(session, author, render, "copy-party", "une salle", "une grande salle")
    edit(session, author, render, "copy-party", "des clés USB", "des disques durs")
    edit(session, author, render, "copy-party-brest", "des clés USB", "des DVD")
    outcome = do_sync(session, author, render, resolutions=["Apporter des DVD et des disques durs."])
    assert text_of(session, "copy-party-brest") == (
        "Louer une grande salle.\n\nApporter des DVD et des disques durs.\n\nCopier des logiciels libres.\n"
    )
    assert outcome.revision.upstream_revision_id == queries.get_recipe(session, "copy-party").head_revision_id


def test_keeping_our_side_everywhere_still_records_the_sync(session, author, render):
    edit(session, author, render, "copy-party", "des clés USB", "des disques durs")
    edit(session, author, render, "copy-party-brest", "des clés USB", "des DVD")
    before = text_of(session, "copy-party-brest")
    outcome = do_sync(session, author, render, resolutions=["Apporter des DVD.\n"])
    assert outcome.changed
    assert outcome.revision.blob_id == queries.get_revision(session, outcome.recipe, 2).blob_id
    assert text_of(session, "copy-party-brest") == before
    assert lineage.upstream_status(session, "copy-party-brest").behind == 0


@pytest.mark.parametrize("resolutions", [[], ["a", "b"], "a", [3], ({"text": "a"},)])
def test_resolutions_must_match_the_conflicts(session, author, render, resolutions):
    edit(session, author, render, "copy-party", "des clés USB", "des disques durs")
    edit(session, author, render, "copy-party-brest", "des clés USB", "des DVD")
    with pytest.raises(Invalid):
        do_sync(session, author, render, resolutions=resolutions)
    assert session.query(Revision).count() == 4


def test_a_sync_may_stop_at_an_older_upstream_revision(session, author, render):
    edit(session, author, render, "copy-party", "une salle", "une grande salle")
    edit(session, author, render, "copy-party", "clés USB", "clés USB vierges")
    do_sync(session, author, render, upstream_revision=2)
    assert text_of(session, "copy-party-brest") == TEXT.replace("une salle", "une grande salle")
    status = lineage.upstream_status(session, "copy-party-brest")
    assert (status.base.number, status.behind) == (2, 1)


def test_behind_counts_only_the_upstream_revisions_a_sync_takes_in(session, author, render):
    edit(session, author, render, "copy-party", "une salle", "une grande salle")
    edit(session, author, render, "copy-party", "clés USB", "clés USB vierges", review_policy="new-accounts")
    status = lineage.upstream_status(session, "copy-party-brest")
    assert (status.upstream_head.number, status.behind) == (2, 1)
    assert lineage.lineage(session, "copy-party").descendants[0].behind == 1
    do_sync(session, author, render)
    status = lineage.upstream_status(session, "copy-party-brest")
    assert (status.base.number, status.behind) == (2, 0)
    moderator = accounts.create_user(session, "noe", "password123", role="moderator")
    review.approve_revision(session, "copy-party", 3, reviewer=moderator)
    assert lineage.upstream_status(session, "copy-party-brest").behind == 1


@pytest.mark.parametrize("upstream", [0, "abc", 9, 2**40])
def test_an_upstream_revision_out_of_range_is_invalid(session, author, render, upstream):
    edit(session, author, render, "copy-party", "une salle", "une grande salle")
    with pytest.raises(Invalid):
        do_sync(session, author, render, upstream_revision=upstream)


def test_a_stale_base_revision_is_a_conflict_and_a_future_one_is_invalid(session, author, render):
    edit(session, author, render, "copy-party", "une salle", "une grande salle")
    edit(session, author, render, "copy-party-brest", "logiciels", "logiciels et jeux")
    with pytest.raises(EditConflict) as raised:
        do_sync(session, author, render, base=1)
    assert raised.value.head_revision == 2
    with pytest.raises(Invalid):
        do_sync(session, author, render, base=3)
    assert session.query(Revision).count() == 4


def test_only_forks_sync_and_only_people_with_an_account(session, author, render):
    with pytest.raises(Invalid):
        sync.sync(session, "copy-party", author=author, base_revision=1, render=render)
    with pytest.raises(Unauthorized):
        do_sync(session, None, render)


def test_a_save_with_upstream_revision_records_a_sync_resolved_by_hand(session, author, render):
    edit(session, author, render, "copy-party", "des clés USB", "des disques durs")
    edit(session, author, render, "copy-party-brest", "des clés USB", "des DVD")
    outcome = edit(session, author, render, "copy-party-brest", "x", "x", upstream_revision=2)
    assert (outcome.changed, outcome.revision.kind, outcome.revision.number) == (True, "sync", 3)
    assert lineage.upstream_status(session, "copy-party-brest").behind == 0
    with pytest.raises(Invalid):
        edit(session, author, render, "copy-party-brest", "DVD", "CD", upstream_revision=1)
    with pytest.raises(Invalid):
        edit(session, author, render, "copy-party-brest", "DVD", "CD", upstream_revision=3)
