"""Finding the way: what the home page, the tag pages and the region pages list.

Glossary:
- *visible*: a recipe readers may open: it has a published revision and is not deleted.
- *popular*: a recipe people work on and adapt. Its score is the number of revisions saved on it in
  the last ``POPULAR_WINDOW`` (approved ones: what readers saw change) plus ``VARIANT_WEIGHT`` for
  each variant forked from it (a region adopting a recipe says more than one more edit). Only
  recipes with a score above zero are popular; ties go to the one changed most recently.
- *tag in use*: a tag of at least one visible recipe, counted over visible recipes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session, aliased, joinedload

from recipes.errors import Invalid, NotFound
from recipes.models import Recipe, RecipeTag, Region, Revision
from recipes.validation import clean_tags

POPULAR_WINDOW = timedelta(days=30)
VARIANT_WEIGHT = 3


def visible(recipe=Recipe) -> list[ColumnElement[bool]]:
    """The conditions for a recipe (or an alias of Recipe) that readers may open."""
    return [recipe.published_revision_id.is_not(None), recipe.deleted_at.is_(None)]


@dataclass(frozen=True)
class PopularRecipe:
    recipe: Recipe
    recent_edits: int
    variants: int


@dataclass(frozen=True)
class TagCount:
    tag: str
    count: int


@dataclass(frozen=True)
class RegionCount:
    region: Region
    count: int


def popular_recipes(session: Session, *, now: datetime, limit: int = 10) -> list[PopularRecipe]:
    """The visible recipes with the most recent edits and variants, best first (see the glossary)."""
    edits = (
        select(Revision.recipe_id, func.count().label("n"))
        .where(Revision.created_at >= now - POPULAR_WINDOW, Revision.status == "approved")
        .group_by(Revision.recipe_id)
        .subquery()
    )
    child = aliased(Recipe)
    variants = (
        select(child.parent_id.label("recipe_id"), func.count().label("n"))
        .where(child.parent_id.is_not(None), child.deleted_at.is_(None))
        .group_by(child.parent_id)
        .subquery()
    )
    edit_count = func.coalesce(edits.c.n, 0)
    variant_count = func.coalesce(variants.c.n, 0)
    score = edit_count + VARIANT_WEIGHT * variant_count
    query = (
        select(Recipe, edit_count, variant_count)
        .options(joinedload(Recipe.region))
        .outerjoin(edits, edits.c.recipe_id == Recipe.id)
        .outerjoin(variants, variants.c.recipe_id == Recipe.id)
        .where(*visible(), score > 0)
        .order_by(score.desc(), Recipe.updated_at.desc(), Recipe.id.desc())
        .limit(limit)
    )
    return [PopularRecipe(recipe, edits_, variants_) for recipe, edits_, variants_ in session.execute(query)]


def tags_in_use(
    session: Session, *, region_id: int | None = None, limit: int | None = None
) -> list[TagCount]:
    """Tags of visible recipes (of one region if given) with how many recipes have each, most used first."""
    count = func.count(RecipeTag.recipe_id)
    query = (
        select(RecipeTag.tag, count)
        .join(Recipe, Recipe.id == RecipeTag.recipe_id)
        .where(*visible())
        .group_by(RecipeTag.tag)
        .order_by(count.desc(), RecipeTag.tag)
        .limit(limit)
    )
    if region_id is not None:
        query = query.where(Recipe.region_id == region_id)
    return [TagCount(tag, n) for tag, n in session.execute(query)]


def regions_in_use(session: Session) -> list[RegionCount]:
    """Every region with its number of visible recipes, by name without regard to case."""
    count = func.count(Recipe.id)
    query = (
        select(Region, count)
        .outerjoin(Recipe, and_(Recipe.region_id == Region.id, *visible()))
        .group_by(Region.id)
        .order_by(func.lower(Region.name))
    )
    return [RegionCount(region, n) for region, n in session.execute(query)]


def clean_tag(tag: str) -> str:
    """One tag as recipes store it (trimmed, lowercase), or Invalid."""
    cleaned = clean_tags([tag])
    if len(cleaned) != 1:
        raise Invalid("A tag needs at least one letter or digit.")
    return cleaned[0]


def tag_recipes(session: Session, tag: str, *, limit: int = 100) -> list[Recipe]:
    """The ``limit`` visible recipes with this tag changed most recently, newest first; NotFound if none."""
    query = (
        select(Recipe)
        .options(joinedload(Recipe.region))
        .join(RecipeTag, RecipeTag.recipe_id == Recipe.id)
        .where(RecipeTag.tag == tag, *visible())
        .order_by(Recipe.updated_at.desc(), Recipe.id.desc())
        .limit(limit)
    )
    recipes = list(session.scalars(query).unique())
    if not recipes:
        raise NotFound("No recipe has the tag {tag!r}.", values={"tag": tag})
    return recipes
