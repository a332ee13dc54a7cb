"""What the MediaWiki import remembers, so that importing a newer export adds only what is new.

A *source* names one MediaWiki (its database name and host, from the export's ``<siteinfo>``): page
and revision ids are only unique within one wiki. ``mediawiki_pages`` ties each imported page to its
recipe; ``mediawiki_revisions`` ties each imported MediaWiki revision to the Levain revision that
carries it (the recipe's head right after it was imported) and keeps its converted text (a blob),
which is the base of the three-way merge when the recipe was edited in Levain since.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ...models import Base, UTCDateTime, utcnow


class MediaWikiPage(Base):
    """A MediaWiki page imported as a recipe, and the categories of its last imported revision."""

    __tablename__ = "mediawiki_pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(255))
    page_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(255))
    recipe_id: Mapped[int] = mapped_column(ForeignKey("recipes.id"), index=True)
    # One per line: the base of the next import's merge of categories into the recipe's tags.
    categories: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("source", "page_id", name="uq_mediawiki_pages_source_page_id"),)


class MediaWikiRevision(Base):
    """A MediaWiki revision imported: the Levain revision that carries it, and its converted text."""

    __tablename__ = "mediawiki_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("mediawiki_pages.id"))
    mediawiki_id: Mapped[int] = mapped_column(Integer)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"), index=True)
    blob_id: Mapped[str] = mapped_column(ForeignKey("blobs.id"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("page_id", "mediawiki_id", name="uq_mediawiki_revisions_page_id_mediawiki_id"),
    )
