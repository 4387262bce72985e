"""Sessions are data: loading and checking content/sessions.yaml, and choosing between open sessions."""

from __future__ import annotations

from datetime import datetime

import pytest
import yaml

from bot.core.content import ContentError
from bot.sessions.file import load_sessions
from storage.sessions.schedule import find_session, open_sessions
from tests.registration.conftest import CONTENT, person, session_yaml
from tests.support import all_text, cards, submit_actions
from tests.wording import msg, msg_part


def _write(tmp_path, *sessions):
    path = tmp_path / "sessions.yaml"
    path.write_text(yaml.safe_dump({"sessions": list(sessions)}, allow_unicode=True), encoding="utf-8")
    return path


def test_the_real_file_is_the_announced_session():
    (session,) = load_sessions(CONTENT / "sessions.yaml")
    assert session.local_start.isoformat() == "2022-10-04T14:00:00+02:00"
    assert session.local_end.isoformat() == "2022-10-04T16:00:00+02:00"
    assert session.modes == ("in_person", "online") and session.capacity == {"in_person": None, "online": None}
    assert session.city_for("nl") == "Den Haag" and session.venue_address == "" and session.join_url == ""
    assert session.deadline == session.start


def test_defaults_from_settings_and_the_deadline(tmp_path):
    path = _write(tmp_path, session_yaml(registration_deadline="2022-10-03T12:00", capacity={"in_person": 40}))
    (session,) = load_sessions(path, default_venue_address="Nassaulaan 12, Den Haag", default_join_url="https://teams.example/x")
    assert session.venue_address == "Nassaulaan 12, Den Haag" and session.join_url == "https://teams.example/x"
    assert session.capacity_for("in_person") == 40 and session.capacity_for("online") is None
    assert session.is_open(datetime.fromisoformat("2022-10-03T11:59:59+02:00"))
    assert not session.is_open(datetime.fromisoformat("2022-10-03T12:00:00+02:00"))


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"capacity": {"in_person": -1}}, "capacity.in_person: Input should be greater than or equal to 0"),
        ({"capacity": {"in_person": "ten"}}, "capacity.in_person: Input should be a valid integer"),
        ({"capacity": {"online": True}}, "capacity.online: Input should be a valid integer"),
        ({"registration_deadline": "2022-10-04T17:00"}, "the registration deadline is after the end"),
        ({"modes": ["hybrid"]}, "modes[0]: Input should be 'in_person' or 'online'"),
        ({"end": "2022-10-04T13:00"}, "end must be after start"),
        ({"id": "x" * 65}, "id: String should have at most 64 characters"),
        ({"join_url": "teams meeting tomorrow"}, "join_url: the join link must be a secure web address"),
        ({"timezone": "Europe/Den_Haag"}, "unknown time zone 'Europe/Den_Haag'"),
        ({"start": "4 oktober"}, "start: Input should be a valid datetime"),
        ({"venue": "Den Haag"}, "venue: unknown key"),
        ({"title": {"nl": "Bijeenkomst", "en": None}}, "title.en: Input should be a valid string"),
    ],
)
def test_mistakes_in_the_file_stop_start_up_naming_file_session_and_problem(tmp_path, changes, problem):
    """The message names the file, the session (index and id) and what is wrong."""
    path = _write(tmp_path, session_yaml(), session_yaml(**{"id": "info-2022-11-15", **changes}))
    with pytest.raises(ContentError) as caught:
        load_sessions(path)
    assert str(caught.value).startswith(f"{path}: sessions[1] (")
    assert problem in str(caught.value)


def test_repeated_session_ids_are_refused(tmp_path):
    with pytest.raises(ContentError, match=r"sessions: .*session ids must be unique; repeated: \['info-2022-10-04'\]"):
        load_sessions(_write(tmp_path, session_yaml(), session_yaml()))


def test_a_yaml_syntax_error_names_the_file_and_line(tmp_path):
    path = tmp_path / "sessions.yaml"
    path.write_text("sessions:\n  - id: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContentError, match=f"{path}: not valid YAML.*line 3"):
        load_sessions(path)


def test_a_join_link_setting_that_is_not_secure_is_refused(tmp_path):
    with pytest.raises(ContentError, match=r"sessions\[0\] \(info-2022-10-04\): the join link \(SESSION_JOIN_URL\)"):
        load_sessions(_write(tmp_path, session_yaml()), default_join_url="http://teams.example/x")


def test_several_sessions_open_and_closed(tmp_path):
    second = session_yaml(id="info-2022-11-15", start="2022-11-15T10:00", end="2022-11-15T12:00")
    sessions = load_sessions(_write(tmp_path, second, session_yaml()))
    assert [s.id for s in sessions] == ["info-2022-10-04", "info-2022-11-15"]  # soonest first
    between = datetime.fromisoformat("2022-10-10T09:00:00+02:00")
    assert [s.id for s in open_sessions(sessions, between)] == ["info-2022-11-15"]
    assert find_session(sessions, "info-2022-11-15") is sessions[1] and find_session(sessions, "nope") is None


async def test_with_two_open_sessions_the_person_chooses_by_typing(make_client, connector, content):
    second = session_yaml(id="info-2022-11-15", start="2022-11-15T10:00", end="2022-11-15T12:00")
    client = await make_client(content_dir=content(session_yaml(), second))
    anna = person(client, connector, 80)
    replies = await anna.say("ik wil me aanmelden")
    form = next(c for c in cards(replies) if any(i.get("id") == "session" for i in c["body"]))
    assert "value" not in next(i for i in form["body"] if i.get("id") == "session")  # nothing chosen for her
    text = all_text(replies)
    assert msg("nl", "register.fields.session.prompt") in text and "dinsdag 15 november 2022" in text
    assert msg_part("nl", "register.fields.mode.prompt") in all_text(await anna.say("2"))
    assert msg_part("nl", "register.fields.email.prompt") in all_text(await anna.say(msg("nl", "registration.modes.in_person", city="Den Haag")))
    await anna.say("anna@utrecht.nl")
    await anna.say("Utrecht")
    await anna.say("Adviseur")
    assert msg_part("nl", "register.fields.dietary.prompt") in all_text(await anna.say("geen"))
    replies = await anna.say("geen")
    assert "Informatiebijeenkomst lokale herstelplannen Oekraïne, dinsdag 15 november 2022" in all_text(replies)
    replies = await anna.say("ja")
    assert msg("nl", "registration.confirmed.title") in all_text(replies) and "dinsdag 15 november 2022" in all_text(replies)
    # Registered for one of two: the form comes again, now with the other session chosen.
    replies = await anna.say("aanmelden")
    form = next(c for c in cards(replies) if any(i.get("id") == "session" for i in c["body"]))
    assert next(i for i in form["body"] if i.get("id") == "session")["value"] == "info-2022-10-04"


async def test_an_online_only_session_does_not_ask_the_mode(make_client, connector, content):
    client = await make_client(content_dir=content(session_yaml(modes=["online"], capacity={"online": None})))
    sam = person(client, connector, 81, lang="en")
    replies = await sam.say("sign me up")
    assert msg_part("en", "register.fields.email.prompt") in all_text(replies)  # session chosen, no mode question, name from Teams
    await sam.say("sam@example.org")
    await sam.say("Leiden")
    await sam.say("Adviser")
    replies = await sam.say("none")
    facts = [f["title"] for c in cards(replies) for b in c["body"] if b.get("type") == "FactSet" for f in b["facts"]]
    assert msg("en", "register.fields.mode.label") not in facts and msg("en", "register.fields.dietary.label") not in facts
    replies = await sam.say("yes")
    assert msg("en", "my_data.modes.online") in all_text(replies)
    assert any(a["data"].get("job") == "my_registration" for c in cards(replies) for a in submit_actions(c))
