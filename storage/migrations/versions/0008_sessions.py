"""sessions managed by organizers: added sessions and changes, change records, notices to registrants

Revision ID: 0008_sessions
Revises: 0002
Depends on: 0003_registrations (notices refer to registrations)
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_sessions"
down_revision = "0002"
branch_labels = None
depends_on = "0003_registrations"

NOTICE_STATUSES = "status IN ('pending', 'claimed', 'sent', 'gone', 'skipped')"


def upgrade() -> None:
    op.create_table(
        "info_session",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("changed_fields", sa.String(length=400), nullable=False),
        sa.Column("title_nl", sa.String(length=200), nullable=True),
        sa.Column("title_en", sa.String(length=200), nullable=True),
        sa.Column("city_nl", sa.String(length=120), nullable=True),
        sa.Column("city_en", sa.String(length=120), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("modes", sa.String(length=32), nullable=True),
        sa.Column("venue_address", sa.String(length=300), nullable=True),
        sa.Column("join_url", sa.Text(), nullable=True),
        sa.Column("capacity_in_person", sa.Integer(), nullable=True),
        sa.Column("capacity_online", sa.Integer(), nullable=True),
        sa.Column("registration_deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("origin IN ('content', 'organizer')", name=op.f("ck_info_session_origin")),
        sa.CheckConstraint(
            "capacity_in_person IS NULL OR capacity_in_person >= 0", name=op.f("ck_info_session_capacity_in_person")
        ),
        sa.CheckConstraint("capacity_online IS NULL OR capacity_online >= 0", name=op.f("ck_info_session_capacity_online")),
        sa.CheckConstraint(
            "start_at IS NULL OR end_at IS NULL OR end_at > start_at", name=op.f("ck_info_session_end_after_start")
        ),
        sa.CheckConstraint(
            "origin = 'content' OR (title_nl IS NOT NULL AND start_at IS NOT NULL AND end_at IS NOT NULL"
            " AND modes IS NOT NULL AND timezone IS NOT NULL)",
            name=op.f("ck_info_session_complete"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_info_session")),
    )
    op.create_table(
        "info_session_change",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("change_key", sa.String(length=64), nullable=False),
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("fields", sa.String(length=400), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('added', 'changed')", name=op.f("ck_info_session_change_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_info_session_change")),
        sa.UniqueConstraint("change_key", name=op.f("uq_info_session_change_change_key")),
    )
    with op.batch_alter_table("info_session_change") as batch_op:
        batch_op.create_index(batch_op.f("ix_info_session_change_session_id"), ["session_id"], unique=False)
    op.create_table(
        "info_session_notice",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(NOTICE_STATUSES, name=op.f("ck_info_session_notice_status")),
        sa.ForeignKeyConstraint(
            ["change_id"], ["info_session_change.id"],
            name=op.f("fk_info_session_notice_change_id_info_session_change"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"], ["registration.id"],
            name=op.f("fk_info_session_notice_registration_id_registration"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_info_session_notice")),
        sa.UniqueConstraint("change_id", "registration_id", name=op.f("uq_info_session_notice_change_id_registration_id")),
    )
    with op.batch_alter_table("info_session_notice") as batch_op:
        batch_op.create_index(batch_op.f("ix_info_session_notice_registration_id"), ["registration_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_info_session_notice_status"), ["status"], unique=False)


def downgrade() -> None:
    op.drop_table("info_session_notice")
    op.drop_table("info_session_change")
    op.drop_table("info_session")
