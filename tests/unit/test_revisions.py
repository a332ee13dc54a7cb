"""Recipes keep every save: append-only revisions, a head moved by compare-and-set, revert."""

import threading

import pytest

from recipes import queries
from recipes.blobs import load_blob
from recipes.community import accounts
from recipes.errors import EditConflict, Invalid, NotFound, TooLarge, Unauthorized
from recipes.history import editing
from recipes.models import Revision
from recipes.validation import MAX_BODY_LENGTH


@pytest.fixture
def author(session):
    return accounts.create_user(session, "camille", "password123", role="editor")


@pytest.fixture
def recipe(session, author, render):
    outcome = editing.create_recipe(
        session, author=author, title="Cartopartie à Plouarzel", body="Une carte.\n", render=render,
        tags=["Carte", "OSM", "carte"], language="fr",
    )
    return outcome.recipe


def save(session, recipe, author, render, body, base, **kwargs):
    return editing.save_edit(
        session, recipe.slug, author=author, body=body, base_revision=base, render=render, **kwargs
    )


def test_a_new_recipe_has_a_slug_from_its_title_and_a_first_revision(recipe, session):
    assert recipe.slug == "cartopartie-a-plouarzel"
    assert recipe.head_number == 1
    assert recipe.tag_names == ["carte", "osm"]
    first = queries.get_revision(session, recipe, 1)
    assert (first.kind, first.size, first.size_delta, first.parent_id) == ("create", 11, 11, None)


def test_slugs_stay_unique(session, author, render, recipe):
    again = editing.create_recipe(
        session, author=author, title="Cartopartie a Plouarzel", body="x", render=render
    )
    assert again.recipe.slug == "cartopartie-a-plouarzel-2"


def test_each_save_appends_a_revision_on_top_of_the_previous_head(session, recipe, author, render):
    second = save(session, recipe, author, render, "Une carte.\nDes crayons.\n", 1, summary="Matériel")
    third = save(session, recipe, author, render, "Une carte.\nDes crayons.\nDu café.\n", 2)
    assert [second.revision.number, third.revision.number] == [2, 3]
    assert third.revision.parent_id == second.revision.id
    assert second.revision.summary == "Matériel"
    assert third.revision.size_delta == len("Du café.\n")
    assert queries.get_recipe(session, recipe.slug).head_number == 3
    assert load_blob(session, queries.get_revision(session, recipe, 1).blob_id).text == "Une carte.\n"


def test_an_unchanged_save_makes_no_revision(session, recipe, author, render):
    outcome = save(session, recipe, author, render, "Une carte.\r\n", 1)
    assert outcome.changed is False
    assert session.query(Revision).count() == 1


def test_a_stale_save_that_overlaps_is_refused_and_nothing_is_written(session, recipe, author, render):
    save(session, recipe, author, render, "Une grande carte.\n", 1)
    with pytest.raises(EditConflict) as conflict:
        save(session, recipe, author, render, "Une petite carte.\n", 1)
    assert conflict.value.head_revision == 2
    assert session.query(Revision).count() == 2


def test_a_base_revision_from_the_future_is_invalid(session, recipe, author, render):
    with pytest.raises(Invalid):
        save(session, recipe, author, render, "x", 7)


def test_revert_makes_a_new_revision_with_the_old_text_and_reuses_its_blob(session, recipe, author, render):
    save(session, recipe, author, render, "Vandalisme", 1, title="Nouveau titre")
    outcome = editing.revert(session, recipe.slug, author=author, number=1, render=render)
    first = queries.get_revision(session, recipe, 1)
    assert outcome.revision.number == 3
    assert outcome.revision.blob_id == first.blob_id
    assert outcome.revision.title == "Cartopartie à Plouarzel"
    assert outcome.revision.kind == "revert"
    assert session.query(Revision).count() == 3


def test_reverting_to_the_current_text_changes_nothing(session, recipe, author, render):
    assert editing.revert(session, recipe.slug, author=author, number=1, render=render).changed is False


def test_history_is_newest_first_and_paged_by_keyset(session, recipe, author, render):
    for n in range(2, 8):
        save(session, recipe, author, render, f"Version {n}\n", n - 1)
    first_page = queries.history(session, recipe, limit=3)
    assert [r.number for r in first_page.items] == [7, 6, 5]
    second_page = queries.history(session, recipe, limit=3, before=first_page.next)
    assert [r.number for r in second_page.items] == [4, 3, 2]
    last_page = queries.history(session, recipe, limit=3, before=second_page.next)
    assert ([r.number for r in last_page.items], last_page.next) == ([1], None)


def test_unknown_recipes_and_revisions_are_not_found(session, recipe):
    with pytest.raises(NotFound):
        queries.get_recipe(session, "nulle-part")
    with pytest.raises(NotFound):
        queries.get_revision(session, recipe, 99)


@pytest.mark.parametrize(
    "title, body, error",
    [
        ("", "x", Invalid),
        ("   ", "x", Invalid),
        ("!!!", "x", Invalid),
        ("t" * 201, "x", Invalid),
        (5, "x", Invalid),
        ("Titre", None, Invalid),
        ("Titre", "x" * (MAX_BODY_LENGTH + 1), TooLarge),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(session, author, render, title, body, error):
    with pytest.raises(error):
        editing.create_recipe(session, author=author, title=title, body=body, render=render)


def test_an_anonymous_reader_cannot_save(session, render):
    with pytest.raises(Unauthorized):
        editing.create_recipe(session, author=None, title="Titre", body="x", render=render)


def run_at_once(db_url, editors: int, edit) -> list[str]:
    """Run ``edit(session, n)`` for n in range(editors), each in a thread of its own started together.

    Returns "saved" or "conflict" for each editor, in the order they finished.
    """
    from recipes.database import make_engine, make_session_factory

    engine = make_engine(db_url)
    sessions = make_session_factory(engine)
    results, start = [], threading.Barrier(editors)

    def editor(n: int) -> None:
        with sessions() as own:
            start.wait()
            try:
                edit(own, n)
                results.append("saved")
            except EditConflict:
                results.append("conflict")

    threads = [threading.Thread(target=editor, args=(n,)) for n in range(editors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    return results


def test_concurrent_saves_on_one_base_never_both_win(db_url, recipe, author, render):
    """Two editors save from the same base at once: one wins, the other gets a conflict."""

    def edit(own, n):
        save(own, recipe, accounts.get_user(own, "camille"), render, f"Texte de l'éditeur {n}\n", 1)

    assert sorted(run_at_once(db_url, 4, edit)) == ["conflict"] * 3 + ["saved"]


def test_concurrent_saves_that_do_not_overlap_are_all_merged(db_url, session, recipe, author, render):
    """Many editors save different lines from the same stale base at once: every edit is kept."""
    editors = 10
    lines = [f"Étape {n}.\n\n" for n in range(editors)]
    save(session, recipe, author, render, "Intro.\n\n" + "".join(lines), 1)
    save(session, recipe, author, render, "Introduction.\n\n" + "".join(lines), 2)

    def edit(own, n):
        ours = "".join(line.replace(".", " faite.") if i == n else line for i, line in enumerate(lines))
        save(own, recipe, accounts.get_user(own, "camille"), render, "Intro.\n\n" + ours, 2)

    assert run_at_once(db_url, editors, edit) == ["saved"] * editors
    session.expire_all()  # the saves were made by other sessions
    recipe = queries.get_recipe(session, recipe.slug)
    assert recipe.head_number == 3 + editors
    text = load_blob(session, recipe.head_revision.blob_id).text
    assert text == "Introduction.\n\n" + "".join(line.replace(".", " faite.") for line in lines)
