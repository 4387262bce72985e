"""session registrations, seat counters, notices and next-session requests

Revision ID: 0003_registrations
Revises: 0002
Create Date: 2026-11-27 00:45:25.265185
"""
import sqlalchemy as sa
from alembic import op

revision = '0003_registrations'
down_revision = '0002'
branch_labels = None
depends_on = None

ACTIVE = sa.text("status IN ('confirmed', 'waitlisted')")
NOTICE_STATUSES = "status IN ('pending', 'claimed', 'sent', 'gone', 'skipped')"


def upgrade() -> None:
    op.create_table('registration',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('session_id', sa.String(length=64), nullable=False),
    sa.Column('user_key', sa.String(length=256), nullable=False),
    sa.Column('aad_object_id', sa.String(length=64), nullable=True),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('municipality', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=200), nullable=False),
    sa.Column('accessibility', sa.Text(), nullable=False),
    sa.Column('dietary', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('confirm_token', sa.String(length=64), nullable=True),
    sa.Column('calendar_token', sa.String(length=64), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("mode IN ('in_person', 'online')", name=op.f('ck_registration_mode')),
    sa.CheckConstraint("status IN ('confirmed', 'waitlisted', 'cancelled')", name=op.f('ck_registration_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration')),
    sa.UniqueConstraint('calendar_token', name=op.f('uq_registration_calendar_token')),
    sa.UniqueConstraint('confirm_token', name=op.f('uq_registration_confirm_token'))
    )
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_aad_object_id'), ['aad_object_id'], unique=False)
        batch_op.create_index('ix_registration_queue', ['session_id', 'mode', 'status', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registration_user_key'), ['user_key'], unique=False)
        # One active registration per person per session (a partial unique index on both databases).
        batch_op.create_index('uq_registration_active_per_user', ['session_id', 'user_key'], unique=True,
                              sqlite_where=ACTIVE, postgresql_where=ACTIVE)

    op.create_table('session_seats',
    sa.Column('session_id', sa.String(length=64), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('confirmed', sa.Integer(), nullable=False),
    sa.CheckConstraint('confirmed >= 0', name=op.f('ck_session_seats_not_negative')),
    sa.PrimaryKeyConstraint('session_id', 'mode', name=op.f('pk_session_seats'))
    )

    op.create_table('registration_notice',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(NOTICE_STATUSES, name=op.f('ck_registration_notice_status')),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_registration_notice_registration_id_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_notice')),
    sa.UniqueConstraint('registration_id', 'kind', name=op.f('uq_registration_notice_registration_id_kind'))
    )
    with op.batch_alter_table('registration_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_notice_status'), ['status'], unique=False)

    op.create_table('session_interest',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('user_key', sa.String(length=256), nullable=False),
    sa.Column('aad_object_id', sa.String(length=64), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('session_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(NOTICE_STATUSES, name=op.f('ck_session_interest_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_interest')),
    sa.UniqueConstraint('user_key', name=op.f('uq_session_interest_user_key'))
    )
    with op.batch_alter_table('session_interest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_interest_aad_object_id'), ['aad_object_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_interest_status'), ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('session_interest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_interest_status'))
        batch_op.drop_index(batch_op.f('ix_session_interest_aad_object_id'))
    op.drop_table('session_interest')

    with op.batch_alter_table('registration_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_notice_status'))
    op.drop_table('registration_notice')

    op.drop_table('session_seats')

    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index('uq_registration_active_per_user', sqlite_where=ACTIVE, postgresql_where=ACTIVE)
        batch_op.drop_index(batch_op.f('ix_registration_user_key'))
        batch_op.drop_index('ix_registration_queue')
        batch_op.drop_index(batch_op.f('ix_registration_aad_object_id'))
    op.drop_table('registration')
