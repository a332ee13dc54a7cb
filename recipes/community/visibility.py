"""Who sees which text: readers see approved text only; text awaiting review, or rejected, is seen by its
author and by those who review it.

- *visible revision*: an approved one, for everyone; a pending one, for its author and editors (who edit
  the head); a rejected one, for its author and moderators.
- *hidden recipe*: one whose first revision still awaits review (no published revision): it exists for
  its author and reviewers only, and is "not found" for everyone else.
- *shown revision*: the revision a recipe's page shows a person: the published one, or the head when
  the head is that person's own edit awaiting review.
"""

from __future__ import annotations

from recipes.community.policy import allowed
from recipes.errors import NotFound
from recipes.models import Recipe, Revision, User

# The policy action that lets a person see text of each status that is not their own.
SEEING_ACTION = {"pending": "see_pending", "rejected": "review"}


def can_see_revision(viewer: User | None, revision: Revision) -> bool:
    """Whether ``viewer`` (None: anonymous) may see the text of ``revision``."""
    if revision.status == "approved":
        return True
    if viewer is None:
        return False
    return viewer.id == revision.author_id or allowed(viewer, SEEING_ACTION[revision.status])


def require_visible(viewer: User | None, revision: Revision) -> None:
    """NotFound, worded as for a revision that does not exist, unless ``viewer`` may see it."""
    if not can_see_revision(viewer, revision):
        raise NotFound(
            "The recipe {slug!r} has no revision {number}.",
            values={"slug": revision.recipe.slug, "number": revision.number},
        )


def can_see_recipe(viewer: User | None, recipe: Recipe) -> bool:
    """Whether the recipe exists for ``viewer``: published, or its hidden head is visible to them."""
    return recipe.published_revision_id is not None or can_see_revision(viewer, recipe.head_revision)


def require_recipe_visible(viewer: User | None, recipe: Recipe) -> None:
    if not can_see_recipe(viewer, recipe):
        raise NotFound("There is no recipe {slug!r}.", values={"slug": recipe.slug})


def shown_revision(viewer: User | None, recipe: Recipe) -> Revision:
    """The revision the recipe's page shows ``viewer``: their own pending head, else the published one."""
    head = recipe.head_revision
    if head.status == "pending" and viewer is not None and head.author_id == viewer.id:
        return head
    if recipe.published_revision is None:
        require_recipe_visible(viewer, recipe)
        return head
    return recipe.published_revision


def latest_visible(viewer: User | None, recipe: Recipe) -> Revision:
    """The newest revision ``viewer`` may see: the head, or else the published revision."""
    if can_see_revision(viewer, recipe.head_revision):
        return recipe.head_revision
    require_recipe_visible(viewer, recipe)
    return recipe.published_revision
