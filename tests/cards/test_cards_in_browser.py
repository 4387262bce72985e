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

from tests.cards import tour
from tests.support import elements

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
async def organizer_client(make_client):
    return await make_client(organizer_aad_ids=[tour.ORGANIZER["aadObjectId"]])


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


async def test_every_card_reads_well_in_teams(organizer_client, connector, tools):
    collected = await tour.take(organizer_client, connector)
    assert len(collected) > 40, "the tour should meet most of the bot's cards"

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
