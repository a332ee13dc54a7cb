"""The search tables, on the shared ``Base`` so that the migrations cover them.

``search_documents`` is the PostgreSQL backend's index: one row per searchable recipe with what
readers may see of it (the published revision's title; its text is in ``search_texts``), its facets,
and a ``tsvector`` made with the text search configuration of its language (``levain_french`` or
``levain_english``: the built-in ones with ``unaccent`` before the stemmer), weighted A for the title
and D for the text, under a GIN index; the title's own small vector tells cheaply which matches
are in the title. Each document names its *facet set* (``search_facet_sets``): the combination
of region, language, tags and licence it has, numbered, so that a search counts its matches by a small
integer rather than by comparing tag arrays. These stay empty where the embedded Whoosh index is
used. ``search_words`` is the
vocabulary "did you mean" picks from, whichever backend searches.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from ..models import Base, UTCDateTime

# PostgreSQL types; elsewhere unused text columns, so that both databases share one schema.
TSVector = Text().with_variant(TSVECTOR(), "postgresql")
TagList = Text().with_variant(ARRAY(Text()), "postgresql")


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
    tags: Mapped[list[str]] = mapped_column(TagList)
    licence: Mapped[str | None] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    digest: Mapped[str] = mapped_column(String(64))
    vector: Mapped[str | None] = mapped_column(TSVector)  # title (weight A) and text (D)
    title_vector: Mapped[str | None] = mapped_column(TSVector)  # the title alone: cheap to test per match
    facet_set_id: Mapped[int | None] = mapped_column(Integer)  # its facets: SearchFacetSet

    __table_args__ = (Index("ix_search_documents_vector", "vector", postgresql_using="gin"),)


class SearchText(Base):
    """The plain text of a search document, apart so that its row stays small: read for snippets."""

    __tablename__ = "search_texts"

    recipe_id: Mapped[int] = mapped_column(
        ForeignKey("search_documents.recipe_id", ondelete="CASCADE"), primary_key=True
    )
    body: Mapped[str] = mapped_column(Text)


class SearchFacetSet(Base):
    """One combination of region, language, tags and licence that search documents have, numbered.

    A search groups its matches by this number and reads the few hundred combinations it found;
    the ``signature`` names the combination (see ``postgres_facets.signature``). Never deleted but
    by a rebuild: a combination no document has any more counts for no search.
    """

    __tablename__ = "search_facet_sets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    signature: Mapped[str] = mapped_column(Text, unique=True)
    region_slug: Mapped[str | None] = mapped_column(String(80))
    language: Mapped[str] = mapped_column(String(2))
    tags: Mapped[list[str]] = mapped_column(TagList)
    licence: Mapped[str | None] = mapped_column(String(40))


class SearchWord(Base):
    """A word (lowercase, without accents) found in some searchable recipe."""

    __tablename__ = "search_words"

    word: Mapped[str] = mapped_column(String(40), primary_key=True)
