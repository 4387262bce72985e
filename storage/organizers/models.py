"""Table of the organizers' exports: the shared secret that signs download links when EXPORT_SIGNING_KEY is
not set (made once, at random, by whichever instance needs it first)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class ExportSecret(Base):
    __tablename__ = "export_secret"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]
