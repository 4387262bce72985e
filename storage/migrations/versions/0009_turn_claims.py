"""turn claims that finish or expire: processed_activity.finished_at

A claim without `finished_at` is a turn in progress (or one whose process died); after a lease it may be
taken over by a re-delivery. Claims made before this revision count as finished.

Revision ID: 0009_turn_claims
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0009_turn_claims"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("processed_activity") as batch_op:
        batch_op.add_column(sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE processed_activity SET finished_at = seen_at")


def downgrade() -> None:
    with op.batch_alter_table("processed_activity") as batch_op:
        batch_op.drop_column("finished_at")
