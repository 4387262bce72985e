"""expertise offers, contribution intentions, organizer channel

Revision ID: 0004_offers
Revises: 0002
Create Date: 2026-11-27 00:45:41.058267
"""
import sqlalchemy as sa
from alembic import op

revision = '0004_offers'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('expertise_offer',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('user_key', sa.String(length=256), nullable=False),
    sa.Column('aad_object_id', sa.String(length=64), nullable=True),
    sa.Column('tenant_id', sa.String(length=64), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('municipality', sa.String(length=80), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=True),
    sa.Column('contact_email', sa.String(length=254), nullable=True),
    sa.Column('contact_phone', sa.String(length=100), nullable=True),
    sa.Column('other_area', sa.String(length=200), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('expert_count', sa.Integer(), nullable=False),
    sa.Column('availability', sa.String(length=300), nullable=False),
    sa.Column('working_languages', sa.String(length=100), nullable=False),
    sa.Column('work_mode', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('confirm_token', sa.String(length=64), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=True),
    sa.Column('consented_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('active', 'withdrawn')", name=op.f('ck_expertise_offer_status_known')),
    sa.CheckConstraint("work_mode IN ('remote', 'on_site')", name=op.f('ck_expertise_offer_work_mode_known')),
    sa.CheckConstraint('expert_count > 0', name=op.f('ck_expertise_offer_expert_count_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expertise_offer')),
    sa.UniqueConstraint('user_key', 'confirm_token', name=op.f('uq_expertise_offer_user_key_confirm_token')),
    sa.UniqueConstraint('user_key', 'content_hash', name=op.f('uq_expertise_offer_user_key_content_hash'))
    )
    with op.batch_alter_table('expertise_offer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expertise_offer_aad_object_id'), ['aad_object_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expertise_offer_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_expertise_offer_user_key'), ['user_key'], unique=False)

    op.create_table('expertise_offer_area',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('area', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['offer_id'], ['expertise_offer.id'], name=op.f('fk_expertise_offer_area_offer_id_expertise_offer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expertise_offer_area')),
    sa.UniqueConstraint('offer_id', 'area', name=op.f('uq_expertise_offer_area_offer_id_area'))
    )
    with op.batch_alter_table('expertise_offer_area', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expertise_offer_area_area'), ['area'], unique=False)
        batch_op.create_index(batch_op.f('ix_expertise_offer_area_offer_id'), ['offer_id'], unique=False)

    op.create_table('contribution_intention',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('user_key', sa.String(length=256), nullable=False),
    sa.Column('aad_object_id', sa.String(length=64), nullable=True),
    sa.Column('tenant_id', sa.String(length=64), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('municipality', sa.String(length=80), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=True),
    sa.Column('contact_email', sa.String(length=254), nullable=True),
    sa.Column('amount_cents', sa.BigInteger(), nullable=True),
    sa.Column('remarks', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('confirm_token', sa.String(length=64), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=True),
    sa.Column('consented_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('active', 'withdrawn')", name=op.f('ck_contribution_intention_status_known')),
    sa.CheckConstraint('amount_cents IS NULL OR amount_cents > 0', name=op.f('ck_contribution_intention_amount_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contribution_intention')),
    sa.UniqueConstraint('user_key', 'confirm_token', name=op.f('uq_contribution_intention_user_key_confirm_token')),
    sa.UniqueConstraint('user_key', 'content_hash', name=op.f('uq_contribution_intention_user_key_content_hash'))
    )
    with op.batch_alter_table('contribution_intention', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contribution_intention_aad_object_id'), ['aad_object_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contribution_intention_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_contribution_intention_user_key'), ['user_key'], unique=False)

    op.create_table('organizer_channel',
    sa.Column('purpose', sa.String(length=32), nullable=False),
    sa.Column('conversation_id', sa.String(length=512), nullable=False),
    sa.Column('conversation_type', sa.String(length=32), nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=True),
    sa.Column('reference', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('set_by_aad_object_id', sa.String(length=64), nullable=True),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('purpose', name=op.f('pk_organizer_channel'))
    )


def downgrade() -> None:
    op.drop_table('organizer_channel')
    with op.batch_alter_table('contribution_intention', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contribution_intention_user_key'))
        batch_op.drop_index(batch_op.f('ix_contribution_intention_status'))
        batch_op.drop_index(batch_op.f('ix_contribution_intention_aad_object_id'))

    op.drop_table('contribution_intention')
    with op.batch_alter_table('expertise_offer_area', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expertise_offer_area_offer_id'))
        batch_op.drop_index(batch_op.f('ix_expertise_offer_area_area'))

    op.drop_table('expertise_offer_area')
    with op.batch_alter_table('expertise_offer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expertise_offer_user_key'))
        batch_op.drop_index(batch_op.f('ix_expertise_offer_status'))
        batch_op.drop_index(batch_op.f('ix_expertise_offer_aad_object_id'))

    op.drop_table('expertise_offer')
