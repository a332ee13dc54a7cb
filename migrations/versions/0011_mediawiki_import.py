"""MediaWiki import: the pages and revisions brought in from each wiki

Revision ID: 0011
Revises: 0007
"""

from alembic import op
import sqlalchemy as sa


revision = "0011"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("mediawiki_pages",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("source", sa.String(length=255), nullable=False),
    sa.Column("page_id", sa.Integer(), nullable=False),
    sa.Column("title", sa.String(length=255), nullable=False),
    sa.Column("recipe_id", sa.Integer(), nullable=False),
    sa.Column("categories", sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(["recipe_id"], ["recipes.id"], name=op.f("fk_mediawiki_pages_recipe_id_recipes")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_mediawiki_pages")),
    sa.UniqueConstraint("source", "page_id", name="uq_mediawiki_pages_source_page_id")
    )
    with op.batch_alter_table("mediawiki_pages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mediawiki_pages_recipe_id"), ["recipe_id"], unique=False)

    op.create_table("mediawiki_revisions",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("page_id", sa.Integer(), nullable=False),
    sa.Column("mediawiki_id", sa.Integer(), nullable=False),
    sa.Column("revision_id", sa.Integer(), nullable=False),
    sa.Column("blob_id", sa.String(length=64), nullable=False),
    sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["blob_id"], ["blobs.id"], name=op.f("fk_mediawiki_revisions_blob_id_blobs")),
    sa.ForeignKeyConstraint(
        ["page_id"], ["mediawiki_pages.id"], name=op.f("fk_mediawiki_revisions_page_id_mediawiki_pages")
    ),
    sa.ForeignKeyConstraint(
        ["revision_id"], ["revisions.id"], name=op.f("fk_mediawiki_revisions_revision_id_revisions")
    ),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_mediawiki_revisions")),
    sa.UniqueConstraint("page_id", "mediawiki_id", name="uq_mediawiki_revisions_page_id_mediawiki_id")
    )
    with op.batch_alter_table("mediawiki_revisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mediawiki_revisions_revision_id"), ["revision_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("mediawiki_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mediawiki_revisions_revision_id"))
    op.drop_table("mediawiki_revisions")
    with op.batch_alter_table("mediawiki_pages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mediawiki_pages_recipe_id"))
    op.drop_table("mediawiki_pages")
