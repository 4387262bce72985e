"""Every command in the app manifest, sent as Teams sends it, starts the matching job in the bot."""

from __future__ import annotations

import pytest

from app import SERVICES
from manifest import LANGUAGES, load_menu
from tests.conftest import new_conversation
from tests.support import all_text
from tests.wording import msg

MENU = load_menu()
JOBS = [c for c in MENU.commands if c.kind == "job"]
CASES = [(lang, command.intent, command.title(lang)) for command in JOBS for lang in LANGUAGES]
PRIVACY = next(c for c in MENU.commands if c.kind == "command" and c.intent == "privacy")


def _spy_on_jobs(client) -> list[str]:
    router = client.app[SERVICES].router
    started: list[str] = []
    original = router.start_job

    async def spy(dc, job, **kwargs):
        started.append(job)
        return await original(dc, job, **kwargs)

    router.start_job = spy
    return started


@pytest.mark.parametrize(("lang", "intent", "title"), CASES, ids=[f"{lang}-{intent}" for lang, intent, _ in CASES])
async def test_command_starts_its_job(client, connector, lang, intent, title):
    started = _spy_on_jobs(client)
    fixture_name = "personal_message_en.json" if lang == "en" else "personal_message.json"
    replies = await new_conversation(client, connector, fixture_name).say(title)
    assert started == [intent]
    assert replies


@pytest.mark.parametrize("intent", [c.intent for c in MENU.for_scope("team") if c.kind == "job"])
async def test_command_with_a_mention_in_a_channel(client, connector, intent):
    started = _spy_on_jobs(client)
    title = next(c for c in MENU.commands if c.intent == intent).title("nl")
    await new_conversation(client, connector, "channel_message_mention.json").say(f"<at>VNG Oekraine-assistent</at> {title}")
    assert started == [intent]


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_the_privacy_command_shows_the_short_privacy_notice(client, connector, lang):
    started = _spy_on_jobs(client)
    fixture_name = "personal_message_en.json" if lang == "en" else "personal_message.json"
    replies = await new_conversation(client, connector, fixture_name).say(PRIVACY.title(lang))
    assert started == []  # the privacy feature's own command, not a job
    assert msg(lang, "privacy.notice.title") in all_text(replies)


async def test_the_privacy_command_in_a_channel(client, connector):
    assert "team" in PRIVACY.scopes and "groupChat" in PRIVACY.scopes
    replies = await new_conversation(client, connector, "channel_message_mention.json").say(
        f"<at>VNG Oekraine-assistent</at> {PRIVACY.title('nl')}"
    )
    assert msg("nl", "privacy.notice.title") in all_text(replies)
