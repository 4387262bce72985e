"""Text normalization: accents, stop words, stemming, compounds, typos, synonyms and sentence mood."""

from __future__ import annotations

import pytest

from bot.nlu.mood import QUESTION, STATEMENT
from bot.nlu.text import capitalized_words, fold, has_question_mark, tokens


def analyze(recognizer, text, lang="nl"):
    return recognizer._engine.analyzers[lang].analyze(text)  # noqa: SLF001 - one language's analyzer alone


def test_fold_strips_accents_and_case():
    assert fold("Oekraïne") == fold("oekraine") == "oekraine"
    assert fold("FINANCIËLE") == "financiele"
    assert tokens("Wat is 't adres? (Den Haag)") == ["wat", "is", "t", "adres", "den", "haag"]


def test_capitalized_words_are_found_after_the_first_word():
    assert capitalized_words("Hoe gaat het in Gaza?") == frozenset({"gaza"})
    assert capitalized_words("Amsterdam") == frozenset()


def test_accents_do_not_matter(recognizer):
    assert analyze(recognizer, "Oekraïense gemeenten") == analyze(recognizer, "oekraiense gemeenten")


@pytest.mark.parametrize(
    ("compound", "parts"),
    [
        ("informatiebijeenkomst", "informatie bijeenkomst"),
        ("herstelplannen", "herstel plannen"),
        ("wederopbouwfase", "wederopbouw fase"),
        ("expertpool", "expert pool"),
    ],
)
def test_dutch_compounds_are_split(recognizer, compound, parts):
    assert analyze(recognizer, compound) == analyze(recognizer, parts)


def test_stemming_brings_word_forms_together(recognizer):
    assert analyze(recognizer, "bijeenkomsten")[0] == analyze(recognizer, "bijeenkomst")[0]
    assert analyze(recognizer, "donations", "en")[0] == analyze(recognizer, "donation", "en")[0]


@pytest.mark.parametrize(
    ("typo", "word", "lang"),
    [
        ("bijeenkosmt", "bijeenkomst", "nl"),
        ("infromatie", "informatie", "nl"),
        ("aanmleden", "aanmelden", "nl"),
        ("regsitration", "registration", "en"),
        ("sustainible", "sustainable", "en"),
    ],
)
def test_typos_are_corrected_against_the_vocabulary(recognizer, typo, word, lang):
    assert analyze(recognizer, typo, lang) == analyze(recognizer, word, lang)


def test_short_real_words_are_not_taken_for_typos(recognizer):
    # "morgen" (tomorrow) must not become "mogen" (may).
    assert analyze(recognizer, "morgen")[0] != analyze(recognizer, "mogen")[0]


def test_synonyms_share_a_concept(recognizer):
    session = analyze(recognizer, "bijeenkomst")[0]
    for word, lang in [("sessie", "nl"), ("meeting", "nl"), ("meeting", "en"), ("event", "en")]:
        assert analyze(recognizer, word, lang)[0] == session
    donate = analyze(recognizer, "doneren")[0]
    assert analyze(recognizer, "geld geven")[0] == donate
    assert analyze(recognizer, "give money", "en")[0] == analyze(recognizer, "donate", "en")[0]


def test_stop_words_are_dropped_but_question_words_are_kept(recognizer):
    assert analyze(recognizer, "de het een") == ()
    assert "?waar" in analyze(recognizer, "waar is het")


def test_sentence_mood_tells_questions_from_wishes(recognizer):
    assert analyze(recognizer, "waar kan ik doneren")[-1] == QUESTION
    assert analyze(recognizer, "kan ik online meedoen")[-1] == QUESTION
    assert analyze(recognizer, "ik wil doneren")[-1] == STATEMENT
    assert analyze(recognizer, "kun je mij aanmelden")[-1] == STATEMENT
    assert analyze(recognizer, "we have planners who could help", "en")[-1] == STATEMENT


def test_questions_and_wishes_about_money_go_different_ways(recognizer):
    assert recognizer.recognize("Waar kunnen we doneren?", "nl").entry_id == "donate"
    assert recognizer.recognize("ik wil doneren", "nl").intent == "contribute"
    assert recognizer.recognize("we want to contribute money", "en").intent == "contribute"


def test_language_guess(recognizer):
    assert recognizer.recognize("Wanneer is de bijeenkomst?", "en").lang_guess == "nl"
    assert recognizer.recognize("When is the meeting?", "nl").lang_guess == "en"
    assert recognizer.recognize("Teams", "nl").lang_guess is None


def test_a_question_mark_in_a_pasted_link_is_not_the_writers():
    assert not has_question_mark("http://127.0.0.1:3978/l/meetup-join/abc?context=%7b%7d")
    assert not has_question_mark("de link is www.example.invalid/join?id=1")
    assert has_question_mark("is dit de link: http://127.0.0.1:3978/join?id=1 ?")
    assert has_question_mark("Waar staat de link?")
