"""The audit trail: every organizer action (who, what, when)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class AuditEntry(Base):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_aad_object_id: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)  # e.g. "export.registrations.csv"
    target: Mapped[str | None] = mapped_column(String(256))  # what it was about (ids, never personal data)
    detail: Mapped[str | None] = mapped_column(Text)  # a short JSON object without personal data
    allowed: Mapped[bool] = mapped_column(default=True)  # False: a refused attempt by a non-organizer
