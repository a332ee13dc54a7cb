"""Who to credit for a recipe: its authors, and the chain of recipes it was adapted from.

The *authors* of a recipe are everyone with an approved revision of it, in the order of their first
contribution. Its *attribution chain* is its ancestors, parent first, each with the revision the line
below it was copied from, its licence and its own authors up to that revision: what a reader must
credit when they copy the recipe (title, author, source, licence).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from recipes.models import Recipe, Revision, User
from recipes.queries import ATTRIBUTION_DEPTH  # deeper lineages are not credited further


@dataclass(frozen=True)
class Credit:
    """One recipe of an attribution: the recipe, the revision credited, its licence and its authors."""

    recipe: Recipe
    revision: int | None
    licence: str
    authors: list[str]

    @property
    def region_name(self) -> str | None:
        return self.recipe.region.name if self.recipe.region is not None else None


@dataclass(frozen=True)
class Attribution:
    """A recipe's own credit and the chain of its ancestors' credits, parent first."""

    itself: Credit
    chain: list[Credit]


def authors(session: Session, recipe_id: int, up_to: int | None = None) -> list[str]:
    """The names of everyone with an approved revision of the recipe (up to ``up_to``), by first."""
    first = func.min(Revision.id)
    query = (
        select(User.name)
        .join(Revision, Revision.author_id == User.id)
        .where(Revision.recipe_id == recipe_id, Revision.status == "approved")
        .group_by(User.id, User.name)
        .order_by(first)
    )
    if up_to is not None:
        query = query.where(Revision.number <= up_to)
    return list(session.scalars(query))


def attribution(session: Session, recipe: Recipe) -> Attribution:
    """The recipe's credit (at the revision readers see) and its ancestors', parent first."""
    published = recipe.published_revision
    itself = Credit(
        recipe,
        published.number if published is not None else None,
        recipe.licence,
        authors(session, recipe.id),
    )
    chain: list[Credit] = []
    child = recipe
    while child.parent is not None and len(chain) < ATTRIBUTION_DEPTH:
        copied = child.fork_revision.number if child.fork_revision is not None else None
        parent = child.parent
        chain.append(Credit(parent, copied, parent.licence, authors(session, parent.id, copied)))
        child = parent
    return Attribution(itself, chain)
