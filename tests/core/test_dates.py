"""One date format: every date and time shown to people comes from bot/core/i18n.py (format_day, format_clock,
format_moment, format_weekday), so a card never shows '20 sep. 2022, 10:00' next to 'dinsdag 20 september 2022'.
The tour of every card (tests/cards/test_cards_in_browser.py) checks the dates on the cards themselves."""

from __future__ import annotations

import ast
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.core.i18n import format_clock, format_day, format_moment, format_weekday

ROOT = Path(__file__).resolve().parents[2]
I18N = ROOT / "bot" / "core" / "i18n.py"
MOMENT = datetime(2022, 9, 20, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))

# Month names as people read them, in full or shortened; a date on a card is always 'weekday day month year'.
MONTHS = {
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "en": "January February March April May June July August September October November December",
}
WEEKDAYS = {
    "nl": "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag",
    "en": "Monday Tuesday Wednesday Thursday Friday Saturday Sunday",
}
_SHORT = r"\b(?:jan|feb|mrt|mar|apr|mei|may|jun|jul|aug|sep|sept|okt|oct|nov|dec)\.?\s+\d{4}\b"


def date_problems(text: str) -> list[str]:
    """Dates in `text` that are not in the one format: a shortened month, or a month without its weekday."""
    problems = [f"shortened month: {m.group(0)!r}" for m in re.finditer(_SHORT, text, flags=re.IGNORECASE)]
    for lang in ("nl", "en"):
        months = "|".join(MONTHS[lang].split())
        weekdays = "|".join(WEEKDAYS[lang].split())
        for match in re.finditer(rf"(\S+\s+)?\d{{1,2}} ({months}) \d{{4}}", text):
            before = (match.group(1) or "").strip()
            if before.strip("(,").lower() not in weekdays.lower().split("|"):
                problems.append(f"date without its weekday: {match.group(0)!r}")
    return problems


def test_the_formats():
    assert format_day(MOMENT, "nl") == "dinsdag 20 september 2022"
    assert format_day(MOMENT, "en") == "Tuesday 20 September 2022"
    assert format_clock(MOMENT, "en") == "10:00"
    assert format_moment(MOMENT, "nl") == "dinsdag 20 september 2022, 10:00"
    assert format_moment(MOMENT, "en") == "Tuesday 20 September 2022, 10:00"
    assert format_weekday(MOMENT, "nl") == "dinsdag"
    assert date_problems(format_moment(MOMENT, "nl")) == [] and date_problems(format_moment(MOMENT, "en")) == []
    assert date_problems("Gesteld op 20 sep. 2022, 10:00") and date_problems("on 20 September 2022")


def test_only_i18n_formats_dates():
    """No module but bot/core/i18n.py formats dates with babel; strftime is only for values in forms and files."""
    offenders = []
    for path in [*ROOT.joinpath("bot").rglob("*.py"), *ROOT.joinpath("dialogs").rglob("*.py")]:
        if path == I18N:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "babel.dates":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} imports babel.dates")
            if isinstance(node, ast.Import) and any(alias.name == "babel.dates" for alias in node.names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} imports babel.dates")
    assert offenders == []
