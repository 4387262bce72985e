"""Messages as people type them, through /api/messages in Dutch and English: a task said in its own words
(the intents' cues in content/knowledge/intents.yaml) starts that task; a greeting before a question or a
task is taken off; a long message whose question has no question mark, or points back to the sentence
before it, is still answered; the question word decides between when and where; what the data does not
hold is "not known yet"; and a question about something else is not answered from our description.

The wordings here are deliberately unlike the intents' examples and the entries' phrasings."""

from __future__ import annotations

import pytest

from tests.support import all_text, cards, submit_actions
from tests.wording import answer_part, msg, msg_part


def actions(replies: list[dict]) -> list[str]:
    return [a["data"]["action"] for card in cards(replies) for a in submit_actions(card)]


OFFER = {
    "nl": "Bij ons werkt een ervaren rioleringsspecialist die graag zijn kennis inzet voor een Oekraïense stad",
    "en": "One of our civil engineers would love to lend a hand with drinking water projects",
}
CONTRIBUTE = {
    "nl": "De raad heeft een budget vrijgemaakt en dat willen we aan het VNG-fonds geven",
    "en": "Our executive has set aside a sum of money that we want to donate to the fund",
}
HUMAN = {
    "nl": "Liever zou ik even met iemand van de organisatie praten",
    "en": "I would prefer to speak with an actual person from the organisers",
}
MY_OFFERS = {
    "nl": "Laat eens zien wat wij eerder hebben aangeboden",
    "en": "Which things have we offered so far? Show me",
}


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_a_task_said_in_plain_words_starts_that_task(lang, nl, en):
    conversation = nl if lang == "nl" else en
    offer = all_text(await conversation.say(OFFER[lang]))
    assert msg(lang, "offer.form.title") in offer, offer
    await conversation.say("stop")
    contribute = all_text(await conversation.say(CONTRIBUTE[lang]))
    assert msg_part(lang, "contribute.intro.question") in contribute, contribute
    await conversation.say("stop")
    human = all_text(await conversation.say(HUMAN[lang]))
    assert msg(lang, "qa.forward_prompt") in human, human
    await conversation.say("stop")
    mine = all_text(await conversation.say(MY_OFFERS[lang]))
    assert msg(lang, "my_offers.empty") in mine, mine


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_asking_about_a_task_or_about_the_bot_is_not_taken_for_the_task(lang, nl, en):
    conversation = nl if lang == "nl" else en
    question = "Hoe kunnen wij geld overmaken naar het fonds?" if lang == "nl" else "How can we transfer money to the fund?"
    replies = await conversation.say(question)
    assert answer_part(lang, "donate") in all_text(replies)
    assert msg_part(lang, "contribute.intro.question") not in all_text(replies)
    bot = "Praat ik nu met een echt mens?" if lang == "nl" else "Am I talking to a real person right now?"
    replies = await conversation.say(bot)
    assert msg(lang, "qa.forward_prompt") not in all_text(replies)


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_a_greeting_before_a_question_or_a_task_is_taken_off(lang, nl, en):
    conversation = nl if lang == "nl" else en
    where = "Goedemiddag! Waar vindt de informatiebijeenkomst plaats?" if lang == "nl" else "Good morning 🙂 where does the meeting take place?"
    text = all_text(await conversation.say(where))
    assert answer_part(lang, "session_location") in text and answer_part(lang, "session_when") not in text
    offer = {
        "nl": "Hallo, ik ben beleidsadviseur en wil mijn expertise graag aanbieden",
        "en": "Hi there, I'd be glad to offer my expertise as a policy adviser",
    }[lang]
    assert msg(lang, "offer.form.title") in all_text(await conversation.say(offer))


LONG_INDIRECT = {
    "nl": (
        "Goedemorgen, ik werk bij de afdeling economische zaken van een gemeente in het noorden. Onze wethouder"
        " heeft de oproep van VNG International gezien en wil graag dat wij er iets mee doen. Ik heb de tekst"
        " gelezen en vond het een mooi initiatief, maar mijn agenda zit die dag erg vol en de treinreis is lang."
        " Ik vraag me af of het mogelijk is om de bijeenkomst op afstand via een verbinding te volgen."
        " Hartelijk dank alvast!"
    ),
    "en": (
        "Good afternoon, I work in the economic affairs department of a municipality in the north. Our alderman"
        " saw the call from VNG International and would like us to do something with it. I read the text and"
        " thought it was a fine initiative, but my diary is very full that day and the train journey is long."
        " I wonder whether it is possible to follow the session remotely through a link."
        " Many thanks in advance!"
    ),
}


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_what_the_data_does_not_hold_is_not_known_yet(lang, nl, en):
    conversation = nl if lang == "nl" else en
    questions = {
        "nl": ["Moeten de deskundigen zelf naar Oekraïne afreizen?", "Hoe lang loopt het programma nog?",
               "Tot wanneer kunnen we iemand voor de expertpool aandragen?", "Zijn onze specialisten verzekerd als ze gaan?",
               "In welke taal werken de deskundigen met Oekraïne?", "Vanaf wanneer gaan de experts aan de slag?"],
        "en": ["Would our specialists need to travel to Ukraine?", "How long does the programme run for?",
               "Until when can municipalities offer experts?", "Are our specialists insured while they help?",
               "What language will the experts work in?", "From when will the experts get going?"],
    }
    for question in questions[lang]:
        replies = await conversation.say(question)
        assert msg_part(lang, "composer.not_known") in all_text(replies), question
        assert "question.forward" in actions(replies)


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_a_question_about_something_else_is_not_answered_from_the_description(lang, nl, en):
    conversation = nl if lang == "nl" else en
    question = "Kun je deze brief voor mij in het Oekraïens vertalen?" if lang == "nl" else "Could you translate this letter into Ukrainian for me?"
    replies = await conversation.say(question)
    assert msg(lang, "composer.from_description") not in all_text(replies)
    assert msg(lang, "qa.unknown") in all_text(replies)


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_a_claim_about_the_part_of_the_day_is_checked(lang, nl, en):
    conversation = nl if lang == "nl" else en
    wrong = "Is de bijeenkomst nou 's avonds?" if lang == "nl" else "The session is in the evening, isn't it?"
    assert msg_part(lang, "composer.premise.when_no.coming") in all_text(await conversation.say(wrong))
    right = "Het is 's middags toch?" if lang == "nl" else "It's in the afternoon, right?"
    assert msg_part(lang, "composer.premise.when_yes.coming") in all_text(await conversation.say(right))


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_two_questions_with_informal_question_words_get_both_answers(lang, nl, en):
    conversation = nl if lang == "nl" else en
    if lang == "nl":
        text = all_text(await conversation.say("Ik vroeg me af of het ook via Teams kan en wie betaalt dit eigenlijk?"))
        assert answer_part(lang, "session_online") in text and answer_part(lang, "funding") in text
    else:
        text = all_text(await conversation.say("who's paying for all this and how's the session organised, online too?"))
        assert answer_part(lang, "funding") in text and answer_part(lang, "session_online") in text


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_a_question_about_something_else_in_the_words_of_the_session_is_not_answered(lang, nl, en):
    conversation = nl if lang == "nl" else en
    questions = {
        "nl": ["Wanneer is de oorlog afgelopen?", "Is Buitenlandse Zaken op zondag open?",
               "Hoeveel geld geeft de EU aan Oekraïne?"],
        "en": ["Where does the mayor of The Hague live?", "Is the Ministry of Foreign Affairs open on Sundays?",
               "How much money does the EU give to Ukraine?"],
    }
    for question in questions[lang]:
        replies = await conversation.say(question)
        text = all_text(replies)
        assert "question.forward" in actions(replies), (question, text)  # no answer: forwarding is offered
        assert msg_part(lang, "composer.not_known") not in text
        for key in ("composer.premise.when_no.coming", "composer.premise.funder_yes", "composer.premise.funder_no"):
            assert msg_part(lang, key) not in text, (question, text)
        for entry in ("session_when", "session_location", "funding"):
            assert answer_part(lang, entry) not in text, (question, text)
    claim = "Betaalt de EU dit programma?" if lang == "nl" else "Is the EU paying for this programme?"
    assert msg_part(lang, "composer.premise.funder_no") in all_text(await conversation.say(claim))


LONG_POLITE = {
    "nl": (
        "Goedemiddag, ik ben beleidsmedewerker bij een gemeente in het zuiden. Wij hebben de oproep van VNG"
        " International in ons managementteam besproken en iedereen was positief. Helaas ben ik die dag bezet met"
        " andere verplichtingen en kan ik niet naar Den Haag. Laat me even weten of ik de bijeenkomst ook online"
        " kan bijwonen. Met vriendelijke groet."
    ),
    "en": (
        "Good afternoon, I am a policy officer in a municipality in the south. We discussed the call from VNG"
        " International in our management team and everyone was positive. Unfortunately I am busy with other"
        " duties that day and cannot travel to The Hague. Please let me know whether I could attend the session"
        " online as well. Kind regards."
    ),
}


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("messages", [LONG_INDIRECT, LONG_POLITE], ids=["wonders", "asks-politely"])
async def test_a_long_message_that_asks_without_a_question_mark_is_answered_not_started(messages, lang, nl, en):
    conversation = nl if lang == "nl" else en
    assert len(messages[lang]) > 240
    replies = await conversation.say(messages[lang])
    assert answer_part(lang, "session_online") in all_text(replies)
    assert not any(action.startswith("register.") for action in actions(replies))
