"""images: patients' uploads, encrypted at rest, keyed by conversation and escalation

Revision ID: 0005_images
Revises: 0004_used_launches
"""

import sqlalchemy as sa
from alembic import op

revision = '0005_images'
down_revision = '0004_used_launches'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('images',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('conversation_id', sa.String(length=64), nullable=False),
    sa.Column('escalation_id', sa.String(length=40), nullable=True),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('check', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_images_conversation_id'), 'images', ['conversation_id'], unique=False)
    op.create_index(op.f('ix_images_escalation_id'), 'images', ['escalation_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_images_escalation_id'), table_name='images')
    op.drop_index(op.f('ix_images_conversation_id'), table_name='images')
    op.drop_table('images')
