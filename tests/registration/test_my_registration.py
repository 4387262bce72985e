"""'My registration' through /api/messages: see it, switch mode, cancel with a yes/no question; a cancellation
promotes the first on the waitlist, who is told proactively."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from app import SERVICES
from bot.registration import REGISTRATION
from storage.registration.models import Registration, RegistrationNotice
from tests.card_rules import card_problems
from tests.registration.conftest import SESSION_ID, card_with, person, register, session_yaml, to_summary
from tests.support import all_text, cards, submit_actions
from tests.wording import msg, msg_part


async def _rows(client) -> list[tuple[str, str, str]]:
    async with client.app[SERVICES].db.transaction() as session:
        rows = (await session.execute(select(Registration).order_by(Registration.id))).scalars()
        return [(r.name, r.mode, r.status) for r in rows]


def _buttons(replies) -> dict[str, dict]:
    return {a["title"]: a["data"] for card in cards(replies) for a in submit_actions(card)}


async def test_see_switch_and_cancel_by_typing(client, connector):
    anna = person(client, connector, 20)
    await register(anna, name="Anna")
    replies = await anna.say("mijn aanmelding")
    for card in cards(replies):
        assert card_problems(card) == []
    text = all_text(replies)
    assert msg("nl", "my_registration.title") in text and "dinsdag 4 oktober 2022" in text
    assert msg("nl", "registration.modes.in_person", city="Den Haag") in text
    assert "1. " + msg("nl", "my_registration.options.switch", mode=msg("nl", "registration.modes.online")) in cards(replies)[0]["fallbackText"]
    replies = await anna.say("9")
    assert msg("nl", "my_registration.retry") in all_text(replies)
    replies = await anna.say("1")
    assert msg("nl", "my_registration.switched", mode=msg("nl", "registration.modes.online")) in all_text(replies)
    assert await _rows(client) == [("Anna", "online", "confirmed")]

    await anna.say("ik wil me afmelden")
    replies = await anna.say(msg("nl", "my_registration.options.cancel"))  # the option, as the bot words it
    assert msg("nl", "my_registration.cancel_question", date="dinsdag 4 oktober 2022") in all_text(replies)
    assert msg_part("nl", "my_registration.not_cancelled") in all_text(await anna.say("nee"))
    assert await _rows(client) == [("Anna", "online", "confirmed")]

    await anna.say("mijn aanmelding")
    await anna.say("2")
    assert msg_part("nl", "yesno.retry") in all_text(await anna.say("misschien"))
    assert msg_part("nl", "my_registration.cancelled") in all_text(await anna.say("ja"))
    assert await _rows(client) == [("Anna", "online", "cancelled")]
    assert msg_part("nl", "my_registration.none") in all_text(await anna.say("mijn aanmelding"))
    # Registering again after cancelling is allowed (only one *active* registration per person).
    await register(anna, name="Anna")
    assert [r[2] for r in await _rows(client)] == ["cancelled", "confirmed"]


async def test_cancel_by_card_in_english(client, connector):
    sam = person(client, connector, 21, lang="en")
    await register(sam)
    replies = await sam.submit({"action": "job.start", "job": "my_registration"})
    assert msg("en", "my_registration.title") in all_text(replies)
    buttons = _buttons(replies)
    replies = await sam.submit(buttons[msg("en", "my_registration.options.cancel")])
    assert msg_part("en", "my_registration.cancel_question") in all_text(replies)
    answer = _buttons(replies)[msg("en", "my_registration.cancel_yes")]
    assert answer == {"action": "my_registration.confirm", "answer": "yes"}
    assert msg_part("en", "my_registration.cancelled") in all_text(await sam.submit(answer))
    assert [r[2] for r in await _rows(client)] == ["cancelled"]
    # An old card's button later: the registration is gone, and the bot says so.
    assert msg_part("en", "my_registration.gone") in all_text(await sam.submit(buttons[msg("en", "my_registration.options.cancel")]))


async def test_cancellation_promotes_the_first_on_the_waitlist_who_is_told(make_client, connector, content):
    client = await make_client(content_dir=content(session_yaml(capacity={"in_person": 1, "online": 5})))
    anna, ben, cor = (person(client, connector, n) for n in (30, 31, 32))
    await register(anna, name="Anna")
    assert msg("nl", "registration.waitlisted.title") in all_text(await register(ben, name="Ben"))
    assert msg("nl", "registration.status_waitlisted", position=2) in all_text(await register(cor, name="Cor"))
    before_ben = len(connector.by_conversation[ben.conversation_id])

    replies = await anna.submit({"action": "my_registration.choose", "choice": f"cancel:{SESSION_ID}"})
    await anna.submit(_buttons(replies)[msg("nl", "my_registration.cancel_yes")])
    await client.app[REGISTRATION].idle()  # the message goes out after the reply, in the background
    assert await _rows(client) == [("Anna", "in_person", "cancelled"), ("Ben", "in_person", "confirmed"),
                                   ("Cor", "in_person", "waitlisted")]
    told = connector.by_conversation[ben.conversation_id][before_ben:]
    assert len(told) == 1 and msg("nl", "registration.promoted.title") in all_text(told)
    assert card_problems(cards(told)[0]) == []
    assert msg("nl", "registration.buttons.calendar") in all_text(told)
    # A scheduler tick (any instance) does not tell Ben twice.
    report = await client.app[REGISTRATION].scheduler.tick()
    assert report.sent == 0 and len(connector.by_conversation[ben.conversation_id]) == before_ben + 1
    assert msg("nl", "registration.status_waitlisted", position=1) in all_text(await cor.say("mijn aanmelding"))


async def test_a_promotion_missed_by_a_crash_is_sent_by_the_next_tick(make_client, connector, content, monkeypatch):
    client = await make_client(content_dir=content(session_yaml(capacity={"in_person": 1, "online": None})))
    anna, ben = person(client, connector, 33), person(client, connector, 34)
    await register(anna)
    await register(ben)
    desk = client.app[REGISTRATION]
    monkeypatch.setattr(desk, "tell_promoted", lambda promoted: None)  # as if the process died after the reply
    replies = await anna.submit({"action": "my_registration.choose", "choice": f"cancel:{SESSION_ID}"})
    await anna.submit(_buttons(replies)[msg("nl", "my_registration.cancel_yes")])
    async with client.app[SERVICES].db.transaction() as session:
        (notice,) = (await session.execute(select(RegistrationNotice))).scalars()
        assert (notice.kind, notice.status) == ("promoted", "pending")
    report = await desk.scheduler.tick()
    assert report.sent == 1 and msg_part("nl", "registration.promoted.title") in all_text(connector.by_conversation[ben.conversation_id][-1:])


async def test_switching_to_a_full_mode_changes_nothing(make_client, connector, content):
    client = await make_client(content_dir=content(session_yaml(capacity={"in_person": 3, "online": 1})))
    await register(person(client, connector, 40), mode="online", name="Online")
    anna = person(client, connector, 41)
    await register(anna, name="Anna")
    replies = await anna.submit({"action": "my_registration.choose", "choice": f"mode:{SESSION_ID}:online"})
    assert msg("nl", "my_registration.switch_full", mode=msg("nl", "registration.modes.online")) in all_text(replies)
    assert await _rows(client) == [("Online", "online", "confirmed"), ("Anna", "in_person", "confirmed")]


async def test_forged_or_stale_choices_are_refused_politely(client, connector):
    anna, ben = person(client, connector, 42), person(client, connector, 43)
    await register(ben, name="Ben")
    for choice in (f"cancel:{SESSION_ID}", "cancel:unknown", "mode:x:y", "nonsense", None, 12):
        replies = await anna.submit({"action": "my_registration.choose", "choice": choice})
        assert msg_part("nl", "my_registration.gone") in all_text(replies) or msg_part("nl", "my_registration.none") in all_text(replies)
    assert await _rows(client) == [("Ben", "in_person", "confirmed")]  # Ben's registration is untouched


async def test_concurrent_registrations_over_http_on_two_instances(make_client, connector, content):
    folder = content(session_yaml(capacity={"in_person": 2, "online": None}))
    first, second = await make_client(content_dir=folder), await make_client(content_dir=folder)
    people = [person(first if n % 2 else second, connector, 50 + n) for n in range(6)]
    tokens = [await to_summary(p, name=f"P{n}") for n, p in enumerate(people)]
    replies = await asyncio.gather(
        *(p.submit({"action": "register.confirm", "token": t}) for p, t in zip(people, tokens, strict=True))
    )
    statuses = sorted(r[2] for r in await _rows(first))
    assert statuses == ["confirmed", "confirmed", "waitlisted", "waitlisted", "waitlisted", "waitlisted"]
    texts = [all_text(r) for r in replies]
    assert sum(msg("nl", "registration.confirmed.title") in t for t in texts) == 2 and sum(msg("nl", "registration.waitlisted.title") in t for t in texts) == 4
    positions = sorted(n for t in texts for n in range(1, 7) if msg("nl", "registration.status_waitlisted", position=n) in t)
    assert positions == [1, 2, 3, 4]
    assert card_with(replies[0], msg("nl", "registration.facts.session"))
