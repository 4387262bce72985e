"""answer feedback and forwarded questions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 00:31:31.583264
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('answer_feedback',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('entry_id', sa.String(length=128), nullable=False),
    sa.Column('helpful', sa.Boolean(), nullable=False),
    sa.Column('user_key', sa.String(length=256), nullable=False),
    sa.Column('aad_object_id', sa.String(length=64), nullable=True),
    sa.Column('message_key', sa.String(length=256), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_feedback')),
    sa.UniqueConstraint('user_key', 'entry_id', 'message_key', name=op.f('uq_answer_feedback_user_key_entry_id_message_key'))
    )
    with op.batch_alter_table('answer_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_feedback_aad_object_id'), ['aad_object_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_feedback_entry_id'), ['entry_id'], unique=False)

    op.create_table('forwarded_question',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('dedup_key', sa.String(length=64), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('user_key', sa.String(length=256), nullable=False),
    sa.Column('aad_object_id', sa.String(length=64), nullable=True),
    sa.Column('asker_name', sa.String(length=256), nullable=True),
    sa.Column('tenant_id', sa.String(length=64), nullable=True),
    sa.Column('conversation_id', sa.String(length=512), nullable=False),
    sa.Column('conversation_reference', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forwarded_question')),
    sa.UniqueConstraint('dedup_key', name=op.f('uq_forwarded_question_dedup_key'))
    )
    with op.batch_alter_table('forwarded_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_forwarded_question_aad_object_id'), ['aad_object_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_forwarded_question_status'), ['status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('forwarded_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_forwarded_question_status'))
        batch_op.drop_index(batch_op.f('ix_forwarded_question_aad_object_id'))

    op.drop_table('forwarded_question')
    with op.batch_alter_table('answer_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_feedback_entry_id'))
        batch_op.drop_index(batch_op.f('ix_answer_feedback_aad_object_id'))

    op.drop_table('answer_feedback')
