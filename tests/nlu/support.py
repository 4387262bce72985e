"""Paths and facts shared by the question-answering engine tests."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE_DIR = ROOT / "content" / "knowledge"
EVAL_FILE = Path(__file__).resolve().parent / "eval_questions.yaml"
SHARED_EXAMPLES = ROOT.parent / "shared" / "eval" / "faq_examples.yaml"

# Facts as the bot passes them: already localized, nothing invented (venue, join link and donation
# details are the sentences used while the organizers have not configured them).
FACTS = {
    "nl": {
        "session_date": "dinsdag 4 oktober 2022",
        "session_start": "14:00",
        "session_end": "16:00",
        "session_city": "Den Haag",
        "session_venue": "Het precieze adres krijgt u van de organisatoren.",
        "session_join": "De Teams-link krijgt u nadat u zich hebt aangemeld voor online deelname.",
        "donation_details": "De organisatoren sturen u de gegevens voor een donatie.",
        "fund_name": "VNG Fonds voor Noodhulp, Wederopbouw en Vredesbevordering",
    },
    "en": {
        "session_date": "Tuesday 4 October 2022",
        "session_start": "14:00",
        "session_end": "16:00",
        "session_city": "The Hague (Den Haag)",
        "session_venue": "The organizers will share the exact address.",
        "session_join": "You receive the Teams link after registering for online attendance.",
        "donation_details": "The organizers will send you the details for a donation.",
        "fund_name": "VNG Fonds voor Noodhulp, Wederopbouw en Vredesbevordering",
    },
}
