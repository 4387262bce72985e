"""organizers' answers to forwarded questions and run-time knowledge entries

Revision ID: 0007_answers_and_knowledge
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_answers_and_knowledge"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "question_answer",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("answered_by", sa.String(length=64), nullable=False),
        sa.Column("confirm_token", sa.String(length=64), nullable=False),
        sa.Column("delivery", sa.String(length=16), nullable=False),
        sa.Column("kb_entry_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "delivery IN ('pending', 'sent', 'gone', 'failed')", name=op.f("ck_question_answer_delivery_known")
        ),
        sa.ForeignKeyConstraint(
            ["question_id"], ["forwarded_question.id"],
            name=op.f("fk_question_answer_question_id_forwarded_question"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_answer")),
        sa.UniqueConstraint("question_id", name=op.f("uq_question_answer_question_id")),
        sa.UniqueConstraint("confirm_token", name=op.f("uq_question_answer_confirm_token")),
    )
    with op.batch_alter_table("question_answer") as batch_op:
        batch_op.create_index(batch_op.f("ix_question_answer_delivery"), ["delivery"], unique=False)

    op.create_table(
        "knowledge_entry",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entry_id", sa.String(length=64), nullable=False),
        sa.Column("question_nl", sa.Text(), nullable=False),
        sa.Column("question_en", sa.Text(), nullable=False),
        sa.Column("answer_nl", sa.Text(), nullable=False),
        sa.Column("answer_en", sa.Text(), nullable=False),
        sa.Column("examples", sa.Text(), nullable=False),
        sa.Column("source_question_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("confirm_token", sa.String(length=64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_question_id"], ["forwarded_question.id"],
            name=op.f("fk_knowledge_entry_source_question_id_forwarded_question"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_entry")),
        sa.UniqueConstraint("entry_id", name=op.f("uq_knowledge_entry_entry_id")),
        sa.UniqueConstraint("confirm_token", name=op.f("uq_knowledge_entry_confirm_token")),
        sa.UniqueConstraint("source_question_id", name=op.f("uq_knowledge_entry_source_question_id")),
    )
    with op.batch_alter_table("knowledge_entry") as batch_op:
        batch_op.create_index(batch_op.f("ix_knowledge_entry_updated_at"), ["updated_at"], unique=False)


def downgrade() -> None:
    op.drop_table("knowledge_entry")
    op.drop_table("question_answer")
