"""shared secret for signing organizer export links

Revision ID: 0006_export_secret
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_export_secret"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "export_secret",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_export_secret")),
    )


def downgrade() -> None:
    op.drop_table("export_secret")
