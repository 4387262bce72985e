"""The desk's cards stay within the card rules at their largest, in both languages; the strict command is
strict; and the desk's flows log no personal data (names, questions, answers)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from bot.questions.desk import PAGE_SIZE, QuestionDeskCards
from dialogs.questions.answer_question import MAX_ANSWER
from storage.questions.repository import QuestionView
from tests.card_rules import card_problems
from tests.questions.conftest import (
    ANNA,
    BOB,
    OLGA,
    QUESTION_NL,
    answer_by_card,
    forward,
    open_question_ids,
    person,
    token_of,
)
from tests.support import all_text, cards
from tests.wording import msg_part

NOW = datetime(2022, 9, 20, 8, 15, tzinfo=UTC)


def _question(n: int, *, name: str | None = "Anna de Vries", municipality: str | None = "Súdwest-Fryslân") -> QuestionView:
    return QuestionView(
        id=n, question="Lange vraag " + "x" * 990, language="en" if n % 2 else "nl", asker_name=name,
        municipality=municipality, status="open", answer=None, created_at=NOW, conversation_reference="{}",
    )


def test_the_cards_at_their_largest(shared_content):
    cards_ = QuestionDeskCards(shared_content["catalog"])
    for lang in ("nl", "en"):
        page = [_question(n) for n in range(PAGE_SIZE - 2)] + [_question(8, municipality=None), _question(9, name=None)]
        for payload in (
            cards_.open_list(lang, page, total=23, page=2, pages=5),
            cards_.open_list(lang, page[:1], total=1, page=1, pages=1),
            cards_.open_list(lang, [], total=0, page=1, pages=1),
            cards_.question(lang, _question(1)),
            cards_.to_asker(lang, question="x" * 1000, answer="y" * MAX_ANSWER),
            cards_.delivery_failed(lang, 7),
        ):
            assert card_problems(payload) == [], (lang, card_problems(payload))
        listing = cards_.open_list(lang, page, total=23, page=2, pages=5)
        assert len(listing["actions"]) == 2  # previous and next
        assert all(len(item["items"][2]["text"]) <= 500 for item in listing["body"] if item.get("type") == "Container")


async def test_a_sentence_with_the_words_in_it_is_not_the_command(desk_client, connector):
    olga = person(desk_client, connector, OLGA)
    replies = await olga.say("zijn er nog open vragen over de reis naar Oekraïne?")
    assert msg_part("nl", "overview.questions.open") not in all_text(replies) and msg_part("nl", "question_desk.list.empty_fallback") not in all_text(replies)


async def test_the_desk_logs_no_personal_data(desk_client, connector, caplog):
    caplog.set_level(logging.DEBUG)
    question = "Mag mijn collega Piet Jansen uit Zwolle ook mee?"
    answer = "Ja, Piet is welkom; bel 06 98765432."
    await forward(desk_client, connector, ANNA, question)
    await forward(desk_client, connector, BOB, QUESTION_NL)
    olga = person(desk_client, connector, OLGA)
    await olga.say("open vragen")
    first, second = await open_question_ids(desk_client)
    await answer_by_card(olga, first, answer)
    await olga.submit({"action": "questions.answer", "question": second})
    summary = await olga.submit({"action": "answer_question.submit", "answer": answer, "add_to_kb": "no"})
    connector.fail_next = [403]  # Bob removed the app
    await olga.submit({"action": "answer_question.confirm", "token": token_of(summary, "answer_question")})
    ours = [r for r in caplog.records if r.name.split(".")[0] in ("bot", "dialogs", "storage", "app")]
    assert any("answer to question" in r.getMessage() for r in ours)
    for record in ours:
        text = record.getMessage() + repr(record.args)
        for secret in ("Anna", "Bob Baker", "Olga", "Piet", "Zwolle", "98765432", QUESTION_NL, "partner"):
            assert secret not in text, (record.name, secret)
    assert cards(connector.posted)  # the flows did run
