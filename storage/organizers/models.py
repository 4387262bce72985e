"""Tables of the organizers' exports: the shared secret that signs download links when EXPORT_SIGNING_KEY is
not set (made once, at random, by whichever instance needs it first), and the links already used."""

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


class ExportDownload(Base):
    """A download link that has been used: each link works once (its id is claimed before the file is sent)."""

    __tablename__ = "export_download"

    link_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    used_at: Mapped[datetime]
