"""Helpers for the registration tests: a content folder with chosen sessions, distinct Teams users, and
driving the registration form to its summary."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import new_conversation
from tests.support import Conversation, cards, elements, submit_actions
from tests.wording import content_dir

CONTENT = content_dir()  # the bot's content (CONTENT_DIR), as tests/wording.py reads it
SESSION_ID = "info-2022-10-04"
JOIN_URL = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=%7b%22Tid%22%3a%22x%22%7d"


def session_yaml(**changes: Any) -> dict[str, Any]:
    """The real session from content/sessions.yaml, with changes."""
    data = yaml.safe_load((CONTENT / "sessions.yaml").read_text(encoding="utf-8"))
    session = copy.deepcopy(data["sessions"][0])
    session.update(changes)
    return session


def make_content(root: Path, sessions: list[dict[str, Any]]) -> Path:
    """A content folder with everything from the real one (linked), except these sessions."""
    root.mkdir(parents=True, exist_ok=True)
    for entry in CONTENT.iterdir():
        link = root / entry.name
        if entry.name != "sessions.yaml" and not link.exists():
            link.symlink_to(entry, target_is_directory=entry.is_dir())
    (root / "sessions.yaml").write_text(yaml.safe_dump({"sessions": sessions}, allow_unicode=True), encoding="utf-8")
    return root


@pytest.fixture
def content(tmp_path):
    """content(sessions=[...], name="a") -> a content dir for make_client(content_dir=...)."""

    def build(*sessions: dict[str, Any], name: str = "content") -> Path:
        return make_content(tmp_path / name, list(sessions) or [session_yaml()])

    return build


def person(client, connector, n: int, *, lang: str = "nl") -> Conversation:
    """User number n in their own personal chat with the bot."""
    fixture_name = "personal_message_en.json" if lang == "en" else "personal_message.json"
    sender = {"id": f"29:user-{n}", "name": f"Deelnemer {n}", "aadObjectId": f"00000000-0000-4000-8000-{n:012d}"}
    return new_conversation(client, connector, fixture_name, **{"from": sender})


def aad(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def form_values(**changes: Any) -> dict[str, Any]:
    values = {
        "action": "register.submit",
        "session": SESSION_ID,
        "mode": "in_person",
        "name": "Anna de Vries",
        "email": "anna.devries@utrecht.nl",
        "municipality": "gemeente Utrecht",
        "role": "Beleidsadviseur",
        "accessibility": "",
        "dietary": "",
    }
    values.update(changes)
    return values


def confirm_token(replies: list[dict[str, Any]]) -> str:
    for card in cards(replies):
        for action in submit_actions(card):
            if action["data"].get("action") == "register.confirm":
                return action["data"]["token"]
    raise AssertionError("no summary card in the replies")


async def to_summary(conversation: Conversation, **changes: Any) -> str:
    """Start the form and submit it by card; returns the summary's confirm token."""
    await conversation.submit({"action": "job.start", "job": "register"})
    replies = await conversation.submit(form_values(**changes))
    return confirm_token(replies)


async def register(conversation: Conversation, **changes: Any) -> list[dict[str, Any]]:
    token = await to_summary(conversation, **changes)
    return await conversation.submit({"action": "register.confirm", "token": token})


def card_with(replies: list[dict[str, Any]], text: str) -> dict[str, Any]:
    import json

    for card in cards(replies):
        if text in json.dumps(card, ensure_ascii=False):
            return card
    raise AssertionError(f"no card with {text!r}")


def open_urls(card: dict[str, Any]) -> dict[str, str]:
    return {a["title"]: a["url"] for a in elements(card, "Action.OpenUrl")}
