"""The privacy statement: the strict commands and the card button in Teams, and the web pages /privacy and /terms
(Dutch with an English section, or English first with ?lang=en; escaped; the configured contact)."""

from __future__ import annotations

import html
import re

from bot.core.i18n import Catalog
from bot.privacy.desk import render_page
from tests.conftest import new_conversation
from tests.privacy.conftest import MENTION, buttons
from tests.support import all_text, cards, elements
from tests.wording import msg, msg_part


async def test_the_command_shows_a_short_notice_then_the_full_statement_in_the_users_language(client, connector, nl, en):
    notice = await nl.say("privacy")
    text = all_text(notice)
    for key in ("title", "what", "why", "rights"):
        assert msg("nl", f"privacy.notice.{key}") in text
    assert msg("nl", "privacy.notice.how_long", days=90) in text
    assert msg_part("nl", "privacy.statement.rights.complaint") not in text
    assert sum(len(block["text"]) for block in elements(cards(notice), "TextBlock")) < 700  # the first layer is short
    assert set(buttons(notice)) == {msg("nl", "privacy.notice.full"), msg("nl", "privacy.statement.buttons.my_data"), msg("nl", "jobs.delete_my_data")}
    assert elements(cards(notice)[0], "Action.OpenUrl")[-1] == {
        "type": "Action.OpenUrl", "title": msg("nl", "privacy.statement.buttons.online"), "url": "http://127.0.0.1:3978/privacy"
    }
    replies = await nl.submit(buttons(notice)[msg("nl", "privacy.notice.full")])  # the full statement, on request
    text = all_text(replies)
    (payload,) = cards(replies)
    for part in (
        msg("nl", "privacy.statement.title"),
        msg("nl", "privacy.statement.who.title"),
        msg_part("nl", "privacy.statement.who.body"),
        msg_part("nl", "privacy.statement.who.contact_bot"),
        msg_part("nl", "privacy.statement.basis.consent"),
        msg_part("nl", "privacy.statement.receivers.partners"),
        msg("nl", "privacy.statement.retention.registration", days=90),
        msg_part("nl", "privacy.statement.rights.access"),
        msg_part("nl", "privacy.statement.rights.erasure"),
        msg_part("nl", "privacy.statement.rights.complaint"),
    ):
        assert part in text, part
    assert "@" not in text  # no address is made up when none is configured
    assert set(buttons(replies)) == {msg("nl", "privacy.statement.buttons.my_data"), msg("nl", "jobs.delete_my_data")}
    assert elements(payload, "Action.OpenUrl")[-1] == {
        "type": "Action.OpenUrl", "title": msg("nl", "privacy.statement.buttons.online"), "url": "http://127.0.0.1:3978/privacy"
    }
    notice = await en.say("Privacy statement!")
    assert msg("en", "privacy.notice.title") in all_text(notice)
    text = all_text(await en.submit(buttons(notice)[msg("en", "privacy.notice.full")]))
    assert msg("en", "privacy.statement.title") in text and msg_part("en", "privacy.statement.who.contact_bot") in text
    assert msg_part("en", "privacy.statement.rights.complaint") in text
    channel = new_conversation(client, connector, "channel_message_mention.json")
    assert msg("nl", "privacy.notice.title") in all_text(await channel.say(MENTION + "privacy"))  # nothing personal in it


async def test_a_configured_contact_and_retention_and_the_buttons(make_client, connector):
    client = await make_client(organizer_contact_email="privacy@vng-international.example.nl", retention_days_after_session=30,
                               privacy_url="https://www.vng-international.example.nl/privacy")
    conversation = new_conversation(client, connector)
    replies = await conversation.say("privacyverklaring")
    assert msg("nl", "privacy.notice.how_long", days=30) in all_text(replies)
    text = all_text(await conversation.submit(buttons(replies)[msg("nl", "privacy.notice.full")]))
    assert msg("nl", "privacy.statement.who.contact_email", email="privacy@vng-international.example.nl") in text
    assert msg_part("nl", "privacy.statement.who.contact_bot") not in text
    assert msg("nl", "privacy.statement.retention.registration", days=30) in text
    assert elements(cards(replies)[0], "Action.OpenUrl")[-1]["url"] == "https://www.vng-international.example.nl/privacy"
    assert msg("nl", "my_data.title") in all_text(await conversation.submit(buttons(replies)[msg("nl", "privacy.statement.buttons.my_data")]))
    assert msg("nl", "delete_my_data.question.title") in all_text(await conversation.submit(buttons(replies)[msg("nl", "jobs.delete_my_data")]))


async def test_in_the_middle_of_a_form_the_question_is_asked_again(client, nl):
    await nl.say("aanmelden")
    replies = await nl.say("privacy")
    text = all_text(replies)
    assert msg("nl", "privacy.notice.title") in text
    # the form's current question, asked again after the notice
    assert text.index(msg("nl", "form.choice_hint")) > text.index(msg("nl", "privacy.notice.rights"))
    assert msg_part("nl", "register.fields.email.prompt") in all_text(await nl.say("2"))  # and the form goes on


async def test_the_pages_dutch_first_or_english_first(make_client):
    client = await make_client(organizer_contact_email="privacy@vng-international.example.nl")
    for path in ("/privacy", "/terms", "/privacy?lang=nl", "/privacy?lang=<script>"):
        response = await client.get(path)
        assert response.status == 200, path
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert response.headers["Content-Language"] == "nl"
        page = await response.text()
        assert page.startswith("<!DOCTYPE html>") and '<html lang="nl">' in page and "<script>" not in page
        assert page.index('<article id="nl" lang="nl">') < page.index('<article id="en" lang="en">')
        assert f'<a href="#en" hreflang="en" lang="en">{msg("en", "privacy.page.read_here")}</a>' in page
    for path in ("/privacy?lang=en", "/terms?lang=en"):
        response = await client.get(path)
        assert response.status == 200 and response.headers["Content-Language"] == "en"
        page = await response.text()
        assert '<html lang="en">' in page
        assert page.index('<article id="en" lang="en">') < page.index('<article id="nl" lang="nl">')
        assert f'<a href="#nl" hreflang="nl" lang="nl">{msg("nl", "privacy.page.read_here")}</a>' in page

    page = await (await client.get("/privacy")).text()
    assert f"<h1>{msg('nl', 'privacy.statement.title')}</h1>" in page
    assert f"<h1>{msg('en', 'privacy.statement.title')}</h1>" in page
    if "autoriteitpersoonsgegevens.nl" in msg("nl", "privacy.statement.rights.complaint"):  # a named site becomes a link
        assert '<a href="https://autoriteitpersoonsgegevens.nl">autoriteitpersoonsgegevens.nl</a>' in page
    for lang in ("nl", "en"):
        assert html.escape(msg(lang, "privacy.statement.retention.registration", days=90)) in page
    assert '<a href="mailto:privacy@vng-international.example.nl">privacy@vng-international.example.nl</a>' in page
    assert f'<a href="/terms?lang=nl">{msg("nl", "privacy.page.terms_link")}</a>' in page
    page = await (await client.get("/terms")).text()
    assert f"<h1>{msg('nl', 'privacy.terms.title')}</h1>" in page
    assert f"<h1>{msg('en', 'privacy.terms.title')}</h1>" in page


def test_without_a_contact_address_the_pages_point_to_the_assistant(shared_content):
    page = render_page(shared_content["catalog"], kind="statement", lang="nl", contact_email="", days=90)
    assert html.escape(msg("nl", "privacy.statement.who.contact_bot")) in page and html.escape(msg("en", "privacy.statement.who.contact_bot")) in page
    assert "mailto:" not in page and "@" not in page


def test_every_text_is_escaped(shared_content):
    source: Catalog = shared_content["catalog"]
    messages = {lang: {key: source.raw(lang, key) for key in source.keys(lang)} for lang in ("nl", "en")}
    messages["nl"]["privacy.statement.who.body"] = "VNG <b>International</b> & \"partners\""
    messages["en"]["privacy.terms.title"] = "Terms <script>alert(1)</script>"
    catalog = Catalog(messages)
    page = render_page(catalog, kind="statement", lang="nl", contact_email="a&b@example.nl", days=90)
    assert "VNG &lt;b&gt;International&lt;/b&gt; &amp; &quot;partners&quot;" in page
    assert "<b>" not in page
    assert 'href="mailto:a&amp;b@example.nl"' in page
    terms = render_page(catalog, kind="terms", lang="en", contact_email="", days=90)
    assert "<script>" not in terms and "Terms &lt;script&gt;" in terms
    assert not re.search(r"<(?!/?(html|head|meta|title|style|body|main|p|a|article|h1|h2|section)\b|!DOCTYPE)", terms)
