"""question order and one certificate each

A bank question gets a position (a quiz without draws asks its questions in it; until
now the order they were first made in), and a person holds at most one certificate per
module and per course, whatever races.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 07:51:12.511211

"""
from alembic import op
import sqlalchemy as sa
import lms.timeutil  # noqa: F401  (UTCDateTime columns)


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('lms_certificates', schema=None) as batch_op:
        batch_op.create_index('ux_lms_certificates_user_module', ['user_id', 'module_id'], unique=True, sqlite_where=sa.text('module_id IS NOT NULL'), postgresql_where=sa.text('module_id IS NOT NULL'))
        batch_op.create_index('ux_lms_certificates_user_offering', ['user_id', 'offering_id'], unique=True, sqlite_where=sa.text('offering_id IS NOT NULL'), postgresql_where=sa.text('offering_id IS NOT NULL'))

    with op.batch_alter_table('lms_questions', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('position', sa.Integer(), nullable=False, server_default='0')
        )
    with op.batch_alter_table('lms_questions', schema=None) as batch_op:
        batch_op.alter_column('position', server_default=None)



def downgrade():
    with op.batch_alter_table('lms_questions', schema=None) as batch_op:
        batch_op.drop_column('position')

    with op.batch_alter_table('lms_certificates', schema=None) as batch_op:
        batch_op.drop_index('ux_lms_certificates_user_offering', sqlite_where=sa.text('offering_id IS NOT NULL'), postgresql_where=sa.text('offering_id IS NOT NULL'))
        batch_op.drop_index('ux_lms_certificates_user_module', sqlite_where=sa.text('module_id IS NOT NULL'), postgresql_where=sa.text('module_id IS NOT NULL'))

