"""The search tables, on the shared ``Base`` so that the migrations cover them.

``search_documents`` is the PostgreSQL backend's index: one row per searchable recipe with what
readers may see of it (the published revision's title and text), its facets, and a ``tsvector`` made
with the text search configuration of its language (``levain_french`` or ``levain_english``: the
built-in ones with ``unaccent`` before the stemmer), weighted A for the title and D for the text,
under a GIN index. It exists but stays empty where the embedded Whoosh index is used. ``search_words``
is the vocabulary "did you mean" picks from, whichever backend searches.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from ..models import Base, UTCDateTime

# A tsvector on PostgreSQL; elsewhere an unused text column, so that both databases share one schema.
TSVector = Text().with_variant(TSVECTOR(), "postgresql")


class SearchDocumentRow(Base):
    __tablename__ = "search_documents"

    recipe_id: Mapped[int] = mapped_column(ForeignKey("recipes.id", ondelete="CASCADE"), primary_key=True)
    revision_id: Mapped[int] = mapped_column(Integer)  # the published revision indexed
    root_id: Mapped[int] = mapped_column(Integer, index=True)  # the origin of the recipe's lineage
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(2))
    region_slug: Mapped[str | None] = mapped_column(String(80), index=True)
    region_name: Mapped[str | None] = mapped_column(String(120))
    tags: Mapped[str] = mapped_column(Text)  # one tag per line
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    body: Mapped[str] = mapped_column(Text)  # plain text, for snippets
    digest: Mapped[str] = mapped_column(String(64))
    vector: Mapped[str | None] = mapped_column(TSVector)

    __table_args__ = (Index("ix_search_documents_vector", "vector", postgresql_using="gin"),)


class SearchWord(Base):
    """A word (lowercase, without accents) found in some searchable recipe."""

    __tablename__ = "search_words"

    word: Mapped[str] = mapped_column(String(40), primary_key=True)
