"""Offer expertise on behalf of a municipality: a declared form (dialogs/forms.py) whose confirmation stores
the offer once and tells the organizers. Started with options {"values": {...}} it changes a stored offer.

Diagram: expertise_offer.mmd.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol

from botbuilder.core import MessageFactory, TurnContext

from bot.core.cards import card_activity, send_in_place
from bot.core.turn import lang_of, tenant_id, user_ids, user_key
from dialogs.forms import Field, FormDialog, FormSpec
from dialogs.services import DialogServices
from storage.offers.models import OTHER
from storage.offers.repository import ContributionView, ExpertiseOffers, OfferFields, OfferOutcome, OfferView

RECORD_ID = "record_id"  # in the form values when a stored record is being changed (not a form field)
# What the organizers' channel is told about an offer or intention.
OfferEvent = Literal["created", "changed", "withdrawn"]
Choices = list[tuple[str, str]]


class OfferChoices(Protocol):
    """The choices of the offer form, per language, as (value, label) pairs."""

    def areas(self, lang: str) -> Choices: ...
    def languages(self, lang: str) -> Choices: ...
    def work_modes(self, lang: str) -> Choices: ...


class OfferDialogCards(Protocol):
    def saved(self, lang: str, key: str) -> dict[str, Any]: ...
    def contribute_intro(self, lang: str, *, details: str, has_mine: bool) -> dict[str, Any]: ...
    def my_list(self, lang: str, items: list[OfferView | ContributionView]) -> dict[str, Any]: ...
    def empty(self, lang: str) -> dict[str, Any]: ...
    def withdraw_confirm(self, lang: str, item: OfferView | ContributionView) -> dict[str, Any]: ...


class Announcer(Protocol):
    def announce(self, event: OfferEvent, item: OfferView | ContributionView) -> None: ...


@dataclass(frozen=True)
class OffersDeps:
    """What the offer, contribution and 'my offers' dialogs share (built by `bot.offers.install`)."""

    options: OfferChoices
    cards: OfferDialogCards
    organizers: Announcer


class OffersForm(FormDialog):
    """A form of this feature. ('privacy' at any step is the privacy feature's command, checked by the router
    before any dialog: it shows the statement and asks the same question again.)"""

    def __init__(self, spec: FormSpec, services: DialogServices, deps: OffersDeps):
        super().__init__(spec, services)
        self.deps = deps

    @staticmethod
    def identity(turn_context: TurnContext) -> tuple[str, str | None, str | None]:
        """(user key, Entra object id, tenant) of the sender."""
        activity = turn_context.activity
        return user_key(activity), user_ids(activity)[1], tenant_id(activity)

    async def store(
        self, turn_context: TurnContext, values: dict[str, Any], token: str, *, repository, fields, id_keyword: str, messages: str
    ) -> None:
        """Stores a new record (once per confirm token and per content) or the change of the record in the
        values; tells the user (`<messages>.<outcome>`) and the organizers."""
        (key, aad_object_id, tenant), lang = self.identity(turn_context), lang_of(turn_context)
        now = self.services.clock.now()
        record_id = values.get(RECORD_ID)
        async with self.services.db.transaction() as session:
            records = repository(session)
            if record_id is None:
                view, outcome = await records.add(
                    user_key=key, aad_object_id=aad_object_id, tenant_id=tenant, language=lang, token=token, fields=fields, now=now
                )
                message, event = NEW_OUTCOMES[outcome]
            else:
                view, outcome = await records.update(
                    user_key=key, token=token, fields=fields, now=now, **{id_keyword: int(record_id)}
                )
                message, event = EDIT_OUTCOMES[outcome]
        await self.reply(turn_context, f"{messages}.{message}", with_list=outcome != "missing")
        if event is not None and view is not None:
            self.deps.organizers.announce(event, view)

    async def reply(self, turn_context: TurnContext, key: str, *, with_list: bool) -> None:
        lang = lang_of(turn_context)
        if with_list:
            await send_in_place(turn_context, card_activity(self.deps.cards.saved(lang, key)))
        else:
            await send_in_place(turn_context, MessageFactory.text(self.t(lang, key)))


def _other_chosen(values: dict[str, Any]) -> bool:
    return OTHER in (values.get("areas") or [])


def offer_spec(options: OfferChoices) -> FormSpec:
    return FormSpec(
        id="offer",
        fields=(
            Field("municipality", kind="municipality"),
            Field("name", prefill="name"),
            Field("email", kind="email", prefill="email"),
            Field("phone", kind="phone", required=False),
            Field("areas", kind="multichoice", options=options.areas, other_field="other_area"),
            Field("other_area", when=_other_chosen),
            Field("description", kind="longtext", max_length=1000),
            Field("experts", kind="number", minimum=1, maximum=100, words="offers.expert_words"),
            Field("availability", max_length=300),
            Field("languages", kind="multichoice", options=options.languages, words="offers.language_words"),
            Field("work_mode", kind="choice", options=options.work_modes, words="offers.work_mode_words"),
            Field("consent", kind="consent"),
        ),
    )


def offer_fields(values: dict[str, Any]) -> OfferFields:
    areas = tuple(values["areas"])
    return OfferFields(
        municipality=values["municipality"],
        contact_name=values["name"],
        contact_email=values["email"],
        contact_phone=str(values.get("phone") or "")[:100],
        areas=areas,
        other_area=(values.get("other_area") or None) if OTHER in areas else None,
        description=values["description"],
        expert_count=int(values["experts"]),
        availability=values["availability"],
        working_languages=tuple(values["languages"]),
        work_mode=values["work_mode"],
    )


def offer_values(offer: OfferView) -> dict[str, Any]:
    """The form values of a stored offer, to change it."""
    values: dict[str, Any] = {
        RECORD_ID: offer.id,
        "municipality": offer.municipality,
        "name": offer.contact_name or "",
        "email": offer.contact_email or "",
        "phone": offer.contact_phone or "",
        "areas": list(offer.areas),
        "description": offer.description,
        "experts": offer.expert_count,
        "availability": offer.availability,
        "languages": list(offer.working_languages),
        "work_mode": offer.work_mode,
        "consent": "yes",
    }
    if OTHER in offer.areas:
        values["other_area"] = offer.other_area or ""
    return {k: v for k, v in values.items() if v not in ("", None)}


# Which message the user gets, and which event the organizers get, for each outcome.
NEW_OUTCOMES: dict[OfferOutcome, tuple[str, OfferEvent | None]] = {
    "created": ("saved", "created"),
    "duplicate": ("duplicate", None),
}
EDIT_OUTCOMES: dict[OfferOutcome, tuple[str, OfferEvent | None]] = {
    "changed": ("updated", "changed"),
    "unchanged": ("unchanged", None),
    "duplicate": ("edit_duplicate", None),
    "missing": ("gone", None),
}


class ExpertiseOfferDialog(OffersForm):
    ID = "offer"

    def __init__(self, services: DialogServices, deps: OffersDeps):
        super().__init__(offer_spec(deps.options), services, deps)

    async def on_confirm(self, turn_context: TurnContext, values: dict[str, Any], token: str) -> None:
        """Stores the offer or its change; tells the user and the organizers."""
        await self.store(
            turn_context, values, token, repository=ExpertiseOffers, fields=offer_fields(values), id_keyword="offer_id", messages="offer"
        )
