"""Recipes, revisions and merge conflicts as the JSON dicts of the API.

Serialisers read what is loaded and never render: the HTML of a revision is the one stored at save.
Times are ISO 8601 with their timezone (UTC).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from recipes.blobs import BlobContent
from recipes.history.merge import Conflict
from recipes.models import Recipe, Revision


def iso_time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def recipe_summary(recipe: Recipe) -> dict[str, Any]:
    """A recipe without its text: what lists show.

    ``revision`` is the revision readers see; ``head_revision`` the newest one, which a client
    editing the recipe sends back as ``base_revision`` (they differ while an edit awaits review).
    """
    published = recipe.published_revision
    parent = None
    if recipe.parent is not None and recipe.fork_revision is not None:
        parent = {"slug": recipe.parent.slug, "revision": recipe.fork_revision.number}
    return {
        "slug": recipe.slug,
        "title": recipe.title,
        "region": recipe.region.slug if recipe.region is not None else None,
        "tags": recipe.tag_names,
        "language": recipe.language,
        "licence": recipe.licence,
        "revision": published.number if published is not None else None,
        "head_revision": recipe.head_number,
        "parent": parent,
        "created_at": iso_time(recipe.created_at),
        "updated_at": iso_time(recipe.updated_at),
    }


def recipe_dict(recipe: Recipe, content: BlobContent) -> dict[str, Any]:
    """A recipe with the text and stored HTML of its published revision (``content``)."""
    return {**recipe_summary(recipe), "body": content.text, "html": content.html}


def revision_dict(revision: Revision, *, visible: bool = True) -> dict[str, Any]:
    """A revision as history lists it, without its text.

    One the asker may not see (awaiting review, rejected) is listed without its summary and title.
    """
    return {
        "number": revision.number,
        "author": revision.author.name,
        "summary": revision.summary if visible else "",
        "created_at": iso_time(revision.created_at),
        "status": revision.status,
        "size": revision.size,
        "size_delta": revision.size_delta,
        "kind": revision.kind,
        "title": revision.title if visible else None,
    }


def revision_with_content(revision: Revision, content: BlobContent) -> dict[str, Any]:
    """A revision with its text and the HTML stored for it."""
    return {**revision_dict(revision), "body": content.text, "html": content.html}


def conflict_dict(conflict: Conflict) -> dict[str, str]:
    """A region both sides of a merge changed differently, as the API's ``{"base", "ours", "theirs"}``."""
    return {"base": conflict.base, "ours": conflict.ours, "theirs": conflict.theirs}
