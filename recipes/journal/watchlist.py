"""Watchlists: the recipes and regions a user follows, and what changed there since their last visit.

Watching is per account (policy action ``watch``). A region watch covers every recipe of the region,
also those added after the watch. The time of the last visit of the watchlist page is kept, so that
changes after it are shown as new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session, selectinload

from recipes.community.policy import require
from recipes.community.regions import get_region
from recipes.database import write_transaction
from recipes.journal.changes import ChangeRow, change_rows, changes_query
from recipes.models import Change, Recipe, Region, User, Watch, WatchlistVisit, utcnow
from recipes.queries import get_recipe

WATCHLIST_SIZE = 100


@dataclass(frozen=True)
class Watchlist:
    """A user's watches, the latest changes of what they watch, and their previous visit (None: first)."""

    recipes: list[Recipe]
    regions: list[Region]
    changes: list[ChangeRow]
    previous_visit: datetime | None

    def is_new(self, row: ChangeRow) -> bool:
        return self.previous_visit is None or row.change.created_at > self.previous_visit


def _target(session: Session, kind: str, slug: str) -> dict[str, int]:
    """The column values naming what a watch is about: a recipe or a region."""
    if kind == "recipe":
        return {"recipe_id": get_recipe(session, slug).id}
    if kind == "region":
        return {"region_id": get_region(session, slug).id}
    raise ValueError(f"unknown watch kind {kind!r}")


def watch(session: Session, user: User | None, kind: str, slug: str) -> None:
    """Start watching a recipe or region (kind ``recipe`` or ``region``); watching twice changes nothing."""
    require(user, "watch")
    with write_transaction(session):
        target = _target(session, kind, slug)
        query = select(Watch.id).filter_by(user_id=user.id, **target)
        if session.scalar(query) is None:
            session.add(Watch(user_id=user.id, **target))


def unwatch(session: Session, user: User | None, kind: str, slug: str) -> None:
    """Stop watching a recipe or region; one not watched stays not watched."""
    require(user, "watch")
    with write_transaction(session):
        target = _target(session, kind, slug)
        session.execute(delete(Watch).filter_by(user_id=user.id, **target))


def is_watching(session: Session, user: User | None, *, recipe: Recipe | None = None,
                region: Region | None = None) -> bool:
    """Whether the user watches this recipe or region (anonymous readers watch nothing)."""
    if user is None:
        return False
    column, value = (Watch.recipe_id, recipe.id) if recipe is not None else (Watch.region_id, region.id)
    return session.scalar(select(Watch.id).where(Watch.user_id == user.id, column == value)) is not None


def open_watchlist(session: Session, user: User | None) -> Watchlist:
    """The user's watchlist; opening it records this visit, so that next time only later changes are new."""
    require(user, "watch")
    with write_transaction(session):
        watches = list(session.scalars(
            select(Watch).options(selectinload(Watch.recipe), selectinload(Watch.region))
            .where(Watch.user_id == user.id).order_by(Watch.id)
        ))
        visit = session.get(WatchlistVisit, user.id)
        previous = visit.seen_at if visit is not None else None
        rows = _watched_changes(session, user, watches)
        if visit is None:
            session.add(WatchlistVisit(user_id=user.id, seen_at=utcnow()))
        else:
            visit.seen_at = utcnow()
    recipes = [w.recipe for w in watches if w.recipe is not None and w.recipe.deleted_at is None]
    regions = [w.region for w in watches if w.region is not None]
    return Watchlist(recipes, regions, rows, previous)


def _watched_changes(session: Session, user: User, watches: list[Watch]) -> list[ChangeRow]:
    recipe_ids = [w.recipe_id for w in watches if w.recipe_id is not None]
    region_ids = [w.region_id for w in watches if w.region_id is not None]
    if not recipe_ids and not region_ids:
        return []
    about = or_(Change.recipe_id.in_(recipe_ids), Recipe.region_id.in_(region_ids))  # joined by the query
    return change_rows(session, changes_query(user).where(about).limit(WATCHLIST_SIZE))
