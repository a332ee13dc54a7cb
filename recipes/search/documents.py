"""Search documents: what the index holds for each recipe, built from the database alone.

A recipe is *searchable* when it is not deleted and its published revision is approved: its
*document* is that revision's title and text (never a pending or rejected head) followed by the
accounts of the approved events where it was done (so that what a run taught is found too), the
recipe's region, tags, language and licence, and the *lineage root* (the origin its variants share,
so that results group them). The document's *digest* fingerprints everything but the text, which the published
revision's id already pins down (blobs never change), and the accounts, which may change under the same
revision: ``levain search check`` compares digests without reading a single blob.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ..blobs import load_blob
from ..models import Event, Recipe, RecipeTag, Region, Revision

# Recipes loaded per query while rebuilding, and ids per IN (...) list.
BATCH_SIZE = 200
# Lineage has no cycles (forks copy existing recipes); the bound keeps a damaged database from looping.
MAX_LINEAGE_DEPTH = 1000

_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header "
    "hr li main nav ol p pre section table td th tr ul".split()
)
_CONTROL_CHARS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class SearchDocument:
    """What readers may find of one recipe: its published revision, facets and lineage root."""

    recipe_id: int
    revision_id: int
    root_id: int
    slug: str
    title: str
    language: str
    region_slug: str | None
    region_name: str | None
    tags: tuple[str, ...]
    updated_at: datetime
    body: str  # plain text of the published revision, then of the accounts of its events
    licence: str = ""  # the recipe's SPDX licence
    accounts_digest: str = ""  # the fingerprint of those accounts ("": none)

    @property
    def digest(self) -> str:
        return document_digest(
            self.recipe_id,
            self.revision_id,
            self.root_id,
            self.slug,
            self.title,
            self.language,
            self.region_slug,
            self.region_name,
            self.tags,
            self.updated_at,
            self.licence,
            *_accounts_field(self.accounts_digest),
        )


def _accounts_field(accounts_digest: str) -> tuple[str, ...]:
    # A recipe no account was written for keeps the digest it had before accounts were fingerprinted,
    # so that an index built then is not all stale.
    return (accounts_digest,) if accounts_digest else ()


def document_digest(*fields: object) -> str:
    """The fingerprint of a document's fields (everything but its text)."""
    encoded = json.dumps([str(f) if isinstance(f, datetime) else f for f in fields], ensure_ascii=False)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


class _TextExtractor(HTMLParser):
    """Collects the text of an HTML fragment, one line per block."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """The readable text of the stored HTML of a revision: no tags, no Markdown marks."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    text = _CONTROL_CHARS.sub(" ", "".join(extractor.parts))
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _searchable() -> Select:
    """Recipes readers may find, with their published revision and region (outer-joined)."""
    return (
        select(
            Recipe.id,
            Revision.id,
            Recipe.slug,
            Revision.title,
            Recipe.language,
            Region.slug,
            Region.name,
            Revision.created_at,
            Revision.blob_id,
            Recipe.licence,
        )
        .join(Revision, Revision.id == Recipe.published_revision_id)
        .outerjoin(Region, Region.id == Recipe.region_id)
        .where(Revision.status == "approved", Recipe.deleted_at.is_(None))
    )


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ids = sorted(ids)
    for start in range(0, len(ids), BATCH_SIZE):
        yield ids[start : start + BATCH_SIZE]


def lineage_roots(session: Session, ids: Iterable[int] | None = None) -> dict[int, int]:
    """The lineage root (the origin, which has no parent) of each recipe; of all recipes when ``ids`` is None.

    Walks ``Recipe.parent_id`` one generation per query: ``recipes.lineage.tree`` offers ancestors of one
    recipe at a time, and the index needs the roots of a whole batch.
    """
    if ids is None:
        parents = dict(session.execute(select(Recipe.id, Recipe.parent_id)).all())
    else:
        ids = set(ids)
        parents = {}
        wanted = set(ids)
        for _ in range(MAX_LINEAGE_DEPTH):
            wanted -= parents.keys()
            if not wanted:
                break
            for chunk in _chunks(wanted):
                query = select(Recipe.id, Recipe.parent_id).where(Recipe.id.in_(chunk))
                parents.update(session.execute(query).all())
            wanted = {parent for parent in parents.values() if parent is not None}
    return {recipe_id: _root(recipe_id, parents) for recipe_id in (parents if ids is None else ids)}


def _root(recipe_id: int, parents: dict[int, int | None]) -> int:
    node = recipe_id
    for _ in range(MAX_LINEAGE_DEPTH):
        parent = parents.get(node)
        if parent is None:
            return node
        node = parent
    return node


def _tags_of(session: Session, ids: list[int]) -> dict[int, tuple[str, ...]]:
    tags: dict[int, list[str]] = {}
    rows = session.execute(
        select(RecipeTag.recipe_id, RecipeTag.tag).where(RecipeTag.recipe_id.in_(ids)).order_by(RecipeTag.tag)
    )
    for recipe_id, tag in rows:
        tags.setdefault(recipe_id, []).append(tag)
    return {recipe_id: tuple(names) for recipe_id, names in tags.items()}


def _account_rows(session: Session, ids: list[int] | None) -> list:
    """The stored HTML of the accounts of the approved events of each recipe (of all when ``ids`` is
    None), by start."""
    query = (
        select(Event.recipe_id, Event.report_html)
        .where(Event.status == "approved", Event.report_html != "")
        .order_by(Event.starts_at, Event.id)
    )
    if ids is not None:
        query = query.where(Event.recipe_id.in_(ids))
    return list(session.execute(query))


def _accounts_of(rows: list[tuple[int, str]]) -> dict[int, str]:
    """The plain text of the accounts of each recipe."""
    accounts: dict[int, list[str]] = {}
    for recipe_id, html in rows:
        accounts.setdefault(recipe_id, []).append(html_to_text(html))
    return {recipe_id: "\n".join(texts) for recipe_id, texts in accounts.items()}


def _account_digests(rows: list[tuple[int, str]]) -> dict[int, str]:
    """The fingerprint of the accounts of each recipe: a changed, added or removed one changes it."""
    accounts: dict[int, list[str]] = {}
    for recipe_id, html in rows:
        accounts.setdefault(recipe_id, []).append(html)
    return {
        recipe_id: hashlib.sha256("\0".join(htmls).encode("utf-8")).hexdigest()
        for recipe_id, htmls in accounts.items()
    }


def _documents(session: Session, ids: list[int], roots: dict[int, int]) -> list[SearchDocument]:
    rows = session.execute(_searchable().where(Recipe.id.in_(ids)).order_by(Recipe.id)).all()
    tags = _tags_of(session, ids)
    account_rows = _account_rows(session, ids)
    accounts, account_digests = _accounts_of(account_rows), _account_digests(account_rows)
    return [
        SearchDocument(
            recipe_id=row[0],
            revision_id=row[1],
            root_id=roots[row[0]],
            slug=row[2],
            title=row[3],
            language=row[4],
            region_slug=row[5],
            region_name=row[6],
            tags=tags.get(row[0], ()),
            updated_at=row[7],
            body="\n".join(
                filter(None, (html_to_text(load_blob(session, row[8]).html), accounts.get(row[0])))
            ),
            licence=row[9],
            accounts_digest=account_digests.get(row[0], ""),
        )
        for row in rows
    ]


def documents_for(session: Session, recipe_ids: Iterable[int]) -> tuple[list[SearchDocument], set[int]]:
    """The documents of these recipes, and the ids of those readers may not find (to drop)."""
    recipe_ids = set(recipe_ids)
    roots = lineage_roots(session, recipe_ids)
    documents = [doc for chunk in _chunks(recipe_ids) for doc in _documents(session, chunk, roots)]
    return documents, recipe_ids - {doc.recipe_id for doc in documents}


def count_documents(session: Session) -> int:
    """How many recipes readers may find (the length of a rebuild)."""
    return session.scalar(select(func.count()).select_from(_searchable().subquery()))


def iter_documents(session: Session) -> Iterator[SearchDocument]:
    """Every searchable recipe's document, a batch at a time (keyset paging on the recipe id)."""
    roots = lineage_roots(session)
    after = 0
    while True:
        ids = list(
            session.scalars(
                _searchable()
                .with_only_columns(Recipe.id)
                .where(Recipe.id > after)
                .order_by(Recipe.id)
                .limit(BATCH_SIZE)
            )
        )
        if not ids:
            return
        if not roots.keys() >= set(ids):  # created since the rebuild began (PostgreSQL reads them)
            roots.update(lineage_roots(session, set(ids) - roots.keys()))
        yield from _documents(session, ids, roots)
        after = ids[-1]


def expected_digests(session: Session) -> dict[int, str]:
    """The digest every searchable recipe's document should have, read without loading any blob (the
    accounts of events are read, to fingerprint them)."""
    roots = lineage_roots(session)
    account_digests = _account_digests(_account_rows(session, None))
    rows = session.execute(_searchable()).all()
    tags = {}
    for recipe_id, tag in session.execute(select(RecipeTag.recipe_id, RecipeTag.tag).order_by(RecipeTag.tag)):
        tags.setdefault(recipe_id, []).append(tag)
    return {
        recipe_id: document_digest(
            recipe_id,
            revision_id,
            roots[recipe_id],
            slug,
            title,
            language,
            region_slug,
            region_name,
            tuple(tags.get(recipe_id, ())),
            updated_at,
            licence,
            *_accounts_field(account_digests.get(recipe_id, "")),
        )
        for (
            recipe_id,
            revision_id,
            slug,
            title,
            language,
            region_slug,
            region_name,
            updated_at,
            _blob,
            licence,
        ) in rows
    }
