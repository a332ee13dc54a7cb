"""Recent changes: one append-only list of everything that happened on the wiki, and its patrol.

Glossary:
- *change*: one row of the list: its *type* (create, edit, revert, fork, sync, proposal, accept,
  decline, and the moderators' actions), who made it, about which recipe, revision or account, when.
  Rows are only ever added (``record_change``); nothing updates or deletes them.
- *patrol*: a trusted user (policy action ``patrol``) marks a change as checked. The mark is a row of
  its own, so that the change stays untouched.
- *hidden change*: one whose revision is pending or rejected (shown to its author and to those who
  may see that text, as ``recipes.community.visibility`` decides), or about a deleted recipe (shown to those
  who may see deleted recipes, policy ``see_deleted``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from recipes.community.policy import allowed, require
from recipes.community.visibility import SEEING_ACTION
from recipes.database import write_transaction
from recipes.errors import Forbidden, Invalid, NotFound
from recipes.journal.audit import record_audit
from recipes.models import Change, ChangePatrol, Recipe, Region, Revision, User
from recipes.queries import clamp_limit
from recipes.summaries import automatic, stored_summary

CONTENT_TYPES = ("create", "edit", "revert", "fork", "sync", "proposal", "accept", "decline")
MODERATION_TYPES = (
    "approve", "reject", "protect", "rollback", "block", "unblock", "rename", "delete", "restore", "role",
    "relicense",
)
# Recording, changing, deleting and approving an event; they go to the audit log too.
EVENT_TYPES = ("event", "event_edit", "event_delete", "event_approve")
CHANGE_TYPES = (*CONTENT_TYPES, *MODERATION_TYPES, "upload", *EVENT_TYPES)
# The change type of each kind of revision (``Revision.kind``); a proposal's revision is its acceptance.
TYPE_OF_REVISION_KIND = {kind: kind for kind in ("create", "edit", "revert", "fork", "sync", "rename")} | {
    "proposal": "accept"
}
# Whether a change (of the enclosing query) was patrolled.
_PATROLLED = exists().where(ChangePatrol.change_id == Change.id)


@dataclass(frozen=True)
class ChangeFilters:
    """What a list of recent changes is narrowed to; None means any."""

    region: str | None = None
    user: str | None = None
    recipe: str | None = None
    type: str | None = None
    unpatrolled: bool = False


@dataclass(frozen=True)
class ChangeRow:
    """A change as listed: the change and whether someone patrolled it."""

    change: Change
    patrolled: bool

    @property
    def size_delta(self) -> int | None:
        revision = self.change.revision
        return revision.size_delta if revision is not None else None


def record_change(
    session: Session,
    *,
    type: str,
    user: User | None,
    recipe: Recipe | None = None,
    revision: Revision | None = None,
    summary: str = "",
    target_user: User | None = None,
    reason: str = "",
    at: datetime | None = None,
) -> Change:
    """Add one change to recent changes (flushed; the caller's transaction commits it).

    A moderation action is written to the audit log as well, with its reason. ``at`` is when it
    happened, when that is not now (a revision imported from another wiki).
    """
    if type not in CHANGE_TYPES:
        raise ValueError(f"unknown change type {type!r}")
    change = Change(
        type=type,
        recipe_id=recipe.id if recipe else None,
        revision_id=revision.id if revision else None,
        user_id=user.id if user else None,
        target_user_id=target_user.id if target_user else None,
        summary=summary,
        **({"created_at": at} if at is not None else {}),
    )
    session.add(change)
    session.flush()
    if type in MODERATION_TYPES or type in EVENT_TYPES:
        record_audit(
            session,
            action=type,
            actor=user,
            recipe=recipe,
            revision=revision,
            target_user=target_user,
            change=change,
            summary=summary,
            reason=reason,
        )
    return change


def record_revision_change(
    session: Session, revision: Revision, recipe: Recipe, author: User, *, at: datetime | None = None
) -> Change:
    """Record the change a new revision makes, typed by the revision's kind."""
    return record_change(
        session,
        type=TYPE_OF_REVISION_KIND.get(revision.kind, "edit"),
        user=author,
        recipe=recipe,
        revision=revision,
        summary=stored_summary(revision),
        at=at,
    )


def clean_filters(
    session: Session,
    *,
    region: str | None = None,
    user: str | None = None,
    recipe: str | None = None,
    type: str | None = None,
    unpatrolled: object = None,
) -> ChangeFilters:
    """Check the filters a person sent: unknown values are refused, not silently ignored."""
    if region and session.scalar(select(Region.id).where(Region.slug == region)) is None:
        raise Invalid("There is no region {region!r}.", values={"region": region})
    if user and session.scalar(select(User.id).where(User.name == user)) is None:
        raise Invalid("There is no user {user!r}.", values={"user": user})
    if recipe and session.scalar(select(Recipe.id).where(Recipe.slug == recipe)) is None:
        raise Invalid("There is no recipe {recipe!r}.", values={"recipe": recipe})
    if type and type not in CHANGE_TYPES:
        raise Invalid("A change type is one of {choices}.", values={"choices": ', '.join(CHANGE_TYPES)})
    return ChangeFilters(region or None, user or None, recipe or None, type or None, _flag(unpatrolled))


def _flag(value: object) -> bool:
    if value in (None, "", False, "0", "false", "no"):
        return False
    if value in (True, "1", "true", "yes", "on"):
        return True
    raise Invalid("'unpatrolled' is true or false (1 or 0).")


def visible_to(viewer: User | None):
    """The condition a change must meet to be shown to this viewer (``recipes.community.visibility``).

    It reads the change's revision and recipe as ``changes_query`` joins them.
    """
    about_text = [Change.revision_id.is_(None), Revision.status == "approved"]
    if viewer is not None:
        about_text.append(Revision.author_id == viewer.id)
    for status, action in SEEING_ACTION.items():
        if allowed(viewer, action):
            about_text.append(Revision.status == status)
    if allowed(viewer, "see_deleted"):
        return or_(*about_text)
    # A change about no recipe has no deletion time either, through the outer join.
    return and_(or_(*about_text), Recipe.deleted_at.is_(None))


def changes_query(viewer: User | None) -> Select:
    """Changes the viewer may see with whether each was patrolled, newest first.

    The change's revision and recipe are outer-joined, so that conditions may name their columns.
    """
    return (
        select(Change, _PATROLLED.label("patrolled"))
        .outerjoin(Revision, Revision.id == Change.revision_id)
        .outerjoin(Recipe, Recipe.id == Change.recipe_id)
        .options(
            selectinload(Change.recipe),
            selectinload(Change.revision),
            selectinload(Change.user),
            selectinload(Change.target_user),
        )
        .where(visible_to(viewer))
        .order_by(Change.id.desc())
    )


def change_rows(session: Session, query: Select) -> list[ChangeRow]:
    """Run a ``changes_query`` into rows."""
    return [ChangeRow(change, bool(done)) for change, done in session.execute(query)]


def list_changes(
    session: Session,
    viewer: User | None,
    filters: ChangeFilters = ChangeFilters(),
    *,
    limit: int | None = None,
    before: int | None = None,
) -> tuple[list[ChangeRow], int | None]:
    """Changes newest first that the viewer may see, ``limit`` at a time below id ``before``; next cursor."""
    size = clamp_limit(limit)
    query = _filtered(changes_query(viewer), filters).limit(size + 1)
    if before is not None:
        query = query.where(Change.id < before)
    rows = change_rows(session, query)
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1].change.id if more else None)


def unpatrolled_count(session: Session, viewer: User | None) -> int:
    """How many changes this viewer may see that nobody has patrolled yet."""
    query = (
        select(func.count(Change.id))
        .outerjoin(Revision, Revision.id == Change.revision_id)
        .outerjoin(Recipe, Recipe.id == Change.recipe_id)
        .where(visible_to(viewer), ~_PATROLLED)
    )
    return session.scalar(query) or 0


def _filtered(query: Select, filters: ChangeFilters) -> Select:
    if filters.region:
        region_id = select(Region.id).where(Region.slug == filters.region).scalar_subquery()
        query = query.where(Recipe.region_id == region_id)
    if filters.user:
        user_id = select(User.id).where(User.name == filters.user).scalar_subquery()
        query = query.where(Change.user_id == user_id)
    if filters.recipe:
        query = query.where(Recipe.slug == filters.recipe)
    if filters.type:
        query = query.where(Change.type == filters.type)
    if filters.unpatrolled:
        query = query.where(~_PATROLLED)
    return query


def patrol_change(session: Session, change_id: int, *, user: User) -> ChangePatrol:
    """Mark a change as checked by ``user``; a change is patrolled once."""
    require(user, "patrol")
    with write_transaction(session):
        change = session.get(Change, change_id)
        if change is None:
            raise NotFound("There is no change {change_id}.", values={"change_id": change_id})
        if session.get(ChangePatrol, change_id) is not None:
            raise Invalid("Change {change_id} is already patrolled.", values={"change_id": change_id})
        if change.user_id == user.id:
            # Patrolling is a second pair of eyes: one's own changes would leave the list unchecked.
            raise Forbidden("You cannot patrol your own changes; another editor will.")
        mark = ChangePatrol(change_id=change_id, user_id=user.id)
        session.add(mark)
        session.flush()
        record_audit(session, action="patrol", actor=user, recipe=change.recipe, change=change,
                     summary=automatic("patrol", id=change.id, type=change.type))
    return mark
