"""Composed answers through /api/messages, in Dutch and English: several questions in one message, derived
facts, claims checked against the facts, honest unknowns, answers from our description, follow-ups (also
after a task), the question found in a long message, and tense that follows the clock."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.core.clock import FixedClock
from bot.sessions import FactBase, featured_session
from bot.sessions.facts import session_facts
from bot.sessions.file import load_sessions
from tests.conftest import new_conversation
from tests.support import all_text, cards, submit_actions
from tests.wording import answer_part, catalog, content_dir, msg, msg_part

AFTER = datetime.fromisoformat("2026-12-03T12:00:00+01:00")  # today: the session of 4 October 2022 is over


def facts(lang: str, now: datetime) -> dict[str, str]:
    sessions = load_sessions(content_dir() / "sessions.yaml")
    values = session_facts(catalog(), featured_session(sessions, now), lang)
    return values | FactBase.load(content_dir() / "facts.yaml").initiative_facts(lang)


def one_card_text(replies: list[dict]) -> str:
    """The text of the single reply (every part must be in one message)."""
    assert len(replies) == 1, [all_text([r]) for r in replies]
    return all_text(replies)


def actions(replies: list[dict]) -> list[str]:
    return [a["data"]["action"] for card in cards(replies) for a in submit_actions(card)]


@pytest.fixture
async def later(make_client, connector):
    """A conversation with a bot whose clock says today (after the session)."""
    client = await make_client(clock=FixedClock(AFTER))
    return {"nl": new_conversation(client, connector), "en": new_conversation(client, connector, "personal_message_en.json")}


QUESTIONS = {
    "when_where": {"nl": "Wanneer en waar is de bijeenkomst?", "en": "When and where is the information session?"},
    "pay_give": {
        "nl": "Wie betaalt dit en hoe kunnen wij als gemeente geld geven?",
        "en": "Who pays for this, and how can our municipality donate?",
    },
    "weekday": {"nl": "Op welke dag van de week is de bijeenkomst?", "en": "Which day of the week is the session?"},
    "duration": {"nl": "Hoe lang duurt de bijeenkomst?", "en": "How long is the session?"},
    "wrong_date": {"nl": "Het is toch op donderdag 6 oktober?", "en": "It's on Thursday 6 October, isn't it?"},
    "wrong_time": {"nl": "Het is van 9 tot 11 uur, klopt dat?", "en": "It runs from 9 to 11, correct?"},
    "right_date": {"nl": "Is het op dinsdag 4 oktober?", "en": "Is it on Tuesday 4 October?"},
    "wrong_payer": {"nl": "Betaalt Binnenlandse Zaken dit?", "en": "Is the Ministry of the Interior paying for this?"},
    "hours": {"nl": "Hoeveel uur per week moet een expert beschikbaar zijn?", "en": "How many hours a week would an expert need?"},
    "paid": {"nl": "Krijgen experts betaald?", "en": "Are the experts paid for their work?"},
    "residents": {
        "nl": "Blijven de behoeften van inwoners het uitgangspunt?",
        "en": "Do the wishes of residents remain the starting point?",
    },
    "out_of_scope": {"nl": "Kun je mijn belastingaangifte invullen?", "en": "Who won the football match yesterday?"},
}


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_a_question_in_two_parts_gets_both_answers_in_one_reply(lang, nl, en):
    conversation = nl if lang == "nl" else en
    text = one_card_text(await conversation.say(QUESTIONS["when_where"][lang]))
    assert answer_part(lang, "session_when") in text and answer_part(lang, "session_location") in text
    text = one_card_text(await conversation.say(QUESTIONS["pay_give"][lang]))
    assert answer_part(lang, "funding") in text and answer_part(lang, "donate") in text


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_weekday_and_duration_are_derived_from_the_session(lang, nl, en):
    conversation = nl if lang == "nl" else en
    now = datetime.fromisoformat("2022-09-20T10:15:00+02:00")
    weekday = facts(lang, now)["session_date"].split()[0]
    text = one_card_text(await conversation.say(QUESTIONS["weekday"][lang]))
    assert msg(lang, "composer.weekday.coming", weekday=weekday, **facts(lang, now)) in text
    text = one_card_text(await conversation.say(QUESTIONS["duration"][lang]))
    duration = msg(lang, "composer.hours", hours=2)
    assert msg(lang, "composer.duration.coming", duration=duration, **facts(lang, now)) in text


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_a_wrong_premise_is_corrected_and_a_right_one_confirmed(lang, nl, en):
    conversation = nl if lang == "nl" else en
    now = datetime.fromisoformat("2022-09-20T10:15:00+02:00")
    corrected = msg(lang, "composer.premise.when_no.coming", **facts(lang, now))
    assert corrected in one_card_text(await conversation.say(QUESTIONS["wrong_date"][lang]))
    assert corrected in one_card_text(await conversation.say(QUESTIONS["wrong_time"][lang]))
    confirmed = msg(lang, "composer.premise.when_yes.coming", **facts(lang, now))
    assert confirmed in one_card_text(await conversation.say(QUESTIONS["right_date"][lang]))
    payer = one_card_text(await conversation.say(QUESTIONS["wrong_payer"][lang]))
    assert msg(lang, "composer.premise.funder_no", **facts(lang, now)) in payer


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_what_the_data_does_not_hold_is_not_known_yet_never_a_neighbouring_fact(lang, nl, en):
    conversation = nl if lang == "nl" else en
    for key in ("hours", "paid"):
        replies = await conversation.say(QUESTIONS[key][lang])
        text = one_card_text(replies)
        assert msg_part(lang, "composer.not_known") in text
        assert "question.forward" in actions(replies)  # the organizers are offered
        assert facts(lang, datetime.fromisoformat("2022-09-20T10:15:00+02:00"))["session_date"] not in text
        assert answer_part(lang, "funding") not in text


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_the_description_answers_what_no_faq_entry_does_and_says_so(lang, nl, en):
    conversation = nl if lang == "nl" else en
    text = one_card_text(await conversation.say(QUESTIONS["residents"][lang]))
    assert msg(lang, "composer.from_description") in text
    nothing = await conversation.say(QUESTIONS["out_of_scope"][lang])
    assert msg(lang, "qa.unknown") in all_text(nothing) and "question.forward" in actions(nothing)


FOLLOW_UPS = {
    "nl": [("Wanneer is de bijeenkomst?", "en waar?", "session_location"), ("Waar is de bijeenkomst?", "en hoe laat?", "session_when")],
    "en": [("Where is the session?", "and what time?", "session_when"), ("When is the session?", "and where?", "session_location")],
}


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_a_follow_up_is_read_against_the_last_topic(lang, nl, en):
    conversation = nl if lang == "nl" else en
    for first, follow_up, entry in FOLLOW_UPS[lang]:
        await conversation.say(first)
        assert answer_part(lang, entry) in one_card_text(await conversation.say(follow_up))
    await conversation.say("Hoe werkt de expertpool?" if lang == "nl" else "How does the expert pool work?")
    purpose = one_card_text(await conversation.say("wat is het doel ervan?" if lang == "nl" else "what is the purpose of it?"))
    assert answer_part(lang, "expert_pool") in purpose


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_the_last_topic_survives_a_task(lang, nl, en):
    conversation = nl if lang == "nl" else en
    await conversation.say("Waar is de bijeenkomst?" if lang == "nl" else "Where is the session?")
    started = await conversation.say("aanmelden" if lang == "nl" else "register")
    assert cards(started)
    await conversation.say("stop")
    text = one_card_text(await conversation.say("en hoe laat?" if lang == "nl" else "and what time?"))
    assert answer_part(lang, "session_when") in text


LONG = {
    "nl": (
        "Goedemorgen, ik ben beleidsmedewerker bij een gemeente in het zuiden en ik kreeg de oproep via onze "
        "griffie. Wij hebben in de raad al vaker gesproken over hulp aan Oekraïne en de wethouder wil graag weten "
        "wat wij kunnen doen. Ik lees de stukken dit weekend nog een keer goed door en bespreek ze dan met mijn "
        "team. " * 8
        + "Mijn vraag is eigenlijk heel simpel: waar is de bijeenkomst?"
    ),
    "en": (
        "Good morning, I work for a municipality in the south and our clerk forwarded the call to me. The council "
        "has talked about helping Ukraine several times and the alderman would like to know what we could do. I "
        "will read everything again this weekend and discuss it with my team. " * 8
        + "My question is simple: where is the session?"
    ),
}


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_the_question_is_found_in_a_long_message(lang, nl, en):
    conversation = nl if lang == "nl" else en
    assert len(LONG[lang]) > 2000
    assert answer_part(lang, "session_location") in one_card_text(await conversation.say(LONG[lang]))


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_a_past_session_is_spoken_of_as_past(lang, later, nl, en):
    before = nl if lang == "nl" else en
    when = "Wanneer is de bijeenkomst?" if lang == "nl" else "When is the session?"
    assert answer_part(lang, "session_when") in one_card_text(await before.say(when))
    text = one_card_text(await later[lang].say(when))
    assert msg(lang, "composer.past.session_when", **facts(lang, AFTER)) in text
    assert answer_part(lang, "session_when") not in text
    corrected = one_card_text(await later[lang].say(QUESTIONS["wrong_date"][lang]))
    assert msg(lang, "composer.premise.when_no.past", **facts(lang, AFTER)) in corrected
    tense = one_card_text(await later[lang].say("Is de bijeenkomst al geweest?" if lang == "nl" else "Has the session already taken place?"))
    assert msg(lang, "composer.tense.past", **facts(lang, AFTER)) in tense


WISHES = {"nl": "Ik wil me aanmelden voor dinsdag 4 oktober", "en": "We want to sign up our alderman for 4 October"}


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_a_wish_that_names_a_date_starts_the_task_and_is_not_checked_as_a_claim(lang, nl, en):
    conversation = nl if lang == "nl" else en
    replies = await conversation.say(WISHES[lang])
    assert any(action.startswith("register.") for action in actions(replies)), actions(replies)
    assert msg_part(lang, "composer.premise.when_yes.coming") not in all_text(replies)


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_after_the_session_registering_for_it_is_spoken_of_as_over(lang, later):
    question = "Hoe kan ik me inschrijven voor de bijeenkomst?" if lang == "nl" else "How can I sign up for the session?"
    text = one_card_text(await later[lang].say(question))
    assert msg(lang, "composer.past.session_registration", **facts(lang, AFTER)) in text


WHY = {
    "nl": ["Waarom doet de Nederlandse overheid hieraan mee?", "Waarom helpt de VNG Oekraïne hiermee?"],
    "en": ["Why is the Netherlands backing this initiative?", "Why is VNG taking part in this?"],
}
WHAT_FOR = {"nl": "Wat wil VNG hiermee bereiken?", "en": "What does VNG aim to achieve with this?"}
CONTACT = {"nl": "Hoe kan ik VNG bereiken?", "en": "How can I reach VNG?"}
NOT_OURS = {"nl": "Waarom is de zee zout?", "en": "Why is the sea salty?"}
WHY_UNKNOWN = {"nl": "Waarom krijgen experts van dit project geen vergoeding?", "en": "Why aren't the experts on this project paid?"}


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_why_and_what_for_questions_about_the_initiative_get_the_reasons_and_the_aims(lang, nl, en):
    conversation = nl if lang == "nl" else en
    for question in WHY[lang]:
        assert answer_part(lang, "why_now") in one_card_text(await conversation.say(question)), question
    aims = one_card_text(await conversation.say(WHAT_FOR[lang]))
    assert answer_part(lang, "vng_role") in aims and answer_part(lang, "contact_person") not in aims
    # "bereiken" as "reach" stays a question about contact; a why-question about something else is not ours
    assert answer_part(lang, "contact_person") in one_card_text(await conversation.say(CONTACT[lang]))
    nothing = await conversation.say(NOT_OURS[lang])
    assert msg(lang, "qa.unknown") in all_text(nothing) and answer_part(lang, "why_now") not in all_text(nothing)
    # a why-question about what the data does not hold stays "not known yet", never the reasons instead
    unknown = one_card_text(await conversation.say(WHY_UNKNOWN[lang]))
    assert msg_part(lang, "composer.not_known") in unknown and answer_part(lang, "why_now") not in unknown


JOINED = {
    "nl": [
        ("Ik wil graag weten waar het is, en ook: kan ik online meedoen?", ["session_location", "session_online"]),
        ("Wie betaalt dit, en daarnaast: hoe kunnen wij als gemeente doneren?", ["funding", "donate"]),
        ("Kunt u mij vertellen wanneer het begint?", ["session_when"]),
    ],
    "en": [
        ("Can you tell me where it is, and also whether I can join online?", ["session_location", "session_online"]),
        ("Who is paying for this, and besides: how can our municipality donate?", ["funding", "donate"]),
        ("Could you tell me when it starts?", ["session_when"]),
    ],
}


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_questions_joined_with_linking_words_or_asked_indirectly_are_each_answered(lang, nl, en):
    conversation = nl if lang == "nl" else en
    for question, entries in JOINED[lang]:
        text = one_card_text(await conversation.say(question))
        assert all(answer_part(lang, entry) in text for entry in entries), (question, text)


AFTER_TASK = {  # the same follow-up gets a different answer after each task: it is read against the task
    "nl": [("register", "wat is het doel ervan?", "session_topic"), ("offer_expertise", "wat is het doel ervan?", "expert_pool"),
           ("contribute", "wat is het doel ervan?", "donate"), ("register", "en hoe laat?", "session_when")],
    "en": [("register", "what is the purpose of it?", "session_topic"), ("offer_expertise", "what is the purpose of it?", "expert_pool"),
           ("contribute", "what is the purpose of it?", "donate"), ("register", "and where?", "session_location")],
}


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_a_task_sets_the_topic_that_follow_ups_after_it_refer_to(lang, nl, en):
    conversation = nl if lang == "nl" else en  # a new conversation: no question was asked before the task
    for job, follow_up, entry in AFTER_TASK[lang]:
        started = await conversation.submit({"action": "job.start", "job": job})  # the menu's button
        assert cards(started)
        await conversation.say("stop")
        text = one_card_text(await conversation.say(follow_up))
        assert answer_part(lang, entry) in text, (job, follow_up, text)
