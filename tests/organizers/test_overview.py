"""The overview card: numbers against data stored by the features themselves (and through the real flows),
in Dutch and English, cut to the top few, and audited."""

from __future__ import annotations

from app import SERVICES
from storage.offers.repository import ExpertiseOffers
from tests.offers.conftest import offer_by_card
from tests.organizers.conftest import OLGA, audit_rows, facts, offer_fields, olga, person, seed
from tests.registration.conftest import register
from tests.support import all_text, cards, submit_actions
from tests.wording import msg


def tally(lang: str, offers: int, experts: int) -> str:
    return msg(lang, "overview.offers.tally", offers=offers, experts=experts)


def _overview_card(replies):
    [card] = [c for c in cards(replies) if c["body"][0]["text"] in (msg("nl", "overview.title"), msg("en", "overview.title"))]
    return card


async def test_the_overview_in_dutch(org_client, connector):
    seeded = await seed(org_client)
    replies = await olga(org_client, connector).say("overzicht")
    card = _overview_card(replies)
    shown = facts(card)
    text = all_text(replies)
    assert msg("nl", "overview.as_of", moment="dinsdag 20 september 2022, 10:15") in text
    # Registrations per session and mode: one seat on location (taken, one on the waitlist), online without limit.
    assert "Informatiebijeenkomst lokale herstelplannen Oekraïne (dinsdag 4 oktober 2022)" in text
    assert shown[msg("nl", "export.values.modes.in_person")] == msg("nl", "overview.registrations.capacity", confirmed=1, capacity=1,
                                                                    waitlisted=1, cancelled=0)
    assert shown[msg("nl", "export.values.modes.online")] == msg("nl", "overview.registrations.counts", confirmed=1, waitlisted=0, cancelled=1)
    # Active offers only; spellings of one municipality counted together.
    assert msg("nl", "overview.offers.total", offers=3, experts=6) in text
    assert shown["Water en riolering"] == tally("nl", 2, 5)
    assert shown["Energie en warmte"] == tally("nl", 1, 2)
    assert shown["Wonen en huisvesting"] == tally("nl", 1, 1)
    assert shown["Súdwest-Fryslân"] == tally("nl", 2, 3)
    assert shown["'s-Hertogenbosch"] == tally("nl", 1, 3)
    assert "Leeuwarden" not in shown  # withdrawn
    # Intentions: active ones, their indicative total in euros (Dutch format).
    assert msg("nl", "overview.contributions.total", count=3, total="€\u00a017.345,67") in text
    assert msg("nl", "overview.contributions.without_amount", count=1) in text
    # Forwarded questions: the open ones, and the way to answer them (another feature's action).
    assert msg("nl", "overview.questions.open", count=2) in text
    actions = {a["data"]["action"]: a for a in submit_actions(card)}
    assert actions["questions.list"]["title"] == msg("nl", "overview.questions.button")
    assert {"organizer_desk.export", "organizer_desk.overview"} <= set(actions)
    # Feedback per knowledge entry, with the entry's question; the most 'not helpful' first.
    recognizer = org_client.app[SERVICES].recognizer
    first, second = (recognizer.entry(e).question["nl"] for e in seeded["entries"])
    assert shown[first] == msg("nl", "overview.feedback.counts", helpful=1, not_helpful=2)
    assert shown[second] == msg("nl", "overview.feedback.counts", helpful=1, not_helpful=0)
    for private in ("Deelnemer", "deelnemer1@example.nl", "Hoekstra", "Fenna", "Kunnen wij experts"):
        assert private not in text  # counts, not people
    [entry] = await audit_rows(org_client)
    assert (entry.action, entry.allowed, entry.actor_aad_object_id, entry.target) == ("overview.show", True, OLGA["aadObjectId"], "personal")


async def test_the_overview_in_english_and_the_refresh_button(org_client, connector):
    await seed(org_client)
    organizer = olga(org_client, connector, lang="en")
    text = all_text(await organizer.say("Overview"))
    assert msg("en", "overview.as_of", moment="Tuesday 20 September 2022, 10:15") in text
    assert "Information session on local recovery plans in Ukraine" in text
    assert msg("en", "overview.contributions.total", count=3, total="€17,345.67") in text
    shown = facts(_overview_card(organizer.replies))
    assert shown["Water and sewerage"] == tally("en", 2, 5)
    assert shown[msg("en", "export.values.modes.in_person")] == msg("en", "overview.registrations.capacity", confirmed=1, capacity=1,
                                                                    waitlisted=1, cancelled=0)
    replies = await organizer.submit({"action": "organizer_desk.overview"})
    assert facts(_overview_card(replies)) == shown
    assert [e.action for e in await audit_rows(org_client)] == ["overview.show", "overview.show"]


async def test_an_empty_overview(org_client, connector):
    text = all_text(await olga(org_client, connector).say("organisator"))
    for expected in (msg("nl", "overview.registrations.none"), msg("nl", "overview.offers.none"), msg("nl", "overview.contributions.none"),
                     msg("nl", "overview.questions.open", count=0), msg("nl", "overview.feedback.none")):
        assert expected in text


async def test_numbers_from_the_real_flows(org_client, connector):
    await register(person(org_client, connector, {"id": "29:user-7", "name": "Deelnemer 7",
                                                   "aadObjectId": "00000000-0000-4000-8000-000000000007"}),
                   mode="online", municipality="Súdwest-Fryslân")
    anna = person(org_client, connector, {"id": "29:anna", "name": "Anna de Vries", "aadObjectId": "0d2c3b4a-0000-4000-8000-0000000a11ce"})
    await offer_by_card(anna)
    replies = await olga(org_client, connector).say("overzicht")
    shown = facts(_overview_card(replies))
    assert msg("nl", "overview.offers.total", offers=1, experts=3) in all_text(replies)
    assert shown[msg("nl", "export.values.modes.online")] == msg("nl", "overview.registrations.counts", confirmed=1, waitlisted=0, cancelled=0)
    assert shown["Utrecht"] == tally("nl", 1, 3)
    assert shown["Water en riolering"] == tally("nl", 1, 3)


async def test_long_lists_are_cut_and_the_card_stays_small(org_client, connector):
    async with org_client.app[SERVICES].db.transaction() as session:
        offers = ExpertiseOffers(session)
        for n in range(30):
            await offers.add(user_key=f"aad:m{n}", aad_object_id=None, tenant_id=None, language="nl", token=f"m{n}",
                             now=org_client.app[SERVICES].clock.now(),
                             fields=offer_fields(f"Gemeente nummer {n:02d} met een heel lange naam aan de Noordzeekust",
                                                 areas=("water", "energy", "housing", "waste", "mobility", "finance",
                                                        "governance", "participation", "digital_services", "social_care")))
    replies = await olga(org_client, connector).say("overzicht")
    text = all_text(replies)
    assert msg("nl", "overview.more", count=22) in text  # 30 municipalities, 8 shown
    assert msg("nl", "overview.more", count=2) in text  # 10 areas, 8 shown
    # The connector checks every card against the Adaptive Card rules, including the 20 KB limit.
