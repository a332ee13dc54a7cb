"""Helpers the page views share: reading forms and addresses, loading what a page shows, template globals.

Revision numbers arrive as text (a path part or a query parameter) so that ``abc``, ``0`` or ``-1``
reach validation and get a 400 page with a sentence, instead of a bare 404 from an ``<int:>``
converter. Pages show the HTML stored at save time; the Markdown renderer never runs on a page view.
"""

from __future__ import annotations

from functools import lru_cache

from flask import request
from flask_babel import get_locale
from sqlalchemy.orm import Session

from recipes.models import Recipe, Revision
from recipes.queries import existing_slugs, get_recipe, revision_content

from ..api.common import checked_slug, whole_number
from ..db import get_session
from ..markdown import mark_missing_links, table_of_contents, wikilink_targets

# Readings of stored HTML kept per process. A blob's HTML never changes, and the blob cache hands out
# the same string for it each time, so a reading is found again by the string at little cost.
HTML_READINGS_KEPT = 256


def form_text(name: str) -> str:
    """A field of the posted form, any NUL character replaced by U+FFFD as a decoder marks bad input.

    PostgreSQL cannot store or even compare a text holding NUL; marking it, rather than dropping it,
    keeps a name like "ad\\x00min" from quietly becoming another valid name.
    """
    return request.form.get(name, "").replace("\x00", "\ufffd")


def revision_arg(name: str, what: str) -> int | None:
    """The revision number in query parameter ``name`` (``what`` names it in the error); None if absent."""
    value = request.args.get(name, "")
    return whole_number(value, what) if value.strip() else None


def load_recipe(slug: str) -> Recipe:
    """The recipe at a page's address, or NotFound (a 404 page)."""
    return get_recipe(get_session(), checked_slug(slug))


def revision_html(session: Session, revision: Revision) -> str:
    """The stored HTML of a revision, its wiki links to recipes that do not exist marked as missing."""
    html = revision_content(session, revision).html
    return with_missing_marked(html, existing_slugs(session, set(link_targets(html))))


def with_missing_marked(html: str, existing: set[str]) -> str:
    """Stored HTML with its wiki links to slugs not in ``existing`` marked as missing."""
    missing = link_targets(html) - existing
    return _with_missing_marked(html, frozenset(missing)) if missing else html


@lru_cache(maxsize=HTML_READINGS_KEPT)
def link_targets(html: str) -> frozenset[str]:
    """The slugs the wiki links of stored HTML lead to."""
    return frozenset(wikilink_targets(html))


@lru_cache(maxsize=HTML_READINGS_KEPT)
def _with_missing_marked(html: str, missing: frozenset[str]) -> str:
    return mark_missing_links(html, link_targets(html) - missing)


@lru_cache(maxsize=HTML_READINGS_KEPT)
def contents_of(html: str) -> tuple[tuple[int, str, str], ...]:
    """The (level, id, text) of the headings of a page's HTML."""
    return tuple(table_of_contents(html))


def template_globals() -> dict:
    """Values every page's template may use: the interface language."""
    return {"current_locale": str(get_locale() or "fr")}
