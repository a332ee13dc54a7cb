"""facet sets: each search document's region, language and tags, numbered

Revision ID: 0007
Revises: 0006

The documents already indexed on PostgreSQL are given their facet sets here, in SQL (the signature
is the one ``recipes.search.postgres_facets.signature`` computes), so that searches count them at
once without a rebuild.
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None



def signature_sql(table: str) -> str:
    """A document's facet set signature, in SQL: region, language and tags joined by control characters."""
    return (
        f"coalesce({table}.region_slug, '') || chr(31) || {table}.language || chr(31) "
        f"|| array_to_string({table}.tags, chr(30))"
    )


def upgrade() -> None:
    op.create_table("search_facet_sets",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("signature", sa.Text(), nullable=False),
    sa.Column("region_slug", sa.String(length=80), nullable=True),
    sa.Column("language", sa.String(length=2), nullable=False),
    sa.Column("tags", sa.Text().with_variant(postgresql.ARRAY(sa.Text()), "postgresql"), nullable=False),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_search_facet_sets")),
    sa.UniqueConstraint("signature", name=op.f("uq_search_facet_sets_signature"))
    )
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("facet_set_id", sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "INSERT INTO search_facet_sets (signature, region_slug, language, tags) "
            f"SELECT DISTINCT ON (signature) {signature_sql('d')} AS signature, d.region_slug, d.language, d.tags "
            "FROM search_documents AS d"
        )
        op.execute(
            "UPDATE search_documents SET facet_set_id = search_facet_sets.id FROM search_facet_sets "
            f"WHERE search_facet_sets.signature = {signature_sql('search_documents')}"
        )


def downgrade() -> None:
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.drop_column("facet_set_id")
    op.drop_table("search_facet_sets")
