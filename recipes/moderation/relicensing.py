"""Changing a recipe's licence: for moderators, and only as the current licence permits.

A licence can only move towards one the current licence permits for an adaptation (BY → BY-SA, never
BY-SA → BY: those who wrote under share-alike did not agree to more). Each change is recorded in
recent changes and the audit log, with the reason given.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from recipes.community.policy import require
from recipes.database import write_transaction
from recipes.journal.changes import record_change
from recipes.licences.rules import check_relicence, clean_licence, name
from recipes.models import Recipe, SearchOutbox, User
from recipes.queries import get_recipe


def relicense_recipe(
    session: Session, slug: str, *, moderator: User, licence: object, reason: str = ""
) -> Recipe:
    """Put recipe ``slug`` under ``licence`` (a LicenceConflict when its current licence forbids it)."""
    require(moderator, "relicense")
    new = clean_licence(licence)
    with write_transaction(session):
        recipe = get_recipe(session, slug)
        require(moderator, "relicense", recipe)
        check_relicence(recipe.licence, new)
        if new != recipe.licence:
            summary = f"Licence : {name(recipe.licence)} → {name(new)}"
            recipe.licence = new
            session.add(SearchOutbox(recipe_id=recipe.id))
            record_change(
                session, type="relicense", user=moderator, recipe=recipe, summary=summary, reason=reason
            )
    return recipe
