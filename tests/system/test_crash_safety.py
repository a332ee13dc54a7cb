"""Crash safety: gunicorn killed outright (SIGKILL, master and workers) in the middle of a stream of saves.

After a restart on the same instance the database is intact (SQLite's ``PRAGMA integrity_check``),
every save a client was told about (a 2xx answer) is in the history, the history is still one
chain, saving works again, and the search index is repaired from the outbox (or rebuilt, when the
kill left it damaged) so that ``levain search check`` passes.
"""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from tests.system.conftest import (
    assert_single_chain,
    create_workshop,
    editors_at_once,
    index_agrees,
    revision_body,
)

EDITORS = 6
# More saves than can be made before the kill: the stream is still flowing when it comes.
SAVES_EACH = 400
ACKNOWLEDGED_BEFORE_KILL = 60
KILL_DEADLINE_SECONDS = 60


@pytest.mark.slow
def test_killed_server_loses_no_acknowledged_save(site, server):
    tokens = site.add_editors(EDITORS)
    slug = create_workshop(server.port, tokens[0], EDITORS)
    engine = site.engine()
    stop = threading.Event()
    results = []
    stream = threading.Thread(
        target=lambda: results.extend(editors_at_once(server.port, slug, tokens, SAVES_EACH, stop=stop))
    )
    stream.start()
    _wait_for_saves(engine, slug, ACKNOWLEDGED_BEFORE_KILL)
    server.kill()
    stop.set()
    stream.join()

    server.start()
    if site.backend == "sqlite":
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    acknowledged = [save for save in results if 200 <= save.status < 300]
    assert len(acknowledged) >= ACKNOWLEDGED_BEFORE_KILL // 2
    # Saves in flight at the kill got no answer: they may or may not be in the history, never half.
    assert all(save.status in (0, 200, 409) for save in results)
    head = assert_single_chain(engine, slug)
    for save in acknowledged:
        assert save.revision <= head
        body = revision_body(engine, slug, save.revision)
        assert all(line in body.split("\n") for line in save.lines), (save.marker, save.revision)

    # Saving works again (one editor alone: nobody to conflict with).
    after = editors_at_once(server.port, slug, tokens[:1], 3)
    assert [save.status for save in after] == [200, 200, 200], [save.answer for save in after]
    checked = index_agrees(site, server)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def _wait_for_saves(engine, slug: str, count: int) -> None:
    """Wait until the recipe has ``count`` revisions more than its first (the stream is flowing)."""
    deadline = time.monotonic() + KILL_DEADLINE_SECONDS
    query = text("SELECT head_number FROM recipes WHERE slug = :slug")
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            if connection.execute(query, {"slug": slug}).scalar() > count:
                return
        time.sleep(0.05)
    raise AssertionError(f"fewer than {count} saves within {KILL_DEADLINE_SECONDS} s")
