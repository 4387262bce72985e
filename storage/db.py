"""Async engine and units of work: SQLite (embedded default) or PostgreSQL, chosen by URL.

Who owns a transaction, one rule:
- A repository (`storage/<feature>/repository.py`, `storage/repositories.py`, `storage/bot_state.py`) takes an
  `AsyncSession` in its constructor, queries and changes rows in it, and never commits, rolls back or opens a
  session of its own.
- A unit of work is opened by exactly one owner: a service method or use case (`Registrar.cancel`,
  `SessionStore.change`, `PersonalData.erase`, a desk's handler in bot/) with
  `async with db.transaction() as session:` (or `await db.unit(body)`, below); it commits when the block ends
  and rolls back on any error.
  Everything one user action changes belongs in one such block. Owners never nest units of work (on SQLite the
  transactions of one process take turns, so a nested one would wait forever); a service that others compose
  offers its steps as functions over a repository (`storage.registration.repository.forget_user`).
- Every write a user causes is idempotent: a re-delivered activity or a double click changes nothing twice
  (unique keys with `insert_for(...).on_conflict_do_nothing`, compare-and-set updates, form tokens).

The hot units of every turn (claim, state read and write: bot/core/turn_store.py) go through `core_unit`, and
short units of a registration step through `unit` (an ORM session): on PostgreSQL a `core_transaction` or a
`transaction`; on a SQLite file the whole unit runs on a thread of its own, on a synchronous connection, in one
hop. Through aiosqlite every statement is three or four thread hops (cursor, execute, fetch,
close) and the unit two more (commit, and the rollback the pool does when the connection comes back): about
1.4 ms of CPU for a claim and a state read, against well under 0.3 ms for the same statements in one hop. Same
statements, same transaction, same pragmas (WAL, synchronous=NORMAL, busy timeout), and the unit takes this
process's writer turn as every other unit does.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, suppress
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult, Result, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as SATimeoutError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_STATEMENT_TIMEOUT = 10.0
# Any constant works: it only has to be the same for every instance of this service.
_MIGRATION_LOCK_ID = 7_202_210_04
T = TypeVar("T")
PING_IDLE_AFTER = 5.0  # seconds (Database: ping_idle_after)
_LAST_USE = "vng_last_use"


class DatabaseBusy(TimeoutError):
    """The database did not answer in time."""


def is_unavailable(error: BaseException) -> bool:
    """Whether `error` (or what caused it) means the database is slow, locked or unreachable right now: worth
    a polite "try again", not a broken conversation."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, (TimeoutError, ConnectionError, OperationalError, InterfaceError, SATimeoutError)):
            return True
        if isinstance(current, DBAPIError) and current.connection_invalidated:
            return True
        if type(current).__name__ in _UNAVAILABLE_DRIVER_ERRORS:
            return True
        current = current.__cause__ or current.__context__
    return False


# asyncpg's names for "cancelled by statement_timeout / lock_timeout" and lost connections.
_UNAVAILABLE_DRIVER_ERRORS = frozenset(
    {"QueryCanceledError", "LockNotAvailableError", "ConnectionDoesNotExistError", "CannotConnectNowError",
     "TooManyConnectionsError", "InterfaceError"}
)


class Database:
    """Owns the engine; opens units of work (`transaction()`) for their owners (see the module text)."""

    def __init__(
        self,
        url: str,
        *,
        schema: str | None = None,
        echo: bool = False,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        statement_timeout: float = DEFAULT_STATEMENT_TIMEOUT,
        ping_idle_after: float = PING_IDLE_AFTER,
    ):
        """`connect_timeout`: seconds to get a connection (new, or from the pool); `statement_timeout`: seconds
        one statement may run or wait for a lock (PostgreSQL `statement_timeout` and the driver's
        `command_timeout`; SQLite's busy timeout and the wait for this process's writer turn). A statement
        that takes longer fails with an error `is_unavailable` recognizes: the turn apologizes, nothing is lost.
        `ping_idle_after`: seconds a pooled PostgreSQL connection may have been idle before it is checked with a
        ping when it is taken from the pool (`_ping_if_idle`)."""
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self.statement_timeout = statement_timeout
        args: dict[str, Any] = {}
        # hide_parameters: errors and logs never carry the values of a statement (names, e-mail addresses).
        engine_kwargs: dict[str, Any] = {"echo": echo, "hide_parameters": True}
        if self.is_sqlite:
            _quiet_driver_logs()
            self._ensure_sqlite_dir()
            args["timeout"] = statement_timeout
            engine_kwargs["pool_reset_on_return"] = None  # _sqlite_reset instead
        else:
            server_settings = {
                "statement_timeout": str(int(statement_timeout * 1000)),
                "lock_timeout": str(int(statement_timeout * 1000)),
            }
            if schema:
                # All tables of this instance live in one PostgreSQL schema (tests use one per test).
                server_settings["search_path"] = schema
            args.update(server_settings=server_settings, timeout=connect_timeout, command_timeout=statement_timeout + 1)
            engine_kwargs.update(pool_size=10, max_overflow=10, pool_timeout=connect_timeout)  # _ping_if_idle
        self.engine: AsyncEngine = create_async_engine(self.url, connect_args=args, **engine_kwargs)
        self.ping_idle_after = ping_idle_after
        if not self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _note_use)
            event.listen(self.engine.sync_engine, "checkin", _note_use)
            event.listen(self.engine.sync_engine, "checkout", self._ping_if_idle)
        # core_unit on a SQLite file: a synchronous engine on the same file, used by one thread only.
        self._unit_engine: Engine | None = None
        self._unit_thread: ThreadPoolExecutor | None = None
        if self.is_sqlite:
            busy_ms = int(statement_timeout * 1000)
            event.listen(self.engine.sync_engine, "connect", lambda conn, record: _sqlite_pragmas(conn, record, busy_ms))
            event.listen(self.engine.sync_engine, "reset", _sqlite_reset)
            if _is_sqlite_file(self.url.database):
                self._unit_engine = create_engine(self.url.set(drivername="sqlite+pysqlite"), connect_args=args, **engine_kwargs)
                event.listen(self._unit_engine, "connect", lambda conn, record: _sqlite_pragmas(conn, record, busy_ms))
                event.listen(self._unit_engine, "reset", _sqlite_reset)
                self._unit_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-unit")
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer at a time and makes a waiting writer sleep in growing steps; taking turns
        # inside this process instead keeps the waits short (other processes still meet busy_timeout).
        self._sqlite_turns = asyncio.Lock() if self.is_sqlite else None
        # Told of every database error in a unit of work or a ping (the service counts them: /metrics).
        self.on_error: Callable[[BaseException], None] | None = None

    def _ping_if_idle(self, dbapi_connection, record, _proxy) -> None:
        """PostgreSQL: a connection taken from the pool after `ping_idle_after` seconds idle is pinged first; one
        that does not answer is replaced (the pool tries another). Connections die while they wait in the pool
        (a server restart or failover, an idle timeout on the way); one that was in use a moment ago is alive.
        SQLAlchemy's pool_pre_ping pinged on every checkout, three round trips (BEGIN, a query, ROLLBACK), which
        was three of a plain turn's seven under load."""
        used = record.info.get(_LAST_USE)
        if used is not None and time.monotonic() - used < self.ping_idle_after:
            return
        try:
            dbapi_connection.ping()
        except Exception as error:
            raise DisconnectionError("a pooled connection did not answer its ping") from error

    def _report(self, error: BaseException) -> None:
        if self.on_error is not None:
            self.on_error(error)

    def _ensure_sqlite_dir(self) -> None:
        database = self.url.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: a session in one transaction, committed when the block ends, rolled back on error."""
        try:
            async with self._writer_turn(), self.sessions() as session, session.begin():
                yield session
        except SQLAlchemyError as error:
            self._report(error)
            raise

    @asynccontextmanager
    async def core_transaction(self) -> AsyncIterator[AsyncConnection]:
        """A unit of work on a bare connection, for Core statements only (no ORM session: its bookkeeping
        costs more than the statements of a turn). The same rules as `transaction()`: committed when the
        block ends, rolled back on error, and on SQLite in this process's turn."""
        try:
            async with self._writer_turn(), self.engine.begin() as conn:
                yield conn
        except SQLAlchemyError as error:
            self._report(error)
            raise

    async def core_unit(self, body: Callable[[AsyncConnection], Awaitable[T]]) -> T:
        """`await body(conn)` as one unit of work on a bare connection, with the rules of `core_transaction`;
        on a SQLite file in one hop to this process's SQLite thread (module text). `body` awaits nothing but
        `conn.execute` (on SQLite those run at once, in that thread) and consumes its results before it returns."""
        if self._unit_engine is None or self._unit_thread is None:
            async with self.core_transaction() as conn:
                return await body(conn)
        return await self._in_unit_thread(body, orm=False)

    async def unit(self, body: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """`await body(session)` as one unit of work in an ORM session, with the rules of `transaction()`; on a
        SQLite file in one hop to this process's SQLite thread, as `core_unit`. For a unit that only reads or
        writes through its repositories: `body` awaits nothing but the session's own methods."""
        if self._unit_engine is None or self._unit_thread is None:
            async with self.transaction() as session:
                return await body(session)
        return await self._in_unit_thread(body, orm=True)

    async def _in_unit_thread(self, body: Callable[[Any], Awaitable[T]], *, orm: bool) -> T:
        assert self._unit_thread is not None
        try:
            async with self._writer_turn():
                done = asyncio.get_running_loop().run_in_executor(self._unit_thread, self._run_unit, body, orm)
                try:
                    return await asyncio.shield(done)
                except asyncio.CancelledError:
                    with suppress(BaseException):
                        await done  # the writer turn is this unit's until its transaction has ended
                    raise
        except SQLAlchemyError as error:
            self._report(error)
            raise

    def _run_unit(self, body: Callable[[Any], Awaitable[T]], orm: bool) -> T:
        """On the SQLite thread: the unit in one transaction, committed when `body` returns, rolled back if it
        raises. An ORM session joins that transaction (it flushes at the end; the commit is the connection's).
        The session's awaitables run SQLAlchemy's synchronous code in a greenlet that never has to wait here."""
        assert self._unit_engine is not None
        with self._unit_engine.begin() as sync_connection:
            connection = _InThread(self.engine, sync_connection)
            if not orm:
                return _at_once(body(connection))
            session = AsyncSession(bind=connection, expire_on_commit=False)
            try:
                result = _at_once(body(session))
                session.sync_session.flush()
                return result
            finally:
                session.sync_session.close()

    @asynccontextmanager
    async def _writer_turn(self) -> AsyncIterator[None]:
        """On SQLite, this process's turn to write (one transaction at a time, waited for at most the statement
        timeout); elsewhere nothing."""
        if self._sqlite_turns is None:
            yield
            return
        try:
            async with asyncio.timeout(self.statement_timeout):
                await self._sqlite_turns.acquire()
        except TimeoutError:
            raise DatabaseBusy("waited too long for this process's turn to write") from None
        try:
            yield
        finally:
            self._sqlite_turns.release()

    async def ping(self, timeout: float = 2.0) -> bool:
        try:
            async with asyncio.timeout(timeout):
                async with self.engine.connect() as conn:
                    await conn.execute(text("SELECT 1"))
            return True
        except Exception as error:
            log.warning("database ping failed", exc_info=True)
            self._report(error)
            return False

    async def migrate(self) -> None:
        """Apply all Alembic migrations (idempotent; serialized between instances on PostgreSQL)."""
        if await self._at_heads():
            return  # the usual start: nothing to do, no lock to wait for
        async with self.engine.begin() as conn:
            if not self.is_sqlite:
                await conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _MIGRATION_LOCK_ID})
            await conn.run_sync(_upgrade_to_head)

    async def _at_heads(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                rows = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
        except Exception:  # noqa: BLE001 - no version table yet: a new database
            return False
        return bool(rows) and _all_revisions() <= _applied(tuple(sorted(rows)))

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self._unit_engine is not None and self._unit_thread is not None:
            await asyncio.get_running_loop().run_in_executor(self._unit_thread, self._unit_engine.dispose)
            self._unit_thread.shutdown(wait=False)  # its thread ends; a unit after this opens no new one
            self._unit_engine = self._unit_thread = None


def _at_once(awaitable: Awaitable[T]) -> T:
    """The result of an awaitable that completes without waiting (a unit's body on the SQLite thread)."""
    step = awaitable.__await__()
    try:
        next(step)
    except StopIteration as finished:
        return cast(T, finished.value)
    step.close()
    raise RuntimeError("a unit of work on the SQLite thread awaited something other than its statements")


class _InThread(AsyncConnection):
    """What a unit's body gets on the SQLite thread: an AsyncConnection whose `execute` runs the statement at
    once on the thread's synchronous connection (there is no event loop to wait on in that thread)."""

    async def execute(self, statement: Any, parameters: Any = None, *, execution_options: Any = None) -> Any:
        connection = cast(Connection, self.sync_connection)
        return connection.execute(statement, parameters, execution_options=execution_options)


def _is_sqlite_file(database: str | None) -> bool:
    """A database on disk that a second connection opens as the same one (not `:memory:`, not a URI)."""
    return bool(database) and database != ":memory:" and not str(database).startswith("file:")


@lru_cache(maxsize=1)
def _script():
    # alembic is imported only when the schema is checked or upgraded, not on every import of storage.
    from alembic.config import Config  # noqa: PLC0415
    from alembic.script import ScriptDirectory  # noqa: PLC0415

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config)


@lru_cache(maxsize=1)
def _all_revisions() -> frozenset[str]:
    return frozenset(r.revision for r in _script().walk_revisions())


@lru_cache(maxsize=16)
def _applied(current: tuple[str, ...]) -> frozenset[str]:
    """Every revision applied when the version table holds `current` (ancestors and dependencies)."""
    try:
        return frozenset(r.revision for r in _script().revision_map.iterate_revisions(current, "base"))
    except Exception:  # noqa: BLE001 - an unknown revision in the table: let the upgrade decide
        return frozenset()


def _upgrade_to_head(sync_connection) -> None:
    from alembic import command  # noqa: PLC0415 - see _script
    from alembic.config import Config  # noqa: PLC0415

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = sync_connection
    command.upgrade(config, "heads")  # feature branches of the migration tree may each have a head


def dialect_name(session: AsyncSession | AsyncConnection) -> str:
    if isinstance(session, AsyncConnection):
        return session.dialect.name
    return session.get_bind().dialect.name


def insert_for(session: AsyncSession | AsyncConnection):
    """The dialect's `insert` (both have `on_conflict_do_nothing` and `on_conflict_do_update`)."""
    return sqlite_insert if dialect_name(session) == "sqlite" else pg_insert


def is_postgresql(session: AsyncSession | AsyncConnection) -> bool:
    return dialect_name(session) == "postgresql"


def rowcount(result: Result[Any]) -> int:
    """The rows an INSERT, UPDATE or DELETE matched. `AsyncSession.execute` is typed to return a `Result`;
    for these statements it is a `CursorResult`, which has the count."""
    return cast(CursorResult[Any], result).rowcount


def _quiet_driver_logs() -> None:
    """aiosqlite logs every call with its SQL parameters (names, e-mail addresses, message texts) at DEBUG;
    keep it at INFO whatever LOG_LEVEL says. (SQLAlchemy's own logs hide parameters: hide_parameters.)"""
    logger = logging.getLogger("aiosqlite")
    if logger.level < logging.INFO:
        logger.setLevel(logging.INFO)


def _note_use(_dbapi_connection, record) -> None:
    record.info[_LAST_USE] = time.monotonic()  # info belongs to this DBAPI connection: a new one starts afresh


def _sqlite_reset(dbapi_connection, record, state) -> None:
    """A connection back in the pool is rolled back only when it has a transaction open. Every unit of work
    ends with its commit or rollback, after which the pool's usual rollback is one more thread hop through
    aiosqlite that does nothing; SQLite itself says whether a transaction is open (a read of the connection's
    flag, no hop). SQLAlchemy's "custom reset-on-return" scheme: pool_reset_on_return=None and this handler."""
    if not state.asyncio_safe:
        return  # as the pool's own reset: no I/O here (the connection is being discarded)
    try:
        open_transaction = bool(record.driver_connection.in_transaction)
    except Exception:  # noqa: BLE001 - the flag cannot be read: roll back, as the pool would
        open_transaction = True
    if open_transaction:
        dbapi_connection.rollback()


def _sqlite_pragmas(dbapi_connection, _record, busy_ms: int = 30000) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable in WAL mode except for the last commits on power loss
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
    cursor.close()
