"""The local chat page end to end, in a real headless browser: Debian's chromium driven by Playwright,
against `python app.py` in local mode. Screenshots go to test-artifacts/localchat/ (kept by CI)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.localchat.page import WEBCHAT_BUNDLE
from tests.wording import msg

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "localchat"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ORGANIZER = "6f1c2d3e-0000-4000-8000-0000000000aa"
# Before the 2022 session's registration deadline (registration is closed by today's clock).
FAKE_NOW = "2022-09-20T10:00:00+02:00"
WAIT_MS = 10_000


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    """`python app.py` in local mode on a free port, with its own SQLite database and a frozen clock."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get update && apt-get install -y chromium), then run make test")
    if not WEBCHAT_BUNDLE.exists():
        pytest.fail("the Web Chat bundle is missing: run make test (npm ci in bot/localchat/web; needs Node.js and npm)")
    workdir = tmp_path_factory.mktemp("localchat")
    port = _free_port()
    env = {
        **os.environ,
        "MicrosoftAppId": "",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'bot.sqlite3'}",
        "DATA_DIR": str(workdir),
        "ORGANIZER_AAD_IDS": ORGANIZER,
        "BOT_FAKE_NOW": FAKE_NOW,
        "REMINDER_INTERVAL_SECONDS": "0",
        "RETENTION_INTERVAL_SECONDS": "0",
        "KNOWLEDGE_REFRESH_SECONDS": "0",
        "ALLOWED_TENANTS": "",
    }
    log = (workdir / "server.log").open("w")
    process = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        # Start-up imports botbuilder, SQLAlchemy and the NLU: seconds on a quiet machine, much longer on a busy one.
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=1):
                    break
            except OSError:
                if process.poll() is not None:
                    break
                time.sleep(0.1)
        else:
            pytest.fail("the bot did not start")
        if process.poll() is not None:
            pytest.fail("the bot stopped at start-up:\n" + (workdir / "server.log").read_text())
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser, server):
    pages = []

    def open_(query: str = ""):
        from playwright.sync_api import expect

        page = browser.new_page(viewport={"width": 1000, "height": 1300})
        page.set_default_timeout(WAIT_MS)
        pages.append(page)
        page.goto(server + "/?new=1" + query.replace("?", "&"))
        expect(page.locator(".ac-adaptiveCard").first).to_be_visible(timeout=WAIT_MS)  # the welcome card
        return page

    yield open_
    for page in pages:
        page.close()


def say(page, text: str) -> None:
    box = page.get_by_role("textbox").last
    box.fill(text)
    box.press("Enter")


def last_card(page):
    return page.locator(".ac-adaptiveCard").last


def shot(page, name: str) -> Path:
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


def test_a_question_gets_the_answer_card(open_page):
    from playwright.sync_api import expect

    page = open_page()
    say(page, "wanneer is de bijeenkomst?")
    expect(last_card(page)).to_contain_text(msg("nl", "qa.feedback_question"), timeout=WAIT_MS)
    shot(page, "question-answer")


def test_a_registration_through_the_card_form_is_confirmed(open_page):
    from playwright.sync_api import expect

    page = open_page()
    say(page, "ik wil me aanmelden")
    form = page.locator(".ac-adaptiveCard").filter(has_text=msg("nl", "register.form.title")).last
    expect(form).to_be_visible(timeout=WAIT_MS)
    form.get_by_label(msg("nl", "registration.modes.in_person", city="Den Haag")).check()
    form.get_by_label(msg("nl", "register.fields.municipality.label")).fill("Utrecht")
    form.get_by_label(msg("nl", "register.fields.role.label")).fill("Beleidsadviseur")
    form.get_by_role("button", name=msg("nl", "form.next")).click()
    summary = page.locator(".ac-adaptiveCard").filter(has_text=msg("nl", "register.form.summary_title")).last
    expect(summary).to_be_visible(timeout=WAIT_MS)
    summary.get_by_role("button", name=msg("nl", "form.confirm")).click()
    confirmed = page.locator(".ac-adaptiveCard").filter(has_text=msg("nl", "registration.confirmed.title")).last
    expect(confirmed).to_be_visible(timeout=WAIT_MS)
    confirmed.scroll_into_view_if_needed()
    shot(page, "registration-confirmed")


def test_a_form_cancelled_halfway_saves_nothing(open_page):
    from playwright.sync_api import expect

    page = open_page()
    say(page, "ik wil expertise aanbieden")
    form = page.locator(".ac-adaptiveCard").filter(has_text=msg("nl", "offer.form.title")).last
    expect(form).to_be_visible(timeout=WAIT_MS)
    form.get_by_label(msg("nl", "offer.fields.municipality.label")).first.fill("Utrecht")  # halfway: required fields left empty
    form.get_by_role("button", name=msg("nl", "form.cancel")).click()
    expect(page.locator("p").filter(has_text=msg("nl", "cancel.done")).last).to_be_visible(timeout=WAIT_MS)
    shot(page, "form-cancelled")


def test_an_organizer_opens_the_overview(open_page):
    from playwright.sync_api import expect

    page = open_page("?who=organizer-1")
    say(page, "overzicht")
    expect(last_card(page)).to_contain_text(msg("nl", "overview.title"), timeout=WAIT_MS)
    shot(page, "organizer-overview")


def test_english_in_a_channel_with_a_mention(open_page):
    from playwright.sync_api import expect

    page = open_page("?locale=en-US&chat=channel")
    say(page, "when is the session?")
    expect(last_card(page)).to_contain_text(msg("en", "qa.feedback_question"), timeout=WAIT_MS)
    shot(page, "channel-english")


def test_a_reloaded_page_shows_the_conversation_again(open_page):
    from playwright.sync_api import expect

    page = open_page("?locale=en-US")
    say(page, "where is the session?")
    expect(last_card(page)).to_contain_text(msg("en", "qa.feedback_question"), timeout=WAIT_MS)
    page.goto(page.url.replace("new=1&", ""))
    expect(page.get_by_text("where is the session?").first).to_be_visible(timeout=WAIT_MS)
    expect(last_card(page)).to_contain_text(msg("en", "qa.feedback_question"), timeout=WAIT_MS)


def test_the_screenshots_folder_is_not_committed():
    assert "/test-artifacts/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_an_organizers_answer_to_a_forwarded_question_arrives_on_the_askers_page(open_page):
    """A proactive message: the answer reaches the asker's open page while the organizer works in another."""
    import re

    from playwright.sync_api import expect

    asker = open_page()
    say(asker, "mag mijn partner mee op reis naar Oekraïne?")
    forward = re.compile("|".join(re.escape(msg("nl", key)) for key in ("qa.forward_yes", "qa.none_of_these")))
    asker.get_by_role("button", name=forward).last.click()
    expect(asker.locator("p").filter(has_text=msg("nl", "qa.forward_done")).last).to_be_visible(timeout=WAIT_MS)

    organizer = open_page("?who=organizer-1")
    say(organizer, "open vragen")
    listed = organizer.locator(".ac-adaptiveCard").filter(has_text=msg("nl", "question_desk.list.title")).last
    listed.get_by_role("button", name=msg("nl", "question_desk.list.answer")).first.click()
    form = organizer.locator(".ac-adaptiveCard").filter(has_text=msg("nl", "answer_question.form.title")).last
    form.get_by_label(msg("nl", "answer_question.fields.answer.label")).fill("Nee, de experts werken meestal op afstand.")
    form.get_by_label(msg("nl", "answer_question.kb_options.no")).check()
    form.get_by_role("button", name=msg("nl", "form.next")).click()
    summary = organizer.locator(".ac-adaptiveCard").filter(has_text=msg("nl", "answer_question.form.summary_title")).last
    summary.get_by_role("button", name=msg("nl", "form.confirm")).click()

    answer = asker.locator(".ac-adaptiveCard").filter(has_text=msg("nl", "question_desk.to_asker.title")).last
    expect(answer).to_contain_text("Nee, de experts werken meestal op afstand.", timeout=WAIT_MS)
    answer.scroll_into_view_if_needed()
    shot(asker, "forwarded-question-answered")
