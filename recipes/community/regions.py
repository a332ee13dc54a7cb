"""Regions: the places whose networks adapt recipes (Brest, Genève, Lyon …), each with a slug."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from recipes.database import begin_write
from recipes.errors import Invalid, NotFound
from recipes.models import Region
from recipes.slugs import slugify
from recipes.validation import one_line

MAX_REGION_NAME_LENGTH = 120


def clean_region_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise Invalid("A region needs a name.")
    name = one_line(name)
    if len(name) > MAX_REGION_NAME_LENGTH:
        raise Invalid("A region name has at most {most} characters.", values={"most": MAX_REGION_NAME_LENGTH})
    if not slugify(name):
        raise Invalid("A region name needs at least one letter or digit.")
    return name


def create_region(session: Session, name: str) -> Region:
    """Create a region; its slug comes from its name and must be new."""
    name = clean_region_name(name)
    begin_write(session)
    slug = slugify(name)
    if session.scalar(select(Region).where(Region.slug == slug)) is not None:
        session.rollback()
        raise Invalid("The region {slug!r} exists already.", values={"slug": slug})
    region = Region(slug=slug, name=name)
    session.add(region)
    session.commit()
    return region


def get_region(session: Session, slug: str) -> Region:
    region = session.scalar(select(Region).where(Region.slug == slug))
    if region is None:
        raise NotFound("There is no region {slug!r}.", values={"slug": slug})
    return region


def list_regions(session: Session) -> list[Region]:
    """All regions, by name without regard to case."""
    return list(session.scalars(select(Region).order_by(func.lower(Region.name))))
