"""The stored facts of Levain, as typed SQLAlchemy 2.0 models.

Glossary:
- *blob*: a text stored once by its content (sha-256), compressed, with its rendered HTML beside it.
  A blob may be stored as a delta against a *base* blob (zlib with the base as preset dictionary), so
  that a long history of small edits costs little and any blob loads with at most three decompressions.
- *recipe*: a titled page with a stable slug. Its *head* is the newest revision of its single chain of
  revisions; its *published* revision is the newest one readers may see (approved).
- *revision*: one saved state of a recipe, append-only, numbered 1, 2, 3 … within the recipe; its
  *parent* is the head it was saved on top of.
- *region*: a place whose network adapts recipes; a *fork* is a recipe that records its parent recipe
  and the parent revision it was copied from (the *fork point*).
- *image*: a picture stored once under the sha-256 of its bytes; an *image upload* records who sent it
  to which recipe, and when.
- *outbox*: rows written in the save transaction, read by the single search index writer after commit.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    types,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from recipes.summaries import SummaryFields

ROLES = ("contributor", "editor", "moderator", "admin")
REVISION_STATUSES = ("approved", "pending", "rejected")
LANGUAGES = ("fr", "en")
# The licence of a recipe nobody chose one for (the contract's default for new recipes).
DEFAULT_LICENCE = "CC-BY-SA-4.0"
# The picture types accepted, and the extension each is served with.
IMAGE_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}

# Stable constraint names, so that Alembic migrations and the models agree on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)

class UTCDateTime(types.TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value

class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)

class DataGeneration(Base):
    """One row: the number every committed write raises (``recipes.generation``)."""

    __tablename__ = "data_generation"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="contributor")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Carried by every session cookie of the account; bumped (logout, new password, block) to end them all.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")

    __table_args__ = (CheckConstraint(f"role IN {ROLES}", name="role"),)

    # The block in force or expired (see recipes.moderation.blocks); None when the account was never blocked.
    block: Mapped[Block | None] = relationship(foreign_keys="Block.user_id", viewonly=True)

class ApiToken(Base):
    """A personal API token; only its sha-256 is kept, the token itself is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # What its owner uses it for ("import script"), to tell tokens apart when revoking one.
    name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()

class Region(Base):
    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    # Where the region sits on the map (WGS84), when someone placed it.
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)

class Blob(Base):
    __tablename__ = "blobs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha-256 of the text, hex
    size: Mapped[int] = mapped_column(Integer)  # length of the text in characters
    base_id: Mapped[str | None] = mapped_column(ForeignKey("blobs.id"))
    text_z: Mapped[bytes] = mapped_column(LargeBinary)
    html_z: Mapped[bytes] = mapped_column(LargeBinary)

class Recipe(Base):
    __tablename__ = "recipes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(2), default="fr")
    licence: Mapped[str] = mapped_column(String(40), default=DEFAULT_LICENCE)  # SPDX: recipes.licences.rules
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    head_number: Mapped[int] = mapped_column(Integer, default=0)
    head_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revisions.id", use_alter=True, name="fk_recipes_head_revision_id_revisions")
    )
    published_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revisions.id", use_alter=True, name="fk_recipes_published_revision_id_revisions")
    )
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("recipes.id"), index=True)
    fork_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revisions.id", use_alter=True, name="fk_recipes_fork_revision_id_revisions")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Soft deletion: a deleted recipe keeps its history and lineage but is hidden from readers.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    region: Mapped[Region | None] = relationship()
    tags: Mapped[list[RecipeTag]] = relationship(
        cascade="all, delete-orphan", order_by="RecipeTag.tag", lazy="selectin"
    )
    head_revision: Mapped[Revision | None] = relationship(foreign_keys=[head_revision_id])
    published_revision: Mapped[Revision | None] = relationship(foreign_keys=[published_revision_id])
    parent: Mapped[Recipe | None] = relationship(remote_side=[id], foreign_keys=[parent_id])
    fork_revision: Mapped[Revision | None] = relationship(foreign_keys=[fork_revision_id])
    # Who may edit it (see recipes.moderation.protection); None when it was never protected.
    protection: Mapped[Protection | None] = relationship(viewonly=True)

    __table_args__ = (CheckConstraint(f"language IN {LANGUAGES}", name="language"),)

    @property
    def tag_names(self) -> list[str]:
        return [t.tag for t in self.tags]

class RecipeTag(Base):
    __tablename__ = "recipe_tags"

    recipe_id: Mapped[int] = mapped_column(ForeignKey("recipes.id"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)

class Revision(SummaryFields, Base):
    __tablename__ = "revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipe_id: Mapped[int] = mapped_column(ForeignKey("recipes.id"))
    number: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))
    blob_id: Mapped[str] = mapped_column(ForeignKey("blobs.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    summary: Mapped[str] = mapped_column(String(500), default="")
    kind: Mapped[str] = mapped_column(String(20), default="edit")
    status: Mapped[str] = mapped_column(String(10), default="approved")
    size: Mapped[int] = mapped_column(Integer)
    size_delta: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # On a fork: this revision took in the parent recipe's changes up to that parent revision.
    upstream_revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))

    recipe: Mapped[Recipe] = relationship(foreign_keys=[recipe_id])
    author: Mapped[User] = relationship()
    blob: Mapped[Blob] = relationship()

    __table_args__ = (
        UniqueConstraint("recipe_id", "number", name="uq_revisions_recipe_id_number"),
        CheckConstraint(f"status IN {REVISION_STATUSES}", name="status"),
        Index("ix_revisions_status_created_at", "status", "created_at"),  # the review queue
    )

class Proposal(Base):
    """A fork's local changes offered to its parent recipe, reviewed as a diff and merged or declined."""

    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("recipes.id"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("recipes.id"), index=True)
    # The fork's head when proposed, and the parent revision its changes are relative to.
    source_revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"))
    base_revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    summary: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_comment: Mapped[str | None] = mapped_column(Text)
    # The revision of the parent recipe that the accepted proposal became.
    target_revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))

    source: Mapped[Recipe] = relationship(foreign_keys=[source_id])
    target: Mapped[Recipe] = relationship(foreign_keys=[target_id])
    source_revision: Mapped[Revision] = relationship(foreign_keys=[source_revision_id])
    base_revision: Mapped[Revision] = relationship(foreign_keys=[base_revision_id])
    target_revision: Mapped[Revision | None] = relationship(foreign_keys=[target_revision_id])
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    __table_args__ = (CheckConstraint("status IN ('open', 'accepted', 'declined')", name="status"),)


class ProposalComment(Base):
    __tablename__ = "proposal_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship()


class RevisionReview(Base):
    """A moderator's decision on a pending revision; a rejection carries the reason its author is told."""

    __tablename__ = "revision_reviews"

    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"), primary_key=True)
    decision: Mapped[str] = mapped_column(String(10))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    # A rejection: the revision that took the change out of the head (revisions between still hold it).
    undo_revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    revision: Mapped[Revision] = relationship(foreign_keys=[revision_id])
    reviewer: Mapped[User] = relationship()
    undo_revision: Mapped[Revision | None] = relationship(foreign_keys=[undo_revision_id])

    __table_args__ = (CheckConstraint("decision IN ('approved', 'rejected')", name="decision"),)


class Protection(Base):
    """A recipe only editors or moderators may change, until ``expires_at`` (None: until lifted)."""

    __tablename__ = "protections"

    recipe_id: Mapped[int] = mapped_column(ForeignKey("recipes.id"), primary_key=True)
    level: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(500))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    protected_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    protected_by: Mapped[User] = relationship()

    __table_args__ = (CheckConstraint("level IN ('editor', 'moderator')", name="level"),)


class Block(Base):
    """An account that may not change anything, until ``expires_at`` (None: until unblocked)."""

    __tablename__ = "blocks"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    reason: Mapped[str] = mapped_column(String(500))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    blocked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    blocked_by: Mapped[User] = relationship(foreign_keys=[blocked_by_id])


class Image(Base):
    """A picture stored once by its content (sha-256 of its bytes), in the database so that every
    app server can serve it. Never deleted: old revisions keep showing the pictures they used."""

    __tablename__ = "images"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha-256 of the bytes, hex
    content_type: Mapped[str] = mapped_column(String(20))
    size: Mapped[int] = mapped_column(Integer)  # in bytes
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    # Loaded only when the picture itself is served, not when pictures are listed.
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (CheckConstraint(f"content_type IN {tuple(IMAGE_EXTENSIONS)}", name="content_type"),)

    @property
    def filename(self) -> str:
        """The name it is served under: ``<sha-256>.<extension of its type>``."""
        return f"{self.id}.{IMAGE_EXTENSIONS[self.content_type]}"


class ImageUpload(Base):
    """Who uploaded a picture, to which recipe (None: from the editor of a recipe not created yet), when."""

    __tablename__ = "image_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    image_id: Mapped[str] = mapped_column(ForeignKey("images.id"), index=True)
    recipe_id: Mapped[int | None] = mapped_column(ForeignKey("recipes.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    image: Mapped[Image] = relationship()
    user: Mapped[User] = relationship()


class SearchOutbox(Base):
    """A recipe whose search document must be refreshed; written in the save transaction."""

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipe_id: Mapped[int] = mapped_column(ForeignKey("recipes.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Change(SummaryFields, Base):
    """One line of recent changes: who did what to which recipe or account, and when. Never updated."""

    __tablename__ = "changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(20), index=True)
    recipe_id: Mapped[int | None] = mapped_column(ForeignKey("recipes.id"), index=True)
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    summary: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recipe: Mapped[Recipe | None] = relationship()
    revision: Mapped[Revision | None] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    target_user: Mapped[User | None] = relationship(foreign_keys=[target_user_id])


class ChangePatrol(Base):
    """A change someone trusted checked; kept apart so that the changes themselves stay append-only."""

    __tablename__ = "change_patrols"

    change_id: Mapped[int] = mapped_column(ForeignKey("changes.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEntry(SummaryFields, Base):
    """One moderation action in the audit log; the database itself refuses to update or delete it."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    recipe_id: Mapped[int | None] = mapped_column(ForeignKey("recipes.id"))
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    change_id: Mapped[int | None] = mapped_column(ForeignKey("changes.id"))
    summary: Mapped[str] = mapped_column(String(500), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    recipe: Mapped[Recipe | None] = relationship()
    revision: Mapped[Revision | None] = relationship()
    target_user: Mapped[User | None] = relationship(foreign_keys=[target_user_id])


class Watch(Base):
    """A user watches one recipe or one region (exactly one of the two)."""

    __tablename__ = "watches"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    recipe_id: Mapped[int | None] = mapped_column(ForeignKey("recipes.id"))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recipe: Mapped[Recipe | None] = relationship()
    region: Mapped[Region | None] = relationship()

    __table_args__ = (
        UniqueConstraint("user_id", "recipe_id", name="uq_watches_user_id_recipe_id"),
        UniqueConstraint("user_id", "region_id", name="uq_watches_user_id_region_id"),
        CheckConstraint("(recipe_id IS NULL) <> (region_id IS NULL)", name="one_target"),
    )


class WatchlistVisit(Base):
    """When a user last looked at their watchlist: what changed after it is new to them."""

    __tablename__ = "watchlist_visits"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RecipeRedirect(Base):
    """A former address of a renamed recipe (its old slug, or its old title's), which still leads to it."""

    __tablename__ = "recipe_redirects"

    slug: Mapped[str] = mapped_column(String(80), primary_key=True)
    recipe_id: Mapped[int] = mapped_column(ForeignKey("recipes.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recipe: Mapped[Recipe] = relationship()


# Events: times a recipe was done somewhere, and series that group them (see recipes/events/).
EVENT_STATUSES = ("approved", "pending")


class EventSeries(Base):
    __tablename__ = "event_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship()


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipe_id: Mapped[int] = mapped_column(ForeignKey("recipes.id"), index=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"))
    # The revision of the recipe an edit made from its account saved (what the run taught, applied).
    led_to_revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    all_day: Mapped[bool] = mapped_column(Boolean, default=False)
    place: Mapped[str] = mapped_column(String(200))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("event_series.id"), index=True)
    participants: Mapped[int | None] = mapped_column(Integer)
    url: Mapped[str | None] = mapped_column(String(500))
    report: Mapped[str] = mapped_column(Text, default="")
    report_html: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="approved")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (CheckConstraint(f"status IN {EVENT_STATUSES}", name="status"),)

    recipe: Mapped[Recipe] = relationship()
    revision: Mapped[Revision] = relationship(foreign_keys=[revision_id])
    led_to_revision: Mapped[Revision | None] = relationship(foreign_keys=[led_to_revision_id])
    author: Mapped[User] = relationship()
    region: Mapped[Region | None] = relationship()
    series: Mapped[EventSeries | None] = relationship()
