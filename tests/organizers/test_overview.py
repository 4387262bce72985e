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


def _overview_card(replies):
    [card] = [c for c in cards(replies) if c["body"][0]["text"] in (msg("nl", "overview.title"), msg("en", "overview.title"))]
    return card


async def test_the_overview_in_dutch(org_client, connector):
    seeded = await seed(org_client)
    replies = await olga(org_client, connector).say("overzicht")
    card = _overview_card(replies)
    shown = facts(card)
    text = all_text(replies)
    assert "Stand op dinsdag 20 september 2022 om 10:15 uur." in text
    # Registrations per session and mode: one seat on location (taken, one on the waitlist), online without limit.
    assert "Informatiebijeenkomst lokale herstelplannen Oekraïne (dinsdag 4 oktober 2022)" in text
    assert shown["Op locatie"] == "1 van 1 plaatsen bezet, 1 op de wachtlijst, 0 afgemeld"
    assert shown["Online"] == "1 aangemeld, 0 op de wachtlijst, 1 afgemeld"
    # Active offers only; spellings of one municipality counted together.
    assert "Actief aanbod: 3. Experts: 6 in totaal." in text
    assert shown["Water en riolering"] == "Aanbod: 2. Experts: 5."
    assert shown["Energie en warmte"] == "Aanbod: 1. Experts: 2."
    assert shown["Wonen en huisvesting"] == "Aanbod: 1. Experts: 1."
    assert shown["Súdwest-Fryslân"] == "Aanbod: 2. Experts: 3."
    assert shown["'s-Hertogenbosch"] == "Aanbod: 1. Experts: 3."
    assert "Leeuwarden" not in shown  # withdrawn
    # Intentions: active ones, their indicative total in euros (Dutch format).
    assert msg("nl", "overview.contributions.total", count=3, total="€\u00a017.345,67") in text
    assert "Zonder bedrag: 1." in text
    # Forwarded questions: the open ones, and the way to answer them (another feature's action).
    assert "Open vragen: 2." in text
    actions = {a["data"]["action"]: a for a in submit_actions(card)}
    assert actions["questions.list"]["title"] == "Vragen beantwoorden"
    assert {"organizer_desk.export", "organizer_desk.overview"} <= set(actions)
    # Feedback per knowledge entry, with the entry's question; the most 'not helpful' first.
    recognizer = org_client.app[SERVICES].recognizer
    first, second = (recognizer.entry(e).question["nl"] for e in seeded["entries"])
    assert shown[first] == "1 nuttig, 2 niet nuttig" and shown[second] == "1 nuttig, 0 niet nuttig"
    for private in ("Deelnemer", "deelnemer1@example.nl", "Hoekstra", "Fenna", "Kunnen wij experts"):
        assert private not in text  # counts, not people
    [entry] = await audit_rows(org_client)
    assert (entry.action, entry.allowed, entry.actor_aad_object_id, entry.target) == ("overview.show", True, OLGA["aadObjectId"], "personal")


async def test_the_overview_in_english_and_the_refresh_button(org_client, connector):
    await seed(org_client)
    organizer = olga(org_client, connector, lang="en")
    text = all_text(await organizer.say("Overview"))
    assert msg("en", "overview.as_of", date="Tuesday 20 September 2022", time="10:15") in text
    assert "Information session on local recovery plans in Ukraine" in text
    assert msg("en", "overview.contributions.total", count=3, total="€17,345.67") in text
    shown = facts(_overview_card(organizer.replies))
    assert shown["Water and sewerage"] == "Offers: 2. Experts: 5." and shown["In person"].startswith("1 of 1 seats taken")
    replies = await organizer.submit({"action": "organizer_desk.overview"})
    assert facts(_overview_card(replies)) == shown
    assert [e.action for e in await audit_rows(org_client)] == ["overview.show", "overview.show"]


async def test_an_empty_overview(org_client, connector):
    text = all_text(await olga(org_client, connector).say("organisator"))
    for expected in (msg("nl", "overview.registrations.none"), msg("nl", "overview.offers.none"), msg("nl", "overview.contributions.none"),
                     "Open vragen: 0.", msg("nl", "overview.feedback.none")):
        assert expected in text


async def test_numbers_from_the_real_flows(org_client, connector):
    await register(person(org_client, connector, {"id": "29:user-7", "name": "Deelnemer 7",
                                                   "aadObjectId": "00000000-0000-4000-8000-000000000007"}),
                   mode="online", municipality="Súdwest-Fryslân")
    anna = person(org_client, connector, {"id": "29:anna", "name": "Anna de Vries", "aadObjectId": "0d2c3b4a-0000-4000-8000-0000000a11ce"})
    await offer_by_card(anna)
    replies = await olga(org_client, connector).say("overzicht")
    shown = facts(_overview_card(replies))
    assert "Actief aanbod: 1. Experts: 3 in totaal." in all_text(replies)
    assert shown["Online"] == "1 aangemeld, 0 op de wachtlijst, 0 afgemeld"
    assert shown["Utrecht"] == "Aanbod: 1. Experts: 3."
    assert shown["Water en riolering"] == "Aanbod: 1. Experts: 3."


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
    assert "En nog 2 andere." in text  # 10 areas, 8 shown
    # The connector checks every card against the Adaptive Card rules, including the 20 KB limit.
