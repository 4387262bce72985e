"""The option lists of the offer form: expertise areas from content/, languages and ways of working from
the catalogs; cards build without a connector."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.content import ContentError
from bot.core.i18n import Catalog
from bot.offers.cards import OfferCards, OfferOptions, load_expertise_areas
from storage.offers.repository import ContributionView, OfferView
from tests.card_rules import card_problems
from tests.wording import content_dir, msg

CONTENT = content_dir()  # the bot's content (CONTENT_DIR), as tests/wording.py reads it
NOW = datetime(2022, 9, 20, 8, 15, tzinfo=UTC)


@pytest.fixture(scope="module")
def options() -> OfferOptions:
    return OfferOptions.load(Catalog.load(CONTENT / "messages"), CONTENT)


def test_the_areas_for_local_recovery(options):
    ids = [value for value, _ in options.areas("en")]
    assert len(ids) == 17 and len(set(ids)) == 17 and ids[-1] == "other"
    labels = dict(options.areas("en"))
    assert labels["water"] == "Water and sewerage" and dict(options.areas("nl"))["water"] == "Water en riolering"
    assert {"spatial_planning", "housing", "energy", "waste", "mobility", "public_space", "finance", "governance",
            "participation", "digital_services", "social_care", "education", "local_economy", "crisis_safety",
            "procurement_projects"} <= set(ids)


def test_languages_and_ways_of_working(options):
    codes = ["uk", "ru", "en", "de", "other"]
    assert options.languages("nl") == [(code, msg("nl", f"offers.languages.{code}")) for code in codes]
    assert options.work_modes("en") == [("remote", msg("en", "offers.work_modes.remote")), ("on_site", msg("en", "offers.work_modes.on_site"))]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("areas:\n  - {id: a, nl: A, en: A}\n  - {id: a, nl: B, en: B}\n  - {id: other, nl: X, en: X}\n",
         "areas: every area needs a unique id; repeated: ['a']"),
        ("areas:\n  - {id: a, nl: A}\n  - {id: other, nl: X, en: X}\n", "areas[0] (a).en: Field required"),
        ("areas:\n  - {id: other, nl: X, en: X}\n  - {id: 'a,b', nl: A, en: A}\n", "areas[1] (a,b).id: String should match"),
        ("areas:\n  - {id: other, nl: X, en: '  '}\n", "areas[0] (other).en: the label is empty"),
        ("areas:\n  - {id: other, nl: X, en: no}\n", "areas[0] (other).en: Input should be a valid string, got False (quote it"),
        ("areas:\n  - {id: a, nl: A, en: A}\n", "areas: the area 'other' is missing"),
    ],
)
def test_a_broken_area_list_stops_start_up_naming_file_and_area(tmp_path, text, problem):
    path = tmp_path / "areas.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_expertise_areas(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert problem in str(caught.value)


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("event", ["created", "changed", "withdrawn"])
def test_organizer_cards_follow_the_card_rules(options, lang, event):
    cards = OfferCards(Catalog.load(CONTENT / "messages"), options)
    offer = OfferView(
        id=7, status="active", language="nl", municipality="Utrecht", contact_name="Anna", contact_email="a@x.nl",
        contact_phone="06 12345678", areas=("water", "other"), other_area="Bruggen", description="Herstel.",
        expert_count=2, availability="1 dag per week", working_languages=("uk",), work_mode="on_site",
        created_at=NOW, updated_at=NOW, withdrawn_at=NOW if event == "withdrawn" else None,
    )
    intention = ContributionView(
        id=3, status="active", language="en", municipality="Utrecht", contact_name="Anna", contact_email="a@x.nl",
        amount_cents=None, remarks="", created_at=NOW, updated_at=NOW, withdrawn_at=None,
    )
    for item in (offer, intention):
        assert card_problems(cards.organizer_post(lang, event, item)) == []
    assert card_problems(cards.my_list(lang, [offer, intention])) == []
    assert card_problems(cards.contribute_intro(lang, details="", has_mine=True)) == []
