"""The facet sets of the PostgreSQL backend: each combination of region, language, tags and licence, numbered.

Counting a search's matches by region, language and tag means grouping thousands of rows; grouping
them by one integer is several times cheaper than by a text, a text and an array. The writer gives
each document the number of its combination (adding the combinations it has not seen), and a search
reads the region, language and tags of the numbers it counted (see ``postgres_queries``).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from .documents import SearchDocument
from .models import SearchFacetSet

# Separators that no region slug, language code or tag contains (control characters).
FIELD_SEPARATOR, TAG_SEPARATOR = "\x1f", "\x1e"


def signature(region_slug: str | None, language: str, tags: Iterable[str], licence: str | None) -> str:
    """The name of a combination; the migration that last renumbered them (0012) computes the same in SQL."""
    return FIELD_SEPARATOR.join((region_slug or "", language, TAG_SEPARATOR.join(tags), licence or ""))


def signature_of(doc: SearchDocument) -> str:
    return signature(doc.region_slug, doc.language, doc.tags, doc.licence)


def numbers_of(session: Session, documents: list[SearchDocument]) -> dict[str, int]:
    """The number of each document's combination by signature, the new ones added (caller's transaction)."""
    kinds = {signature_of(doc): doc for doc in documents}
    rows = [
        {
            "signature": name,
            "region_slug": doc.region_slug,
            "language": doc.language,
            "tags": list(doc.tags),
            "licence": doc.licence,
        }
        for name, doc in sorted(kinds.items())
    ]
    session.execute(insert(SearchFacetSet).on_conflict_do_nothing(index_elements=["signature"]), rows)
    known = select(SearchFacetSet.signature, SearchFacetSet.id).where(SearchFacetSet.signature.in_(kinds))
    return dict(session.execute(known).all())


def forget_all(session: Session) -> None:
    session.execute(delete(SearchFacetSet))
