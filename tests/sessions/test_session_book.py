"""The session book: the content file merged with organizer rows (the table wins for the fields an organizer
changed), one shared list kept up to date in place, and the tables matching their migration."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.sessions.book import SessionBook, merge
from bot.sessions.file import load_sessions
from storage.models import Base
from storage.sessions.models import InfoSession
from storage.sessions.repository import InfoSessions
from tests.registration.conftest import CONTENT, session_yaml
from tests.sessions.conftest import NEW_JOIN, SESSION_ID

NOW = datetime(2022, 9, 20, 8, 0, tzinfo=UTC)


def _file():
    return load_sessions(CONTENT / "sessions.yaml")


def _row(**values) -> InfoSession:
    base = dict(id=SESSION_ID, origin="content", changed_fields="", version=1, created_at=NOW, updated_at=NOW)
    base.update(values)
    return InfoSession(**base)


def test_the_table_wins_only_for_the_fields_an_organizer_changed():
    (file_session,) = _file()
    row = _row(changed_fields="join_url,capacity_online", join_url=NEW_JOIN, capacity_online=30,
               venue_address="ignored: not changed", capacity_in_person=5)
    (merged,) = merge(_file(), [row])
    assert merged.join_url == NEW_JOIN and merged.capacity == {"in_person": None, "online": 30}
    assert merged.venue_address == "" and merged.start == file_session.start and merged.title == file_session.title
    assert file_session.join_url == ""  # sessions stay frozen: new objects are built


def test_added_sessions_and_rows_that_cannot_be_used(caplog):
    added = _row(id="info-2022-11-15", origin="organizer", title_nl="Tweede", title_en="Second", city_nl="Utrecht",
                 timezone="Europe/Amsterdam", start_at=datetime(2022, 11, 15, 9, tzinfo=UTC),
                 end_at=datetime(2022, 11, 15, 11, tzinfo=UTC), modes="online", capacity_online=10)
    orphan = _row(id="info-gone", changed_fields="join_url", join_url=NEW_JOIN)  # no longer in the file
    broken = _row(changed_fields="registration_deadline,join_url", join_url=NEW_JOIN,
                  registration_deadline=datetime(2022, 10, 5, tzinfo=UTC))  # after the end
    with caplog.at_level(logging.WARNING, logger="bot.sessions.book"):
        first, second = merge(_file(), [added, orphan, broken])
    assert first.id == SESSION_ID and first.join_url == "" and first.registration_deadline is None  # the file's version
    assert second.id == "info-2022-11-15" and second.modes == ("online",) and second.capacity == {"online": 10}
    assert second.local_start.isoformat() == "2022-11-15T10:00:00+01:00" and second.title_for("en") == "Second"
    assert second.city_for("en") == "Utrecht" and second.topic == {}
    assert "info-gone" in caplog.text and "not usable" in caplog.text


async def test_a_refresh_swaps_in_a_new_list_and_leaves_earlier_ones_whole(db, clock, tmp_path):
    path = tmp_path / "sessions.yaml"
    import yaml

    path.write_text(yaml.safe_dump({"sessions": [session_yaml()]}), encoding="utf-8")
    book = SessionBook.from_file(path, db=db)
    assert await book.refresh() is True and await book.refresh() is False
    before = book.sessions
    async with db.transaction() as session:
        await InfoSessions(session).set_fields(SESSION_ID, {"join_url": NEW_JOIN}, clock.now())
    assert book.sessions[0].join_url == ""  # not yet: the book has not looked
    assert await book.refresh() is True
    assert book.sessions[0].join_url == NEW_JOIN and book.origin(SESSION_ID) == "changed"
    assert before[0].join_url == ""  # a list handed out earlier is never changed under its holder
    async with db.transaction() as session:
        row = await InfoSessions(session).set_fields(SESSION_ID, {"venue_address": "Nassaulaan 12"}, clock.now())
        assert row.changed_fields == "join_url,venue_address" and row.version == 2
    await book.refresh()
    assert (book.sessions[0].join_url, book.sessions[0].venue_address) == (NEW_JOIN, "Nassaulaan 12")


async def test_the_tables_match_their_migration(db):
    mine = {"info_session", "info_session_change", "info_session_notice"}

    def differences(connection):
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        return [d for d in compare_metadata(context, Base.metadata) if _table_of(d) in mine]

    async with db.engine.connect() as connection:
        assert await connection.run_sync(differences) == []


def _table_of(difference) -> str | None:
    """The table a difference of `compare_metadata` is about (its tuples name it as text or as an object)."""
    item = difference[0] if isinstance(difference, list) else difference
    for part in item[1:]:
        if isinstance(part, str):
            if part.startswith("info_session"):
                return part
            continue
        table = getattr(part, "table", part)
        if getattr(table, "name", None):
            return table.name
    return None
