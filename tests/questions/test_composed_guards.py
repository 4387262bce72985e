"""Composed answers through /api/messages, in Dutch and English: questions of a kind the assistant never
answers get no answer though they share words with the initiative; details organizers have not set yet
are "not known yet" until they are set; a date names the session; a place typed in lower case is checked;
a question about a task is answered, not started; a topic lends its words to a short follow-up; who pays is
answered by its entry, who pays costs such as travel is not known yet."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.sessions import FactBase, featured_session
from bot.sessions.facts import session_facts
from bot.sessions.file import load_sessions
from tests.conftest import new_conversation
from tests.support import all_text, cards, submit_actions
from tests.wording import answer_part, catalog, content_dir, msg, msg_part

NOW = datetime.fromisoformat("2022-09-20T10:15:00+02:00")  # the clock of the `nl` and `en` conversations


def facts(lang: str) -> dict[str, str]:
    sessions = load_sessions(content_dir() / "sessions.yaml")
    values = session_facts(catalog(), featured_session(sessions, NOW), lang)
    return values | FactBase.load(content_dir() / "facts.yaml").initiative_facts(lang)


def one_card_text(replies: list[dict]) -> str:
    assert len(replies) == 1, [all_text([r]) for r in replies]
    return all_text(replies)


def actions(replies: list[dict]) -> list[str]:
    return [a["data"]["action"] for card in cards(replies) for a in submit_actions(card)]


OFF_TOPIC = {
    "nl": ["Wat doet het ministerie van Buitenlandse Zaken eigenlijk?", "Hoe plan ik een vergadering in Teams in?",
           "Wordt het vanmiddag mooi weer in Den Haag?", "Wat is het laatste nieuws over de oorlog?"],
    "en": ["What does the Ministry of Foreign Affairs actually do?", "How do I schedule a meeting in Teams?",
           "Will it rain in The Hague this afternoon?", "What is the latest news from the war?"],
}
NEIGHBOURS = ("funding", "session_online", "session_location", "why_now")


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_questions_of_a_kind_never_answered_get_no_answer_though_they_share_words(lang, nl, en):
    conversation = nl if lang == "nl" else en
    for question in OFF_TOPIC[lang]:
        replies = await conversation.say(question)
        text = all_text(replies)
        assert msg(lang, "qa.unknown") in text and "question.forward" in actions(replies), (question, text)
        assert not any(answer_part(lang, entry) in text for entry in NEIGHBOURS), (question, text)
    # the same words about the initiative are still answered
    text = one_card_text(await conversation.say("Wie betaalt dit project?" if lang == "nl" else "Who pays for this project?"))
    assert answer_part(lang, "funding") in text


DETAILS = {  # the venue address is not known yet; the account number is in the donation details that will follow
    "nl": ("Wat is het adres van de bijeenkomst?", "Wat is het IBAN om te doneren?"),
    "en": ("What is the address of the session?", "What is the bank account number for donations?"),
}
VENUE = "Zaal 2, Voorbeeldplein 1, Den Haag"
ACCOUNT = {"nl": "Maak uw bijdrage over naar rekening NL00 TEST 0000 0000 00.", "en": "Transfer your contribution to account NL00 TEST 0000 0000 00."}


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_a_detail_organizers_have_not_set_is_not_known_yet_until_they_set_it(lang, nl, en, make_client, connector):
    conversation = nl if lang == "nl" else en
    address, account = DETAILS[lang]
    replies = await conversation.say(address)
    text = one_card_text(replies)
    assert msg_part(lang, "composer.not_known") in text and "question.forward" in actions(replies), text
    text = one_card_text(await conversation.say(account))  # the donate answer: the details will follow
    assert answer_part(lang, "donate") in text and msg(lang, "facts.donation_unknown") in text
    configured = await make_client(
        session_venue_address=VENUE, donation_details_nl=ACCOUNT["nl"], donation_details_en=ACCOUNT["en"]
    )
    later = new_conversation(configured, connector, "personal_message.json" if lang == "nl" else "personal_message_en.json")
    text = one_card_text(await later.say(address))
    assert VENUE in text and msg_part(lang, "composer.not_known") not in text
    text = one_card_text(await later.say(account))
    assert ACCOUNT[lang] in text and msg_part(lang, "composer.not_known") not in text


DATES = {
    "nl": ("welke dag is 4 okt eigenlijk?", "Is het op 5 oktober?", "de bijeenkomst is in utrecht he"),
    "en": ("what day of the week is oct 4?", "Is it on 5 October?", "the session is in utrecht right?"),
}


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_a_date_names_the_session_and_a_place_in_lower_case_is_checked(lang, nl, en):
    conversation = nl if lang == "nl" else en
    weekday_question, wrong_date, wrong_place = DATES[lang]
    weekday = facts(lang)["session_date"].split()[0]
    assert msg(lang, "composer.weekday.coming", weekday=weekday, **facts(lang)) in one_card_text(await conversation.say(weekday_question))
    assert msg(lang, "composer.premise.when_no.coming", **facts(lang)) in one_card_text(await conversation.say(wrong_date))
    assert msg(lang, "composer.premise.place_no.coming", **facts(lang)) in one_card_text(await conversation.say(wrong_place))


ABOUT_TASKS = {
    "nl": ("Kan ik me nog inschrijven voor de sessie van 4 oktober?", "hoe meld ik me aan voor 4 okt"),
    "en": ("Can I still sign up for the session of 4 October?", "how do I sign up for oct 4?"),
}


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_a_question_about_a_task_is_answered_not_started(lang, nl, en):
    conversation = nl if lang == "nl" else en
    for question in ABOUT_TASKS[lang]:
        replies = await conversation.say(question)
        text = one_card_text(replies)
        assert answer_part(lang, "session_registration") in text, (question, text)
        assert not any(a.startswith("register.") for a in actions(replies)), (question, actions(replies))
        assert msg_part(lang, "composer.premise.when_yes.coming") not in text
    # a wish still starts the task
    wish = await conversation.say("Ik wil me aanmelden voor de bijeenkomst" if lang == "nl" else "I want to sign up for the session")
    assert any(a.startswith("register.") for a in actions(wish)), actions(wish)


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_a_topic_lends_its_words_to_a_short_follow_up(lang, nl, en):
    conversation = nl if lang == "nl" else en
    await conversation.say("Hoe kunnen we doneren?" if lang == "nl" else "How can we donate?")
    text = one_card_text(await conversation.say("en hoe heet het voluit?" if lang == "nl" else "what's its full name?"))
    assert msg(lang, "composer.fund", **facts(lang)) in text


WHO_PAYS = {
    "nl": ("Weet u wie het programma aan Nederlandse kant eigenlijk financiert?", "wie betaalt de reiskosten?"),
    "en": ("Quick one: who is funding the programme on the Dutch side of things?", "who pays the travel costs?"),
}


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_who_pays_is_answered_by_its_entry_and_who_pays_costs_is_not_known_yet(lang, nl, en):
    conversation = nl if lang == "nl" else en
    programme, costs = WHO_PAYS[lang]
    assert answer_part(lang, "funding") in one_card_text(await conversation.say(programme))
    text = one_card_text(await conversation.say(costs))  # not the programme's money: a neighbouring fact
    assert msg_part(lang, "composer.not_known") in text and answer_part(lang, "funding") not in text
