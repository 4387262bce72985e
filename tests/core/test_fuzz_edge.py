"""Property-based fuzzing of the HTTP edge: malformed and hostile activities and card submits, posted to
/api/messages, always get a 4xx or a 2xx with friendly replies: never a 500, never a traceback or the generic
"something went wrong" to the user, and the stored records of people (registrations, offers, questions, ...)
do not change. Each example is one activity in a fresh conversation (no multi-step flow can legitimately save)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app import SERVICES
from storage.models import Base
from tests.support import all_text
from tests.wording import msg

# Tables a single activity of a stranger may touch: where a conversation stands, which ids were seen, and the
# security log (a refused try at an organizer function is recorded on purpose).
TURN_TABLES = {"bot_state", "processed_activity", "conversation_reference", "job_run", "audit_entry"}
# Card actions of the bot (those that save something in one step, e.g. a rating, are left out on purpose).
ACTIONS = [
    "questions.answer", "answer_question.submit", "answer_question.confirm", "job.start", "session_desk.add",
    "register.confirm", "register.submit", "my_registration.choose", "my_registration.confirm", "session_desk.change",
    "offer.confirm", "offer.submit", "offer.field", "offer.change", "questions.list", "organizer_desk.export",
    "knowledge_entry.submit", "knowledge_entry.confirm", "session_edit.submit", "session_edit.confirm",
    "session_add.submit", "questions.resend", "organizer_desk.overview", "my_offers.edit", "my_offers.withdraw",
    "contribute.confirm", "contribute.submit", "contribute.intro", "forward_question.confirm", "nothing.here",
]
HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["nan", "Infinity", "-inf", "1e400", "12345678901234567890", "\x00", "a\x00b", "<at>x</at>", "{{x}}",
                     "%s%s%n", "'; DROP TABLE registration; --", "0", "-1", "x" * 5000, "ja", "yes", "menu", "stop"]),
)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
                    st.floats(allow_nan=False, allow_infinity=False), HOSTILE_TEXT)
JSON = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                    max_leaves=12)
CARD_VALUE = st.fixed_dictionaries(
    {"action": st.one_of(st.sampled_from(ACTIONS), HOSTILE_TEXT)},
    optional={
        key: st.one_of(JSON, HOSTILE_TEXT)
        for key in ("id", "kind", "job", "token", "question", "field", "value", "answer", "email", "name", "experts",
                    "amount", "session", "mode", "page", "dataset", "format", "consent", "areas")
    },
)
FIELDS = ("type", "text", "value", "channelId", "locale", "from", "recipient", "conversation", "entities", "channelData",
          "id", "replyToId", "name", "attachments", "textFormat", "timestamp")


@st.composite
def activities(draw) -> dict[str, Any] | bytes:
    kind = draw(st.sampled_from(["message", "card", "mutated", "raw"]))
    if kind == "raw":
        return draw(st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode)))
    changes: dict[str, Any] = {}
    if kind == "message":
        changes["text"] = draw(HOSTILE_TEXT)
    elif kind == "card":
        changes["value"] = draw(CARD_VALUE)
        changes["text"] = None
    else:
        for field in draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=3, unique=True)):
            changes[field] = draw(JSON)
    return changes


async def _people_records(client) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    async with client.app[SERVICES].db.transaction() as session:
        for table in Base.metadata.sorted_tables:
            if table.name not in TURN_TABLES:
                found[table.name] = sorted(repr(tuple(row)) for row in (await session.execute(select(table))).all())
    return found


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(example=activities())
async def test_hostile_activities_never_break_the_edge(client, nl, example):
    before = await _people_records(client)
    nl.conversation_id = f"fuzz-{uuid.uuid4().hex[:12]}"
    if isinstance(example, bytes):
        response = await client.post("/api/messages", data=example, headers={"Content-Type": "application/json"})
        replies: list[dict[str, Any]] = []
    else:
        activity = nl.activity(type="message", text="hallo")
        for key, value in example.items():
            if value is None and key == "text":
                activity.pop("text", None)
            else:
                activity[key] = value
        start = len(nl.connector.by_conversation[nl.conversation_id])
        response = await client.post("/api/messages", data=json.dumps(activity), headers={"Content-Type": "application/json"})
        replies = nl.connector.by_conversation[nl.conversation_id][start:]
    body = await response.text()
    assert response.status < 500 and (response.status < 300 or response.status >= 400), (response.status, body)
    assert "Traceback" not in body
    text = all_text(replies)
    assert "Traceback" not in text and 'File "' not in text
    assert msg("nl", "error.generic") not in text and msg("en", "error.generic") not in text
    assert await _people_records(client) == before
