"""A save from an old base revision is merged three-way with what was saved since, or refused.

base: the revision the editor started from; ours: the editor's text; theirs: the head saved since.
"""

import pytest

from recipes import queries
from recipes.blobs import load_blob
from recipes.community import accounts
from recipes.errors import EditConflict, Invalid
from recipes.history import editing
from recipes.history.merge import Conflict
from recipes.models import Revision

PARAGRAPHS = "Louer une salle.\n\nApporter des clés USB.\n\nCopier des logiciels libres.\n"


@pytest.fixture
def author(session):
    return accounts.create_user(session, "camille", "password123", role="editor")


def create(session, author, render, body, title="Copy party"):
    return editing.create_recipe(session, author=author, title=title, body=body, render=render).recipe


def save(session, author, render, body, base, slug="copy-party", **kwargs):
    return editing.save_edit(
        session, slug, author=author, body=body, base_revision=base, render=render, **kwargs
    )


def head_text(session, slug="copy-party"):
    recipe = queries.get_recipe(session, slug)
    return load_blob(session, recipe.head_revision.blob_id).text


def two_edits(session, author, render, base, theirs, ours, **kwargs):
    """Save ``theirs`` on revision 1 of a recipe whose text is ``base``, then ``ours`` also on revision 1."""
    create(session, author, render, base)
    save(session, author, render, theirs, 1)
    return save(session, author, render, ours, 1, **kwargs)


def refused(session, author, render, base, theirs, ours) -> EditConflict:
    """The conflict a stale save gets; checks that nothing was written and their text is the head."""
    with pytest.raises(EditConflict) as raised:
        two_edits(session, author, render, base, theirs, ours)
    assert session.query(Revision).count() == 2
    assert head_text(session) == theirs
    assert raised.value.head_revision == 2
    assert raised.value.details["current_text"] == theirs
    return raised.value


def test_disjoint_edits_are_merged_on_top_of_the_head(session, author, render):
    theirs = PARAGRAPHS.replace("une salle", "une grande salle")
    ours = PARAGRAPHS.replace("logiciels libres", "distributions libres")
    outcome = two_edits(session, author, render, PARAGRAPHS, theirs, ours, summary="Distributions")
    assert (outcome.merged, outcome.changed, outcome.revision.number) == (True, True, 3)
    assert head_text(session) == theirs.replace("logiciels libres", "distributions libres")
    assert (outcome.revision.kind, outcome.revision.summary) == ("edit", "Distributions")
    assert outcome.revision.parent_id == queries.get_revision(session, outcome.recipe, 2).id


def test_a_save_on_the_head_is_not_merged(session, author, render):
    create(session, author, render, PARAGRAPHS)
    outcome = save(session, author, render, PARAGRAPHS + "Fin.\n", 1)
    assert (outcome.merged, outcome.changed) == (False, True)


def test_overlapping_edits_conflict_and_leave_the_text_unchanged(session, author, render):
    theirs = PARAGRAPHS.replace("des clés USB", "des disques durs")
    ours = PARAGRAPHS.replace("des clés USB", "des DVD")
    conflict = refused(session, author, render, PARAGRAPHS, theirs, ours)
    assert conflict.conflicts == [
        Conflict("Apporter des clés USB.\n", "Apporter des DVD.\n", "Apporter des disques durs.\n")
    ]


def test_the_oven_case_conflicts_instead_of_inventing_a_temperature(session, author, render):
    conflict = refused(
        session,
        author,
        render,
        "Preheat oven to 180C.\n",
        "Preheat oven to 190C.\n",
        "Preheat oven to 200C.\n",
    )
    assert conflict.conflicts == [
        Conflict("Preheat oven to 180C.\n", "Preheat oven to 200C.\n", "Preheat oven to 190C.\n")
    ]


def test_repeated_identical_lines_keep_each_edit_in_its_place(session, author, render):
    base = "Mélanger.\nMélanger.\nMélanger.\n"
    outcome = two_edits(session, author, render, base, "Remuer.\nMélanger.\nMélanger.\n", base + "Servir.\n")
    assert outcome.merged
    assert head_text(session) == "Remuer.\nMélanger.\nMélanger.\nServir.\n"


def test_edits_at_the_very_start_and_the_very_end_merge(session, author, render):
    outcome = two_edits(
        session, author, render, PARAGRAPHS, "# Titre\n\n" + PARAGRAPHS, PARAGRAPHS + "\nFin."
    )
    assert outcome.merged
    assert head_text(session) == "# Titre\n\n" + PARAGRAPHS + "\nFin."


def test_a_deleted_paragraph_that_the_other_side_edited_is_a_conflict(session, author, render):
    theirs = PARAGRAPHS.replace("Apporter des clés USB.\n\n", "")
    ours = PARAGRAPHS.replace("des clés USB", "des clés USB vides")
    conflict = refused(session, author, render, PARAGRAPHS, theirs, ours)
    [only] = conflict.conflicts
    assert "Apporter des clés USB vides." in only.ours
    assert "Apporter" not in only.theirs
    assert "Apporter des clés USB." in only.base


def test_crlf_from_a_browser_merges_with_lf_text(session, author, render):
    theirs = PARAGRAPHS.replace("une salle", "une grande salle")
    ours = PARAGRAPHS.replace("logiciels libres", "distributions libres").replace("\n", "\r\n")
    outcome = two_edits(session, author, render, PARAGRAPHS, theirs, ours)
    assert outcome.merged
    assert head_text(session) == theirs.replace("logiciels libres", "distributions libres")


def test_a_stale_save_of_the_base_text_in_crlf_changes_nothing(session, author, render):
    theirs = PARAGRAPHS.replace("une salle", "une grande salle")
    outcome = two_edits(session, author, render, PARAGRAPHS, theirs, PARAGRAPHS.replace("\n", "\r\n"))
    assert (outcome.merged, outcome.changed, outcome.revision.number) == (True, False, 2)
    assert head_text(session) == theirs


def test_the_same_change_on_both_sides_is_taken_once(session, author, render):
    same = PARAGRAPHS.replace("une salle", "une grande salle")
    outcome = two_edits(session, author, render, PARAGRAPHS, same, same)
    assert (outcome.merged, outcome.changed) == (True, False)
    assert session.query(Revision).count() == 2


def test_two_texts_written_on_an_empty_recipe_conflict(session, author, render):
    conflict = refused(session, author, render, "", "Une salle.\n", "Des clés.\n")
    assert conflict.conflicts == [Conflict("", "Des clés.\n", "Une salle.\n")]


def test_an_empty_stale_save_on_an_emptied_recipe_changes_nothing(session, author, render):
    outcome = two_edits(session, author, render, "Une salle.\n", "", "Une salle.\n")
    assert (outcome.merged, outcome.changed) == (True, False)
    assert head_text(session) == ""


def test_a_title_left_as_it_was_does_not_undo_a_newer_title(session, author, render):
    create(session, author, render, PARAGRAPHS)
    save(session, author, render, PARAGRAPHS, 1, title="Copy party géante")
    outcome = save(session, author, render, PARAGRAPHS + "Fin.\n", 1, title="Copy party")
    assert outcome.merged
    assert outcome.revision.title == "Copy party géante"


def test_a_new_title_from_a_stale_base_is_saved(session, author, render):
    create(session, author, render, PARAGRAPHS)
    save(session, author, render, PARAGRAPHS + "Fin.\n", 1)
    outcome = save(session, author, render, PARAGRAPHS, 1, title="Install party")
    assert (outcome.merged, outcome.revision.title) == (True, "Install party")
    assert head_text(session) == PARAGRAPHS + "Fin.\n"


def test_a_conflict_keeps_the_users_text_out_of_the_database_but_returns_everything(session, author, render):
    theirs = PARAGRAPHS.replace("une salle", "un garage")
    conflict = refused(session, author, render, PARAGRAPHS, theirs, PARAGRAPHS.replace("une salle", "un bar"))
    assert conflict.code == "edit_conflict"
    assert conflict.conflicts[0].ours == "Louer un bar.\n"


def test_upstream_revision_on_a_recipe_that_is_no_fork_is_invalid(session, author, render):
    create(session, author, render, PARAGRAPHS)
    with pytest.raises(Invalid):
        save(session, author, render, PARAGRAPHS + "x\n", 1, upstream_revision=1)
    assert session.query(Revision).count() == 1
