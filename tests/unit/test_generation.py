"""The data generation: raised by every committed write, by nothing else, and seen by every process."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import insert, text

from recipes.community import accounts
from recipes.database import make_engine, make_session_factory, write_transaction
from recipes.generation import GenerationReader
from recipes.history import editing
from recipes.models import Region


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def generation(engine):
    """Reads the generation as a server's page cache does, on a connection it keeps."""
    return GenerationReader(engine).read


def test_a_committed_save_raises_the_generation(engine, generation, render):
    before = generation()
    with make_session_factory(engine)() as session:
        author = accounts.create_user(session, "camille", "un mot de passe assez long")
        editing.create_recipe(session, author=author, title="Copy party", body="Des prises.", render=render)
        session.commit()
    assert generation() > before


def test_reading_and_a_rolled_back_write_leave_it_as_it_was(engine, generation):
    before = generation()
    with make_session_factory(engine)() as session:
        session.query(Region).all()
        session.commit()
        session.execute(insert(Region).values(slug="tregor", name="Trégor"))
        session.rollback()
    with engine.connect() as connection:
        connection.execute(insert(Region).values(slug="leon", name="Léon"))
        connection.rollback()
    assert generation() == before


def test_a_write_on_a_bare_connection_counts_too(engine, generation):
    before = generation()
    with engine.begin() as connection:
        connection.execute(text("UPDATE recipes SET title = title WHERE 1 = 0"))
    assert generation() == before + 1


def test_another_process_sees_the_write_when_it_is_committed_and_not_before(engine, db_url):
    elsewhere = make_engine(db_url)  # another server's connections to the same database
    read_generation = GenerationReader(elsewhere).read
    try:
        before = read_generation()
        with make_session_factory(engine)() as session, write_transaction(session):
            session.execute(insert(Region).values(slug="tregor", name="Trégor"))
            assert read_generation() == before, "not before the commit"
        assert read_generation() == before + 1
    finally:
        elsewhere.dispose()



def test_a_read_after_the_engine_is_disposed_takes_a_fresh_connection(engine, generation):
    before = generation()
    engine.dispose()  # closes the connection the reader kept
    assert generation() == before


def test_a_connection_the_server_dropped_is_replaced_unseen(engine, generation):
    if engine.dialect.name != "postgresql":
        pytest.skip("only a database server drops connections")
    before = generation()
    with engine.connect() as connection:  # as a server restart does, to every other connection
        connection.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ))
    assert generation() == before


def test_threads_reading_at_once_each_see_every_write_committed_before_they_asked(engine, generation):
    start, commits, stale = generation(), [0], []

    def write() -> None:
        for _ in range(20):
            with engine.begin() as connection:
                connection.execute(text("UPDATE recipes SET title = title WHERE 1 = 0"))
            commits[0] += 1

    def read() -> None:
        while commits[0] < 20:
            committed = commits[0]  # known committed before asking
            if generation() < start + committed:
                stale.append(committed)

    threads = [threading.Thread(target=read) for _ in range(6)] + [threading.Thread(target=write)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not stale
    assert generation() == start + 20
