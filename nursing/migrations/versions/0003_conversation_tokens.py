"""conversation tokens: the web API's bearer credential per conversation

Revision ID: 0003_conversation_tokens
Revises: 0002_console_sessions
"""

import sqlalchemy as sa
from alembic import op

revision = '0003_conversation_tokens'
down_revision = '0002_console_sessions'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('conversation_tokens',
    sa.Column('conversation_id', sa.String(length=64), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('conversation_id')
    )


def downgrade() -> None:
    op.drop_table('conversation_tokens')
