"""used launches: a portal launch link opens its conversation once

Revision ID: 0004_used_launches
Revises: 0003_conversation_tokens
"""

import sqlalchemy as sa
from alembic import op

revision = '0004_used_launches'
down_revision = '0003_conversation_tokens'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('used_launches',
    sa.Column('launch_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('launch_hash')
    )


def downgrade() -> None:
    op.drop_table('used_launches')
