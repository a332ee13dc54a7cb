"""The index is derived data: only what readers may see is in it, and it is checked and rebuilt at will."""

from __future__ import annotations

import shutil

import pytest
from alembic import command
from sqlalchemy import delete, select, text, update

from recipes.community import accounts, regions
from recipes.database import begin_write, make_engine, make_session_factory
from recipes.events.recording import record_event
from recipes.history import editing
from recipes.lineage import forks
from recipes.models import Event, Recipe, Region, Revision, SearchOutbox
from recipes.moderation import renaming
from recipes.schema import alembic_config, upgrade_database
from recipes.search import check_index, prepare_index
from recipes.search.outbox import forget, pending_rows
from recipes.search.postgres_backend import WRITER_LOCK_KEY
from recipes.search.whoosh_backend import LOCK_FILE, POINTER_FILE, WhooshIndex
from tests.conftest import PASSWORD, plain_render
from tests.unit import test_search_backends as shared
from tests.unit.test_search_backends import find, slugs

# The fixtures the search test modules share.
search_index, author, add = shared.search_index, shared.author, shared.add


def _hold_back(session, slug: str, status: str) -> None:
    """Make the head of a recipe a revision readers may not see, as moderation does: published stays put."""
    recipe = session.scalar(select(Recipe).where(Recipe.slug == slug))
    begin_write(session)
    head = session.get(Revision, recipe.head_revision_id)
    head.status = status
    recipe.published_revision_id = head.parent_id
    session.add(SearchOutbox(recipe_id=recipe.id))
    session.commit()


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_revisions_readers_may_not_see_are_never_found(session, search_index, author, add, status):
    add("Grainothèque", "Des graines de tomates anciennes.")
    editing.save_edit(session, "grainotheque", author=author, base_revision=1, render=plain_render,
                      title="Grainothèque secrète", body="Des graines de zorglubs mutants.")
    _hold_back(session, "grainotheque", status)
    assert find(session, search_index, "zorglubs").total == 0
    assert find(session, search_index, "secrete").total == 0
    hit = find(session, search_index, "tomates").hits[0]
    assert hit.title == "Grainothèque" and "zorglub" not in hit.snippet
    assert "zorglub" not in (find(session, search_index, "graines").hits[0].snippet)
    assert check_index(session, search_index).clean


def test_a_recipe_without_a_published_revision_is_not_found(session, search_index, add):
    recipe = add("Troc de plantes", "Échanger des boutures.")
    assert find(session, search_index, "boutures").total == 1
    begin_write(session)
    session.execute(update(Recipe).where(Recipe.id == recipe.id).values(published_revision_id=None))
    session.add(SearchOutbox(recipe_id=recipe.id))
    session.commit()
    assert find(session, search_index, "boutures").total == 0
    assert check_index(session, search_index).clean


def test_a_deleted_recipe_is_not_found_and_a_restored_one_is(session, search_index, author, add):
    add("Troc de plantes", "Échanger des boutures.")
    regions.create_region(session, "Brest")
    forks.fork_recipe(session, "troc-de-plantes", author=author, region="brest", render=plain_render)
    moderator = accounts.create_user(session, "mo", PASSWORD, role="moderator")
    assert find(session, search_index, "boutures").total == 1
    renaming.delete_recipe(session, "troc-de-plantes", user=moderator, reason="Doublon")
    results = find(session, search_index, "boutures")
    assert slugs(results) == ["troc-de-plantes-brest"] and results.hits[0].variant_count == 0
    assert check_index(session, search_index).clean
    renaming.restore_recipe(session, "troc-de-plantes", user=moderator)
    assert find(session, search_index, "boutures").hits[0].variant_count == 1
    assert check_index(session, search_index).clean


def test_saving_fills_the_outbox_and_the_writer_empties_it(session, search_index, add):
    add("Disco soupe", "Cuisiner des légumes invendus en musique.")
    assert session.scalar(select(SearchOutbox.id)) is not None
    assert search_index.apply_outbox(session, lock_timeout=1) == 1
    assert session.scalar(select(SearchOutbox.id)) is None
    assert search_index.apply_outbox(session, lock_timeout=1) == 0


def _hold_writer_lock(session, index):
    """Take the index writer's lock as another process would, and return how to release it."""
    if index.name == "postgres":
        other = session.get_bind().connect()
        other.execute(select(text(f"pg_advisory_lock({WRITER_LOCK_KEY})")))
        return lambda: (other.execute(select(text(f"pg_advisory_unlock({WRITER_LOCK_KEY})"))), other.close())
    from whoosh.util.filelock import FileLock

    lock = FileLock(str(index.folder / LOCK_FILE))
    assert lock.acquire()
    return lock.release


def test_a_busy_writer_lock_leaves_the_outbox_for_later(session, search_index, add):
    add("Fresque du climat", "Un atelier en trois heures.")
    search_index.apply_outbox(session, lock_timeout=1)
    add("Vélorution", "Une balade à vélo.")
    release = _hold_writer_lock(session, search_index)
    try:
        assert search_index.apply_outbox(session, lock_timeout=0.1) == 0
        assert session.scalar(select(SearchOutbox.id)) is not None
        assert find(session, search_index, "balade").total == 0, "the search answered without waiting"
    finally:
        release()
    assert find(session, search_index, "balade").total == 1


def test_check_reports_drift_and_rebuild_repairs_it(session, search_index, add):
    for title in ("Gratiferia", "Bourse aux vélos", "Café tricot"):
        add(title, f"Tout sur {title}.")
    search_index.apply_outbox(session, lock_timeout=1)
    assert check_index(session, search_index).clean
    begin_write(session)
    # Changes made behind the outbox's back: a renamed region, a recipe no longer published.
    region = Region(slug="lorient", name="Lorient")
    session.add(region)
    session.flush()
    session.execute(update(Recipe).where(Recipe.slug == "gratiferia").values(region_id=region.id))
    session.execute(update(Recipe).where(Recipe.slug == "cafe-tricot").values(published_revision_id=None))
    session.commit()
    report = check_index(session, search_index)
    assert not report.clean
    assert (report.stale, report.extra) == (["gratiferia"], ["cafe-tricot"])
    assert any(line.startswith("stale: 1 (gratiferia)") for line in report.lines())
    assert search_index.rebuild(session) == 2
    assert check_index(session, search_index).clean
    assert slugs(find(session, search_index, "gratiferia", region="lorient")) == ["gratiferia"]


def test_check_notices_an_account_of_an_event_changed_behind_the_outboxs_back(
    session, search_index, author, add
):
    add("Gratiferia", "Un marché gratuit.")
    add("Café tricot", "Tricoter ensemble.")
    event = record_event(
        session,
        "gratiferia",
        {"starts_at": "2026-05-14", "place": "Brest", "report": "Prévoir des rallonges."},
        author=author,
        render=plain_render,
    )
    search_index.apply_outbox(session, lock_timeout=1)
    assert check_index(session, search_index).clean
    assert slugs(find(session, search_index, "rallonges")) == ["gratiferia"]

    begin_write(session)
    session.execute(update(Event).where(Event.id == event.id).values(report_html="<p>Des tabourets.</p>"))
    session.commit()
    assert check_index(session, search_index).stale == ["gratiferia"]
    assert search_index.rebuild(session) == 2
    assert check_index(session, search_index).clean
    assert slugs(find(session, search_index, "tabourets")) == ["gratiferia"]
    begin_write(session)
    session.execute(delete(Event).where(Event.id == event.id))
    session.commit()
    assert check_index(session, search_index).stale == ["gratiferia"]


def test_rebuild_reports_progress(session, search_index, add):
    for number in range(5):
        add(f"Recette {number}", "Texte.")
    steps = []
    assert search_index.rebuild(session, progress=steps.append) == 5
    assert sum(steps) == 5
    assert session.scalar(select(SearchOutbox.id)) is None


def test_prepare_builds_an_index_never_built(session, search_index, add):
    for title in ("Gratiferia", "Café tricot"):
        add(title, f"Tout sur {title}.")
    # As after an import, or a change of backend: the outbox was emptied by another index.
    begin_write(session)
    forget(session, [row_id for row_id, _recipe in pending_rows(session)])
    session.commit()
    assert prepare_index(session, search_index) == 2
    assert check_index(session, search_index).clean
    assert find(session, search_index, "tricot").total == 1


def test_prepare_applies_the_outbox_to_a_built_index(session, search_index, add):
    add("Gratiferia", "Tout est gratuit.")
    assert prepare_index(session, search_index) == 1
    add("Café tricot", "Des pelotes de laine.")
    assert prepare_index(session, search_index) == 2
    assert session.scalar(select(SearchOutbox.id)) is None
    assert check_index(session, search_index).clean


def test_prepare_an_empty_wiki(session, search_index):
    assert prepare_index(session, search_index) == 0
    assert check_index(session, search_index).clean


# Whoosh's own files: each test below runs on both databases.


@pytest.fixture
def whoosh_index(tmp_path) -> WhooshIndex:
    return WhooshIndex(tmp_path / "search")


def test_a_deleted_index_folder_is_rebuilt(session, whoosh_index, add):
    add("Atelier vélo", "Réparer son vélo soi-même.")
    assert find(session, whoosh_index, "velo").total == 1
    shutil.rmtree(whoosh_index.folder)
    assert find(session, whoosh_index, "velo").total == 1
    assert check_index(session, whoosh_index).clean


@pytest.mark.parametrize("damage", ["pointer", "toc", "segments"])
def test_a_damaged_index_is_rebuilt(session, whoosh_index, add, damage):
    add("Atelier vélo", "Réparer son vélo soi-même.")
    assert find(session, whoosh_index, "velo").total == 1
    folder = whoosh_index.folder / (whoosh_index.folder / POINTER_FILE).read_text()
    whoosh_index._opened = None  # as a process starting after the damage
    if damage == "pointer":
        (whoosh_index.folder / POINTER_FILE).write_text("../../etc")
    for path in folder.iterdir():
        if (damage == "toc" and path.suffix == ".toc") or (damage == "segments" and path.suffix != ".toc"):
            path.write_bytes(b"\x00garbage")
    assert find(session, whoosh_index, "velo").total == 1
    assert check_index(session, whoosh_index).clean


def test_rebuild_swaps_in_a_new_folder_and_keeps_the_previous_one(session, whoosh_index, add):
    add("Atelier vélo", "Réparer son vélo soi-même.")
    names = []
    for _ in range(3):
        whoosh_index.rebuild(session)
        names.append((whoosh_index.folder / POINTER_FILE).read_text())
    assert len(set(names)) == 3
    assert sorted(path.name for path in whoosh_index.folder.glob("index-*")) == sorted(names[1:])
    assert find(session, whoosh_index, "velo").total == 1


def test_a_save_during_a_rebuild_is_not_lost(session, whoosh_index, author, add):
    add("Atelier vélo", "Réparer son vélo soi-même.")
    other_session = make_session_factory(session.get_bind())()
    saved = []

    def save_meanwhile(_step):
        # Another process saves while the rebuild reads: its outbox row is applied after the swap.
        if not saved:
            saved.append(editing.create_recipe(other_session, author=other_session.merge(author),
                                               title="Bricolage", body="Des outils.", render=plain_render))

    try:
        whoosh_index.rebuild(session, progress=save_meanwhile)
    finally:
        other_session.close()
    assert session.scalar(select(SearchOutbox.id)) is None
    assert find(session, whoosh_index, "outils").total == 1
    assert check_index(session, whoosh_index).clean


def test_a_failed_index_commit_releases_the_lock_and_loses_nothing(session, whoosh_index, add, monkeypatch):
    from whoosh.writing import SegmentWriter

    add("Atelier vélo", "Réparer son vélo soi-même.")
    assert find(session, whoosh_index, "velo").total == 1
    real_commit, failures = SegmentWriter.commit, []

    def commit_failing_once(writer, *args, **kwargs):
        if not failures:
            failures.append(writer)
            raise AssertionError("a segment file of that name already exists")
        return real_commit(writer, *args, **kwargs)

    monkeypatch.setattr(SegmentWriter, "commit", commit_failing_once)
    add("Repair café", "Réparer ensemble grille-pain et vélos.")
    # The search that first meets the failure answers from the index as it was...
    assert find(session, whoosh_index, "grille-pain").total == 0
    assert failures and pending_rows(session)
    # ...and the next one, with Whoosh's write lock released, finds the save the outbox kept.
    assert find(session, whoosh_index, "grille-pain").total == 1
    assert check_index(session, whoosh_index).clean


def test_upgrading_to_facet_sets_gives_the_indexed_recipes_theirs(db_url, session, search_index, add):
    """Documents indexed before search_facet_sets existed are numbered by the migration that adds it."""
    add("Disco soupe", "Une soupe de légumes invendus.", tags=["cuisine", "musique"])
    add("Soupe au potiron", "Une soupe d'automne.", tags=["cuisine"])
    session.close()
    engine = make_engine(db_url)
    try:
        command.downgrade(alembic_config(engine), "0006")
        upgrade_database(engine)
    finally:
        upgrade_database(engine)
        engine.dispose()
    results = find(session, search_index, "soupe")
    assert results.total == 2
    assert results.facets["tag"] == {"cuisine": 2, "musique": 1}


def test_an_index_made_without_the_licence_field_is_rebuilt(session, whoosh_index, add):
    """An index written by a Levain before licences lacks a field every document now has: it is made anew."""
    from whoosh import index as whoosh_index_files

    from recipes.search.whoosh_schema import LICENCE, SCHEMA

    add("Atelier vélo", "Réparer son vélo soi-même.", licence="CC0-1.0", offered_licences=("CC0-1.0",))
    assert find(session, whoosh_index, "velo").total == 1
    folder = whoosh_index.folder / (whoosh_index.folder / POINTER_FILE).read_text()
    shutil.rmtree(folder)
    folder.mkdir()
    older = SCHEMA.copy()
    older.remove(LICENCE)
    whoosh_index_files.create_in(str(folder), older)
    whoosh_index._opened = None  # as a process starting after the upgrade
    assert find(session, whoosh_index, "velo").facets["licence"] == {"CC0-1.0": 1}
    assert check_index(session, whoosh_index).clean


def test_upgrading_to_licences_gives_the_indexed_recipes_the_default(db_url, session, search_index, add):
    """Documents indexed before recipes had a licence get the default one, and count for it at once."""
    add("Disco soupe", "Une soupe de légumes invendus.", tags=["cuisine"])
    session.close()
    engine = make_engine(db_url)
    try:
        command.downgrade(alembic_config(engine), "0011")
        upgrade_database(engine, default_licence="CC-BY-4.0")
    finally:
        upgrade_database(engine)
        engine.dispose()
    assert session.scalar(select(Recipe.licence)) == "CC-BY-4.0"
    results = find(session, search_index, "soupe")
    assert results.facets["tag"] == {"cuisine": 1}
    if search_index.name == "postgres":  # Whoosh finds the old index's documents stale and is rebuilt
        assert results.facets["licence"] == {"CC-BY-4.0": 1}
