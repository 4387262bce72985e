"""Only organizers reach the overview and the exports, on every call: typed commands, card actions and the
download URL. Everything else gets a polite refusal (or a plain 403/410) and nothing more, and is audited."""

from __future__ import annotations

from datetime import timedelta

from bot.organizers import ORGANIZER_DESK
from tests.conftest import new_conversation
from tests.organizers.conftest import (
    BOB,
    MENTION,
    OLGA,
    audit_rows,
    detail,
    link_of,
    olga,
    person,
    token_of,
)
from tests.support import all_text, cards
from tests.wording import msg, msg_part

REFUSED_NL = msg("nl", "organizer.refused")
REFUSED_EN = msg("en", "organizer.refused")


async def test_someone_else_gets_a_polite_refusal_for_every_command_and_button(org_client, connector):
    bob = person(org_client, connector, BOB)
    for text in ("overzicht", "Organisator", "export", "export aanmeldingen csv"):
        replies = await bob.say(text)
        assert [r.get("text") for r in replies] == [REFUSED_NL], text  # the refusal and nothing else
    for value in (
        {"action": "organizer_desk.overview"},
        {"action": "organizer_desk.export", "dataset": "registrations", "format": "xlsx"},
    ):
        replies = await bob.submit(value)
        assert [r.get("text") for r in replies] == [REFUSED_NL]
    refused = [(e.action, e.allowed, e.actor_aad_object_id) for e in await audit_rows(org_client)]
    assert refused == [
        ("overview.show", False, BOB["aadObjectId"]),
        ("overview.show", False, BOB["aadObjectId"]),
        ("export.choose", False, BOB["aadObjectId"]),
        ("export.link", False, BOB["aadObjectId"]),
        ("overview.show", False, BOB["aadObjectId"]),
        ("export.link", False, BOB["aadObjectId"]),
    ]


async def test_in_english_and_without_any_organizer_configured(client, connector):
    anna = new_conversation(client, connector, "personal_message_en.json")
    for text in ("overview", "organizer", "export registrations xlsx"):  # input, not from content/
        assert [r.get("text") for r in await anna.say(text)] == [REFUSED_EN]
    # Anna (the fixture user) is not an organizer here either in Dutch: nobody is when none are configured.
    assert [r.get("text") for r in await new_conversation(client, connector).say("overzicht")] == [REFUSED_NL]


async def test_an_organizer_is_sent_to_the_personal_chat_from_a_channel(org_client, connector):
    channel = new_conversation(org_client, connector, "channel_message_mention.json", **{"from": OLGA})
    replies = await channel.say(MENTION + "overzicht")
    assert cards(replies) == [] and msg_part("nl", "overview.personal_only") in all_text(replies)
    replies = await channel.say(MENTION + "export aanmeldingen csv")
    assert cards(replies) == [] and msg_part("nl", "overview.personal_only") in all_text(replies)
    bob = new_conversation(org_client, connector, "channel_message_mention.json", **{"from": BOB})
    assert [r.get("text") for r in await bob.say(MENTION + "overzicht")] == [REFUSED_NL]
    assert [e.target for e in await audit_rows(org_client, "export.link")] == ["group"]


async def test_the_command_works_in_the_middle_of_a_form_and_the_form_goes_on(org_client, connector):
    organizer = olga(org_client, connector)
    await organizer.say("expertise aanbieden")
    replies = await organizer.say("overzicht")
    assert msg("nl", "overview.title") in all_text(replies)
    assert msg("nl", "offer.fields.email.prompt") in all_text(await organizer.say("Den Haag"))  # the form is where it was


async def test_a_longer_sentence_is_not_a_command(org_client, connector):
    organizer = olga(org_client, connector)
    replies = await organizer.say("waar vind ik een overzicht van de bijeenkomst")
    assert msg("nl", "overview.title") not in all_text(replies)
    assert await audit_rows(org_client) == []


async def test_forged_tampered_and_unknown_links_get_403_and_expired_ones_410(org_client, connector, clock):
    path = link_of(await olga(org_client, connector).say("export aanmeldingen csv"))
    link_id, dataset, fmt, expires, lang, signature = token_of(path).split(".")
    assert OLGA["aadObjectId"] not in path and "5e6f7a8b" not in path  # no identifier in the link

    async def status(token: str) -> int:
        response = await org_client.get(f"/exports/{token}")
        body = await response.text()
        assert "Traceback" not in body and "registrations" not in body
        return response.status

    assert await status(token_of(path)) == 200
    assert await status("x") == 403
    assert await status("not.a.valid.token.at.all") == 403
    assert await status(f"{link_id}.offers.{fmt}.{expires}.{lang}.{signature}") == 403  # other dataset
    assert await status(f"{link_id}.{dataset}.xlsx.{expires}.{lang}.{signature}") == 403  # other format
    assert await status(f"{link_id}.{dataset}.{fmt}.{int(expires) + 86400}.{lang}.{signature}") == 403  # longer life
    assert await status(f"{link_id}.{dataset}.{fmt}.{expires}.{lang}.{signature[:-2]}AA") == 403
    assert await status(f"{link_id}.{dataset}.{fmt}.{expires}.en.{signature}") == 403
    assert (await org_client.head(path)).status == 405

    # Signed with the real key for a dataset that does not exist: still refused.
    feature = org_client.app[ORGANIZER_DESK]
    key = await feature.links.key()
    forged = feature.links.token(key, OLGA["aadObjectId"], "AbCdEfGhIjKl", "passwords", "csv", int(expires), "nl")
    assert await status(forged) == 403

    clock.set(clock.now() + timedelta(minutes=10))
    response = await org_client.get(path)
    assert response.status == 410 and msg("nl", "export.download.expired") in await response.text()
    english = await org_client.get("/exports/garbage", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert english.status == 403 and msg_part("en", "export.download.refused") in await english.text()

    downloads = [(detail(e), e.allowed) for e in await audit_rows(org_client, "export.download")]
    assert downloads == [({"rows": 0}, True), ({"refused": "unknown"}, False), ({"refused": "expired"}, False)]


async def test_an_organizer_removed_from_the_setting_can_no_longer_download(make_client, desk_content, connector):
    before = await make_client(organizer_aad_ids=[OLGA["aadObjectId"], BOB["aadObjectId"]], content_dir=desk_content)
    path = link_of(await olga(before, connector).say("export vragen xlsx"))

    after = await make_client(organizer_aad_ids=[BOB["aadObjectId"]], content_dir=desk_content)  # Olga was removed
    response = await after.get(path)
    assert response.status == 403 and msg("nl", "export.download.refused") in await response.text()
    assert (await before.get(path)).status == 200  # the instance that still lists her (shares the key)
    last = (await audit_rows(after, "export.download"))[-2]
    assert (last.actor_aad_object_id, last.allowed, detail(last)) == (OLGA["aadObjectId"], False, {"refused": "revoked"})
    assert [r.get("text") for r in await olga(after, connector).say("overzicht")] == [REFUSED_NL]


async def test_a_link_signed_with_another_key_is_refused(make_client, desk_content, connector):
    one = await make_client(organizer_aad_ids=[OLGA["aadObjectId"]], content_dir=desk_content, export_signing_key="k" * 40)
    path = link_of(await olga(one, connector).say("export feedback csv"))
    assert (await one.get(path)).status == 200
    other = await make_client(organizer_aad_ids=[OLGA["aadObjectId"]], content_dir=desk_content, export_signing_key="z" * 40)
    assert (await other.get(path)).status == 403
    stored = await make_client(organizer_aad_ids=[OLGA["aadObjectId"]], content_dir=desk_content)  # key from the database
    assert (await stored.get(path)).status == 403


async def test_a_link_works_once(make_client, desk_content, connector):
    client = await make_client(organizer_aad_ids=[OLGA["aadObjectId"]], content_dir=desk_content)
    other_instance = await make_client(organizer_aad_ids=[OLGA["aadObjectId"]], content_dir=desk_content)
    path = link_of(await olga(client, connector).say("export vragen csv"))
    first = await client.get(path)
    assert first.status == 200
    await first.read()
    for instance in (client, other_instance):
        again = await instance.get(path)
        assert again.status == 410 and msg("nl", "export.download.used") in await again.text()
    last = (await audit_rows(client, "export.download"))[-1]
    assert (last.actor_aad_object_id, last.allowed, detail(last)) == (OLGA["aadObjectId"], False, {"refused": "used"})
