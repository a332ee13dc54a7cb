"""review of pending revisions, protection of recipes, blocks of users

Revision ID: 0005
Revises: 0004
"""

from alembic import op
import sqlalchemy as sa


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('revision_reviews',
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('undo_revision_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("decision IN ('approved', 'rejected')", name=op.f('ck_revision_reviews_decision')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_revision_reviews_reviewer_id_users')),
    sa.ForeignKeyConstraint(['revision_id'], ['revisions.id'], name=op.f('fk_revision_reviews_revision_id_revisions')),
    sa.ForeignKeyConstraint(['undo_revision_id'], ['revisions.id'], name=op.f('fk_revision_reviews_undo_revision_id_revisions')),
    sa.PrimaryKeyConstraint('revision_id', name=op.f('pk_revision_reviews'))
    )
    op.create_table('protections',
    sa.Column('recipe_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('protected_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("level IN ('editor', 'moderator')", name=op.f('ck_protections_level')),
    sa.ForeignKeyConstraint(['protected_by_id'], ['users.id'], name=op.f('fk_protections_protected_by_id_users')),
    sa.ForeignKeyConstraint(['recipe_id'], ['recipes.id'], name=op.f('fk_protections_recipe_id_recipes')),
    sa.PrimaryKeyConstraint('recipe_id', name=op.f('pk_protections'))
    )
    op.create_table('blocks',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('blocked_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['blocked_by_id'], ['users.id'], name=op.f('fk_blocks_blocked_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_blocks_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_blocks'))
    )
    # The review queue lists pending revisions oldest first.
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.create_index('ix_revisions_status_created_at', ['status', 'created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.drop_index('ix_revisions_status_created_at')

    op.drop_table('blocks')
    op.drop_table('protections')
    op.drop_table('revision_reviews')
