"""export download links work once: the ids of links already used

Revision ID: 0010_export_downloads
Revises: 0006_export_secret
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_export_downloads"
down_revision = "0006_export_secret"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "export_download",
        sa.Column("link_id", sa.String(length=32), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("link_id", name=op.f("pk_export_download")),
    )


def downgrade() -> None:
    op.drop_table("export_download")
