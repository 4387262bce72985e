"""The organizers' channel: learnt from an organizer's command, refused for others, optional, and a failing
post never touches the user's turn (and is logged without personal data)."""

from __future__ import annotations

import logging

from app import SERVICES
from bot.offers.channel import PURPOSE, channel_root
from storage.offers.repository import OrganizerChannels
from tests.conftest import new_conversation
from tests.offers.conftest import (
    ANNA,
    BOB,
    CHANNEL_ROOT,
    MENTION,
    ORGANIZER,
    channel,
    drain,
    offer_by_card,
    offers_of,
    person,
    posts,
    set_channel,
)
from tests.support import FakeConnector, all_text, cards
from tests.wording import msg, msg_part


async def _stored_channel(client):
    async with client.app[SERVICES].db.transaction() as session:
        return await OrganizerChannels(session).get(PURPOSE)


async def test_an_organizer_sets_the_channel_in_dutch(org_client, connector):
    olga = channel(org_client, connector)
    replies = await olga.say(MENTION + "Meldingen hier!")
    assert msg_part("nl", "offers.channel.set_done") in all_text(replies)
    stored = await _stored_channel(org_client)
    assert stored.conversation_id == CHANNEL_ROOT and stored.conversation_type == "channel" and stored.language == "nl"
    await offer_by_card(person(org_client, connector, ANNA))
    await drain(org_client)
    [post] = posts(connector)
    assert post["_conversation_id"] == CHANNEL_ROOT  # the channel itself (a new thread), not the command's thread
    assert cards([post])[0]["body"][0]["text"] == msg("nl", "offers.post.offer_created")


async def test_the_command_in_english_and_in_a_group_chat(org_client, connector):
    chat = new_conversation(org_client, connector, "groupchat_message_mention.json", **{"from": ORGANIZER})
    replies = await chat.say(MENTION + "notifications here")
    assert msg_part("nl", "offers.channel.set_done") in all_text(replies)  # answered in the organizer's language (Dutch client)
    stored = await _stored_channel(org_client)
    assert stored.conversation_id == chat.conversation_id and stored.language == "en"
    await offer_by_card(person(org_client, connector, ANNA))
    await drain(org_client)
    assert cards(connector.by_conversation[chat.conversation_id][-1:])[0]["body"][0]["text"] == msg("en", "offers.post.offer_created")


async def test_someone_else_is_refused_politely(org_client, connector):
    bob = channel(org_client, connector, BOB)
    replies = await bob.say(MENTION + "meldingen hier")
    assert msg_part("nl", "offers.channel.refused") in all_text(replies)
    assert await _stored_channel(org_client) is None
    await offer_by_card(person(org_client, connector, ANNA))
    await drain(org_client)
    assert posts(connector) == []


async def test_without_organizers_configured_nobody_can_set_it(client, connector):
    olga = channel(client, connector)
    assert msg_part("nl", "offers.channel.refused") in all_text(await olga.say(MENTION + "meldingen hier"))


async def test_a_longer_sentence_is_not_the_command(org_client, connector):
    olga = channel(org_client, connector)
    replies = await olga.say(MENTION + "komen de meldingen hier ook binnen als ik weg ben?")
    assert msg_part("nl", "offers.channel.set_done") not in all_text(replies)
    assert await _stored_channel(org_client) is None


async def test_notifications_off(org_client, connector):
    olga = await set_channel(org_client, connector)
    assert msg("nl", "offers.channel.stop_done") in all_text(await olga.say(MENTION + "meldingen uit"))
    assert await _stored_channel(org_client) is None
    assert msg_part("nl", "offers.channel.stop_nothing") in all_text(await olga.say(MENTION + "meldingen uit"))


async def test_the_command_works_while_the_organizer_is_inside_a_form(org_client, connector):
    olga = person(org_client, connector, ORGANIZER)
    await olga.say("expertise aanbieden")
    assert msg_part("nl", "offers.channel.set_done") in all_text(await olga.say("meldingen hier"))
    assert msg("nl", "offer.fields.email.prompt") in all_text(await olga.say("Den Haag"))  # the form goes on where it was


async def test_a_failing_post_is_logged_without_personal_data_and_the_user_is_served(org_client, connector, caplog):
    organizers = FakeConnector()  # the organizers' channel lives behind its own connector
    await organizers.start()
    try:
        olga = channel(org_client, organizers)
        await olga.say(MENTION + "meldingen hier")
        organizers.fail_next = [400]
        caplog.set_level(logging.INFO)
        anna = person(org_client, connector, ANNA)
        replies = await offer_by_card(anna)
        assert msg("nl", "offer.saved") in all_text(replies)
        await drain(org_client)
        assert len(await offers_of(org_client)) == 1
        assert organizers.by_conversation.get(CHANNEL_ROOT, []) == []
        assert "not delivered (failed)" in caplog.text
        for private in ("Anna", "anna.devries", "06 12345678", "drinkwater"):
            assert private not in caplog.text

        organizers.fail_next = [403]  # the bot was removed from the channel
        await offer_by_card(anna, experts="4")
        await drain(org_client)
        assert "not delivered (gone)" in caplog.text
    finally:
        await organizers.close()
    assert organizers.card_problems == []


async def test_an_exception_while_posting_does_not_break_anything(org_client, connector, caplog, monkeypatch):
    await set_channel(org_client, connector)
    messenger = org_client.app[SERVICES].messenger

    async def broken(*_args, **_kwargs):
        raise RuntimeError("connector exploded for anna.devries@utrecht.example.nl")

    monkeypatch.setattr(messenger, "send", broken)
    caplog.set_level(logging.INFO)
    replies = await offer_by_card(person(org_client, connector, ANNA))
    assert msg("nl", "offer.saved") in all_text(replies)
    await drain(org_client)
    assert len(await offers_of(org_client)) == 1
    assert "organizer post of offer created 1 failed (RuntimeError)" in caplog.text
    assert "anna" not in caplog.text.lower()


def test_channel_root():
    assert channel_root("19:abc@thread.tacv2;messageid=1663661730123") == "19:abc@thread.tacv2"
    assert channel_root("a:personal-chat") == "a:personal-chat"


async def test_channel_commands_are_audited(org_client, connector):
    from storage.audit.repository import AuditTrail

    await channel(org_client, connector, BOB).say(MENTION + "meldingen hier")
    await channel(org_client, connector).say(MENTION + "meldingen hier")
    async with org_client.app[SERVICES].db.transaction() as session:
        rows = await AuditTrail(session).recent()
    assert [(r.action, r.allowed) for r in reversed(rows)] == [("organizer_channel.set", False), ("organizer_channel.set", True)]
