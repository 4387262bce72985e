"""A cheap guard for 'tests survive a content edit': one HTTP-level flow (register, see 'my registration' and
cancel by typing the option as the bot words it) against a reworded copy of `content/` (tests/edited_content.py).
The full suite against such a copy is documented in tests/edited_content.py; this runs one flow on every test run."""

from __future__ import annotations

from bot.core.i18n import Catalog
from tests.edited_content import write_edited_content
from tests.registration.conftest import person, register
from tests.support import all_text
from tests.wording import content_dir, longest_fixed_part


async def test_a_registration_flow_follows_reworded_content(make_client, connector, tmp_path):
    edited = write_edited_content(tmp_path / "edited-content", source=content_dir())
    catalog = Catalog.load(edited / "messages")
    assert catalog.text("nl", "my_registration.options.cancel") != Catalog.load(content_dir() / "messages").text(
        "nl", "my_registration.options.cancel")  # really reworded
    client = await make_client(content_dir=edited, catalog=catalog)
    anna = person(client, connector, 90)

    assert catalog.text("nl", "registration.confirmed.title") in all_text(await register(anna, name="Anna"))
    assert catalog.text("nl", "my_registration.title") in all_text(await anna.say("mijn aanmelding"))
    replies = await anna.say(catalog.text("nl", "my_registration.options.cancel"))  # typed as the bot words it
    assert longest_fixed_part(catalog.raw("nl", "my_registration.cancel_question")) in all_text(replies)
    assert longest_fixed_part(catalog.raw("nl", "my_registration.cancelled")) in all_text(await anna.say("ja"))
