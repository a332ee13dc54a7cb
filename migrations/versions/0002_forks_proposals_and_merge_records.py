"""forks proposals and merge records

Revision ID: 0002
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('source_revision_id', sa.Integer(), nullable=False),
    sa.Column('base_revision_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_comment', sa.Text(), nullable=True),
    sa.Column('target_revision_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('open', 'accepted', 'declined')", name=op.f('ck_proposals_status')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_proposals_author_id_users')),
    sa.ForeignKeyConstraint(['base_revision_id'], ['revisions.id'], name=op.f('fk_proposals_base_revision_id_revisions')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_proposals_decided_by_id_users')),
    sa.ForeignKeyConstraint(['source_id'], ['recipes.id'], name=op.f('fk_proposals_source_id_recipes')),
    sa.ForeignKeyConstraint(['source_revision_id'], ['revisions.id'], name=op.f('fk_proposals_source_revision_id_revisions')),
    sa.ForeignKeyConstraint(['target_id'], ['recipes.id'], name=op.f('fk_proposals_target_id_recipes')),
    sa.ForeignKeyConstraint(['target_revision_id'], ['revisions.id'], name=op.f('fk_proposals_target_revision_id_revisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposals'))
    )
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposals_source_id'), ['source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposals_target_id'), ['target_id'], unique=False)

    op.create_table('proposal_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_proposal_comments_author_id_users')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_comments_proposal_id_proposals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_comments'))
    )
    with op.batch_alter_table('proposal_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_comments_proposal_id'), ['proposal_id'], unique=False)

    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('upstream_revision_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_revisions_upstream_revision_id_revisions'), 'revisions', ['upstream_revision_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_revisions_upstream_revision_id_revisions'), type_='foreignkey')
        batch_op.drop_column('upstream_revision_id')

    with op.batch_alter_table('proposal_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_comments_proposal_id'))

    op.drop_table('proposal_comments')
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposals_target_id'))
        batch_op.drop_index(batch_op.f('ix_proposals_source_id'))

    op.drop_table('proposals')
