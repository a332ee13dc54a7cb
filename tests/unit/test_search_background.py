"""The outbox writer thread: saves reach the index after their transaction, off the saving request."""

from __future__ import annotations

import time

import pytest

from recipes.database import make_engine, make_session_factory
from recipes.search import check_index
from recipes.search.background import OutboxWriter
from recipes.search.outbox import has_pending
from tests.unit import test_search_backends as shared
from tests.unit.test_search_backends import find

search_index, author, add = shared.search_index, shared.author, shared.add


@pytest.fixture
def sessions(db_url):
    engine = make_engine(db_url)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def writer(search_index, sessions):
    writer = OutboxWriter(search_index, sessions)
    yield writer
    writer.stop()


class FailingIndex:
    """An index whose writes fail, as a full disk or a lost connection makes them."""

    def apply_outbox(self, session, *, lock_timeout):
        raise OSError("No space left on device")


def _wait_for_empty_outbox(session, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while has_pending(session):
        assert time.monotonic() < deadline, "the writer did not apply the outbox"
        session.rollback()  # see what is committed now
        time.sleep(0.02)


def test_a_notified_writer_applies_the_saves_in_its_thread(session, search_index, writer, add):
    add("Grainothèque", "Des graines de tomates anciennes.")
    add("Disco soupe", "Des légumes invendus épluchés en musique.")
    assert has_pending(session)
    writer.notify()
    _wait_for_empty_outbox(session)
    assert check_index(session, search_index).clean
    assert find(session, search_index, "tomates").total == 1


def test_stopping_applies_what_waits_and_ends_the_thread(session, search_index, writer, add):
    writer.notify()
    add("Troc de plantes", "Échanger des boutures.")
    writer.stop()
    assert not has_pending(session)
    assert writer._thread is None or not writer._thread.is_alive()
    writer.notify()  # a stopped writer starts no thread again
    assert writer._thread is None or not writer._thread.is_alive()


def test_a_failing_index_leaves_the_rows_for_the_next_writer(session, search_index, sessions, add):
    add("Repair café", "Réparer des grille-pain.")
    failing = OutboxWriter(FailingIndex(), sessions)
    assert failing.drain() == 0
    assert has_pending(session)
    assert OutboxWriter(search_index, sessions).drain() == 1
    assert find(session, search_index, "grille-pain").total == 1
