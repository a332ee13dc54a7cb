"""Events: where and when a recipe was done, series of events, regions on the map

Revision ID: 0013
Revises: 0012
"""

from alembic import op
import sqlalchemy as sa


revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("regions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("latitude", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("longitude", sa.Float(), nullable=True))

    op.create_table("event_series",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("slug", sa.String(length=80), nullable=False),
    sa.Column("name", sa.String(length=200), nullable=False),
    sa.Column("starts_on", sa.Date(), nullable=False),
    sa.Column("ends_on", sa.Date(), nullable=False),
    sa.Column("description", sa.Text(), nullable=False),
    sa.Column("author_id", sa.Integer(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_event_series_author_id_users")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_event_series")),
    sa.UniqueConstraint("slug", name=op.f("uq_event_series_slug"))
    )

    op.create_table("events",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("recipe_id", sa.Integer(), nullable=False),
    sa.Column("revision_id", sa.Integer(), nullable=False),
    sa.Column("author_id", sa.Integer(), nullable=False),
    sa.Column("title", sa.String(length=200), nullable=False),
    sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("all_day", sa.Boolean(), nullable=False),
    sa.Column("place", sa.String(length=200), nullable=False),
    sa.Column("latitude", sa.Float(), nullable=True),
    sa.Column("longitude", sa.Float(), nullable=True),
    sa.Column("region_id", sa.Integer(), nullable=True),
    sa.Column("series_id", sa.Integer(), nullable=True),
    sa.Column("participants", sa.Integer(), nullable=True),
    sa.Column("url", sa.String(length=500), nullable=True),
    sa.Column("report", sa.Text(), nullable=False),
    sa.Column("report_html", sa.Text(), nullable=False),
    sa.Column("status", sa.String(length=10), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('approved', 'pending')", name=op.f("ck_events_status")),
    sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_events_author_id_users")),
    sa.ForeignKeyConstraint(["recipe_id"], ["recipes.id"], name=op.f("fk_events_recipe_id_recipes")),
    sa.ForeignKeyConstraint(["region_id"], ["regions.id"], name=op.f("fk_events_region_id_regions")),
    sa.ForeignKeyConstraint(["revision_id"], ["revisions.id"], name=op.f("fk_events_revision_id_revisions")),
    sa.ForeignKeyConstraint(["series_id"], ["event_series.id"], name=op.f("fk_events_series_id_event_series")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_events"))
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_recipe_id"), ["recipe_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_region_id"), ["region_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_series_id"), ["series_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_starts_at"), ["starts_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_starts_at"))
        batch_op.drop_index(batch_op.f("ix_events_series_id"))
        batch_op.drop_index(batch_op.f("ix_events_region_id"))
        batch_op.drop_index(batch_op.f("ix_events_recipe_id"))
    op.drop_table("events")
    op.drop_table("event_series")
    with op.batch_alter_table("regions", schema=None) as batch_op:
        batch_op.drop_column("longitude")
        batch_op.drop_column("latitude")
