"""Export and import of a whole wiki: byte-identical round trips, across databases, every table covered."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, inspect, select

from recipes.blobs import load_blob
from recipes.community import accounts
from recipes.exchange import import_wiki
from recipes.exchange.plan import (
    CREDENTIAL_TABLES,
    DERIVED_TABLES,
    MIGRATION_TABLES,
    UNUSABLE_PASSWORD,
    export_plan,
)
from recipes.exchange.records import ImportRefused
from recipes.models import AuditEntry, Blob, Change, Recipe, Revision, SearchOutbox, User
from tests.conftest import POSTGRES_SERVER_URL
from tests.unit.exchange_wiki import PASSWORD, Databases, build_wiki, export_text


@pytest.fixture
def databases(db_url, sqlite_template, tmp_path):
    databases = Databases(db_url, sqlite_template, tmp_path)
    yield databases
    databases.close()


@pytest.fixture
def exported(session, render):
    """The export of a wiki with forks, syncs, proposals, several users and regions (with passwords)."""
    build_wiki(session, render)
    return export_text(session, with_passwords=True)


def import_text(session, text, render, with_passwords=False):
    return import_wiki(session, io.StringIO(text), render=render, with_passwords=with_passwords)


def test_export_import_export_is_byte_identical(session, exported, databases, render):
    without_passwords = export_text(session)
    session.close()
    target = databases.session(databases.empty())
    report = import_text(target, exported, render, with_passwords=True)
    assert export_text(target, with_passwords=True) == exported
    assert export_text(target) == without_passwords
    assert report.counts["revisions"] == target.scalar(select(func.count()).select_from(Revision))


def test_the_imported_wiki_works(session, exported, databases, render):
    head_texts = {
        r.slug: load_blob(session, r.head_revision.blob_id).text for r in session.scalars(select(Recipe))
    }
    session.close()
    target = databases.session(databases.empty())
    import_text(target, exported, render, with_passwords=True)
    for recipe in target.scalars(select(Recipe)):
        assert load_blob(target, recipe.head_revision.blob_id).text == head_texts[recipe.slug]
    # New rows get new ids: the id sequences moved past the imported ones.
    accounts.create_user(target, "newcomer", PASSWORD)
    assert accounts.authenticate(target, "zoé", PASSWORD) is not None
    # The search index catches up through the outbox: every recipe waits there.
    queued = set(target.scalars(select(SearchOutbox.recipe_id)))
    assert queued == set(target.scalars(select(Recipe.id)))


def test_texts_are_stored_as_deltas_again(session, exported, databases, render):
    stored = session.scalar(select(func.count()).select_from(Blob).where(Blob.base_id.is_not(None)))
    session.close()
    target = databases.session(databases.empty())
    import_text(target, exported, render)
    again = target.scalar(select(func.count()).select_from(Blob).where(Blob.base_id.is_not(None)))
    assert stored > 0 and again >= stored // 2


def test_a_forged_file_plants_no_credentials(session, render, databases):
    # A file of the sender's choosing says it has passwords: a plain import keeps none of them.
    build_wiki(session, render)
    forged = export_text(session, with_passwords=True)
    assert '"api_tokens"' not in forged  # tokens are never exported, so never imported either
    session.close()
    target = databases.session(databases.empty())
    import_text(target, forged, render)
    assert set(target.scalars(select(User.password_hash))) == {UNUSABLE_PASSWORD}
    assert accounts.authenticate(target, "zoé", PASSWORD) is None
    with_tokens = forged.replace('"tables":{', '"tables":{"api_tokens":1,', 1)
    with pytest.raises(ImportRefused):
        import_text(databases.session(databases.empty()), with_tokens, render, with_passwords=True)


def test_passwords_only_when_asked(session, render, databases):
    build_wiki(session, render)
    text = export_text(session)
    assert '"password_hash"' not in text and '"api_tokens"' not in text
    assert "scrypt" in export_text(session, with_passwords=True)
    session.close()
    target = databases.session(databases.empty())
    import_text(target, text, render)
    assert set(target.scalars(select(User.password_hash))) == {UNUSABLE_PASSWORD}
    assert accounts.authenticate(target, "zoé", PASSWORD) is None


def test_the_file_is_the_documented_format(exported):
    lines = exported.splitlines()
    header = json.loads(lines[0])
    assert header["format"] == "levain-export" and header["version"] == 1
    assert list(header["tables"]) == [plan.name for plan in export_plan(True)]
    assert sum(header["tables"].values()) == len(lines) - 1
    for table in ("images", "blocks", "protections", "changes", "audit_log", "proposal_comments"):
        assert header["tables"][table] > 0, table
    records = [json.loads(line) for line in lines[1:]]
    tables = [record["table"] for record in records]
    assert tables == sorted(tables, key=list(header["tables"]).index)  # table by table
    revision = next(r["row"] for r in records if r["table"] == "revisions" and r["row"]["kind"] == "sync")
    assert revision["upstream_revision_id"] is not None and revision["created_at"].endswith("+00:00")
    blob = next(r["row"] for r in records if r["table"] == "blobs")
    assert set(blob) == {"id", "text"}
    zebra = next(
        r["row"]["id"] for r in records if r["table"] == "recipes" and r["row"]["title"] == "Zèbre et Été"
    )
    tags = [
        r["row"]["tag"] for r in records if r["table"] == "recipe_tags" and r["row"]["recipe_id"] == zebra
    ]
    assert tags == ["a b", "zoo", "zèbre", "éco", "été"]  # by code point, on every database


@pytest.mark.skipif(not POSTGRES_SERVER_URL, reason="needs PostgreSQL")
def test_sqlite_to_postgresql_and_back(db_url, databases, render, request):
    if not db_url.startswith("postgresql"):
        pytest.skip("runs once, with the PostgreSQL database as the target")
    source = databases.session(databases.empty_sqlite())
    build_wiki(source, render)
    exported = export_text(source, with_passwords=True)
    target = databases.session(databases.empty())
    import_text(target, exported, render, with_passwords=True)
    assert export_text(target, with_passwords=True) == exported
    back = databases.session(databases.empty_sqlite())
    import_text(back, export_text(target, with_passwords=True), render, with_passwords=True)
    assert export_text(back, with_passwords=True) == exported


def test_every_table_is_exported_or_derived(session):
    """A table added by a migration must be exported (it is, by default) or listed as derived."""
    exported = {plan.name for plan in export_plan(True)}
    in_database = set(inspect(session.connection()).get_table_names()) - MIGRATION_TABLES
    assert in_database <= exported | DERIVED_TABLES | CREDENTIAL_TABLES
    assert exported.isdisjoint(DERIVED_TABLES) and exported.isdisjoint(CREDENTIAL_TABLES)
    assert {plan.name for plan in export_plan(False)} == exported
    for plan in export_plan(True):
        for fk in plan.table.foreign_keys:  # nothing exported may point at what an import rebuilds
            assert fk.column.table.name not in DERIVED_TABLES, (plan.name, fk.parent.name)


def test_a_column_type_without_codec_stops_the_export():
    from sqlalchemy import ARRAY, Column, Integer, MetaData, Table, Text

    from recipes.exchange.codec import UnsupportedColumn, codec_for

    table = Table("future", MetaData(), Column("id", Integer, primary_key=True), Column("words", ARRAY(Text)))
    assert codec_for(table.c.id).kind == "integer"
    with pytest.raises(UnsupportedColumn, match="future.words"):
        codec_for(table.c.words)


def test_licences_travel_with_the_export(session, databases, render):
    from recipes.history import editing

    author = accounts.create_user(session, "zoé", PASSWORD, role="editor")
    editing.create_recipe(
        session, author=author, title="Grainothèque", body="Des graines.", render=render,
        licence="CC0-1.0", offered_licences=("CC0-1.0",),
    )
    text = export_text(session)
    session.close()
    target = databases.session(databases.empty())
    import_text(target, text, render)
    assert target.scalar(select(Recipe.licence).where(Recipe.slug == "grainotheque")) == "CC0-1.0"


def test_automatic_summaries_travel_as_what_happened(session, exported, databases, render):
    """An automatic summary keeps its kind and values: the imported wiki reads it in each language."""

    def automatic_summaries(db):
        return sorted(
            (row.summary_kind, json.dumps(row.summary_values, sort_keys=True), row.summary)
            for model in (Revision, Change, AuditEntry)
            for row in db.scalars(select(model).where(model.summary_kind.is_not(None)))
        )

    before = automatic_summaries(session)
    assert {"create", "block", "protect"} <= {kind for kind, _, _ in before}
    session.close()
    target = databases.session(databases.empty())
    import_text(target, exported, render, with_passwords=True)
    assert automatic_summaries(target) == before
