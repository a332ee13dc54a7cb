"""The audit log: moderators read it, and the database itself refuses to change or remove an entry."""

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DatabaseError

from recipes.community import accounts
from recipes.errors import Forbidden, Unauthorized
from recipes.journal import audit
from recipes.journal.changes import record_change
from recipes.models import AuditEntry


@pytest.fixture
def entry_id(session):
    mo = accounts.create_user(session, "mo", "password123", role="moderator")
    lea = accounts.create_user(session, "lea", "password123", role="contributor")
    record_change(session, type="block", user=mo, target_user=lea, summary="Vandale", reason="spam")
    session.commit()
    return session.scalar(select(AuditEntry.id))


@pytest.mark.parametrize(
    "statement",
    [
        lambda id_: update(AuditEntry).where(AuditEntry.id == id_).values(reason="nothing happened"),
        lambda id_: delete(AuditEntry).where(AuditEntry.id == id_),
        lambda id_: text("UPDATE audit_log SET actor_id = NULL"),
        lambda id_: text("DELETE FROM audit_log"),
    ],
)
def test_the_database_refuses_to_change_or_remove_an_entry(session, entry_id, statement):
    with pytest.raises(DatabaseError, match="append-only"):
        session.execute(statement(entry_id))
    session.rollback()
    kept = session.get(AuditEntry, entry_id)
    assert (kept.action, kept.reason) == ("block", "spam")


def test_moderators_read_the_log_newest_first_a_page_at_a_time(session, entry_id):
    mo = accounts.find_user(session, "mo")
    for n in range(3):
        record_change(session, type="protect", user=mo, summary=f"protection {n}", reason="guerre d'édition")
    session.commit()
    first, cursor = audit.list_audit(session, mo, limit=2)
    rest, last = audit.list_audit(session, mo, limit=2, before=cursor)
    assert [e.summary for e in first + rest] == ["protection 2", "protection 1", "protection 0", "Vandale"]
    assert last is None


def test_only_moderators_read_the_log(session, entry_id):
    with pytest.raises(Unauthorized):
        audit.list_audit(session, None)
    with pytest.raises(Forbidden):
        audit.list_audit(session, accounts.find_user(session, "lea"))
