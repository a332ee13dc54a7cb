"""Full-text search of recipes: a small interface with two backends, fed from the search outbox.

Glossary:
- *document*: what the index holds of a recipe readers may find (``documents``): its published
  revision's title and text, region, tags, language and *lineage root*. Pending or rejected
  revisions are never indexed; a recipe readers may not find has no document.
- *outbox*: rows a save writes in its own transaction; a single *writer* at a time applies them to
  the index after commit (``outbox``). The index is derived data: ``rebuild`` remakes it from the
  database, ``check_index`` reports *drift* between the two.
- *backend*: ``whoosh`` (files in the instance folder, the default) or ``postgres`` (tsvector
  columns in the database, shared by every app server), both behind ``SearchIndex``.
- *query*: what a reader typed, cleaned by ``parse_query`` into words, phrases, exclusions and ORs.
- *hit*: one lineage in the results, its best recipe first and the other matching *variants* beside.
- *vocabulary*: the words of the searchable recipes, in the database, for "did you mean".

Browsing without typing (popular and recent recipes, tags) is ``discovery``.

May import: the ground modules of ``recipes`` and every group before it; never ``exchange`` or ``demo``.
"""

from .documents import count_documents
from .interface import (
    Hit,
    SearchIndex,
    SearchRequest,
    SearchResults,
    SearchUnavailable,
    Variant,
    make_request,
)
from .query import ParsedQuery, parse_query
from .service import DriftReport, check_index, open_index, prepare_index, search_recipes

__all__ = [
    "DriftReport",
    "Hit",
    "ParsedQuery",
    "SearchIndex",
    "SearchRequest",
    "SearchResults",
    "SearchUnavailable",
    "Variant",
    "check_index",
    "count_documents",
    "make_request",
    "open_index",
    "parse_query",
    "prepare_index",
    "search_recipes",
]
