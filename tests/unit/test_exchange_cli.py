"""``levain export``, ``import`` and ``backup`` through Flask's CLI runner, on both databases."""

from __future__ import annotations

import sqlite3

import pytest

from tests.conftest import close_app, plain_render
from tests.unit.exchange_wiki import Databases, build_wiki


@pytest.fixture
def databases(db_url, sqlite_template, tmp_path):
    databases = Databases(db_url, sqlite_template, tmp_path)
    yield databases
    databases.close()


def make_app(url, instance):
    from wiki import create_app

    return create_app(
        {"TESTING": True, "DATABASE_URL": url, "INSTANCE_PATH": str(instance), "SECRET_KEY": "test-secret"}
    )


@pytest.fixture
def wiki_app(app):
    with app.extensions["levain.sessions"]() as session:
        build_wiki(session, plain_render)
    return app


def invoke(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_export_then_import_into_a_new_instance(wiki_app, databases, tmp_path):
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    exported = invoke(wiki_app, "export", str(first))
    assert exported.exit_code == 0, exported.output
    assert "records" in exported.output
    close_app(wiki_app)
    target = make_app(databases.empty(), tmp_path / "target")
    try:
        imported = invoke(target, "import", str(first))
        assert imported.exit_code == 0, imported.output
        assert "Indexed 10 recipes" in imported.output
        assert invoke(target, "search", "check").exit_code == 0
        assert invoke(target, "export", str(second)).exit_code == 0
        assert second.read_bytes() == first.read_bytes()
        again = invoke(target, "import", str(first))
        assert again.exit_code == 1 and "not empty" in again.output
    finally:
        close_app(target)


def test_export_to_standard_output(wiki_app):
    result = invoke(wiki_app, "export", "-")
    assert result.exit_code == 0
    assert result.stdout.startswith('{"format":"levain-export","version":1,')


def test_a_spoiled_file_is_refused_with_its_line(app, tmp_path):
    spoiled = tmp_path / "spoiled.jsonl"
    spoiled.write_text('{"format": "levain-export", "version": 7}\n', encoding="utf-8")
    result = invoke(app, "import", str(spoiled))
    assert result.exit_code == 1
    assert "Error: line 1: format version 7" in result.output


def test_a_failed_export_leaves_no_file(wiki_app, tmp_path, monkeypatch):
    from recipes.exchange import export as export_module

    monkeypatch.setattr(export_module, "unplanned_tables", lambda session: ["extra"])
    target = tmp_path / "wiki.jsonl"
    result = invoke(wiki_app, "export", str(target))
    assert result.exit_code == 1 and "tables the export does not know: extra" in result.output
    assert [path.name for path in tmp_path.iterdir() if "wiki.jsonl" in path.name] == []


def test_backup(wiki_app, db_url, tmp_path):
    target = tmp_path / "backup.db"
    result = invoke(wiki_app, "backup", str(target))
    if db_url.startswith("postgresql"):
        assert result.exit_code == 1 and "pg_dump" in result.output and not target.exists()
        return
    assert result.exit_code == 0, result.output
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT count(*) FROM revisions").fetchone()[0] > 30
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert list(tmp_path.glob("*.partial")) == []
