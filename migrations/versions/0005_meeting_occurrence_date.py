"""network meetings remember the rule date they were made for

A meeting moved to another day kept only its new date, so generating meetings again
made a second meeting on the old one. ``occurrence_date`` keeps the rule's date.
Meetings made before this revision have none: for them only the session's date counts,
as before.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 00:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('lms_offerings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('occurrence_date', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('lms_offerings', schema=None) as batch_op:
        batch_op.drop_column('occurrence_date')
