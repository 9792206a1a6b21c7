"""outbox rows rendered by the worker

The request now writes only what a mail needs to be rendered (``context``); the worker
renders it once and stamps ``rendered_at``. Rows written before this revision were
rendered when they were queued, so they get ``rendered_at = created_at``.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 15:00:00

"""
from alembic import op
import sqlalchemy as sa

import lms.timeutil


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('lms_outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('context', sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column('rendered_at', lms.timeutil.UTCDateTime(timezone=True), nullable=True)
        )
    op.execute("UPDATE lms_outbox SET rendered_at = created_at")


def downgrade():
    # Without their context, rows the worker has not rendered yet could only be sent empty:
    # they are kept, marked failed, for an admin to see.
    op.execute(
        "UPDATE lms_outbox SET status = 'failed', last_error = 'not rendered before downgrade'"
        " WHERE rendered_at IS NULL AND status IN ('pending', 'sending')"
    )
    with op.batch_alter_table('lms_outbox', schema=None) as batch_op:
        batch_op.drop_column('rendered_at')
        batch_op.drop_column('context')
