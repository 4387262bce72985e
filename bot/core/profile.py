"""What the bot remembers per user in UserState: only preferences, never domain records."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class UserProfile:
    language: str | None = None  # "nl" | "en" once the user chose; None follows the client's locale
