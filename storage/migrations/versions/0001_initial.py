"""bot state, processed activities, conversation references

Revision ID: 0001
Revises:
Create Date: 2026-11-27 00:28:14.856414
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bot_state',
    sa.Column('key', sa.String(length=512), nullable=False),
    sa.Column('etag', sa.String(length=64), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_bot_state'))
    )
    op.create_table('conversation_reference',
    sa.Column('conversation_id', sa.String(length=512), nullable=False),
    sa.Column('conversation_type', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=256), nullable=True),
    sa.Column('aad_object_id', sa.String(length=64), nullable=True),
    sa.Column('tenant_id', sa.String(length=64), nullable=True),
    sa.Column('service_url', sa.String(length=512), nullable=False),
    sa.Column('reference', sa.Text(), nullable=False),
    sa.Column('removed', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('conversation_id', name=op.f('pk_conversation_reference'))
    )
    with op.batch_alter_table('conversation_reference', schema=None) as batch_op:
        batch_op.create_index('ix_conversation_reference_aad_object_id', ['aad_object_id'], unique=False)

    op.create_table('processed_activity',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_processed_activity'))
    )
    with op.batch_alter_table('processed_activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_processed_activity_seen_at'), ['seen_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('processed_activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_processed_activity_seen_at'))

    op.drop_table('processed_activity')
    with op.batch_alter_table('conversation_reference', schema=None) as batch_op:
        batch_op.drop_index('ix_conversation_reference_aad_object_id')

    op.drop_table('conversation_reference')
    op.drop_table('bot_state')
