"""images uploaded to recipes, stored once by content

Revision ID: 0006
Revises: 0005
"""

from alembic import op
import sqlalchemy as sa


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('images',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=20), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("content_type IN ('image/png', 'image/jpeg', 'image/gif', 'image/webp')", name=op.f('ck_images_content_type')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_images'))
    )
    op.create_table('image_uploads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('image_id', sa.String(length=64), nullable=False),
    sa.Column('recipe_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['image_id'], ['images.id'], name=op.f('fk_image_uploads_image_id_images')),
    sa.ForeignKeyConstraint(['recipe_id'], ['recipes.id'], name=op.f('fk_image_uploads_recipe_id_recipes')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_image_uploads_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_image_uploads'))
    )
    with op.batch_alter_table('image_uploads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_image_uploads_image_id'), ['image_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_image_uploads_recipe_id'), ['recipe_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('image_uploads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_image_uploads_recipe_id'))
        batch_op.drop_index(batch_op.f('ix_image_uploads_image_id'))

    op.drop_table('image_uploads')
    op.drop_table('images')
