"""Forking: a region adapts a recipe by copying it into a variant of its own; and comparing any two.

A *variant* (fork) starts as the parent's current text, sharing its stored blob (no copy), and records
its parent and the *fork point* (the parent revision copied). Its first revision, of kind "fork", is
also its first merge record: the next sync from upstream starts there. The variant takes its parent's
licence, or another one the parent's permits for an adaptation (``recipes.licences.rules``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from recipes import validation
from recipes.blobs import load_blob
from recipes.community.policy import require
from recipes.community.regions import create_region
from recipes.database import write_transaction
from recipes.errors import N_, Invalid, Label, NotFound
from recipes.history.editing import region_by_slug, unique_slug
from recipes.history.revisions import Renderer, SaveOutcome, append_revision
from recipes.licences.rules import fork_licence
from recipes.models import Recipe, RecipeTag, Region, Revision, User
from recipes.queries import get_recipe, get_revision
from recipes.slugs import MAX_SLUG_LENGTH, refuse_reserved, slugify
from recipes.summaries import automatic

# The two recipes /compare is given (``?a=`` and ``?b=``), as its form names them for a person.
COMPARED = {"a": N_("recipe to compare from (a)"), "b": N_("recipe to compare with (b)")}
COMPARED_REVISION = {"a": N_("revision to compare from (a)"), "b": N_("revision to compare with (b)")}


def fork_recipe(
    session: Session,
    slug: str,
    *,
    author: User,
    region: str,
    render: Renderer,
    title: str | None = None,
    new_slug: str | None = None,
    licence: str | None = None,
) -> SaveOutcome:
    """Fork recipe ``slug`` into ``region`` (a region slug): a variant whose parent is that recipe.

    The default slug is ``{slug}-{region}`` (numbered when taken); an explicit ``new_slug`` must be
    free. The default title is the parent's, with the region's name. ``licence``: the variant's, when
    not the parent's (a LicenceConflict when the parent's licence does not permit it).
    """
    require(author, "fork")
    if not isinstance(region, str) or not region:
        raise Invalid("Choose the region the variant is for.")
    title = validation.clean_title(title) if title is not None else None
    new_slug = clean_new_slug(new_slug)
    with write_transaction(session):
        parent = get_recipe(session, slug)
        require(author, "fork", parent)
        chosen_licence = fork_licence(parent.licence, licence)
        variant = _new_variant(session, parent, region_by_slug(session, region), title, new_slug)
        variant.licence = chosen_licence
        fork_point = parent.published_revision  # a variant starts from text readers see
        if fork_point is None:
            raise NotFound("There is no recipe {slug!r}.", values={"slug": slug})
        revision = append_revision(
            session,
            variant,
            None,
            author=author,
            title=variant.title,
            body=load_blob(session, fork_point.blob_id).text,
            summary=_fork_summary(parent, fork_point.number),
            kind="fork",
            render=render,
            blob_hint=fork_point.blob_id,
            upstream_revision_id=fork_point.id,
        )
    return SaveOutcome(variant, revision)


def _new_variant(
    session: Session, parent: Recipe, region: Region, title: str | None, new_slug: str | None
) -> Recipe:
    """Add the variant's recipe row: the parent's language and tags, its fork point the parent's head."""
    variant = Recipe(
        slug=_variant_slug(session, parent, region, new_slug),
        title=title or _variant_title(parent, region),
        language=parent.language,
        region=region,
        tags=[RecipeTag(tag=tag) for tag in parent.tag_names],
        parent_id=parent.id,
        fork_revision_id=parent.published_revision_id,
    )
    session.add(variant)
    session.flush()
    return variant


def clean_new_slug(new_slug: object) -> str | None:
    """A slug a person chose (for a variant, a renamed recipe), or None when they chose none."""
    if new_slug in (None, ""):
        return None
    if not isinstance(new_slug, str) or len(new_slug) > MAX_SLUG_LENGTH or slugify(new_slug) != new_slug:
        raise Invalid("An address is lowercase ASCII letters and digits joined by hyphens: 'copy-party'.")
    refuse_reserved(new_slug)
    return new_slug


def _variant_slug(session: Session, parent: Recipe, region: Region, new_slug: str | None) -> str:
    if new_slug is None:
        return unique_slug(session, f"{parent.slug}-{region.slug}")
    if session.scalar(select(Recipe.id).where(Recipe.slug == new_slug)) is not None:
        raise Invalid("The address {new_slug!r} is taken; choose another.", values={"new_slug": new_slug})
    return new_slug


def _variant_title(parent: Recipe, region: Region) -> str:
    """The parent's title with the region's name in brackets, instead of the parent's region's."""
    title = parent.title
    if parent.region is not None and title.endswith(f" ({parent.region.name})"):
        title = title[: -len(f" ({parent.region.name})")]
    suffix = f" ({region.name})"
    room = validation.MAX_TITLE_LENGTH - len(suffix)
    if len(title) > room:
        title = title[: room + 1].rsplit(" ", 1)[0][:room]  # between words where there are any
    return title.rstrip() + suffix


def _fork_summary(parent: Recipe, number: int) -> str:
    if parent.region is None:
        return automatic("fork_original", title=parent.title, number=number)
    return automatic("fork", title=parent.title, region=parent.region.name, number=number)


def add_region(session: Session, *, author: User | None, name: str) -> Region:
    """Create a region on someone's behalf (``create_region`` checks the name and that it is new)."""
    require(author, "create_region")
    return create_region(session, name)


@dataclass(frozen=True)
class Comparison:
    """Two revisions of any two recipes (a variant and its parent, two siblings) and their diff."""

    old_recipe: Recipe
    old: Revision
    new_recipe: Recipe
    new: Revision
    old_text: str
    new_text: str


def parse_revision_spec(spec: object, what: str) -> tuple[str, int | None]:
    """Split ``slug`` or ``slug@n`` (as ``?a=`` and ``?b=`` give it) into a slug and a revision number."""
    side = Label("phrase", COMPARED[what])
    if not isinstance(spec, str) or not spec.strip() or not spec.isprintable():
        raise Invalid(
            "Name the {side} as {what}=slug or {what}=slug@revision.", values={"side": side, "what": what}
        )
    slug, at, number = spec.strip().partition("@")
    if len(slug) > MAX_SLUG_LENGTH:
        raise Invalid(
            "The {side}, {value!r}…, is not a recipe address.", values={"side": side, "value": slug[:20]}
        )
    return slug, validation.clean_revision_number(number, COMPARED_REVISION[what]) if at else None


def compare(session: Session, old_spec: str, new_spec: str) -> Comparison:
    """Compare ``slug[@n]`` with ``slug[@m]``; a revision left out is the one readers see.

    Only approved revisions are compared: this comparison is public.
    """
    old_recipe, old = _recipe_at(session, *parse_revision_spec(old_spec, "a"))
    new_recipe, new = _recipe_at(session, *parse_revision_spec(new_spec, "b"))
    return Comparison(
        old_recipe,
        old,
        new_recipe,
        new,
        old_text=load_blob(session, old.blob_id).text,
        new_text=load_blob(session, new.blob_id).text,
    )


def _recipe_at(session: Session, slug: str, number: int | None) -> tuple[Recipe, Revision]:
    """A recipe and one of its revisions readers may see: the one named, or the published one."""
    recipe = get_recipe(session, slug)
    revision = recipe.published_revision if number is None else get_revision(session, recipe, number)
    if revision is None or revision.status != "approved":
        if number is None:
            raise NotFound("The recipe {slug!r} has no published revision.", values={"slug": slug})
        raise NotFound(
            "The recipe {slug!r} has no published revision {number}.", values={"slug": slug, "number": number}
        )
    return recipe, revision
