"""Every card the bot sends, rendered the way Teams renders it: Microsoft's Adaptive Cards renderer (npm
`adaptivecards`, tests/js/) in Debian's headless chromium (through Playwright), at the width of a card in a
Teams chat, with a Teams-like host configuration (tests/cards/teams_host_config.json).

The cards come from a tour of the bot through `/api/messages` (tests/cards/tour.py: users and organizers, in
Dutch and English). The test fails when any text or button title is cut off, an input has no label, a form
cannot be sent with valid values (only the required ones, or all), or cannot be cancelled while empty (the
buttons are clicked in the renderer). It also holds every card to Teams' card guidance: one heading, at most
three buttons side by side. Screenshots of every card go to test-artifacts/cards/ (kept by CI).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from bot.core.i18n import Catalog
from tests.cards import tour
from tests.core.test_dates import date_problems
from tests.questions.conftest import fresh_recognizer
from tests.registration.conftest import make_content, session_yaml
from tests.support import all_text, elements
from tests.wording import content_dir

CATALOG = Catalog.load(content_dir() / "messages")

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
ARTIFACTS = ROOT / "test-artifacts" / "cards"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
RENDERER = ROOT / "tests" / "js" / "node_modules" / "adaptivecards" / "dist" / "adaptivecards.js"
# A card in a Teams chat on the desktop is about this wide (narrower windows make it narrower still).
TEAMS_CARD_WIDTH = 450
MAX_ACTIONS_SIDE_BY_SIDE = 3

PAGE = f"""<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><style>
  body {{ margin: 0; padding: 16px; background: #F5F5F5; font-family: 'Segoe UI', sans-serif; }}
  #stage {{ width: {TEAMS_CARD_WIDTH}px; background: #FFFFFF; border-radius: 4px; }}
  .ac-pushButton {{ min-height: 32px; padding: 0 12px; font: 600 14px 'Segoe UI', sans-serif; color: #242424;
    background: #FFFFFF; border: 1px solid #D1D1D1; border-radius: 4px; display: flex; align-items: center;
    justify-content: center; min-width: 0; cursor: pointer; }}
  .ac-pushButton.style-positive {{ background: #5B5FC7; border-color: #5B5FC7; color: #FFFFFF; }}
  .ac-pushButton.style-destructive {{ color: #C4314B; border-color: #C4314B; }}
  .ac-input {{ font: 14px 'Segoe UI', sans-serif; }}
  .ac-textInput, .ac-numberInput, .ac-dateInput, .ac-timeInput, select.ac-input {{ min-height: 32px;
    box-sizing: border-box; border: 1px solid #D1D1D1; border-radius: 4px; padding: 0 8px; }}
  .ac-input-validation-failed {{ border-color: #C4314B; }}
</style></head><body><div id="stage"></div></body></html>"""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def guidance_problems(card: dict[str, Any]) -> list[str]:
    """Teams' card guidance, read from the card's JSON: one heading; at most three buttons side by side."""
    problems = []
    outer = {key: value for key, value in card.items() if key != "actions"}  # a card behind a button is apart
    outer_actions = [a for a in card.get("actions") or [] if a.get("type") != "Action.ShowCard"]
    headings = [block for block in elements([outer, outer_actions], "TextBlock") if block.get("style") == "heading"]
    if len(headings) != 1:
        problems.append(f"{len(headings)} headings (one expected)")
    rows = [card.get("actions") or []] + [action_set.get("actions") or [] for action_set in elements(card, "ActionSet")]
    for row in rows:
        if len(row) > MAX_ACTIONS_SIDE_BY_SIDE:
            problems.append(f"{len(row)} buttons side by side: " + ", ".join(str(a.get("title")) for a in row))
    for action in elements(card, "Action.Submit"):
        name = str(action.get("data", {}).get("action", ""))
        if name.endswith(".cancel") and action.get("associatedInputs") != "none":
            problems.append(f"cancel button {action.get('title')!r} validates the inputs")
    return problems


@pytest.fixture
async def organizer_client(make_client, tmp_path):
    """One seat in person (so the tour meets the waitlist), schedulers ticked by the tour, its own knowledge."""
    content = make_content(tmp_path / "content", [session_yaml(capacity={"in_person": 1, "online": None})])
    return await make_client(
        organizer_aad_ids=[tour.ORGANIZER["aadObjectId"]], content_dir=content, reminder_interval_seconds=0,
        knowledge_refresh_seconds=0, recognizer=fresh_recognizer(),
    )


# The kinds of card the bot sends (the catalog key of their heading); the tour must meet each, in both
# languages, so a card that silently drops out of the tour (or out of the bot) fails the test.
EXPECTED_KINDS = (
    # users: welcome, menu, help, privacy
    "welcome.title", "menu.title", "help.title", "privacy.notice.title", "privacy.statement.title", "my_data.title",
    "delete_my_data.question.title", "group.personal.title",
    # registration, the waitlist, reminders, closed, a new session, changes
    "registration.privacy.title", "register.form.title", "register.form.summary_title", "registration.confirmed.title",
    "registration.waitlisted.title", "registration.promoted.title", "my_registration.title", "my_registration.cancel_question",
    "registration.reminder.title", "registration.closed.title", "registration.new_session.title", "session_desk.notice.title",
    "registration.existing.title",
    # offers and contributions, and the organizers' channel
    "offer.form.title", "offer.form.summary_title", "form.change_title", "offers.saved_title", "contribute.intro.title",
    "contribute.form.title", "contribute.form.summary_title", "my_offers.title", "my_offers.withdraw_title",
    "offers.post.offer_created", "offers.post.offer_changed", "offers.post.contribution_created", "offers.post.contribution_withdrawn",
    # questions: not known, forwarded, answered
    "qa.unknown_title", "question_desk.list.title", "answer_question.form.title", "answer_question.form.summary_title",
    "question_desk.to_asker.title", "knowledge_entry.form.title", "knowledge_entry.form.summary_title",
    # organizers
    "organizer_cards.welcome.title", "organizer_cards.help.title", "overview.title", "export.title", "export.link.title",
    "session_desk.overview.title", "session_add.form.title", "session_add.form.summary_title", "session_desk.saved.added_title",
    "session_edit.form.title", "session_edit.form.summary_title", "session_desk.saved.changed_title",
)
# Kinds the tour meets in one language only (the other language's card is the same builder).
ONE_LANGUAGE = {"registration.existing.title": "nl", "session_edit.form.summary_title": "nl", "session_desk.saved.changed_title": "nl"}


def _heading_patterns() -> dict[str, list[tuple[str, int, re.Pattern[str]]]]:
    """Per language: (catalog key, literal characters, pattern) of every text short enough to be a heading."""
    patterns: dict[str, list[tuple[str, int, re.Pattern[str]]]] = {}
    for lang in ("nl", "en"):
        found = []
        for key in sorted(CATALOG.keys(lang)):
            template = CATALOG.raw(lang, key)
            parts = re.split(r"\{[a-z_]+\}", template)
            literal = sum(len(p) for p in parts)
            if len(template) > 160 or literal < 4:
                continue
            found.append((key, literal, re.compile("^" + ".+".join(re.escape(p) for p in parts) + "$", re.DOTALL)))
        patterns[lang] = found
    return patterns


def kind_of(card: dict[str, Any], patterns: dict[str, list[tuple[str, int, re.Pattern[str]]]]) -> tuple[str, str]:
    """(language, catalog key of the card's heading): the template that matches with the most literal text;
    ('?', 'other: <heading>') when none matches (a heading from the knowledge base or a session title)."""
    text = next((str(b.get("text")) for b in elements(card, "TextBlock") if b.get("style") == "heading"), "")
    matches = [(literal, lang, key) for lang in ("nl", "en") for key, literal, pattern in patterns[lang] if pattern.match(text)]
    if not matches:
        return "?", f"other: {text[:60]}"
    best = max(literal for literal, _, _ in matches)
    langs = {lang for literal, lang, _ in matches if literal == best}
    lang = "nl" if "nl" in langs and len(langs) == 1 else ("en" if langs == {"en"} else "both")
    # the same text under several keys (a form's title is also its menu button): a title's key first
    key = min((not key.endswith("title"), key) for literal, _, key in matches if literal == best)[1]
    return lang, key


@pytest.fixture
def tools() -> dict[str, Any]:
    """What the browser needs on this machine, checked up front; the host config; a clean artifacts folder."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get update && apt-get install -y chromium), then run make test")
    if not RENDERER.exists():
        pytest.fail("the adaptivecards renderer is missing: run make test (npm ci in tests/js; needs Node.js and npm)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    return {"host_config": json.loads((HERE / "teams_host_config.json").read_text(encoding="utf-8"))}


def _write_report(report: dict[str, list[str]]) -> None:
    (ARTIFACTS / "report.json").write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")


async def test_every_card_reads_well_in_teams(organizer_client, connector, clock, tools):
    collected = await tour.take(organizer_client, connector, clock)
    patterns = _heading_patterns()
    kinds = {(step, *kind_of(card, patterns)) for step, card in collected}
    (ARTIFACTS / "kinds.json").write_text(json.dumps(sorted(kinds), indent=1, ensure_ascii=False), encoding="utf-8")
    seen = {(lang, key) for _, lang, key in kinds}
    missing = [
        f"{lang} {key}" for key in EXPECTED_KINDS for lang in ((ONE_LANGUAGE[key],) if key in ONE_LANGUAGE else ("nl", "en"))
        if (lang, key) not in seen and ("both", key) not in seen
    ]
    assert missing == [], "kinds of card the tour no longer meets"
    dates = [f"{step}: {problem}" for step, card in collected for problem in date_problems(all_text([{"attachments": [{"content": card}]}]))]
    assert dates == [], "dates not in the one format (bot/core/i18n.py)"

    from playwright.async_api import async_playwright

    report: dict[str, list[str]] = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = await browser.new_page(viewport={"width": TEAMS_CARD_WIDTH + 32, "height": 800})
            await page.set_content(PAGE)
            await page.add_script_tag(path=str(RENDERER))
            await page.add_script_tag(path=str(HERE / "render_check.js"))
            await page.evaluate("config => window.cardCheck.configure(config)", tools["host_config"])
            stage = page.locator("#stage")
            for number, (step, card) in enumerate(collected, start=1):
                problems = await page.evaluate("card => window.cardCheck.check(card)", card)
                problems += guidance_problems(card)
                await stage.screenshot(path=str(ARTIFACTS / f"{number:03d}-{_slug(step)}.png"))
                if problems:
                    report[f"{number:03d} {step}"] = problems
        finally:
            await browser.close()
    _write_report(report)
    assert not report, "cards that do not read well in Teams (screenshots in test-artifacts/cards/):\n" + "\n".join(
        f"{where}: " + "; ".join(problems) for where, problems in report.items()
    )
