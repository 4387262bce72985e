"""Privacy: the privacy statement (command, card action, /privacy and /terms), 'my data', 'delete my data'
and the retention task.

Public interface: `install(app, core)`; `PRIVACY`, the app key of the `PrivacyDesk` (tests). The feature
reads sessions through the `SessionBook`, asks the registration feature `is_registered`, takes the offer
labels for the 'my data' card from the offers feature (`OFFER_OPTIONS`), and publishes `WaitlistMoved` and
`RecordWithdrawn` after an erasure.
"""

from __future__ import annotations

from aiohttp import web

from bot.core.background import JobRuns
from bot.core.wiring import Core
from bot.offers import OFFER_OPTIONS
from bot.privacy.desk import ACTION_SHOW, PrivacyCards, PrivacyDesk, RetentionScheduler, page_handler
from bot.registration import REGISTRATION
from bot.sessions import SESSION_BOOK
from dialogs.privacy.my_data import DeleteMyDataDialog
from storage.privacy.personal_data import PersonalData

__all__ = ["PRIVACY", "PrivacyDesk", "install"]

PRIVACY = web.AppKey("privacy", PrivacyDesk)


def install(app: web.Application, core: Core) -> None:
    """'My data', 'delete my data', the privacy statement and the retention task (which starts after the
    migrations and stops before the engine: installed after the core)."""
    settings = core.settings
    recognizer = core.recognizer
    book = app[SESSION_BOOK]

    def entry_title(entry_id: str, lang: str) -> str | None:
        try:
            return recognizer.entry(entry_id).question[lang]
        except (KeyError, AttributeError):
            return None

    cards = PrivacyCards(
        core.catalog,
        book=book,
        offer_labels=app[OFFER_OPTIONS],
        entry_title=entry_title,
        contact_email=settings.organizer_contact_email.strip(),
        retention_days=settings.retention_days_after_session,
        statement_url=settings.privacy_url or f"{settings.effective_public_base_url}/privacy",
    )
    personal_data = PersonalData(core.db, pseudonym_key=settings.pseudonym_key)
    retention = RetentionScheduler(
        personal_data=personal_data,
        book=book,
        clock=core.clock,
        days=settings.retention_days_after_session,
        interval=settings.retention_interval_seconds,
    )
    desk = PrivacyDesk(
        catalog=core.catalog,
        cards=cards,
        personal_data=personal_data,
        db=core.db,
        clock=core.clock,
        book=book,
        profile=core.profile,
        states=(core.user_state, core.private_state),
        is_registered=app[REGISTRATION].is_registered,
        events=core.events,
        retention=retention,
    )

    router = core.router
    core.dialogs.add(DeleteMyDataDialog(core.services, desk))
    router.add_job_dialog("delete_my_data", DeleteMyDataDialog.ID, personal=True)
    router.add_job("my_data", desk.show_my_data, personal=True)
    router.add_action(ACTION_SHOW, desk.show_statement)
    router.add_command(desk.matches, desk.show_statement)

    contact, days = cards.contact_email, settings.retention_days_after_session
    app.router.add_get("/privacy", page_handler(core.catalog, kind="statement", contact_email=contact, days=days))
    app.router.add_get("/terms", page_handler(core.catalog, kind="terms", contact_email=contact, days=days))
    app[PRIVACY] = desk

    async def lifetime(_app: web.Application):
        retention.start(runs=JobRuns(core.db))  # one instance anonymizes per round
        yield
        await retention.stop()

    app.cleanup_ctx.append(lifetime)
