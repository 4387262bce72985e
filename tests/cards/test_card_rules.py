"""The card rules catch bad cards: the `adaptivecards` library's checks for version 1.5 and our own rules."""

from __future__ import annotations

from typing import Any

import pytest

from tests import card_rules
from tests.card_rules import CardCheckerMissing, NodeCardChecker, card_problems


def _card(*body: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "AdaptiveCard", "version": "1.5", "fallbackText": "Kaart", "body": list(body), **extra}


TEXT = {"type": "TextBlock", "text": "Welkom", "wrap": True}


def test_a_good_card_passes():
    good = _card(
        TEXT,
        {"type": "Input.Text", "id": "name", "label": "Naam", "isRequired": True, "errorMessage": "Vul uw naam in"},
        {"type": "ActionSet", "actions": [{"type": "Action.Submit", "title": "Verstuur", "data": {"action": "demo.submit"}}]},
    )
    assert card_problems(good) == []


def test_an_element_that_came_with_1_6_is_refused():
    problems = card_problems(_card(TEXT, {"type": "Carousel", "pages": [{"type": "CarouselPage", "items": [TEXT]}]}))
    assert any("Carousel" in problem for problem in problems), problems


def test_a_property_that_came_with_1_6_is_refused():
    problems = card_problems(_card({"type": "Input.Text", "id": "name", "label": "Naam", "labelPosition": "inline"}))
    assert any("labelPosition" in problem and "1.6" in problem for problem in problems), problems


def test_an_unknown_element_type_is_refused():
    problems = card_problems(_card(TEXT, {"type": "Banner", "text": "Nieuw"}))
    assert any("Banner" in problem for problem in problems), problems


def test_an_unknown_property_is_refused():
    problems = card_problems(_card({"type": "TextBlock", "text": "Welkom", "colour": "accent"}))
    assert any('"colour"' in problem for problem in problems), problems


def test_too_many_actions_in_one_set_are_refused():
    actions = [{"type": "Action.Submit", "title": f"Keuze {n}", "data": {"action": f"demo.{n}"}} for n in range(7)]
    problems = card_problems(_card(TEXT, actions=actions))
    assert any("TooManyActions" in problem for problem in problems), problems


def test_our_own_rules():
    bad = {
        "type": "AdaptiveCard",
        "version": "1.6",
        "body": [
            {"type": "Input.Text", "id": "email", "isRequired": True},
            {"type": "Image", "url": "https://example.org/logo.png"},
            {"type": "ActionSet", "actions": [{"type": "Action.Submit", "title": "Verstuur", "data": {}}]},
            {"type": "TextBlock", "text": "x" * 21_000},
        ],
    }
    problems = "\n".join(card_problems(bad))
    for expected in ("expected '1.5'", "no fallbackText", "has no label", "has no errorMessage", "without altText",
                     "without an action name", "bytes, over"):
        assert expected in problems


def test_without_node_the_checker_says_what_to_install(monkeypatch):
    monkeypatch.setattr(card_rules.shutil, "which", lambda name: None)
    with pytest.raises(CardCheckerMissing, match=r"apt-get install nodejs npm.*make test"):
        NodeCardChecker()


def test_without_the_npm_packages_the_checker_says_what_to_run(monkeypatch, tmp_path):
    monkeypatch.setattr(card_rules, "JS_DIR", tmp_path)
    with pytest.raises(CardCheckerMissing, match=r"make test.*npm ci"):
        NodeCardChecker()
