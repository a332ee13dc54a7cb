"""``levain db current``, ``levain db downgrade`` and ``levain init`` run by several servers at once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect

from recipes.database import make_engine
from recipes.schema import current_migration, newest_migration, upgrade_database
from tests.conftest import POSTGRES_SERVER_URL, new_postgres_database

LEVAIN = Path(sys.executable).with_name("levain")


@pytest.fixture
def levain(app):
    """Run a ``levain`` command on the test app; the schema is brought up again at the end (the
    PostgreSQL database is shared by the whole suite)."""
    runner = app.test_cli_runner()
    yield lambda *args: runner.invoke(args=list(args))
    upgrade_database(app.extensions["levain.engine"])


def test_db_current_names_the_newest_migration(levain, app):
    head = newest_migration()
    result = levain("db", "current")
    assert result.exit_code == 0
    assert result.output.strip() == f"{head} (newest)"


def test_db_downgrade_steps_back_and_init_comes_up_again(levain, app):
    engine = app.extensions["levain.engine"]
    result = levain("db", "downgrade", "0006")
    assert result.exit_code == 0, result.output
    assert "The database is at 0006." in result.output
    assert levain("db", "current").output.strip() == f"0006 (newest: {newest_migration()})"
    assert levain("init").exit_code == 0
    assert current_migration(engine) == newest_migration()


def test_db_downgrade_to_base_leaves_no_table(levain, app):
    engine = app.extensions["levain.engine"]
    assert levain("db", "downgrade", "base").exit_code == 0
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    assert levain("db", "current").output.strip() == "none (run `levain init`)"


@pytest.mark.parametrize("revision", ["0099", "head; drop"])
def test_db_downgrade_refuses_an_unknown_revision(levain, revision):
    result = levain("db", "downgrade", revision)
    assert result.exit_code == 2
    assert "is no migration; known: 0001, 0002" in result.output


def test_db_downgrade_refuses_to_go_up(levain):
    assert levain("db", "downgrade", "0006").exit_code == 0
    result = levain("db", "downgrade", "0007")
    assert result.exit_code == 1
    assert "Error:" in result.output and "Traceback" not in result.output


@pytest.mark.slow
@pytest.mark.skipif(not POSTGRES_SERVER_URL, reason="needs LEVAIN_TEST_POSTGRES_URL")
def test_two_servers_initialising_one_postgresql_database_at_once_both_succeed(tmp_path):
    """Two ``levain init`` started together: one migrates, the other waits for it and finds it done."""
    with new_postgres_database("levain_init") as url:
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("LEVAIN_")}
        runs = [
            subprocess.Popen(
                [str(LEVAIN), "init"],
                env=inherited | {"LEVAIN_DATABASE_URL": url, "LEVAIN_SECRET_KEY": "shared",
                                 "LEVAIN_INSTANCE_PATH": str(tmp_path / f"server{number}")},
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )
            for number in range(3)
        ]
        outcomes = [(run.wait(timeout=120), run.stderr.read()) for run in runs]
        for run in runs:
            run.stdout.close()
            run.stderr.close()
        assert [code for code, _ in outcomes] == [0, 0, 0], outcomes
        engine = make_engine(url)
        try:
            assert current_migration(engine) == newest_migration()
        finally:
            engine.dispose()
