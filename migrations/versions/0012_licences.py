"""licences: every recipe's SPDX licence, and the licence of each search document and facet set

Revision ID: 0012
Revises: 0011

Recipes that exist get the instance's default licence (the first of ``LEVAIN_LICENCES``, handed over by
``levain init`` as the ``default_licence`` attribute; CC BY-SA 4.0 otherwise). On PostgreSQL the
documents already indexed take their recipe's licence, and the facet sets are numbered again with the
licence in their signature (the one ``recipes.search.postgres_facets.signature`` computes), so that
searches count licences at once without a rebuild.
"""

import sqlalchemy as sa
from alembic import context, op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

FALLBACK_LICENCE = "CC-BY-SA-4.0"


def signature_sql(table: str) -> str:
    """A document's facet set signature, in SQL: region, language, tags and licence."""
    return (
        f"coalesce({table}.region_slug, '') || chr(31) || {table}.language || chr(31) "
        f"|| array_to_string({table}.tags, chr(30)) || chr(31) || coalesce({table}.licence, '')"
    )


def upgrade() -> None:
    default = context.config.attributes.get("default_licence") or FALLBACK_LICENCE
    # The server default stays: a row written without a licence (an older server during an upgrade) gets it.
    with op.batch_alter_table("recipes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("licence", sa.String(length=40), nullable=False, server_default=default)
        )
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("licence", sa.String(length=40), nullable=True))
    with op.batch_alter_table("search_facet_sets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("licence", sa.String(length=40), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "UPDATE search_documents SET licence = recipes.licence FROM recipes WHERE recipes.id = recipe_id"
        )
        op.execute("UPDATE search_documents SET facet_set_id = NULL")
        op.execute("DELETE FROM search_facet_sets")
        op.execute(
            "INSERT INTO search_facet_sets (signature, region_slug, language, tags, licence) "
            f"SELECT DISTINCT ON (signature) {signature_sql('d')} AS signature, d.region_slug, d.language, "
            "d.tags, d.licence FROM search_documents AS d"
        )
        op.execute(
            "UPDATE search_documents SET facet_set_id = search_facet_sets.id FROM search_facet_sets "
            f"WHERE search_facet_sets.signature = {signature_sql('search_documents')}"
        )


def downgrade() -> None:
    with op.batch_alter_table("search_facet_sets", schema=None) as batch_op:
        batch_op.drop_column("licence")
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.drop_column("licence")
    with op.batch_alter_table("recipes", schema=None) as batch_op:
        batch_op.drop_column("licence")
    if op.get_bind().dialect.name == "postgresql":
        # The signatures go back to region, language and tags: numbered again by the next rebuild.
        op.execute("UPDATE search_documents SET facet_set_id = NULL")
        op.execute("DELETE FROM search_facet_sets")
