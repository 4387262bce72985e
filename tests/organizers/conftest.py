"""Helpers for the organizers' desk tests: an organizer and other users, data stored through the features'
own repositories, the download link of a reply, and parsing the files the bot serves."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any
from urllib.parse import urlparse

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from app import SERVICES
from storage.audit.models import AuditEntry
from storage.models import ForwardedQuestion
from storage.offers.repository import ContributionFields, ContributionIntentions, ExpertiseOffers, OfferFields
from storage.registration.repository import Attendee, Registrar
from storage.repositories import Feedback, ForwardedQuestions
from tests.conftest import new_conversation
from tests.registration.conftest import SESSION_ID, make_content, session_yaml
from tests.support import Conversation, FakeConnector, cards, facts  # noqa: F401 - facts is re-exported to the tests
from tests.wording import msg_part

OLGA = {"id": "29:organizer-olga", "name": "Olga Organisator", "aadObjectId": "5e6f7a8b-0000-4000-8000-0000000000aa"}
BOB = {"id": "29:bob-bakker", "name": "Bob Bakker", "aadObjectId": "1a2b3c4d-0000-4000-8000-0000000000b0"}
MENTION = "<at>VNG Oekraine-assistent</at> "
CAPACITY = {"in_person": 1, "online": None}
BOM = b"\xef\xbb\xbf"


@pytest.fixture
def desk_content(tmp_path):
    """The real content, with the announced session limited to one seat on location."""
    return make_content(tmp_path / "content", [session_yaml(capacity=CAPACITY)])


@pytest.fixture
async def org_client(make_client, desk_content):
    return await make_client(organizer_aad_ids=[OLGA["aadObjectId"]], content_dir=desk_content)


def person(client, connector: FakeConnector, who: dict[str, Any], fixture_name: str = "personal_message.json") -> Conversation:
    return new_conversation(client, connector, fixture_name, **{"from": who})


def olga(client, connector: FakeConnector, *, lang: str = "nl") -> Conversation:
    return person(client, connector, OLGA, "personal_message_en.json" if lang == "en" else "personal_message.json")


def link_of(replies: list[dict[str, Any]]) -> str:
    """The path of the download link on the reply's card."""
    for payload in cards(replies):
        for action in payload.get("actions", []):
            if action.get("type") == "Action.OpenUrl" and "/exports/" in action["url"]:
                return urlparse(action["url"]).path
    raise AssertionError("no download link in these replies")


def token_of(path: str) -> str:
    return path.rsplit("/", 1)[1]


def parse_csv(body: bytes) -> list[list[str]]:
    assert body.startswith(BOM), "a CSV for Excel starts with a UTF-8 byte order mark"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))


def load_xlsx(body: bytes):
    return load_workbook(io.BytesIO(body)).active


async def audit_rows(client, action: str | None = None) -> list[AuditEntry]:
    async with client.app[SERVICES].db.transaction() as session:
        stmt = select(AuditEntry).order_by(AuditEntry.id)
        if action:
            stmt = stmt.where(AuditEntry.action == action)
        return list((await session.execute(stmt)).scalars())


def detail(entry: AuditEntry) -> dict[str, Any]:
    return json.loads(entry.detail) if entry.detail else {}


# --- data, stored through each feature's own repository ------------------------------------------------------
def _attendee(n: int, municipality: str, **changes: Any) -> Attendee:
    values = dict(
        user_key=f"aad:00000000-0000-4000-8000-{n:012d}", aad_object_id=f"00000000-0000-4000-8000-{n:012d}",
        name=f"Deelnemer {n}", email=f"deelnemer{n}@example.nl", municipality=municipality, role="Beleidsadviseur",
    )
    values.update(changes)
    return Attendee(**values)


def offer_fields(municipality: str, **changes: Any) -> OfferFields:
    values = dict(
        municipality=municipality, contact_name="Sjoukje Hoekstra", contact_email="s.hoekstra@example.nl",
        contact_phone="+31 6 12345678", areas=("water",), other_area=None,
        description="Wij helpen bij drinkwater in Oekraïne.", expert_count=1, availability=msg_part("nl", "offer.fields.availability.prompt"),
        working_languages=("en",), work_mode="remote",
    )
    values.update(changes)
    return OfferFields(**values)


async def seed(client) -> dict[str, Any]:
    """Registrations, offers, intentions, forwarded questions and feedback, as the features store them."""
    services = client.app[SERVICES]
    db, now = services.db, services.clock.now()
    registrar = Registrar(db)
    await registrar.register(session_id=SESSION_ID, mode="in_person", capacity=1, attendee=_attendee(1, "Súdwest-Fryslân",
                             accessibility="Ringleiding", dietary="Vegetarisch"), token="t1", now=now)
    await registrar.register(session_id=SESSION_ID, mode="in_person", capacity=1, attendee=_attendee(2, "'s-Hertogenbosch"), token="t2", now=now)
    await registrar.register(session_id=SESSION_ID, mode="online", capacity=None, attendee=_attendee(3, "Utrecht"), token="t3", now=now)
    await registrar.register(session_id=SESSION_ID, mode="online", capacity=None, attendee=_attendee(4, "Utrecht"), token="t4", now=now)
    await registrar.cancel(session_id=SESSION_ID, user_key=_attendee(4, "").user_key, capacity=CAPACITY, now=now)

    async with db.transaction() as session:
        offers = ExpertiseOffers(session)
        await offers.add(user_key="aad:u1", aad_object_id="u1", tenant_id=None, language="nl", token="o1", now=now,
                         fields=offer_fields("Súdwest-Fryslân", areas=("water", "energy"), expert_count=2,
                                             working_languages=("uk", "en"),
                                             description='Gemalen; "drukriolering"\nen =SOM(A1) in Oekraïne.'))
        await offers.add(user_key="aad:u2", aad_object_id="u2", tenant_id=None, language="nl", token="o2", now=now,
                         fields=offer_fields("'s-Hertogenbosch", expert_count=3, work_mode="on_site"))
        await offers.add(user_key="aad:u3", aad_object_id="u3", tenant_id=None, language="en", token="o3", now=now,
                         fields=offer_fields("súdwest-fryslân", areas=("housing",), description="=HYPERLINK(\"x\")"))
        gone, _ = await offers.add(user_key="aad:u4", aad_object_id="u4", tenant_id=None, language="nl", token="o4", now=now,
                                   fields=offer_fields("Leeuwarden", areas=("water",), expert_count=5))
        await offers.withdraw(user_key="aad:u4", offer_id=gone.id, now=now)

        intentions = ContributionIntentions(session)
        for n, (place, cents) in enumerate([("Súdwest-Fryslân", 500_000), ("'s-Hertogenbosch", 1_234_567), ("Utrecht", None), ("Zwolle", 99_900)]):
            view, _ = await intentions.add(user_key=f"aad:c{n}", aad_object_id=None, tenant_id=None, language="nl", token=f"c{n}", now=now,
                                           fields=ContributionFields(place, "Jan Jansen", "jan@example.nl", cents, "Na besluit van de raad."))
            if place == "Zwolle":
                await intentions.withdraw(user_key=f"aad:c{n}", intention_id=view.id, now=now)

        questions = ForwardedQuestions(session)
        for n, text in enumerate(["Kunnen wij experts naar Oekraïne sturen?", "Wie betaalt de reiskosten?", "Is er een verslag?"]):
            await questions.add(question=text, language="nl", user_key=f"aad:q{n}", aad_object_id=None, asker_name="Fenna Fryslân",
                                tenant_id=None, conversation_id=f"a:q{n}", conversation_reference="{}", now=now)
        await session.execute(update(ForwardedQuestion).where(ForwardedQuestion.question == "Is er een verslag?")
                              .values(status="answered", answer="Ja, na afloop.", answered_at=now + timedelta(hours=1)))

        entries = [e.id for e in services.recognizer.entries()][:2]
        feedback = Feedback(session)
        for n, (entry, helpful) in enumerate([(entries[0], True), (entries[0], False), (entries[0], False), (entries[1], True)]):
            await feedback.record(entry_id=entry, helpful=helpful, user_key=f"aad:f{n}", aad_object_id=None, message_key=f"m{n}",
                                  language="nl", now=now)
    return {"entries": entries}
