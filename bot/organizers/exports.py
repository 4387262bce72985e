"""Exports for organizers: registrations, offers, intentions, forwarded questions and answer feedback as CSV or
XLSX, handed out as short-lived download links that the bot serves itself.

A link is `GET /exports/{token}` with token `<link id>.<dataset>.<format>.<expiry>.<language>.<signature>`:
the signature is HMAC-SHA256 over the organizer's Entra object id and the other fields, with the key from
EXPORT_SIGNING_KEY (or a random key made once and kept in the database, shared by every instance). The
organizer's id is signed but not written into the link, so no identifier ends up in browser histories or
access logs. At download time the signer must still be in ORGANIZER_AAD_IDS. A link that is not ours gets 403
(not audited: anyone on the internet can try one); a link of ours that expired gets 410, one whose organizer
was removed or whose dataset is unknown gets 403; those and every download are audited. A link works once:
its id is claimed in the database (`export_download`) before the file is sent, so a second download, by
anyone, gets 410. A link is thus a short-lived, single-use bearer link: whoever opens it first within its
lifetime gets the file; it does not check who opens it.

Files open in Excel as they should with Dutch characters: CSV is UTF-8 with a byte order mark, `;` between
fields and quotes where needed; XLSX has a bold header row, column widths that fit, and real date cells in
Europe/Amsterdam. Headers and values are in the organizer's language.

Large exports do not hold up other users: rows are read in pages of `BATCH_ROWS` (keyset pagination, each page
its own short transaction, so SQLite's write lock is free between pages), turned into cells and encoded in a
worker thread, and CSV is streamed to the browser page by page. XLSX is built in a worker thread with
openpyxl's write-only mode (openpyxl is imported only then, not at start-up). Pages are separate reads: a row
changed during a long export shows as it was when its page was read.
"""

from __future__ import annotations

import asyncio
import base64
import csv
import hashlib
import hmac
import io
import logging
import re
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, get_args, get_type_hints
from urllib.parse import quote

from aiohttp import web

from bot.core import metrics
from bot.core.clock import DISPLAY_TZ, Clock
from bot.core.config import Settings
from bot.core.i18n import Catalog, language_for_locale, normalize_language
from bot.core.organizers import Organizers
from bot.nlu import Recognizer
from bot.offers import OfferOptions
from bot.sessions import Session, SessionBook
from storage.db import Database
from storage.organizers.keys import ExportDownloads, ExportSecrets
from storage.organizers.reporting import FeedbackCount, IntentionRow, OfferRow, QuestionRow, RegistrationRow, Reporting

log = logging.getLogger(__name__)

FORMATS = ("xlsx", "csv")
AUDIT_LINK = "export.link"
AUDIT_DOWNLOAD = "export.download"
SECRET_NAME = "export_signing_key"
_SIGNING_CONTEXT = "vng-export-v1"
_TOKEN = re.compile(
    r"^(?P<link>[A-Za-z0-9_-]{8,32})\.(?P<dataset>[a-z_]{1,32})\.(?P<fmt>[a-z]{2,8})\.(?P<expires>\d{1,12})"
    r"\.(?P<lang>[a-z]{2})\.(?P<sig>[A-Za-z0-9_-]{43})$"
)
# A personal file: not cached by shared caches, not indexed, no referrer carrying the link elsewhere.
_PRIVATE = {
    "Cache-Control": "private, no-store",
    "X-Robots-Tag": "noindex",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
_CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Text that Excel would read as a formula when it starts with one of these (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CSV_DATETIME = "%Y-%m-%d %H:%M"
BOM = "\ufeff".encode()
_XLSX_DATETIME = "yyyy-mm-dd hh:mm"
_XLSX_MONEY = '"€" #,##0.00'
_MIN_WIDTH, _MAX_WIDTH = 8, 60
# Characters XML 1.0 does not allow (C0 controls except tab, line feed, carriage return): dropped from XLSX text.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
BATCH_ROWS = 1000  # rows per page read from the database


# --- links ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LinkClaim:
    """What a download link says; trusted only once its signature is checked."""

    link_id: str
    dataset: str
    fmt: str
    expires: int  # Unix time, seconds
    lang: str
    signature: str

    @property
    def target(self) -> str:
        """How the audit trail names this link (no personal data)."""
        return link_target(self.dataset, self.fmt, self.link_id)


@dataclass(frozen=True)
class Link:
    link_id: str
    url: str
    expires_at: datetime


def link_target(dataset: str, fmt: str, link_id: str) -> str:
    return f"{dataset}.{fmt}:{link_id}"


def new_link_id() -> str:
    return secrets.token_urlsafe(12)


class ExportLinks:
    """Signs and reads download links; the key comes from the settings or, once, from the database."""

    def __init__(self, *, settings: Settings, db: Database, clock: Clock):
        self._settings = settings
        self._db = db
        self._clock = clock
        self._key: bytes | None = None
        self._lock = asyncio.Lock()

    @property
    def lifetime(self) -> timedelta:
        return timedelta(minutes=self._settings.export_link_minutes)

    async def key(self) -> bytes:
        if self._key is not None:
            return self._key
        async with self._lock:
            if self._key is None:
                configured = self._settings.export_signing_key.strip()
                if configured:
                    if len(configured) < 32:
                        log.warning("EXPORT_SIGNING_KEY is shorter than 32 characters; use a long random value")
                    self._key = configured.encode("utf-8")
                else:
                    async with self._db.transaction() as session:
                        stored = await ExportSecrets(session).get_or_create(
                            SECRET_NAME, secrets.token_urlsafe(48), self._clock.now()
                        )
                    self._key = stored.encode("utf-8")
        return self._key

    @staticmethod
    def signature(key: bytes, aad_object_id: str, link_id: str, dataset: str, fmt: str, expires: int, lang: str) -> str:
        message = "\x1f".join((_SIGNING_CONTEXT, aad_object_id.strip().lower(), link_id, dataset, fmt, str(expires), lang))
        digest = hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")

    def token(self, key: bytes, aad_object_id: str, link_id: str, dataset: str, fmt: str, expires: int, lang: str) -> str:
        sig = self.signature(key, aad_object_id, link_id, dataset, fmt, expires, lang)
        return f"{link_id}.{dataset}.{fmt}.{expires}.{lang}.{sig}"

    async def create(self, aad_object_id: str, dataset: str, fmt: str, lang: str, *, link_id: str | None = None) -> Link:
        link_id = link_id or new_link_id()
        expires_at = self._clock.now() + self.lifetime
        expires = int(expires_at.timestamp())
        token = self.token(await self.key(), aad_object_id, link_id, dataset, fmt, expires, normalize_language(lang))
        url = f"{self._settings.effective_public_base_url}/exports/{token}"
        return Link(link_id=link_id, url=url, expires_at=datetime.fromtimestamp(expires, UTC))

    @staticmethod
    def parse(token: str) -> LinkClaim | None:
        found = _TOKEN.match(token or "")
        if found is None:
            return None
        return LinkClaim(
            link_id=found["link"], dataset=found["dataset"], fmt=found["fmt"], expires=int(found["expires"]),
            lang=found["lang"], signature=found["sig"],
        )

    def signed_by(self, key: bytes, claim: LinkClaim, aad_object_id: str | None) -> bool:
        if not aad_object_id:
            return False
        expected = self.signature(key, aad_object_id, claim.link_id, claim.dataset, claim.fmt, claim.expires, claim.lang)
        return hmac.compare_digest(expected, claim.signature)


# --- tables ----------------------------------------------------------------------------------------------------
TEXT, INT, MONEY, DATETIME = "text", "int", "money", "datetime"
Cell = Callable[["Exporter", str, Any], Any]  # (exporter, the organizer's language, a reporting row) -> the value


@dataclass(frozen=True)
class Column:
    key: str  # also names the header: export.columns.<dataset>.<key>
    kind: str  # TEXT, INT, MONEY or DATETIME: how CSV and XLSX write the value
    value: Cell


def _attribute(name: str) -> Cell:
    return lambda _exporter, _lang, row: getattr(row, name)


def _label(group: str, name: str) -> Cell:
    """The field's code shown as its label from `export.values.<group>`."""
    return lambda exporter, lang, row: exporter.value_label(lang, group, getattr(row, name))


def _kind_of(annotation: Any) -> str:
    types = {t for t in get_args(annotation) if t is not type(None)} or {annotation}
    if int in types:
        return INT
    if datetime in types:
        return DATETIME
    return TEXT


def columns_of(row_type: type, **overrides: Cell | tuple[Column, ...]) -> tuple[Column, ...]:
    """The export columns of a reporting row type (storage/organizers/reporting.py), in the order of its fields:
    each field is one column of the same name and the kind of its type, unless `overrides` names the field:
    a function gives that column's value, a tuple of columns takes the field's place."""
    hints = get_type_hints(row_type)
    columns: list[Column] = []
    for field in fields(row_type):
        override = overrides.pop(field.name, None)
        if isinstance(override, tuple):
            columns.extend(override)
        else:
            columns.append(Column(field.name, _kind_of(hints[field.name]), override or _attribute(field.name)))
    if overrides:
        raise ValueError(f"{row_type.__name__} has no fields {sorted(overrides)}")
    return tuple(columns)


def _session(exporter: Exporter, _lang: str, row: RegistrationRow) -> Session | None:
    return exporter.book.get(row.session_id)


_LANGUAGE = _label("languages", "language")
COLUMNS: dict[str, tuple[Column, ...]] = {
    "registrations": columns_of(
        RegistrationRow,
        session_id=(
            Column("session", TEXT, lambda x, lang, r: s.title_for(lang) if (s := _session(x, lang, r)) else r.session_id),
            Column("session_start", DATETIME, lambda x, lang, r: s.start if (s := _session(x, lang, r)) else None),
        ),
        mode=_label("modes", "mode"),
        status=_label("registration_status", "status"),
        language=_LANGUAGE,
    ),
    "offers": columns_of(
        OfferRow,
        status=_label("record_status", "status"),
        areas=lambda x, lang, r: x.options.area_labels(lang, r.areas, None),
        working_languages=lambda x, lang, r: x.options.language_labels(lang, r.working_languages),
        work_mode=lambda x, lang, r: x.options.work_mode_label(lang, r.work_mode),
        language=_LANGUAGE,
    ),
    "intentions": columns_of(
        IntentionRow,
        status=_label("record_status", "status"),
        amount_cents=(
            Column("amount", MONEY, lambda _x, _lang, r: Decimal(r.amount_cents) / 100 if r.amount_cents is not None else None),
        ),
        language=_LANGUAGE,
    ),
    "questions": columns_of(QuestionRow, status=_label("question_status", "status"), language=_LANGUAGE),
    "feedback": columns_of(
        FeedbackCount,
        entry_id=(
            Column("entry_id", TEXT, _attribute("entry_id")),
            Column("question", TEXT, lambda x, lang, r: x.question_of(lang, r.entry_id)),
        ),
        not_helpful=(
            Column("not_helpful", INT, _attribute("not_helpful")),
            Column("total", INT, _attribute("total")),
        ),
    ),
}
Page = Callable[[Reporting, Any, int, dict], Awaitable[Sequence[Any]]]  # (reporting, after, limit, state) -> rows


async def _feedback_page(reporting: Reporting, after: Any, _limit: int, _state: dict) -> Sequence[Any]:
    return await reporting.feedback_counts() if after is None else ()  # one row per answer: always one page


_PAGES: dict[str, tuple[Page, Callable[[Any], Any]]] = {  # a page of rows, and the key of a row for the next page
    "registrations": (lambda r, after, limit, state: r.registrations(after=after, limit=limit, queue=state), lambda row: (row.session_id, row.id)),
    "offers": (lambda r, after, limit, _state: r.offers(after=after, limit=limit), lambda row: row.id),
    "intentions": (lambda r, after, limit, _state: r.intentions(after=after, limit=limit), lambda row: row.id),
    "questions": (lambda r, after, limit, _state: r.questions(after=after, limit=limit), lambda row: row.id),
    "feedback": (_feedback_page, lambda row: row.entry_id),
}
DATASETS = tuple(COLUMNS)


@dataclass(frozen=True)
class Table:
    dataset: str
    headers: tuple[str, ...]
    kinds: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


class Exporter:
    """Builds the tables (in the organizer's language) and writes them as CSV or XLSX."""

    options: OfferOptions  # the columns' cells read these two
    book: SessionBook

    def __init__(self, *, catalog: Catalog, options: OfferOptions, book: SessionBook, recognizer: Recognizer):
        self._catalog = catalog
        self.options = options
        self.book = book
        self._recognizer = recognizer

    def t(self, lang: str, key: str, **params: Any) -> str:
        return self._catalog.text(lang, key, **params)

    def value_label(self, lang: str, group: str, code: str | None) -> str:
        """A code's label from `export.values.<group>`; an unknown code as it is."""
        if code is None:
            return ""
        key = f"export.values.{group}.{code}"
        return self._catalog.text(lang, key) if self._catalog.has(key, lang) else code

    def dataset_label(self, lang: str, dataset: str) -> str:
        return self.t(lang, f"export.datasets.{dataset}.label")

    def format_label(self, lang: str, fmt: str) -> str:
        return self.t(lang, f"export.formats.{fmt}")

    def question_of(self, lang: str, entry_id: str) -> str:
        """The knowledge entry's question, or '' when the entry no longer exists."""
        try:
            question = self._recognizer.entry(entry_id).question
        except KeyError:
            return ""
        return question.get(lang) or question.get("nl") or ""

    def filename(self, dataset: str, fmt: str, lang: str, now: datetime) -> str:
        return f"{self.t(lang, f'export.datasets.{dataset}.file')}-{now.astimezone(DISPLAY_TZ):%Y-%m-%d}.{fmt}"

    def headers(self, dataset: str, lang: str) -> tuple[str, ...]:
        return tuple(self.t(lang, f"export.columns.{dataset}.{column.key}") for column in COLUMNS[dataset])

    def cells(self, dataset: str, lang: str, records: Sequence[Any]) -> list[tuple[Any, ...]]:
        """The cell values of reporting rows (pure; run in a worker thread for large pages)."""
        columns = COLUMNS[dataset]
        return [tuple(column.value(self, lang, record) for column in columns) for record in records]

    async def batches(self, db: Database, dataset: str, lang: str, size: int | None = None) -> AsyncIterator[list[tuple[Any, ...]]]:
        """The dataset's rows as cell values, a page at a time: each page is read in its own short transaction
        and turned into cells in a worker thread, so other users' turns run in between."""
        if dataset not in COLUMNS:
            raise ValueError(f"unknown dataset {dataset!r}")
        page, key = _PAGES[dataset]
        size = size or BATCH_ROWS
        after: Any = None
        state: dict = {}
        while True:
            async with db.transaction() as session:
                records = await page(Reporting(session), after, size, state)
            if not records:
                return
            yield await asyncio.to_thread(self.cells, dataset, lang, records)
            if len(records) < size:
                return
            after = key(records[-1])

    async def table(self, db: Database, dataset: str, lang: str) -> Table:
        """The whole dataset in memory (the XLSX file needs every row for its column widths)."""
        rows: list[tuple[Any, ...]] = []
        async for batch in self.batches(db, dataset, lang):
            rows.extend(batch)
        return Table(
            dataset=dataset, headers=self.headers(dataset, lang), kinds=tuple(c.kind for c in COLUMNS[dataset]), rows=tuple(rows)
        )

    # --- files --------------------------------------------------------------------------------------------
    @staticmethod
    def csv_chunk(rows: Sequence[Sequence[Any]], kinds: Sequence[str] | None, lang: str) -> bytes:
        """CSV lines (`;` between fields, CRLF line ends); `kinds` None: header cells (text)."""
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, delimiter=";", quotechar='"', quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        for row in rows:
            if kinds is None:
                writer.writerow([_csv_text(h) for h in row])
            else:
                writer.writerow([_csv_cell(value, kind, lang) for value, kind in zip(row, kinds, strict=True)])
        return buffer.getvalue().encode("utf-8")

    @staticmethod
    def csv_bytes(table: Table, lang: str) -> bytes:
        """UTF-8 with a byte order mark, `;` between fields, CRLF line ends: what Dutch Excel opens directly."""
        return BOM + Exporter.csv_chunk([table.headers], None, lang) + Exporter.csv_chunk(table.rows, table.kinds, lang)

    def xlsx_bytes(self, table: Table, lang: str, now: datetime) -> bytes:
        """One sheet: a bold, frozen header row with a filter, fitted column widths, real date and number cells.
        openpyxl's write-only mode (rows go straight to the file); run it in a worker thread."""
        from openpyxl import Workbook  # noqa: PLC0415 - imported only for an XLSX export (start-up time)
        from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415
        from openpyxl.styles import Alignment, Font  # noqa: PLC0415
        from openpyxl.utils import get_column_letter  # noqa: PLC0415

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(_sheet_title(self.t(lang, f"export.datasets.{table.dataset}.sheet")))
        workbook.properties.created = workbook.properties.modified = now.astimezone(UTC).replace(tzinfo=None)
        workbook.properties.creator = None
        # Write-only: widths, the frozen row and the filter are set before the first row is written.
        widths = [len(h) for h in table.headers]
        for row in table.rows:
            for c, (value, kind) in enumerate(zip(row, table.kinds, strict=True)):
                if value is not None:
                    widths[c] = max(widths[c], _xlsx_width(value, kind))
        for c, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(c)].width = min(max(width, _MIN_WIDTH), _MAX_WIDTH) + 2
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.headers))}{len(table.rows) + 1}"
        bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
        header = []
        for h in table.headers:
            cell = WriteOnlyCell(sheet, _xlsx_text(h))
            cell.font, cell.data_type = bold, "s"
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            cells: list[Any] = []
            for value, kind in zip(row, table.kinds, strict=True):
                if value is None:
                    cells.append(None)
                elif kind == DATETIME:
                    cell = WriteOnlyCell(sheet, value.astimezone(DISPLAY_TZ).replace(tzinfo=None))
                    cell.number_format = _XLSX_DATETIME
                    cells.append(cell)
                elif kind == MONEY:
                    cell = WriteOnlyCell(sheet, value)
                    cell.number_format = _XLSX_MONEY
                    cells.append(cell)
                elif kind == INT:
                    cells.append(int(value))
                else:
                    text = _xlsx_text(str(value))
                    cell = WriteOnlyCell(sheet, text)
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                    if "\n" in text or max((len(line) for line in text.splitlines()), default=0) > _MAX_WIDTH:
                        cell.alignment = wrap
                    cells.append(cell)
            sheet.append(cells)
        output = io.BytesIO()
        workbook.save(output)
        return output.getvalue()


def _csv_text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _csv_cell(value: Any, kind: str, lang: str) -> str:
    if value is None:
        return ""
    if kind == DATETIME:
        return value.astimezone(DISPLAY_TZ).strftime(_CSV_DATETIME)
    if kind == MONEY:
        text = f"{value:.2f}"
        return text.replace(".", ",") if lang == "nl" else text
    if kind == INT:
        return str(int(value))
    return _csv_text(str(value))


def _xlsx_text(value: str) -> str:
    """XLSX (XML) cannot hold most control characters; they are dropped."""
    return _XML_ILLEGAL.sub("", value)


def _xlsx_width(value: Any, kind: str) -> int:
    if kind == DATETIME:
        return 16
    if kind == MONEY:
        return len(f"€ {value:,.2f}")
    if kind == INT:
        return len(str(value))
    return max((len(line) for line in _xlsx_text(str(value)).splitlines()), default=0)


def _sheet_title(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Export"


# --- the download route ----------------------------------------------------------------------------------------
def download_handler(
    *,
    links: ExportLinks,
    exporter: Exporter,
    organizers: Organizers,
    settings: Settings,
    db: Database,
    clock: Clock,
    catalog: Catalog,
):
    """`GET /exports/{token}`: the file when the link is ours, unexpired and its organizer still is one."""

    def refuse(status: int, lang: str) -> web.Response:
        key = "export.download.expired" if status == 410 else "export.download.refused"
        return web.Response(status=status, text=catalog.text(lang, key), headers=_PRIVATE)

    async def download(request: web.Request) -> web.StreamResponse:
        browser_lang = language_for_locale((request.headers.get("Accept-Language") or "").split(",")[0].split(";")[0])
        claim = ExportLinks.parse(request.match_info["token"])
        if claim is None:
            log.info("refused an export download: not a link of ours")
            return refuse(403, browser_lang)
        key = await links.key()
        signer = next((aad for aad in settings.organizer_aad_ids if links.signed_by(key, claim, aad)), None)
        if signer is None or not organizers.is_organizer(signer):
            async with db.transaction() as session:
                creator = await Reporting(session).audit_actor(AUDIT_LINK, claim.target)
            if links.signed_by(key, claim, creator):
                log.info("refused an export download: the organizer of the link is no longer an organizer")
                await organizers.audit(creator or "", AUDIT_DOWNLOAD, target=claim.target, detail={"refused": "revoked"}, allowed=False)
            else:
                log.info("refused an export download: the signature does not match")
            return refuse(403, browser_lang)
        lang = normalize_language(claim.lang)
        if clock.now().timestamp() >= claim.expires:
            log.info("refused an export download: the link expired")
            await organizers.audit(signer, AUDIT_DOWNLOAD, target=claim.target, detail={"refused": "expired"}, allowed=False)
            return refuse(410, lang)
        if claim.dataset not in DATASETS or claim.fmt not in FORMATS:
            log.info("refused an export download: unknown dataset or format")
            await organizers.audit(signer, AUDIT_DOWNLOAD, target=claim.target, detail={"refused": "unknown"}, allowed=False)
            return refuse(403, lang)

        now = clock.now()
        async with db.transaction() as session:
            first = await ExportDownloads(session).claim(claim.link_id, now)
        if not first:
            log.info("refused an export download: the link was used already")
            await organizers.audit(signer, AUDIT_DOWNLOAD, target=claim.target, detail={"refused": "used"}, allowed=False)
            return web.Response(status=410, text=catalog.text(lang, "export.download.used"), headers=_PRIVATE)
        filename = exporter.filename(claim.dataset, claim.fmt, lang, now)
        headers = {
            **_PRIVATE,
            "Content-Type": _CONTENT_TYPES[claim.fmt],
            "Content-Disposition": f"attachment; filename=\"{_ascii(filename)}\"; filename*=UTF-8''{quote(filename)}",
        }
        if claim.fmt == "csv":
            # Streamed page by page: the first bytes leave before the last rows are read.
            response = web.StreamResponse(headers=headers)
            kinds = tuple(column.kind for column in COLUMNS[claim.dataset])
            rows = 0
            await response.prepare(request)
            await response.write(BOM + Exporter.csv_chunk([exporter.headers(claim.dataset, lang)], None, lang))
            async for batch in exporter.batches(db, claim.dataset, lang):
                await response.write(await asyncio.to_thread(Exporter.csv_chunk, batch, kinds, lang))
                rows += len(batch)
        else:
            table = await exporter.table(db, claim.dataset, lang)
            body = await asyncio.to_thread(exporter.xlsx_bytes, table, lang, now)
            response, rows = web.Response(body=body, headers=headers), len(table.rows)
        await organizers.audit(signer, AUDIT_DOWNLOAD, target=claim.target, detail={"rows": rows}, allowed=True)
        metrics.export_rows(claim.fmt, rows)
        log.info("export %s.%s downloaded (%d rows)", claim.dataset, claim.fmt, rows)
        if isinstance(response, web.Response):
            return response
        await response.write_eof()
        return response

    return download


def _ascii(filename: str) -> str:
    return "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename)
