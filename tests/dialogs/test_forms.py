"""The form engine, turn by turn with botbuilder's TestAdapter: by card, by typing, validation, change."""

from __future__ import annotations

from typing import Any

import pytest
from botbuilder.core import ConversationState, MemoryStorage, TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.dialogs import DialogSet, DialogTurnStatus
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount

from bot.core.cards import CoreCards
from bot.core.clock import FixedClock
from bot.core.config import Settings
from bot.core.i18n import Catalog
from bot.core.turn import set_lang
from bot.nlu import Recognizer
from dialogs.forms import Field, FormDialog, FormSpec
from dialogs.services import DialogServices
from tests.conftest import DEFAULT_NOW
from tests.wording import content_dir, msg, msg_part

CONTENT = content_dir()  # the bot's content (CONTENT_DIR), as tests/wording.py reads it
EXTRA = {
    "nl": {
        "demo.form.title": "Demo", "demo.form.intro": "Vul in.", "demo.form.summary_title": "Klopt dit?",
        "demo.fields.name.label": "Naam", "demo.fields.name.prompt": msg("nl", "register.fields.name.prompt"),
        "demo.fields.email.label": "E-mail", "demo.fields.email.prompt": "Wat is uw e-mailadres?",
        "demo.fields.mode.label": "Deelname", "demo.fields.mode.prompt": msg("nl", "register.fields.mode.label"),
        "demo.fields.diet.label": "Dieetwensen", "demo.fields.diet.prompt": msg_part("nl", "register.fields.dietary.prompt"),
        "demo.fields.areas.label": "Gebieden", "demo.fields.areas.prompt": "Welke gebieden?",
        "demo.fields.consent.label": "Toestemming", "demo.fields.consent.prompt": msg_part("nl", "contribute.fields.consent.prompt"),
    },
}
EXTRA["en"] = {k: v + " (en)" for k, v in EXTRA["nl"].items()}
MODES = {"nl": [("in_person", "Fysiek"), ("online", "Online")], "en": [("in_person", "In person"), ("online", "Online")]}
AREAS = [("water", "Water en riolering"), ("housing", "Wonen"), ("energy", "Energie")]

SPEC = FormSpec(
    id="demo",
    fields=(
        Field("name", prefill="name"),
        Field("email", kind="email", prefill="email"),
        Field("mode", kind="choice", options=lambda lang: MODES[lang]),
        Field("diet", required=False, when=lambda v: v.get("mode") == "in_person"),
        Field("areas", kind="multichoice", options=lambda lang: AREAS),
        Field("consent", kind="consent"),
    ),
)


class DemoForm(FormDialog):
    def __init__(self, services):
        super().__init__(SPEC, services)
        self.saved: list[tuple[dict[str, Any], str]] = []

    async def on_confirm(self, turn_context, values, token):
        self.saved.append((values, token))
        await turn_context.send_activity("saved")


@pytest.fixture(scope="module")
def services() -> DialogServices:
    real = Catalog.load(CONTENT / "messages")
    catalog = Catalog({lang: {**{k: real.raw(lang, k) for k in real.keys(lang)}, **EXTRA[lang]} for lang in ("nl", "en")})
    return DialogServices(
        settings=Settings(_env_file=None), catalog=catalog, recognizer=Recognizer.load(CONTENT / "knowledge"),
        cards=CoreCards(catalog), db=None, clock=FixedClock(DEFAULT_NOW),  # type: ignore[arg-type]
    )


class Harness:
    def __init__(self, services, lang="nl"):
        self.form = DemoForm(services)
        self.conversation_state = ConversationState(MemoryStorage())
        self.dialogs = DialogSet(self.conversation_state.create_property("dialogs"))
        self.dialogs.add(self.form)
        self.lang = lang
        self.status = None
        self.adapter = TestAdapter(self._turn)
        self.replies: list[Activity] = []

    async def _turn(self, context: TurnContext):
        set_lang(context, self.lang)
        dc = await self.dialogs.create_context(context)
        result = await dc.continue_dialog()
        if result.status == DialogTurnStatus.Empty:
            result = await dc.begin_dialog("demo")
        self.status = result.status
        await self.conversation_state.save_changes(context)

    async def send(self, text: str | None = None, value: dict | None = None) -> list[Activity]:
        activity = Activity(type=ActivityTypes.message, text=text, value=value,
                            from_property=ChannelAccount(id="user1", name="Anna de Vries"), locale="nl-NL")
        self.adapter.activity_buffer.clear()
        updated = len(self.adapter.updated_activities)
        await self.adapter.receive_activity(activity)
        # new messages, then the cards updated in place (a form's corrections and summary)
        self.replies = list(self.adapter.activity_buffer) + list(self.adapter.updated_activities[updated:])
        return self.replies

    def text(self) -> str:
        from tests.support import all_text

        return all_text([r.serialize() if hasattr(r, "serialize") else r for r in self.replies])

    def last_card(self) -> dict:
        for reply in reversed(self.replies):
            for attachment in reply.attachments or []:
                return attachment.content
        raise AssertionError("no card")


async def test_typing_step_by_step_with_prefill_and_re_asks(services):
    h = Harness(services)
    await h.send("start")
    assert "Wat is uw e-mailadres?" in h.text()  # name came from the profile
    form_card = next(r.attachments[0].content for r in h.replies if r.attachments)
    name_input = next(i for i in form_card["body"] if i.get("id") == "name")
    assert name_input["value"] == "Anna de Vries" and name_input["label"] == "Naam"
    await h.send("anna@@utrecht")
    assert msg_part("nl", "form.invalid.email") in h.text() and "Wat is uw e-mailadres?" in h.text()
    await h.send("anna@Utrecht.NL")
    assert msg("nl", "register.fields.mode.label") in h.text()
    await h.send("fysiek")
    assert msg_part("nl", "register.fields.dietary.prompt") in h.text()
    await h.send("geen")
    assert "Welke gebieden?" in h.text()
    await h.send("1, wonen")
    assert msg_part("nl", "contribute.fields.consent.prompt") in h.text()
    await h.send("nee")
    assert msg_part("nl", "form.invalid.consent") in h.text()
    await h.send("ja")
    summary = h.last_card()
    facts = {f["title"]: f["value"] for f in summary["body"][1]["facts"]}
    assert facts == {"Naam": "Anna de Vries", "E-mail": "anna@utrecht.nl", "Deelname": "Fysiek",
                     "Dieetwensen": msg("nl", "form.empty_value"), "Gebieden": "Water en riolering, Wonen", "Toestemming": msg("nl", "form.consent_given")}
    await h.send("ja")
    assert h.text() == "saved"
    values, token = h.form.saved[0]
    assert values["areas"] == ["water", "housing"] and values["diet"] == "" and token
    assert h.status == DialogTurnStatus.Complete


async def test_card_submit_with_errors_keeps_input_then_completes(services):
    h = Harness(services)
    await h.send("start")
    await h.send(value={"action": "demo.submit", "name": "Anna", "email": "not-an-email", "mode": "online",
                        "areas": "water,energy", "consent": "false"})
    card = next(r.attachments[0].content for r in h.replies if r.attachments)
    texts = [b.get("text", "") for b in card["body"]]
    assert any(msg_part("nl", "form.invalid.email") in t for t in texts)
    assert any(msg_part("nl", "form.invalid.required") in t for t in texts)  # consent is required
    email_input = next(i for i in card["body"] if i.get("id") == "email")
    assert email_input["value"] == "not-an-email"  # what the user typed is kept
    assert next(i for i in card["body"] if i.get("id") == "areas")["value"] == "water,energy"
    await h.send(value={"action": "demo.submit", "name": "Anna", "email": "anna@example.nl", "mode": "online",
                        "areas": "water,energy", "consent": "true"})
    summary = h.last_card()
    titles = [f["title"] for f in summary["body"][1]["facts"]]
    assert "Dieetwensen" not in titles  # only asked for in-person attendance
    token = next(a["data"]["token"] for a in summary["actions"] if a["data"]["action"] == "demo.confirm")
    await h.send(value={"action": "demo.confirm", "token": token})
    assert len(h.form.saved) == 1 and h.form.saved[0][1] == token


async def test_change_a_field_from_the_summary(services):
    h = Harness(services)
    await h.send("start")
    await h.send(value={"action": "demo.submit", "name": "Anna", "email": "anna@example.nl", "mode": "online",
                        "areas": "water", "consent": "true"})
    await h.send("wijzigen")
    assert msg_part("nl", "form.change_which") in h.text()
    await h.send("3")
    assert msg("nl", "register.fields.mode.label") in h.text()
    await h.send(value={"action": "demo.answer", "field": "mode", "value": "in_person"})
    assert msg_part("nl", "register.fields.dietary.prompt") in h.text()  # a field that now applies is asked before the summary
    await h.send("vegetarisch")
    facts = {f["title"]: f["value"] for f in h.last_card()["body"][1]["facts"]}
    assert facts["Deelname"] == "Fysiek" and facts["Dieetwensen"] == "vegetarisch"
    await h.send("klopt")
    assert h.form.saved[0][0]["mode"] == "in_person"


async def test_stale_confirm_token_shows_the_summary_again(services):
    h = Harness(services)
    await h.send("start")
    await h.send(value={"action": "demo.submit", "name": "Anna", "email": "anna@example.nl", "mode": "online",
                        "areas": "water", "consent": "true"})
    await h.send(value={"action": "demo.confirm", "token": "old"})
    assert h.form.saved == [] and "Klopt dit?" in h.text()


async def test_editing_opens_at_what_to_change_and_an_unchanged_form_says_so(services):
    """Changing something stored: no 'Klopt dit?' before anything changed; sent back unchanged, the form
    says nothing changed and ends without saving; with a change, the summary asks to confirm."""
    values = {"name": "Anna", "email": "anna@example.nl", "mode": "online", "areas": ["water"], "consent": "yes"}
    as_sent = {"name": "Anna", "email": "anna@example.nl", "mode": "online", "areas": "water", "consent": "true"}
    for changed, expected in ((False, msg("nl", "form.unchanged")), (True, "Klopt dit?")):
        h = Harness(services)
        normal = h.adapter
        h.adapter = TestAdapter(lambda ctx, h=h: _begin_with(h, ctx, values))
        await h.send("edit")
        assert msg("nl", "form.change_which") in h.text() and "anna@example.nl" in h.text()
        assert "Klopt dit?" not in h.text()
        h.adapter = normal
        await h.send(value={"action": "demo.submit", **as_sent, "name": "Anna Bakker" if changed else "Anna"})
        assert expected in h.text() and h.form.saved == []
        assert (msg("nl", "form.unchanged") in h.text()) is not changed
        assert (h.status == DialogTurnStatus.Complete) is not changed


async def _begin_with(h, context, values):
    set_lang(context, "nl")
    dc = await h.dialogs.create_context(context)
    await dc.begin_dialog("demo", {"values": values})
    await h.conversation_state.save_changes(context)


async def test_english_texts(services):
    h = Harness(services, lang="en")
    await h.send("start")
    assert msg_part("en", "form.how") in h.text()
    await h.send("x")
    assert msg_part("en", "form.invalid.email") in h.text()


async def test_cancel_by_typing_inside_a_form(services):
    h = Harness(services)
    await h.send("start")
    await h.send("annuleren")
    assert msg("nl", "cancel.done") in h.text() and h.form.saved == []
