"""Atom feeds (RFC 4287) of recent changes: the whole wiki, one recipe, one region.

A feed shows only what an anonymous reader may see: changes of approved revisions of recipes that are
not deleted (``recipes.journal.changes`` decides), never a pending or rejected text. The XML is built with
the standard library's ElementTree, which escapes every text; characters XML cannot carry at all
(control characters) are dropped first. Each entry, and a recipe's feed, links to the deed of the
recipe's licence (``rel="license"``, RFC 4946).
"""

from __future__ import annotations

import re
from datetime import datetime
from xml.etree import ElementTree

from flask import Blueprint, Response, request, url_for

from recipes.community.regions import get_region
from recipes.journal import changes
from recipes.journal.changes import ChangeFilters, ChangeRow
from recipes.licences.rules import LICENCES
from recipes.models import Change, utcnow
from recipes.queries import get_recipe

from ..api.common import checked_slug
from ..db import get_session

bp = Blueprint("feeds", __name__)

ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
ENTRIES_PER_FEED = 50
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(parent: ElementTree.Element, tag: str, text: str, **attributes: str) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, f"{{{ATOM_NAMESPACE}}}{tag}", attributes)
    element.text = _NOT_XML.sub("", text)
    return element


def _link(parent: ElementTree.Element, href: str, rel: str = "alternate", kind: str = "text/html") -> None:
    ElementTree.SubElement(parent, f"{{{ATOM_NAMESPACE}}}link", {"rel": rel, "type": kind, "href": href})


def _licence_link(parent: ElementTree.Element, spdx: str) -> None:
    known = LICENCES.get(spdx)
    if known is not None:
        _link(parent, known.deed, rel="license")


def _change_link(change: Change) -> str:
    """The page a change is best read on: its diff, else its recipe, else recent changes."""
    if change.revision is not None and change.revision.number > 1:
        numbers = {"from": change.revision.number - 1, "to": change.revision.number}
        return url_for("recipes.diff", slug=change.recipe.slug, **numbers, _external=True)
    if change.recipe is not None:
        return url_for("recipes.show", slug=change.recipe.slug, _external=True)
    return url_for("changes.recent_changes", _external=True)


def _entry_title(change: Change) -> str:
    subject = change.recipe.title if change.recipe is not None else ""
    return f"{change.type} : {subject}" if subject else change.type


def _entry(feed: ElementTree.Element, row: ChangeRow, host: str) -> None:
    change = row.change
    entry = ElementTree.SubElement(feed, f"{{{ATOM_NAMESPACE}}}entry")
    _text(entry, "id", f"tag:{host},2024:change:{change.id}")
    _text(entry, "title", _entry_title(change))
    _text(entry, "updated", change.created_at.isoformat())
    author = ElementTree.SubElement(entry, f"{{{ATOM_NAMESPACE}}}author")
    _text(author, "name", change.user.name if change.user is not None else "Levain")
    _link(entry, _change_link(change))
    _licence_link(entry, change.recipe.licence)
    summary = change.summary
    if row.size_delta is not None:
        summary = f"{summary} ({row.size_delta:+d})".strip()
    _text(entry, "summary", summary)


def atom_feed(title: str, rows: list[ChangeRow], *, alternate: str, licence: str | None = None) -> Response:
    """An Atom document of these changes, newest first; ``licence``: the one recipe's they all are."""
    host = request.host.split(":")[0] or "localhost"
    ElementTree.register_namespace("", ATOM_NAMESPACE)
    feed = ElementTree.Element(f"{{{ATOM_NAMESPACE}}}feed")
    _text(feed, "id", request.base_url)
    _text(feed, "title", f"{title} · Levain")
    updated: datetime = rows[0].change.created_at if rows else utcnow()
    _text(feed, "updated", updated.isoformat())
    author = ElementTree.SubElement(feed, f"{{{ATOM_NAMESPACE}}}author")
    _text(author, "name", "Levain")
    _link(feed, request.base_url, rel="self", kind="application/atom+xml")
    _link(feed, alternate)
    if licence is not None:
        _licence_link(feed, licence)
    for row in rows:
        _entry(feed, row, host)
    body = ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)
    return Response(body, content_type=ATOM_TYPE)


def _public_changes(filters: ChangeFilters) -> list[ChangeRow]:
    rows, _next = changes.list_changes(get_session(), None, filters, limit=ENTRIES_PER_FEED)
    return [row for row in rows if row.change.recipe is not None]


@bp.get("/feeds/changes.atom")
def all_changes():
    """The feed of recent changes of the whole wiki."""
    alternate = url_for("changes.recent_changes", _external=True)
    return atom_feed("Modifications récentes", _public_changes(ChangeFilters()), alternate=alternate)


@bp.get("/feeds/recipes/<slug>.atom")
def recipe_changes(slug: str):
    """The feed of one recipe's changes."""
    recipe = get_recipe(get_session(), checked_slug(slug))
    rows = _public_changes(ChangeFilters(recipe=recipe.slug))
    alternate = url_for("recipes.show", slug=recipe.slug, _external=True)
    return atom_feed(recipe.title, rows, alternate=alternate, licence=recipe.licence)


@bp.get("/feeds/regions/<slug>.atom")
def region_changes(slug: str):
    """The feed of the changes to a region's recipes."""
    region = get_region(get_session(), checked_slug(slug))
    rows = _public_changes(ChangeFilters(region=region.slug))
    return atom_feed(region.name, rows, alternate=url_for("forks.region", slug=region.slug, _external=True))
