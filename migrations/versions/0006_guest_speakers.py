"""guest speakers without an account

Speakers came only from instructor accounts, which may edit the offering; a guest from
outside is now a line of text.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 00:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('lms_offerings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('guest_speakers', sa.Text(), nullable=False, server_default=''))
    # The server default only filled existing rows; the model sets the value.
    with op.batch_alter_table('lms_offerings', schema=None) as batch_op:
        batch_op.alter_column('guest_speakers', server_default=None)


def downgrade():
    with op.batch_alter_table('lms_offerings', schema=None) as batch_op:
        batch_op.drop_column('guest_speakers')
