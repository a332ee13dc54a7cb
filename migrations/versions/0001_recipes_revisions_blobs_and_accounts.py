"""recipes revisions blobs and accounts

Revision ID: 0001
Revises:
"""

from alembic import op
import sqlalchemy as sa


revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("blobs",
    sa.Column("id", sa.String(length=64), nullable=False),
    sa.Column("size", sa.Integer(), nullable=False),
    sa.Column("base_id", sa.String(length=64), nullable=True),
    sa.Column("text_z", sa.LargeBinary(), nullable=False),
    sa.Column("html_z", sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(["base_id"], ["blobs.id"], name=op.f("fk_blobs_base_id_blobs")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_blobs"))
    )
    op.create_table("regions",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("slug", sa.String(length=80), nullable=False),
    sa.Column("name", sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_regions")),
    sa.UniqueConstraint("slug", name=op.f("uq_regions_slug"))
    )
    op.create_table("users",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("name", sa.String(length=40), nullable=False),
    sa.Column("email", sa.String(length=254), nullable=True),
    sa.Column("password_hash", sa.String(length=255), nullable=False),
    sa.Column("role", sa.String(length=20), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('contributor', 'editor', 'moderator', 'admin')", name=op.f("ck_users_role")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    sa.UniqueConstraint("name", name=op.f("uq_users_name"))
    )
    op.create_table("api_tokens",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("user_id", sa.Integer(), nullable=False),
    sa.Column("token_hash", sa.String(length=64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
    sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash"))
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_user_id"), ["user_id"], unique=False)

    op.create_table("recipes",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("slug", sa.String(length=80), nullable=False),
    sa.Column("title", sa.String(length=200), nullable=False),
    sa.Column("language", sa.String(length=2), nullable=False),
    sa.Column("region_id", sa.Integer(), nullable=True),
    sa.Column("head_number", sa.Integer(), nullable=False),
    sa.Column("head_revision_id", sa.Integer(), nullable=True),
    sa.Column("published_revision_id", sa.Integer(), nullable=True),
    sa.Column("parent_id", sa.Integer(), nullable=True),
    sa.Column("fork_revision_id", sa.Integer(), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("language IN ('fr', 'en')", name=op.f("ck_recipes_language")),
    sa.ForeignKeyConstraint(["parent_id"], ["recipes.id"], name=op.f("fk_recipes_parent_id_recipes")),
    sa.ForeignKeyConstraint(["region_id"], ["regions.id"], name=op.f("fk_recipes_region_id_regions")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_recipes")),
    sa.UniqueConstraint("slug", name=op.f("uq_recipes_slug"))
    )
    with op.batch_alter_table("recipes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recipes_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_recipes_region_id"), ["region_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_recipes_updated_at"), ["updated_at"], unique=False)

    op.create_table("recipe_tags",
    sa.Column("recipe_id", sa.Integer(), nullable=False),
    sa.Column("tag", sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(["recipe_id"], ["recipes.id"], name=op.f("fk_recipe_tags_recipe_id_recipes")),
    sa.PrimaryKeyConstraint("recipe_id", "tag", name=op.f("pk_recipe_tags"))
    )
    with op.batch_alter_table("recipe_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recipe_tags_tag"), ["tag"], unique=False)

    op.create_table("revisions",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("recipe_id", sa.Integer(), nullable=False),
    sa.Column("number", sa.Integer(), nullable=False),
    sa.Column("parent_id", sa.Integer(), nullable=True),
    sa.Column("blob_id", sa.String(length=64), nullable=False),
    sa.Column("title", sa.String(length=200), nullable=False),
    sa.Column("author_id", sa.Integer(), nullable=False),
    sa.Column("summary", sa.String(length=500), nullable=False),
    sa.Column("kind", sa.String(length=20), nullable=False),
    sa.Column("status", sa.String(length=10), nullable=False),
    sa.Column("size", sa.Integer(), nullable=False),
    sa.Column("size_delta", sa.Integer(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('approved', 'pending', 'rejected')", name=op.f("ck_revisions_status")),
    sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_revisions_author_id_users")),
    sa.ForeignKeyConstraint(["blob_id"], ["blobs.id"], name=op.f("fk_revisions_blob_id_blobs")),
    sa.ForeignKeyConstraint(["parent_id"], ["revisions.id"], name=op.f("fk_revisions_parent_id_revisions")),
    sa.ForeignKeyConstraint(["recipe_id"], ["recipes.id"], name=op.f("fk_revisions_recipe_id_recipes")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_revisions")),
    sa.UniqueConstraint("recipe_id", "number", name="uq_revisions_recipe_id_number")
    )
    with op.batch_alter_table("revisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_revisions_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_revisions_blob_id"), ["blob_id"], unique=False)

    # recipes and revisions point at each other: the recipe"s head, published and fork-point
    # revisions are linked once both tables exist.
    with op.batch_alter_table("recipes", schema=None) as batch_op:
        batch_op.create_foreign_key("fk_recipes_head_revision_id_revisions", "revisions", ["head_revision_id"], ["id"])
        batch_op.create_foreign_key("fk_recipes_published_revision_id_revisions", "revisions", ["published_revision_id"], ["id"])
        batch_op.create_foreign_key("fk_recipes_fork_revision_id_revisions", "revisions", ["fork_revision_id"], ["id"])

    op.create_table("search_outbox",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("recipe_id", sa.Integer(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["recipe_id"], ["recipes.id"], name=op.f("fk_search_outbox_recipe_id_recipes")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_search_outbox"))
    )


def downgrade() -> None:
    op.drop_table("search_outbox")
    with op.batch_alter_table("recipes", schema=None) as batch_op:
        batch_op.drop_constraint("fk_recipes_fork_revision_id_revisions", type_="foreignkey")
        batch_op.drop_constraint("fk_recipes_published_revision_id_revisions", type_="foreignkey")
        batch_op.drop_constraint("fk_recipes_head_revision_id_revisions", type_="foreignkey")
    with op.batch_alter_table("revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_revisions_blob_id"))
        batch_op.drop_index(batch_op.f("ix_revisions_author_id"))

    op.drop_table("revisions")
    with op.batch_alter_table("recipe_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recipe_tags_tag"))

    op.drop_table("recipe_tags")
    with op.batch_alter_table("recipes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recipes_updated_at"))
        batch_op.drop_index(batch_op.f("ix_recipes_region_id"))
        batch_op.drop_index(batch_op.f("ix_recipes_parent_id"))

    op.drop_table("recipes")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_user_id"))

    op.drop_table("api_tokens")
    op.drop_table("users")
    op.drop_table("regions")
    op.drop_table("blobs")
