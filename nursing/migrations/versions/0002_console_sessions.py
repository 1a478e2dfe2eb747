"""console sessions and sign-in failures (server-side sessions, throttling instead of a lock)

Revision ID: 0002_console_sessions
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = '0002_console_sessions'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('console_sessions',
    sa.Column('id_hash', sa.String(length=64), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id_hash')
    )
    with op.batch_alter_table('console_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_console_sessions_username'), ['username'], unique=False)

    op.create_table('console_sign_in_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('console_sign_in_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_console_sign_in_failures_username'), ['username'], unique=False)
        batch_op.create_index(batch_op.f('ix_console_sign_in_failures_address'), ['address'], unique=False)
        batch_op.create_index(batch_op.f('ix_console_sign_in_failures_created_at'), ['created_at'], unique=False)

    with op.batch_alter_table('console_users', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')


def downgrade() -> None:
    with op.batch_alter_table('console_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
    op.drop_table('console_sign_in_failures')
    op.drop_table('console_sessions')
