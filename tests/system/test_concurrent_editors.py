"""No lost edit under load: 20 editors save the same recipe at once through gunicorn with 4 workers.

Each save ends as exactly one of: a new revision that holds what it wrote (merged or not), or a 409
conflict answer that says so. The history stays one chain, no client sees a server error or a
"database is locked", and the search index agrees with the database afterwards.
"""

from __future__ import annotations

import pytest

from tests.system.conftest import (
    assert_single_chain,
    create_workshop,
    editors_at_once,
    index_agrees,
    revision_body,
)

EDITORS = 20
SAVES_EACH = 50
FAILURE_WORDS = ("database is locked", "LockError", "Traceback")


@pytest.mark.slow
def test_twenty_editors_saving_at_once_lose_nothing(site, server):
    tokens = site.add_editors(EDITORS)
    slug = create_workshop(server.port, tokens[0], EDITORS)

    saves = editors_at_once(server.port, slug, tokens, SAVES_EACH)

    assert len(saves) == EDITORS * SAVES_EACH
    unexpected = [(save.marker, save.status, save.answer) for save in saves if save.status not in (200, 409)]
    assert not unexpected, unexpected[:5]
    conflicts = [save for save in saves if save.status == 409]
    assert all(save.answer["error"]["code"] == "edit_conflict" for save in conflicts)
    # A 409 always names what overlapped: an edit that overlaps nobody's is merged, however busy the recipe.
    unexplained = [save.answer for save in conflicts if not save.answer.get("conflicts")]
    assert not unexplained, unexplained[:3]
    saved = [save for save in saves if save.status == 200]
    # Both outcomes are exercised: merges of different lines, conflicts on the shared ones.
    assert any(save.merged for save in saved) and conflicts

    engine = site.engine()
    head = assert_single_chain(engine, slug)
    # Each accepted save made exactly one revision, and every revision after the first is one of them.
    assert sorted(save.revision for save in saved) == list(range(2, head + 1))
    for save in saved:
        body = revision_body(engine, slug, save.revision)
        assert all(line in body.split("\n") for line in save.lines), (save.marker, save.revision)

    log = server.log_text()
    assert not [word for word in FAILURE_WORDS if word in log], log[-3000:]
    checked = index_agrees(site, server)
    assert checked.returncode == 0, checked.stdout + checked.stderr
