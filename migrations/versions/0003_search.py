"""search documents and vocabulary for the PostgreSQL search backend

Revision ID: 0003
Revises: 0002

On PostgreSQL also: the ``unaccent`` extension and two text search configurations, copies of
``french`` and ``english`` that remove accents before stemming (so that ``reseau`` finds "réseau"
and the snippets highlight it), and a GIN index on the documents' ``tsvector``.
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Levain's configuration name, and the built-in one (and its stemmer) it copies.
TEXT_SEARCH_CONFIGURATIONS = (("levain_french", "french"), ("levain_english", "english"))


def upgrade() -> None:
    is_postgres = op.get_bind().dialect.name == "postgresql"
    if is_postgres:
        op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        for name, builtin in TEXT_SEARCH_CONFIGURATIONS:
            op.execute(f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = {builtin})")
            op.execute(
                f"ALTER TEXT SEARCH CONFIGURATION {name} "
                f"ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {builtin}_stem"
            )
    op.create_table("search_documents",
    sa.Column("recipe_id", sa.Integer(), nullable=False),
    sa.Column("revision_id", sa.Integer(), nullable=False),
    sa.Column("root_id", sa.Integer(), nullable=False),
    sa.Column("slug", sa.String(length=80), nullable=False),
    sa.Column("title", sa.String(length=200), nullable=False),
    sa.Column("language", sa.String(length=2), nullable=False),
    sa.Column("region_slug", sa.String(length=80), nullable=True),
    sa.Column("region_name", sa.String(length=120), nullable=True),
    sa.Column("tags", sa.Text().with_variant(postgresql.ARRAY(sa.Text()), "postgresql"), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("digest", sa.String(length=64), nullable=False),
    sa.Column("vector", sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql"), nullable=True),
    sa.Column("title_vector", sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql"), nullable=True),
    sa.ForeignKeyConstraint(["recipe_id"], ["recipes.id"], name=op.f("fk_search_documents_recipe_id_recipes"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("recipe_id", name=op.f("pk_search_documents"))
    )
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_documents_root_id"), ["root_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_search_documents_region_slug"), ["region_slug"], unique=False)
        batch_op.create_index(batch_op.f("ix_search_documents_updated_at"), ["updated_at"], unique=False)
        batch_op.create_index("ix_search_documents_vector", ["vector"], unique=False, postgresql_using="gin")

    op.create_table("search_texts",
    sa.Column("recipe_id", sa.Integer(), nullable=False),
    sa.Column("body", sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(["recipe_id"], ["search_documents.recipe_id"], name=op.f("fk_search_texts_recipe_id_search_documents"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("recipe_id", name=op.f("pk_search_texts"))
    )

    op.create_table("search_words",
    sa.Column("word", sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint("word", name=op.f("pk_search_words"))
    )


def downgrade() -> None:
    op.drop_table("search_words")
    op.drop_table("search_texts")
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.drop_index("ix_search_documents_vector")
        batch_op.drop_index(batch_op.f("ix_search_documents_updated_at"))
        batch_op.drop_index(batch_op.f("ix_search_documents_region_slug"))
        batch_op.drop_index(batch_op.f("ix_search_documents_root_id"))

    op.drop_table("search_documents")
    if op.get_bind().dialect.name == "postgresql":
        for name, _builtin in TEXT_SEARCH_CONFIGURATIONS:
            op.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}")
