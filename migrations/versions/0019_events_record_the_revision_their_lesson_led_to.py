"""Events record the revision their lesson led to: an edit saved from an event's account links back to it

Revision ID: 0019
Revises: 0018
"""

from alembic import op
import sqlalchemy as sa


revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("led_to_revision_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_events_led_to_revision_id_revisions", "revisions", ["led_to_revision_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_constraint("fk_events_led_to_revision_id_revisions", type_="foreignkey")
        batch_op.drop_column("led_to_revision_id")
