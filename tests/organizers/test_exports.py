"""Exports: the link in Teams, and the files behind it (CSV for Dutch Excel, XLSX) with every field organizers
follow up on, Dutch characters intact, headers in the organizer's language, and every step audited."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app import SERVICES
from storage.organizers.models import ExportSecret
from tests.organizers.conftest import (
    BOM,
    OLGA,
    audit_rows,
    detail,
    link_of,
    load_xlsx,
    olga,
    parse_csv,
    seed,
    token_of,
)
from tests.support import all_text
from tests.wording import msg, msg_part

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AT = datetime(2022, 9, 20, 10, 15)  # noqa: DTZ001 - the test clock in Europe/Amsterdam, as naive spreadsheet cells hold it


def columns(dataset: str, *names: str, lang: str = "nl") -> list[str]:
    """Export headers as the catalog words them (`export.columns.<dataset>.<name>`)."""
    return [msg(lang, f"export.columns.{dataset}.{name}") for name in names]


def column(dataset: str, name: str, lang: str = "nl") -> str:
    return msg(lang, f"export.columns.{dataset}.{name}")


def value(kind: str, name: str, lang: str = "nl") -> str:
    """A translated cell value (`export.values.<kind>.<name>`), such as a status."""
    return msg(lang, f"export.values.{kind}.{name}")


async def _download(client, path: str):
    response = await client.get(path)
    assert response.status == 200, await response.text()
    assert response.headers["Cache-Control"] == "private, no-store"
    return response, await response.read()


async def test_registrations_as_csv_for_dutch_excel(org_client, connector):
    await seed(org_client)
    replies = await olga(org_client, connector).say("export aanmeldingen csv")
    text = all_text(replies)
    assert msg("nl", "export.link.title") in text and "10:25" in text and msg_part("nl", "export.link.careful") in text
    response, body = await _download(org_client, link_of(replies))
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith(f'attachment; filename="{msg("nl", "export.datasets.registrations.file")}-2022-09-20.csv"')
    assert body.startswith(BOM) and b";" in body.splitlines()[0] and body.count(b"\r\n") >= 5
    header, *rows = parse_csv(body)
    assert header == columns("registrations", "id", "session", "session_start", "mode", "status", "waitlist_position", "name", "email",
                             "municipality", "role", "accessibility", "dietary", "language", "created_at", "updated_at", "cancelled_at")
    col = {name: column("registrations", name) for name in ("session", "session_start", "mode", "status", "waitlist_position", "email",
                                                            "municipality", "accessibility", "dietary", "language", "created_at", "cancelled_at")}
    by_name = {row[6]: dict(zip(header, row, strict=True)) for row in rows}
    assert len(rows) == 4
    first = by_name["Deelnemer 1"]
    assert first[col["municipality"]] == "Súdwest-Fryslân" and first[col["status"]] == value("registration_status", "confirmed")
    assert first[col["mode"]] == value("modes", "in_person")
    assert first[col["session"]] == "Informatiebijeenkomst lokale herstelplannen Oekraïne"
    assert first[col["session_start"]] == "2022-10-04 14:00" and first[col["created_at"]] == "2022-09-20 10:15"
    assert (first[col["accessibility"]], first[col["dietary"]], first[col["email"]]) == ("Ringleiding", "Vegetarisch", "deelnemer1@example.nl")
    second = by_name["Deelnemer 2"]
    assert (second[col["municipality"]], second[col["status"]], second[col["waitlist_position"]]) == (
        "'s-Hertogenbosch", value("registration_status", "waitlisted"), "1")
    fourth = by_name["Deelnemer 4"]
    assert fourth[col["status"]] == value("registration_status", "cancelled") and fourth[col["cancelled_at"]] == "2022-09-20 10:15"
    assert first[col["language"]] == value("languages", "nl") and first[col["waitlist_position"]] == ""

    link = [e for e in await audit_rows(org_client) if e.action == "export.link"]
    download = await audit_rows(org_client, "export.download")
    target = f"registrations.csv:{token_of(link_of(replies)).split('.')[0]}"
    assert [(e.actor_aad_object_id, e.target, e.allowed) for e in link] == [(OLGA["aadObjectId"], target, True)]
    assert [(e.actor_aad_object_id, e.target, detail(e)) for e in download] == [(OLGA["aadObjectId"], target, {"rows": 4})]


async def test_offers_as_xlsx_from_the_card(org_client, connector):
    await seed(org_client)
    organizer = olga(org_client, connector)
    await organizer.say("export")
    replies = await organizer.submit({"action": "organizer_desk.export", "dataset": "offers", "format": "xlsx"})
    response, body = await _download(org_client, link_of(replies))
    assert response.headers["Content-Type"] == XLSX
    assert f'filename="{msg("nl", "export.datasets.offers.file")}-2022-09-20.xlsx"' in response.headers["Content-Disposition"]
    sheet = load_xlsx(body)
    assert sheet.title == msg("nl", "export.datasets.offers.sheet") and sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header[:8] == columns("offers", "id", "status", "municipality", "contact_name", "contact_email", "contact_phone", "areas", "other_area")
    col = {name: column("offers", name) for name in ("status", "municipality", "contact_name", "contact_phone", "areas", "description",
                                                     "working_languages", "expert_count", "work_mode", "withdrawn_at", "created_at")}
    assert all(c.font.bold for c in sheet[1])
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == 4
    first, _, third, gone = rows
    assert first[col["municipality"]] == "Súdwest-Fryslân" and first[col["areas"]] == "Water en riolering, Energie en warmte"
    assert first[col["description"]] == 'Gemalen; "drukriolering"\nen =SOM(A1) in Oekraïne.'
    assert first[col["working_languages"]] == ", ".join(msg("nl", f"offers.languages.{code}") for code in ("uk", "en"))
    assert first[col["expert_count"]] == 2 and first[col["contact_phone"]] == "+31 6 12345678"
    assert third[col["description"]] == '=HYPERLINK("x")'  # stored as text, never as a formula
    description = header.index(col["description"]) + 1
    assert all(sheet.cell(row=r, column=description).data_type == "s" for r in range(2, 6))
    assert rows[1][col["municipality"]] == "'s-Hertogenbosch" and rows[1][col["work_mode"]] == msg("nl", "offers.work_modes.on_site")
    assert gone[col["status"]] == value("record_status", "withdrawn") and gone[col["contact_name"]] is None and gone[col["withdrawn_at"]] == AT
    created = sheet.cell(row=2, column=header.index(col["created_at"]) + 1)
    assert created.is_date and created.value == AT  # a real date cell, Amsterdam time
    widths = {sheet.cell(row=1, column=i + 1).column_letter: sheet.column_dimensions[sheet.cell(row=1, column=i + 1).column_letter].width
              for i in range(len(header))}
    longest = len("Wij helpen bij drinkwater in Oekraïne.")  # the longest line in the column
    assert widths[sheet.cell(row=1, column=description).column_letter] == longest + 2
    assert all(10 <= width <= 62 for width in widths.values())
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(row=1, column=len(header)).column_letter}5"


async def test_offers_as_csv_quote_and_defuse(org_client, connector):
    await seed(org_client)
    _, body = await _download(org_client, link_of(await olga(org_client, connector).say("export aanbod csv")))
    assert ';"Gemalen; ""drukriolering""\nen =SOM(A1) in Oekraïne.";'.encode() in body  # quoted, quotes doubled
    header, *rows = parse_csv(body)
    described = [row[header.index(column("offers", "description"))] for row in rows]
    assert described[0] == 'Gemalen; "drukriolering"\nen =SOM(A1) in Oekraïne.'
    assert described[2] == "'=HYPERLINK(\"x\")"  # Excel shows it as text instead of running it
    assert rows[0][header.index(column("offers", "contact_phone"))] == "'+31 6 12345678"


async def test_intentions_as_xlsx_with_amounts(org_client, connector):
    await seed(org_client)
    _, body = await _download(org_client, link_of(await olga(org_client, connector).say("export intenties excel")))
    sheet = load_xlsx(body)
    header = [c.value for c in sheet[1]]
    assert header == columns("intentions", "id", "status", "municipality", "contact_name", "contact_email", "amount", "remarks",
                             "language", "consented_at", "created_at", "updated_at", "withdrawn_at")
    amounts = [sheet.cell(row=r, column=6) for r in range(2, 6)]
    assert [a.value for a in amounts] == [5000, 12345.67, None, 999]
    assert all(a.data_type == "n" for a in amounts if a.value is not None)
    assert "€" in amounts[0].number_format
    assert [sheet.cell(row=r, column=2).value for r in range(2, 6)] == [value("record_status", "active")] * 3 + [value("record_status", "withdrawn")]
    assert sheet.cell(row=5, column=4).value is None  # a withdrawn intention keeps no contact details


async def test_intentions_as_csv_with_a_decimal_comma(org_client, connector):
    await seed(org_client)
    _, body = await _download(org_client, link_of(await olga(org_client, connector).say("export bijdragen csv")))
    header, *rows = parse_csv(body)
    assert [row[header.index(msg("nl", "export.columns.intentions.amount"))] for row in rows] == ["5000,00", "12345,67", "", "999,00"]
    assert rows[1][header.index(column("intentions", "municipality"))] == "'s-Hertogenbosch"


async def test_forwarded_questions_and_feedback(org_client, connector):
    seeded = await seed(org_client)
    _, body = await _download(org_client, link_of(await olga(org_client, connector).say("export vragen csv")))
    header, *rows = parse_csv(body)
    assert header == columns("questions", "id", "status", "question", "asker_name", "language", "created_at", "answered_at", "answer")
    assert [(r[1], r[2], r[3]) for r in rows] == [
        (value("question_status", "open"), "Kunnen wij experts naar Oekraïne sturen?", "Fenna Fryslân"),
        (value("question_status", "open"), "Wie betaalt de reiskosten?", "Fenna Fryslân"),
        (value("question_status", "answered"), "Is er een verslag?", "Fenna Fryslân"),
    ]
    assert rows[2][6:] == ["2022-09-20 11:15", "Ja, na afloop."]

    _, body = await _download(org_client, link_of(await olga(org_client, connector).say("export feedback xlsx")))
    sheet = load_xlsx(body)
    recognizer = org_client.app[SERVICES].recognizer
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == columns("feedback", "entry_id", "question", "helpful", "not_helpful", "total", "first_at", "last_at")
    first, second = seeded["entries"]
    assert values[1] == [first, recognizer.entry(first).question["nl"], 1, 2, 3, AT, AT]
    assert values[2][:5] == [second, recognizer.entry(second).question["nl"], 1, 0, 1]


async def test_english_headers_for_an_english_organizer(org_client, connector):
    await seed(org_client)
    organizer = olga(org_client, connector, lang="en")
    replies = await organizer.say("export registrations")  # no format: Excel
    assert msg_part("en", "export.link.body") in all_text(replies) and "10:25" in all_text(replies)
    response, body = await _download(org_client, link_of(replies))
    assert f'filename="{msg("en", "export.datasets.registrations.file")}-2022-09-20.xlsx"' in response.headers["Content-Disposition"]
    sheet = load_xlsx(body)
    assert sheet.title == msg("en", "export.datasets.registrations.sheet")
    assert [c.value for c in sheet[1]][:5] == columns("registrations", "id", "session", "session_start", "mode", "status", lang="en")
    assert sheet.cell(row=2, column=2).value == "Information session on local recovery plans in Ukraine"
    assert sheet.cell(row=2, column=9).value == "Súdwest-Fryslân" and sheet.cell(row=2, column=13).value == value("languages", "nl", lang="en")

    _, body = await _download(org_client, link_of(await organizer.submit({"action": "organizer_desk.export", "dataset": "intentions", "format": "csv"})))
    header, *rows = parse_csv(body)
    assert header[5] == msg("en", "export.columns.intentions.amount") and rows[1][5] == "12345.67"


async def test_a_bad_choice_gets_the_choice_again(org_client, connector):
    organizer = olga(org_client, connector)
    replies = await organizer.submit({"action": "organizer_desk.export", "dataset": "passwords", "format": "pdf"})
    assert msg_part("nl", "export.unknown_choice") in all_text(replies) and "/exports/" not in str(replies)
    replies = await organizer.submit({"action": "organizer_desk.export", "dataset": ["x"], "format": None})
    assert msg_part("nl", "export.unknown_choice") in all_text(replies)
    assert [e.target for e in await audit_rows(org_client, "export.link")] == ["invalid", "invalid"]


async def test_the_signing_key_is_made_once_and_shared_by_every_instance(org_client, make_client, desk_content, connector):
    path = link_of(await olga(org_client, connector).say("export aanmeldingen csv"))
    async with org_client.app[SERVICES].db.transaction() as session:
        secrets = list((await session.execute(select(ExportSecret))).scalars())
    assert len(secrets) == 1 and len(secrets[0].value) >= 60
    other = await make_client(organizer_aad_ids=[OLGA["aadObjectId"]], content_dir=desk_content)
    assert (await other.get(path)).status == 200
    other_path = link_of(await olga(other, connector).say("export aanbod csv"))
    assert (await org_client.get(other_path)).status == 200


async def test_a_configured_key_is_not_stored(make_client, desk_content, connector):
    client = await make_client(organizer_aad_ids=[OLGA["aadObjectId"]], content_dir=desk_content, export_signing_key="s" * 48)
    assert (await client.get(link_of(await olga(client, connector).say("export vragen")))).status == 200
    async with client.app[SERVICES].db.transaction() as session:
        assert list((await session.execute(select(ExportSecret))).scalars()) == []


async def test_exports_read_in_pages_give_the_same_files(org_client, connector, monkeypatch):
    """Rows read a page at a time (keyset pages, each its own transaction) make the same file as one read:
    nothing lost or doubled at page boundaries, waitlist positions carried across pages."""
    from bot.organizers import exports

    await seed(org_client)
    organizer = olga(org_client, connector)
    whole = {}
    for command in ("export aanmeldingen csv", "export aanbod csv", "export aanbod xlsx", "export vragen csv"):
        _, whole[command] = await _download(org_client, link_of(await organizer.say(command)))
    reads: list[int] = []
    real_page = exports.Reporting.registrations

    async def counted(self, **kwargs):
        rows = await real_page(self, **kwargs)
        reads.append(len(rows))
        return rows

    monkeypatch.setattr(exports, "BATCH_ROWS", 1)
    monkeypatch.setattr(exports.Reporting, "registrations", counted)
    for command, body in whole.items():
        _, paged = await _download(org_client, link_of(await organizer.say(command)))
        if command.endswith("xlsx"):
            first, second = load_xlsx(body), load_xlsx(paged)
            assert [[c.value for c in row] for row in first.iter_rows()] == [[c.value for c in row] for row in second.iter_rows()]
        else:
            assert paged == body, command
    assert reads == [1, 1, 1, 1, 0]  # four pages of one registration, then an empty one ends the read
