"""periodic jobs run once across instances (one claimed row per job run); registrations in export order

Revision ID: 0009_job_runs
Revises: 0002
Depends on: 0003_registrations (the export index is on registration)
"""
import sqlalchemy as sa
from alembic import op

revision = "0009_job_runs"
down_revision = "0002"
branch_labels = None
depends_on = "0003_registrations"


def upgrade() -> None:
    op.create_table(
        "job_run",
        sa.Column("job", sa.String(length=64), nullable=False),
        sa.Column("slot", sa.BigInteger(), nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("job", "slot", name=op.f("pk_job_run")),
    )
    op.create_index(op.f("ix_job_run_started_at"), "job_run", ["started_at"], unique=False)
    op.create_index("ix_registration_session_order", "registration", ["session_id", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_registration_session_order", table_name="registration")
    op.drop_index(op.f("ix_job_run_started_at"), table_name="job_run")
    op.drop_table("job_run")
