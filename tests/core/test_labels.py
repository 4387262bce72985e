"""The same words everywhere: a field is called the same in its form (and so in the form's summary and change
card, which take the form's labels), on 'mijn gegevens' / 'my data', on the confirmation card, in the
organizers' channel posts (which take the form's labels too) and in the organizers' downloads. And no jargon.

Read from the catalogs, so a label changed in one place only fails here."""

from __future__ import annotations

import re

import pytest

from bot.core.i18n import Catalog
from tests.wording import content_dir

CATALOG = Catalog.load(content_dir() / "messages")

# form label -> the other keys that show the same field
SAME_FIELD: dict[str, tuple[str, ...]] = {
    # registration: form, 'my data', the confirmation card, the download
    "register.fields.session.label": ("my_data.registrations.session", "registration.facts.session", "export.columns.registrations.session"),
    "register.fields.mode.label": ("my_data.registrations.mode", "registration.facts.mode", "export.columns.registrations.mode"),
    "register.fields.name.label": ("my_data.registrations.name", "export.columns.registrations.name"),
    "register.fields.email.label": ("my_data.registrations.email", "export.columns.registrations.email"),
    "register.fields.municipality.label": ("my_data.registrations.municipality", "export.columns.registrations.municipality"),
    "register.fields.role.label": ("my_data.registrations.role", "export.columns.registrations.role"),
    "register.fields.accessibility.label": ("my_data.registrations.accessibility", "export.columns.registrations.accessibility"),
    "register.fields.dietary.label": ("my_data.registrations.dietary", "export.columns.registrations.dietary"),
    # expertise offer
    "offer.fields.municipality.label": ("my_data.offers.municipality", "export.columns.offers.municipality"),
    "offer.fields.name.label": ("my_data.offers.name", "export.columns.offers.contact_name"),
    "offer.fields.email.label": ("my_data.offers.email", "export.columns.offers.contact_email"),
    "offer.fields.phone.label": ("my_data.offers.phone", "export.columns.offers.contact_phone"),
    "offer.fields.areas.label": ("my_data.offers.areas", "export.columns.offers.areas"),
    "offer.fields.other_area.label": ("export.columns.offers.other_area",),
    "offer.fields.description.label": ("my_data.offers.description", "export.columns.offers.description"),
    "offer.fields.experts.label": ("my_data.offers.experts", "export.columns.offers.expert_count"),
    "offer.fields.availability.label": ("my_data.offers.availability", "export.columns.offers.availability"),
    "offer.fields.languages.label": ("my_data.offers.languages", "export.columns.offers.working_languages"),
    "offer.fields.work_mode.label": ("my_data.offers.work_mode", "export.columns.offers.work_mode"),
    # plan to contribute money
    "contribute.fields.municipality.label": ("my_data.contributions.municipality", "export.columns.intentions.municipality"),
    "contribute.fields.name.label": ("my_data.contributions.name", "export.columns.intentions.contact_name"),
    "contribute.fields.email.label": ("my_data.contributions.email", "export.columns.intentions.contact_email"),
    "contribute.fields.amount.label": ("my_data.contributions.amount", "export.columns.intentions.amount"),
    "contribute.fields.remarks.label": ("my_data.contributions.remarks", "export.columns.intentions.remarks"),
    # sessions: the add form, the change form, the organizers' list of sessions
    "session_add.fields.date.label": ("session_desk.facts.date",),
    "session_add.fields.modes.label": ("session_desk.facts.modes",),
    "session_add.fields.venue_address.label": ("session_edit.fields.venue_address.label", "session_desk.facts.venue"),
    "session_add.fields.join_url.label": ("session_edit.fields.join_url.label", "session_desk.facts.join"),
    "session_add.fields.capacity_in_person.label": ("session_edit.fields.capacity_in_person.label",),
    "session_add.fields.capacity_online.label": ("session_edit.fields.capacity_online.label",),
    "session_add.fields.deadline.label": ("session_edit.fields.deadline.label", "session_desk.facts.deadline"),
    # the same field shared by the forms
    "register.fields.email.label#": ("offer.fields.email.label", "contribute.fields.email.label"),
    "register.fields.municipality.label#": ("offer.fields.municipality.label", "contribute.fields.municipality.label"),
    "offer.fields.name.label#": ("contribute.fields.name.label",),
}

# the same value (a way to take part) wherever it is shown
SAME_VALUE: dict[str, tuple[str, ...]] = {
    "registration.modes.in_person_any": ("my_data.modes.in_person", "export.values.modes.in_person"),
    "registration.modes.online": ("my_data.modes.online", "export.values.modes.online"),
    "session_add.modes.online": ("registration.modes.online",),
}

# Words people do not use; recognition word lists (keys ending in `words`) may keep them, people type them.
JARGON = {
    "nl": ("fysiek", "werkwijze", "intentie", "voorgenomen", "vakgebied", "expertisegebied"),
    "en": ("intended contribution", "intention", "way of working", "pledge"),
}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_field_has_the_same_label_everywhere(lang):
    different = []
    for first, others in {**SAME_FIELD, **SAME_VALUE}.items():
        key = first.rstrip("#")
        expected = CATALOG.raw(lang, key)
        for other in others:
            if CATALOG.raw(lang, other) != expected:
                different.append(f"{other} = {CATALOG.raw(lang, other)!r}, but {key} = {expected!r}")
    assert different == []


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_jargon(lang):
    found = []
    for key in sorted(CATALOG.keys(lang)):
        if any(part.endswith("words") for part in key.split(".")):
            continue
        text = CATALOG.raw(lang, key).lower()
        found += [f"{key}: {word!r}" for word in JARGON[lang] if re.search(rf"\b{re.escape(word)}", text)]
    assert found == []
