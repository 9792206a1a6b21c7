"""conference area

The conference's tables, and two new kinds of offering: registering for a conference, and
for a programme item's limited seats (both go through the registration engine).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 17:15:37.183012

"""

from alembic import op
import sqlalchemy as sa
import lms.timeutil  # noqa: F401  (UTCDateTime columns)


# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _offering_kinds(kinds):
    with op.batch_alter_table("lms_offerings", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_lms_offerings_kind"), type_="check")
        batch_op.create_check_constraint("kind", sa.text(f"kind IN ({kinds})"))


def upgrade():
    _offering_kinds("'seminar', 'course', 'network_meeting', 'conference', 'conference_item'")
    op.create_table(
        "lms_conferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description_md", sa.Text(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("venue", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("day_starts", sa.Time(), nullable=False),
        sa.Column("day_ends", sa.Time(), nullable=False),
        sa.Column("offering_id", sa.Integer(), nullable=True),
        sa.Column("created_at", lms.timeutil.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", lms.timeutil.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["offering_id"],
            ["lms_offerings.id"],
            name=op.f("fk_lms_conferences_offering_id_lms_offerings"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_conferences")),
        sa.UniqueConstraint("offering_id", name=op.f("uq_lms_conferences_offering_id")),
        sa.UniqueConstraint("slug", name=op.f("uq_lms_conferences_slug")),
    )
    op.create_table(
        "lms_conference_attendees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conference_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("checked_in_at", lms.timeutil.UTCDateTime(timezone=True), nullable=True),
        sa.Column("checked_in_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["checked_in_by_id"],
            ["lms_users.id"],
            name=op.f("fk_lms_conference_attendees_checked_in_by_id_lms_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["conference_id"],
            ["lms_conferences.id"],
            name=op.f("fk_lms_conference_attendees_conference_id_lms_conferences"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["lms_registrations.id"],
            name=op.f("fk_lms_conference_attendees_registration_id_lms_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_conference_attendees")),
        sa.UniqueConstraint(
            "conference_id", "code", name=op.f("uq_lms_conference_attendees_conference_id")
        ),
        sa.UniqueConstraint(
            "registration_id", name=op.f("uq_lms_conference_attendees_registration_id")
        ),
    )
    with op.batch_alter_table("lms_conference_attendees", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lms_conference_attendees_conference_id"), ["conference_id"], unique=False
        )

    op.create_table(
        "lms_conference_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conference_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conference_id"],
            ["lms_conferences.id"],
            name=op.f("fk_lms_conference_days_conference_id_lms_conferences"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_conference_days")),
        sa.UniqueConstraint(
            "conference_id", "day", name=op.f("uq_lms_conference_days_conference_id")
        ),
    )
    with op.batch_alter_table("lms_conference_days", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lms_conference_days_conference_id"), ["conference_id"], unique=False
        )

    op.create_table(
        "lms_conference_releases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conference_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("published_at", lms.timeutil.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conference_id"],
            ["lms_conferences.id"],
            name=op.f("fk_lms_conference_releases_conference_id_lms_conferences"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["lms_users.id"],
            name=op.f("fk_lms_conference_releases_published_by_id_lms_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_conference_releases")),
        sa.UniqueConstraint(
            "conference_id", "number", name=op.f("uq_lms_conference_releases_conference_id")
        ),
    )
    with op.batch_alter_table("lms_conference_releases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lms_conference_releases_conference_id"), ["conference_id"], unique=False
        )

    op.create_table(
        "lms_conference_rooms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conference_id", sa.Integer(), nullable=False),
        sa.Column("guid", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("accessibility_notes", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("capacity >= 0", name=op.f("ck_lms_conference_rooms_capacity")),
        sa.ForeignKeyConstraint(
            ["conference_id"],
            ["lms_conferences.id"],
            name=op.f("fk_lms_conference_rooms_conference_id_lms_conferences"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_conference_rooms")),
        sa.UniqueConstraint(
            "conference_id", "name", name=op.f("uq_lms_conference_rooms_conference_id")
        ),
        sa.UniqueConstraint("guid", name=op.f("uq_lms_conference_rooms_guid")),
    )
    with op.batch_alter_table("lms_conference_rooms", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lms_conference_rooms_conference_id"), ["conference_id"], unique=False
        )

    op.create_table(
        "lms_conference_speakers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conference_id", sa.Integer(), nullable=False),
        sa.Column("guid", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("job_title", sa.String(length=200), nullable=False),
        sa.Column("bio", sa.Text(), nullable=False),
        sa.Column("photo", sa.LargeBinary(), nullable=True),
        sa.Column("photo_type", sa.String(length=40), nullable=False),
        sa.Column("invite_token_hash", sa.String(length=64), nullable=True),
        sa.Column("invited_at", lms.timeutil.UTCDateTime(timezone=True), nullable=True),
        sa.Column("confirmed_at", lms.timeutil.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", lms.timeutil.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conference_id"],
            ["lms_conferences.id"],
            name=op.f("fk_lms_conference_speakers_conference_id_lms_conferences"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["lms_users.id"],
            name=op.f("fk_lms_conference_speakers_user_id_lms_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_conference_speakers")),
        sa.UniqueConstraint("guid", name=op.f("uq_lms_conference_speakers_guid")),
        sa.UniqueConstraint(
            "invite_token_hash", name=op.f("uq_lms_conference_speakers_invite_token_hash")
        ),
    )
    with op.batch_alter_table("lms_conference_speakers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lms_conference_speakers_conference_id"), ["conference_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_lms_conference_speakers_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "lms_conference_tracks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conference_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("colour", sa.String(length=7), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conference_id"],
            ["lms_conferences.id"],
            name=op.f("fk_lms_conference_tracks_conference_id_lms_conferences"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_conference_tracks")),
        sa.UniqueConstraint(
            "conference_id", "slug", name=op.f("uq_lms_conference_tracks_conference_id")
        ),
    )
    with op.batch_alter_table("lms_conference_tracks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lms_conference_tracks_conference_id"), ["conference_id"], unique=False
        )

    op.create_table(
        "lms_conference_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conference_id", sa.Integer(), nullable=False),
        sa.Column("guid", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("abstract", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("track_id", sa.Integer(), nullable=True),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("principles", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", lms.timeutil.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ends_at", lms.timeutil.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("offering_id", sa.Integer(), nullable=True),
        sa.Column("created_at", lms.timeutil.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", lms.timeutil.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('keynote', 'talk', 'panel', 'round_table', 'workshop', 'break', 'networking')",
            name=op.f("ck_lms_conference_items_kind"),
        ),
        sa.CheckConstraint(
            "language IN ('nb', 'en')", name=op.f("ck_lms_conference_items_language")
        ),
        sa.CheckConstraint(
            "status IN ('scheduled', 'cancelled')", name=op.f("ck_lms_conference_items_status")
        ),
        sa.CheckConstraint(
            "starts_at IS NULL OR ends_at IS NULL OR ends_at > starts_at",
            name=op.f("ck_lms_conference_items_ends_after_start"),
        ),
        sa.ForeignKeyConstraint(
            ["conference_id"],
            ["lms_conferences.id"],
            name=op.f("fk_lms_conference_items_conference_id_lms_conferences"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["offering_id"],
            ["lms_offerings.id"],
            name=op.f("fk_lms_conference_items_offering_id_lms_offerings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["room_id"],
            ["lms_conference_rooms.id"],
            name=op.f("fk_lms_conference_items_room_id_lms_conference_rooms"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["lms_conference_tracks.id"],
            name=op.f("fk_lms_conference_items_track_id_lms_conference_tracks"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_conference_items")),
        sa.UniqueConstraint("guid", name=op.f("uq_lms_conference_items_guid")),
        sa.UniqueConstraint("offering_id", name=op.f("uq_lms_conference_items_offering_id")),
    )
    with op.batch_alter_table("lms_conference_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lms_conference_items_conference_id"), ["conference_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_lms_conference_items_room_id"), ["room_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_lms_conference_items_track_id"), ["track_id"], unique=False
        )

    op.create_table(
        "lms_conference_item_speakers",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("speaker_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["lms_conference_items.id"],
            name=op.f("fk_lms_conference_item_speakers_item_id_lms_conference_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["speaker_id"],
            ["lms_conference_speakers.id"],
            name=op.f("fk_lms_conference_item_speakers_speaker_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "item_id", "speaker_id", name=op.f("pk_lms_conference_item_speakers")
        ),
    )
    op.create_table(
        "lms_conference_stars",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("created_at", lms.timeutil.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["lms_conference_items.id"],
            name=op.f("fk_lms_conference_stars_item_id_lms_conference_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["lms_users.id"],
            name=op.f("fk_lms_conference_stars_user_id_lms_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_conference_stars")),
        sa.UniqueConstraint("user_id", "item_id", name=op.f("uq_lms_conference_stars_user_id")),
    )
    with op.batch_alter_table("lms_conference_stars", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lms_conference_stars_item_id"), ["item_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("lms_conference_stars", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lms_conference_stars_item_id"))

    op.drop_table("lms_conference_stars")
    op.drop_table("lms_conference_item_speakers")
    with op.batch_alter_table("lms_conference_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lms_conference_items_track_id"))
        batch_op.drop_index(batch_op.f("ix_lms_conference_items_room_id"))
        batch_op.drop_index(batch_op.f("ix_lms_conference_items_conference_id"))

    op.drop_table("lms_conference_items")
    with op.batch_alter_table("lms_conference_tracks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lms_conference_tracks_conference_id"))

    op.drop_table("lms_conference_tracks")
    with op.batch_alter_table("lms_conference_speakers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lms_conference_speakers_user_id"))
        batch_op.drop_index(batch_op.f("ix_lms_conference_speakers_conference_id"))

    op.drop_table("lms_conference_speakers")
    with op.batch_alter_table("lms_conference_rooms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lms_conference_rooms_conference_id"))

    op.drop_table("lms_conference_rooms")
    with op.batch_alter_table("lms_conference_releases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lms_conference_releases_conference_id"))

    op.drop_table("lms_conference_releases")
    with op.batch_alter_table("lms_conference_days", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lms_conference_days_conference_id"))

    op.drop_table("lms_conference_days")
    with op.batch_alter_table("lms_conference_attendees", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lms_conference_attendees_conference_id"))

    op.drop_table("lms_conference_attendees")
    op.drop_table("lms_conferences")
    _offering_kinds("'seminar', 'course', 'network_meeting'")
