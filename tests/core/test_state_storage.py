"""The bot-state Storage: round trips, e-tag concurrency, and botbuilder state objects."""

from __future__ import annotations

import asyncio

import pytest
from botbuilder.dialogs import DialogInstance, DialogState

from bot.core.state_storage import SqlStorage, StateConflictError


@pytest.fixture
def storage(db, clock) -> SqlStorage:
    return SqlStorage(db, clock.now)


async def test_read_missing_keys_returns_nothing(storage):
    assert await storage.read(["nope"]) == {}
    assert await storage.read([]) == {}


async def test_write_then_read_round_trips_and_sets_an_etag(storage):
    await storage.write({"k1": {"count": 1, "name": "Anna"}})
    items = await storage.read(["k1"])
    assert items["k1"]["count"] == 1 and items["k1"]["name"] == "Anna"
    assert items["k1"]["e_tag"]


async def test_matching_etag_writes_and_changes_the_etag(storage):
    await storage.write({"k": {"n": 1}})
    first = (await storage.read(["k"]))["k"]
    first["n"] = 2
    await storage.write({"k": first})
    second = (await storage.read(["k"]))["k"]
    assert second["n"] == 2
    assert second["e_tag"] != first.get("old", None) and second["e_tag"] == first["e_tag"]


async def test_stale_etag_raises_and_writes_nothing(storage):
    await storage.write({"k": {"n": 1}})
    a = (await storage.read(["k"]))["k"]
    b = (await storage.read(["k"]))["k"]
    a["n"] = 2
    await storage.write({"k": a})
    b["n"] = 3
    with pytest.raises(StateConflictError):
        await storage.write({"k": b})
    assert (await storage.read(["k"]))["k"]["n"] == 2


async def test_one_stale_etag_writes_none_of_the_changes(storage):
    """A turn saves its states together: a conflict on one leaves the others as stored, and in memory too."""
    await storage.write({"a": {"n": 1}, "b": {"n": 1}})
    a, b = (await storage.read(["a"]))["a"], (await storage.read(["b"]))["b"]
    read_etag = a["e_tag"]
    await storage.write({"b": {"n": 9, "e_tag": "*"}})  # another turn changed b
    a["n"], b["n"] = 2, 2
    with pytest.raises(StateConflictError):
        await storage.write({"a": a, "b": b})
    stored = await storage.read(["a", "b"])
    assert (stored["a"]["n"], stored["b"]["n"]) == (1, 9)
    assert a["e_tag"] == read_etag == stored["a"]["e_tag"]  # a retry of the turn still matches


async def test_star_etag_overwrites(storage):
    await storage.write({"k": {"n": 1}})
    await storage.write({"k": {"n": 5, "e_tag": "*"}})
    assert (await storage.read(["k"]))["k"]["n"] == 5


async def test_delete_removes_keys(storage):
    await storage.write({"a": {"n": 1}, "b": {"n": 2}})
    await storage.delete(["a"])
    assert set(await storage.read(["a", "b"])) == {"b"}


async def test_dialog_state_objects_survive_a_round_trip(storage):
    state = DialogState([DialogInstance(id="register", state={"values": {"mode": "online"}})])
    await storage.write({"conv": {"DialogState": state}})
    restored = (await storage.read(["conv"]))["conv"]["DialogState"]
    assert isinstance(restored, DialogState)
    assert restored.dialog_stack[0].id == "register"
    assert restored.dialog_stack[0].state["values"]["mode"] == "online"


async def test_concurrent_writers_with_the_same_etag_only_one_wins(db_target, clock):
    """Two bot processes (two engines) read the same state and write at once: exactly one succeeds."""
    db_a, db_b = db_target.database(), db_target.database()
    await db_a.migrate()
    try:
        a, b = SqlStorage(db_a, clock.now), SqlStorage(db_b, clock.now)
        await a.write({"shared": {"n": 0}})
        results = []
        for _round in range(5):
            item_a = (await a.read(["shared"]))["shared"]
            item_b = (await b.read(["shared"]))["shared"]
            item_a["n"] += 1
            item_b["n"] += 1
            outcome = await asyncio.gather(a.write({"shared": item_a}), b.write({"shared": item_b}), return_exceptions=True)
            errors = [o for o in outcome if isinstance(o, Exception)]
            assert len(errors) == 1 and isinstance(errors[0], StateConflictError), outcome
            results.append((await a.read(["shared"]))["shared"]["n"])
        assert results == [1, 2, 3, 4, 5]
    finally:
        await db_a.dispose()
        await db_b.dispose()


async def test_state_is_plain_json_and_keeps_its_types(storage, db):
    import json
    from datetime import UTC, date, datetime

    from botbuilder.core import MessageFactory
    from botbuilder.dialogs.prompts import PromptOptions

    from bot.core.profile import UserProfile
    from storage.bot_state import BotStates

    prompt = PromptOptions(prompt=MessageFactory.text("Welke sessie?"), validations={"max": 3})
    state = DialogState([DialogInstance(id="form", state={"options": prompt, "values": {"areas": ("water", "energy")}})])
    item = {
        "DialogState": state,
        "profile": UserProfile(language="en"),
        "at": datetime(2022, 10, 4, 12, 0, tzinfo=UTC),
        "day": date(2022, 10, 4),
        "picked": {"a", "b"},
        "$odd": 1,
    }
    await storage.write({"conv": item})
    async with db.transaction() as session:
        _etag, data = (await BotStates(session).read(["conv"]))["conv"]
    assert "py/" not in data
    json.loads(data)  # plain JSON
    restored = (await storage.read(["conv"]))["conv"]
    options = restored["DialogState"].dialog_stack[0].state["options"]
    assert isinstance(options, PromptOptions) and options.prompt.text == "Welke sessie?" and options.validations == {"max": 3}
    assert restored["DialogState"].dialog_stack[0].state["values"]["areas"] == ("water", "energy")
    assert restored["profile"] == UserProfile(language="en")
    assert restored["at"] == item["at"] and restored["day"] == item["day"] and restored["picked"] == {"a", "b"}
    assert restored["$odd"] == 1


async def test_state_written_by_jsonpickle_is_still_read(storage, db, clock):
    import json

    from jsonpickle import Pickler

    from storage.bot_state import BotStates

    legacy = Pickler().flatten({"DialogState": DialogState([DialogInstance(id="register", state={"step": 2})])})
    async with db.transaction() as session:
        await BotStates(session).put("old", "etag-1", json.dumps(legacy), clock.now())
    restored = (await storage.read(["old"]))["old"]
    assert isinstance(restored["DialogState"], DialogState) and restored["DialogState"].dialog_stack[0].state == {"step": 2}
    assert restored["e_tag"] == "etag-1"


def test_state_cannot_name_a_class_outside_the_bot():
    from bot.core.state_storage import decode

    with pytest.raises(ValueError, match="outside the bot"):
        decode('{"x": {"$o": "os:system", "d": {}}}')
