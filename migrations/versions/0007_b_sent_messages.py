"""messages sent to an offering's participants

An organiser's message went out as mail and was gone; it is now kept, so the offering's
organisers see who sent what, when and to how many.

Revision ID: 0007_b
Revises: 0006
Create Date: 2026-12-02 01:40:00

"""

from alembic import op
import sqlalchemy as sa

import lms.timeutil  # noqa: F401  (UTCDateTime columns)


# revision identifiers, used by Alembic.
revision = "0007_b"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "lms_sent_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offering_id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=True),
        sa.Column("audience", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("sent_at", lms.timeutil.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["offering_id"],
            ["lms_offerings.id"],
            name=op.f("fk_lms_sent_messages_offering_id_lms_offerings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sender_id"],
            ["lms_users.id"],
            name=op.f("fk_lms_sent_messages_sender_id_lms_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_sent_messages")),
    )
    with op.batch_alter_table("lms_sent_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lms_sent_messages_offering_id"), ["offering_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("lms_sent_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lms_sent_messages_offering_id"))

    op.drop_table("lms_sent_messages")
