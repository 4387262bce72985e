"""Option lists and Adaptive Cards of the offers feature (expertise offers and intentions to contribute).

Option labels come from `content/expertise_areas.yaml` (areas) and the message catalog (languages, ways of
working); every sentence from the catalog. Cards follow bot/core/cards.py: version 1.5, a fallback text, and an
explicit action name on every submit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel.numbers import format_currency
from pydantic import Field, field_validator

from bot.core.cards import ACTION_JOB_START, card, heading, paragraph, submit
from bot.core.clock import DISPLAY_TZ
from bot.core.content import ContentModel, load, repeated
from bot.core.i18n import LANGUAGES, Catalog, format_moment
from bot.sessions import FUND_NAME
from storage.offers.models import OTHER, WORK_MODES
from storage.offers.repository import ContributionView, OfferView

AREAS_FILE = "expertise_areas.yaml"
LANGUAGE_CODES = ("uk", "ru", "en", "de", OTHER)

Item = OfferView | ContributionView


@dataclass(frozen=True)
class ExpertiseArea:
    id: str
    labels: dict[str, str]


class _AreaEntry(ContentModel):
    id: str = Field(min_length=1, pattern=r"^[^,]+$")
    nl: str = Field(min_length=1)
    en: str = Field(min_length=1)

    @field_validator("nl", "en")
    @classmethod
    def _label(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the label is empty")
        return value.strip()


class _AreasFile(ContentModel):
    areas: tuple[_AreaEntry, ...] = ()

    @field_validator("areas")
    @classmethod
    def _unique_with_other(cls, areas: tuple[_AreaEntry, ...]) -> tuple[_AreaEntry, ...]:
        ids = [area.id for area in areas]
        if repeated(ids):
            raise ValueError(f"every area needs a unique id; repeated: {repeated(ids)}")
        if OTHER not in ids:
            raise ValueError(f"the area {OTHER!r} is missing")
        return areas


def load_expertise_areas(path: Path) -> tuple[ExpertiseArea, ...]:
    """Read and check the list of areas: unique ids without commas, a label in every language, `other` present;
    a mistake raises ContentError naming the file and the area."""
    return tuple(ExpertiseArea(area.id, {lang: getattr(area, lang) for lang in LANGUAGES}) for area in load(_AreasFile, path).areas)


class OfferOptions:
    """The choices of the offer form, per language, as (value, label) pairs."""

    def __init__(self, catalog: Catalog, areas: tuple[ExpertiseArea, ...]):
        self._catalog = catalog
        self._areas = areas

    @classmethod
    def load(cls, catalog: Catalog, content_dir: Path) -> OfferOptions:
        return cls(catalog, load_expertise_areas(content_dir / AREAS_FILE))

    def areas(self, lang: str) -> list[tuple[str, str]]:
        return [(a.id, a.labels.get(lang) or a.labels["nl"]) for a in self._areas]

    def languages(self, lang: str) -> list[tuple[str, str]]:
        return [(code, self._catalog.text(lang, f"offers.languages.{code}")) for code in LANGUAGE_CODES]

    def work_modes(self, lang: str) -> list[tuple[str, str]]:
        return [(mode, self._catalog.text(lang, f"offers.work_modes.{mode}")) for mode in WORK_MODES]

    def area_labels(self, lang: str, areas: tuple[str, ...] | list[str], other: str | None) -> str:
        labels = dict(self.areas(lang))
        shown = [labels.get(a, a) + (f" ({other})" if a == OTHER and other else "") for a in areas]
        return ", ".join(shown)

    def language_labels(self, lang: str, codes: tuple[str, ...] | list[str]) -> str:
        labels = dict(self.languages(lang))
        return ", ".join(labels.get(c, c) for c in codes)

    def work_mode_label(self, lang: str, mode: str) -> str:
        return dict(self.work_modes(lang)).get(mode, mode)


def euro(cents: int, lang: str) -> str:
    return format_currency(Decimal(cents) / 100, "EUR", locale="nl_NL" if lang == "nl" else "en_GB")


MAX_LISTED_WITH_BUTTONS = 12


class OfferCards:
    def __init__(self, catalog: Catalog, options: OfferOptions):
        self._catalog = catalog
        self.options = options

    def t(self, lang: str, key: str, **params: Any) -> str:
        return self._catalog.text(lang, key, **params)

    # --- the user's side ----------------------------------------------------------------------
    def saved(self, lang: str, key: str) -> dict[str, Any]:
        """A short confirmation with a way to the user's list."""
        text = self.t(lang, key)
        return card(
            [heading(self.t(lang, "offers.saved_title")), paragraph(text)],
            fallback=text,
            actions=[submit(self.t(lang, "offers.view_mine"), ACTION_JOB_START, job="my_offers")],
        )

    def contribute_intro(self, lang: str, *, details: str, has_mine: bool) -> dict[str, Any]:
        """How to donate through the VNG Fonds, and the question whether to record an intention."""
        body = [
            heading(self.t(lang, "contribute.intro.title")),
            paragraph(self.t(lang, "contribute.intro.fund", fund_name=FUND_NAME)),
            paragraph(
                self.t(lang, "contribute.intro.details", details=details.strip())
                if details.strip()
                else self.t(lang, "contribute.intro.details_unknown")
            ),
            paragraph(self.t(lang, "contribute.intro.question"), weight="Bolder"),
        ]
        actions = [
            submit(self.t(lang, "contribute.intro.yes"), "contribute.intro", answer="yes"),
            submit(self.t(lang, "contribute.intro.no"), "contribute.intro", answer="no"),
        ]
        if has_mine:
            actions.append(submit(self.t(lang, "contribute.intro.mine"), "contribute.mine"))
        return card(body, fallback=self.t(lang, "contribute.intro.fallback", fund_name=FUND_NAME), actions=actions)

    def item_line(self, lang: str, number: int, item: Item) -> str:
        if isinstance(item, OfferView):
            return self.t(
                lang,
                "my_offers.offer_line",
                number=number,
                municipality=item.municipality,
                areas=self.options.area_labels(lang, item.areas, item.other_area),
                count=item.expert_count,
            )
        amount = euro(item.amount_cents, lang) if item.amount_cents else self.t(lang, "my_offers.amount_unknown")
        return self.t(lang, "my_offers.contribution_line", number=number, municipality=item.municipality, amount=amount)

    def my_list(self, lang: str, items: list[Item]) -> dict[str, Any]:
        """The user's active offers and intentions, each with 'change' and 'withdraw'."""
        body: list[dict[str, Any]] = [heading(self.t(lang, "my_offers.title"))]
        lines: list[str] = []
        for number, item in enumerate(items, start=1):
            line = self.item_line(lang, number, item)
            lines.append(line)
            if number > MAX_LISTED_WITH_BUTTONS:
                continue  # the card stays small; the rest are reachable by typing their number
            body.append(
                {
                    "type": "Container",
                    "separator": True,
                    "items": [
                        paragraph(line),
                        {
                            "type": "ActionSet",
                            "actions": [
                                # distinct titles: a screen reader reads the button, not the line above it
                                submit(self.t(lang, "my_offers.edit_item", number=number), "my_offers.edit", kind=item.kind, id=item.id),
                                submit(self.t(lang, "my_offers.withdraw_item", number=number), "my_offers.withdraw", kind=item.kind, id=item.id),
                            ],
                        },
                    ],
                }
            )
        if len(items) > MAX_LISTED_WITH_BUTTONS:
            rest = lines[MAX_LISTED_WITH_BUTTONS:]
            body.append(paragraph(self.t(lang, "my_offers.more", count=len(rest)), weight="Bolder", spacing="Medium"))
            body.append(paragraph("\n\n".join(rest)))
        hint = self.t(lang, "my_offers.hint")
        body.append(paragraph(hint, isSubtle=True, spacing="Medium"))
        fallback = "\n".join([self.t(lang, "my_offers.title"), *lines, hint])
        return card(body, fallback=fallback, actions=[submit(self.t(lang, "my_offers.done"), "my_offers.done")])

    def empty(self, lang: str) -> dict[str, Any]:
        text = self.t(lang, "my_offers.empty")
        return card(
            [paragraph(text)],
            fallback=text,
            actions=[
                submit(self.t(lang, "jobs.offer_expertise"), ACTION_JOB_START, job="offer_expertise"),
                submit(self.t(lang, "jobs.contribute"), ACTION_JOB_START, job="contribute"),
            ],
        )

    def withdraw_confirm(self, lang: str, item: Item) -> dict[str, Any]:
        key = "my_offers.withdraw_offer" if isinstance(item, OfferView) else "my_offers.withdraw_contribution"
        text = self.t(lang, key, municipality=item.municipality)
        return card(
            [heading(self.t(lang, "my_offers.withdraw_title")), paragraph(text)],
            fallback=f"{text} {self.t(lang, 'yesno.retry')}",
            actions=[
                submit(self.t(lang, "my_offers.withdraw_yes"), "my_offers.confirm", style="destructive", answer="yes"),
                submit(self.t(lang, "my_offers.withdraw_no"), "my_offers.confirm", answer="no"),
            ],
        )

    # --- the organizers' side -----------------------------------------------------------------
    def organizer_post(self, lang: str, event: str, item: Item) -> dict[str, Any]:
        """What organizers see in their channel: the whole record, or only what is left after a withdrawal."""
        title = self.t(lang, f"offers.post.{item.kind}_{event}")
        facts: list[tuple[str, str]] = [
            (self.t(lang, "offers.post.number"), str(item.id)),
        ]
        form = "offer" if isinstance(item, OfferView) else "contribute"
        label = lambda name: self.t(lang, f"{form}.fields.{name}.label")  # noqa: E731
        facts.append((label("municipality"), item.municipality))
        body: list[dict[str, Any]] = [heading(title)]
        if event == "withdrawn":
            facts.append((self.t(lang, "offers.post.withdrawn_at"), self._moment(lang, item.withdrawn_at or item.updated_at)))
            body.append(_facts(facts))
            body.append(paragraph(self.t(lang, "offers.post.withdrawn_note"), isSubtle=True))
        else:
            facts += [
                (label("name"), item.contact_name or ""),
                (label("email"), item.contact_email or ""),
            ]
            if isinstance(item, OfferView):
                facts += [
                    (label("phone"), item.contact_phone or ""),
                    (label("areas"), self.options.area_labels(lang, item.areas, item.other_area)),
                    (label("experts"), str(item.expert_count)),
                    (label("availability"), item.availability),
                    (label("languages"), self.options.language_labels(lang, item.working_languages)),
                    (label("work_mode"), self.options.work_mode_label(lang, item.work_mode)),
                ]
            else:
                amount = euro(item.amount_cents, lang) if item.amount_cents else self.t(lang, "offers.post.no_amount")
                facts.append((label("amount"), amount))
            when_key = "offers.post.created_at" if event == "created" else "offers.post.changed_at"
            facts.append((self.t(lang, when_key), self._moment(lang, item.updated_at)))
            body.append(_facts([(k, v or self.t(lang, "offers.post.empty")) for k, v in facts]))
            text = item.description if isinstance(item, OfferView) else (item.remarks or "")
            if text:
                body.append(paragraph(label("description" if isinstance(item, OfferView) else "remarks"), weight="Bolder"))
                body.append(paragraph(text))
        fallback = self.t(lang, "offers.post.fallback", title=title, municipality=item.municipality, number=item.id)
        return card(body, fallback=fallback)

    def _moment(self, lang: str, moment: datetime) -> str:
        local = moment.astimezone(DISPLAY_TZ)
        return format_moment(local, lang)


def _facts(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    return {"type": "FactSet", "facts": [{"title": title, "value": value} for title, value in pairs]}
