"""network meeting defaults (start, length, place)

Sessions taken off an offering are soft-cancelled with the existing
``lms_sessions.status`` column ('scheduled' | 'cancelled'), so that table needs no change.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 14:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('lms_networks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meeting_start', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('meeting_minutes', sa.Integer(), nullable=False, server_default='120'))
        batch_op.add_column(sa.Column('venue', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('room', sa.String(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('address', sa.String(length=300), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('online_url', sa.String(length=500), nullable=False, server_default=''))
        batch_op.create_check_constraint(batch_op.f('ck_lms_networks_meeting_minutes'), 'meeting_minutes BETWEEN 15 AND 720')

    # The server defaults only filled existing rows; the models set the values.
    with op.batch_alter_table('lms_networks', schema=None) as batch_op:
        for name in ('meeting_minutes', 'venue', 'room', 'address', 'online_url'):
            batch_op.alter_column(name, server_default=None)


def downgrade():
    with op.batch_alter_table('lms_networks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_lms_networks_meeting_minutes'), type_='check')
        batch_op.drop_column('online_url')
        batch_op.drop_column('address')
        batch_op.drop_column('room')
        batch_op.drop_column('venue')
        batch_op.drop_column('meeting_minutes')
        batch_op.drop_column('meeting_start')
