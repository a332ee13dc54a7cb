"""Deleting a region: a moderator removes a region nothing uses (one made by mistake, or as spam).

A region some recipe, event or other record still names is kept: deleting it would change what those
records say. Watches of the region go with it. The deletion is recorded in the audit log.
"""

from __future__ import annotations

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from recipes.community.policy import require
from recipes.community.regions import get_region
from recipes.database import write_transaction
from recipes.errors import Invalid
from recipes.journal.audit import record_audit
from recipes.models import Base, Region, User, Watch
from recipes.summaries import automatic

AUDIT_ACTION = "delete_region"


def delete_region(session: Session, slug: str, *, moderator: User) -> None:
    """Delete region ``slug`` (moderators), unless a record other than a watch names it."""
    require(moderator, "delete")
    with write_transaction(session):
        region = get_region(session, slug)
        if _in_use(session, region):
            raise Invalid(
                "The region {slug!r} is still in use: only a region nothing refers to can be deleted.",
                values={"slug": slug},
            )
        session.execute(delete(Watch).where(Watch.region_id == region.id))
        record_audit(
            session,
            action=AUDIT_ACTION,
            actor=moderator,
            summary=automatic("delete_region", name=region.name, slug=region.slug),
        )
        session.delete(region)


def _in_use(session: Session, region: Region) -> bool:
    """Whether a column of any table, but the watches', refers to the region (read from the schema)."""
    for table in Base.metadata.sorted_tables:
        if table is Watch.__table__:
            continue
        for key in table.foreign_keys:
            if key.column.table is Region.__table__:
                if session.scalar(select(exists().where(key.parent == region.id))):
                    return True
    return False
