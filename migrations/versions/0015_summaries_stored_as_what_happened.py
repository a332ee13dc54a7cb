"""Automatic summaries stored as what happened: a kind and its values, shown in the reader's language

Revision ID: 0015
Revises: 0014
"""

from alembic import op
import sqlalchemy as sa


revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# ADD COLUMN, not a batch copy: the audit log's triggers (which refuse updates) stay in place.
TABLES = ("revisions", "changes", "audit_log")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("summary_kind", sa.String(length=30), nullable=True))
        op.add_column(table, sa.Column("summary_values", sa.JSON(), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("summary_values")
            batch_op.drop_column("summary_kind")
