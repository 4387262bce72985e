"""'Mijn aanbod' / 'my offers': list, change and withdraw, by card and by typing; a user reaches only their
own records; organizers hear about changes and withdrawals."""

from __future__ import annotations

from tests.offers.conftest import (
    ANNA,
    BOB,
    OFFER_CARD,
    buttons,
    contribution_by_card,
    drain,
    facts,
    intentions_of,
    offer_by_card,
    offers_of,
    person,
    posts,
    set_channel,
    token_of,
)
from tests.support import all_text, cards, elements
from tests.wording import msg, msg_part


async def test_an_empty_list_offers_the_two_ways_to_help(nl):
    replies = await nl.say("mijn aanbod")
    assert msg_part("nl", "my_offers.empty") in all_text(replies)
    assert [b["job"] for b in buttons(replies, "job.start")] == ["offer_expertise", "contribute"]
    assert msg("nl", "cancel.done") not in all_text(await nl.say("stop"))  # the list did not stay open


async def test_the_list_shows_offers_and_intentions_and_is_reachable_by_card(client, connector):
    anna = person(client, connector, ANNA)
    saved = await offer_by_card(anna)
    await contribution_by_card(anna)
    replies = await anna.submit(buttons(saved, "job.start")[0])  # "Mijn aanbod bekijken" on the confirmation
    text = all_text(replies)
    assert msg("nl", "my_offers.offer_line", number=1, municipality="Utrecht", areas="Water en riolering, Energie en warmte", count=3) in text
    assert msg("nl", "my_offers.contribution_line", number=2, municipality="Utrecht", amount="€ 5.000,00") in text.replace("\xa0", " ")
    assert [(b["kind"], b["action"]) for b in buttons(replies, "my_offers.edit")] == [("offer", "my_offers.edit"), ("contribution", "my_offers.edit")]
    assert msg_part("nl", "my_offers.done_reply") in all_text(await anna.say("klaar"))


async def test_change_an_offer_by_card(org_client, connector):
    await set_channel(org_client, connector)
    anna = person(org_client, connector, ANNA)
    await offer_by_card(anna)
    listing = await anna.say("mijn aanbod")
    change = await anna.submit(buttons(listing, "my_offers.edit")[0])  # what to change, with the offer as it is
    assert facts(cards(change)[-1])[msg("nl", "export.columns.offers.expert_count")] == "3"
    (choose,) = [c for c in elements(cards(change), "Input.ChoiceSet") if c["id"] == "field"]  # a numbered list
    assert "experts" in [choice["value"] for choice in choose["choices"]] and buttons(change, "offer.field")
    assert msg_part("nl", "offer.fields.experts.prompt") in all_text(await anna.submit({"action": "offer.field", "field": "experts"}))
    summary = await anna.say("5")
    assert facts(cards(summary)[-1])[msg("nl", "export.columns.offers.expert_count")] == "5"
    replies = await anna.submit({"action": "offer.confirm", "token": token_of(summary, "offer")})
    assert msg_part("nl", "offer.updated") in all_text(replies)
    await drain(org_client)
    [offer] = await offers_of(org_client)
    assert offer.expert_count == 5 and offer.status == "active"
    _created, changed = posts(connector)
    assert cards([changed])[0]["body"][0]["text"] == msg("nl", "offers.post.offer_changed")
    assert facts(cards([changed])[0])[msg("nl", "export.columns.offers.expert_count")] == "5"


async def test_change_an_offer_by_typing_in_english(make_client, connector):
    client = await make_client()
    anna = person(client, connector, ANNA, "personal_message_en.json")
    await offer_by_card(anna)
    assert msg("en", "my_offers.offer_line", number=1, municipality="Utrecht", areas="", count="").split(":")[0] in all_text(await anna.say("my offers"))
    opened = all_text(await anna.say("change 1"))  # what to change, with the offer as it is; nothing to confirm yet
    assert msg_part("en", "form.change_which") in opened and msg("en", "offer.form.summary_title") not in opened
    assert msg_part("en", "offer.fields.work_mode.prompt") in all_text(await anna.say("10"))
    assert msg("en", "offer.form.summary_title") in all_text(await anna.say(msg("en", "offers.work_modes.on_site")))
    assert msg_part("en", "offer.updated") in all_text(await anna.say("yes"))
    [offer] = await offers_of(client)
    assert offer.work_mode == "on_site"


async def test_confirming_without_a_change_changes_nothing(org_client, connector):
    await set_channel(org_client, connector)
    anna = person(org_client, connector, ANNA)
    await offer_by_card(anna)
    await anna.say("mijn aanbod")
    await anna.say("wijzig 1")
    assert msg_part("nl", "offer.fields.experts.prompt") in all_text(await anna.say(msg("nl", "offer.fields.experts.label")))
    assert msg("nl", "form.unchanged") in all_text(await anna.say(OFFER_CARD["experts"]))  # the same number again
    await drain(org_client)
    assert len(posts(connector)) == 1  # only the first "new offer"


async def test_withdraw_by_typing_in_dutch_asks_first_and_erases_contact_details(org_client, connector):
    await set_channel(org_client, connector)
    anna = person(org_client, connector, ANNA)
    await offer_by_card(anna)
    await anna.say("mijn aanbod")
    replies = await anna.say("intrekken 1")
    assert msg_part("nl", "my_offers.withdraw_offer") in all_text(replies) and "Utrecht" in all_text(replies)
    assert msg_part("nl", "my_offers.kept") in all_text(await anna.say("nee"))
    assert (await offers_of(org_client))[0].status == "active"

    await anna.say("mijn aanbod")
    await anna.say("trek 1 in")
    assert msg_part("nl", "yesno.retry") in all_text(await anna.say("misschien"))
    assert msg_part("nl", "my_offers.withdrawn_offer") in all_text(await anna.say("ja"))
    await drain(org_client)
    [offer] = await offers_of(org_client)
    assert offer.status == "withdrawn" and offer.contact_name is None and offer.contact_email is None and offer.contact_phone is None
    withdrawn = cards(posts(connector))[-1]
    assert withdrawn["body"][0]["text"] == msg("nl", "offers.post.offer_withdrawn")
    assert "anna" not in str(withdrawn).lower()
    assert msg_part("nl", "my_offers.empty") in all_text(await anna.say("mijn aanbod"))


async def test_withdraw_by_card_in_english(make_client, connector):
    client = await make_client()
    anna = person(client, connector, ANNA, "personal_message_en.json")
    await offer_by_card(anna)
    listing = await anna.say("my offers")
    confirm = await anna.submit(buttons(listing, "my_offers.withdraw")[0])
    assert msg_part("en", "my_offers.withdraw_offer") in all_text(confirm) and "Utrecht" in all_text(confirm)
    yes = next(b for b in buttons(confirm, "my_offers.confirm") if b["answer"] == "yes")
    assert msg_part("en", "my_offers.withdrawn_offer") in all_text(await anna.submit(yes))
    again = await anna.submit(buttons(listing, "my_offers.withdraw")[0])  # the old list card once more
    assert msg_part("en", "my_offers.not_found") in all_text(again)
    [offer] = await offers_of(client)
    assert offer.status == "withdrawn"


async def test_a_user_reaches_only_their_own_records(client, connector):
    anna, bob = person(client, connector, ANNA), person(client, connector, BOB)
    await offer_by_card(anna)
    [offer] = await offers_of(client)
    assert msg_part("nl", "my_offers.empty") in all_text(await bob.say("mijn aanbod"))
    replies = await bob.submit({"action": "my_offers.withdraw", "kind": "offer", "id": offer.id})
    assert msg_part("nl", "my_offers.not_found") in all_text(replies)
    replies = await bob.submit({"action": "my_offers.edit", "kind": "offer", "id": offer.id})
    assert msg_part("nl", "my_offers.not_found") in all_text(replies)
    assert (await offers_of(client))[0].status == "active"


async def test_buttons_of_an_old_list_still_work(client, connector):
    anna = person(client, connector, ANNA)
    await offer_by_card(anna)
    listing = await anna.say("mijn aanbod")
    await anna.say("klaar")
    replies = await anna.submit(buttons(listing, "my_offers.withdraw")[0])
    assert msg_part("nl", "my_offers.withdraw_offer") in all_text(replies) and "Utrecht" in all_text(replies)
    await anna.say("nee")
    await anna.say("expertise aanbieden")
    replies = await anna.submit({"action": "my_offers.edit", "kind": "offer", "id": "not-a-number"})
    assert msg_part("nl", "cancel.replaced") in all_text(replies)
    # bad data: the list again
    assert msg("nl", "my_offers.offer_line", number=1, municipality="Utrecht", areas="", count="").split(":")[0] in all_text(replies)


async def test_a_typed_answer_that_is_not_a_choice_gets_help(client, connector):
    anna = person(client, connector, ANNA)
    await offer_by_card(anna)
    await anna.say("mijn aanbod")
    assert msg_part("nl", "my_offers.pick_retry") in all_text(await anna.say("misschien later"))
    assert msg_part("nl", "my_offers.withdraw_offer") in all_text(await anna.say("intrekken"))  # only one record: no number needed
    await anna.say("nee")
    await anna.say("mijn aanbod")
    assert msg_part("nl", "my_offers.pick_retry") in all_text(await anna.say("wijzig 7"))
    assert msg_part("nl", "my_offers.closed") in all_text(await anna.say("wanneer is de bijeenkomst?"))  # moved on: not trapped
    assert "4 oktober" in all_text(await anna.say("wanneer is de bijeenkomst?"))


async def test_withdraw_an_intention_from_the_list(org_client, connector):
    await set_channel(org_client, connector)
    anna = person(org_client, connector, ANNA)
    await contribution_by_card(anna)
    await anna.say("mijn aanbod")
    assert msg("nl", "my_offers.withdraw_contribution", municipality="Utrecht") in all_text(await anna.say("intrekken 1"))
    assert msg_part("nl", "my_offers.withdrawn_contribution") in all_text(await anna.say("ja"))
    await drain(org_client)
    [intention] = await intentions_of(org_client)
    assert intention.status == "withdrawn" and intention.contact_email is None and intention.remarks is None
    assert cards(posts(connector))[-1]["body"][0]["text"] == msg("nl", "offers.post.contribution_withdrawn")
