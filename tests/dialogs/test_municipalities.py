"""content/municipalities.yaml is the CBS list "Gemeentelijke indeling op 1 januari 2026" (see its header)."""

from __future__ import annotations

from collections import Counter

import yaml

from dialogs.validators import Municipalities
from tests.wording import content_dir

FILE = content_dir() / "municipalities.yaml"
# Municipalities per province on 1 January 2026 (CBS).
PER_PROVINCE = {
    "Groningen": 10, "Fryslân": 18, "Drenthe": 12, "Overijssel": 25, "Flevoland": 6, "Gelderland": 51,
    "Utrecht": 26, "Noord-Holland": 44, "Zuid-Holland": 50, "Zeeland": 13, "Noord-Brabant": 56, "Limburg": 31,
}
# Municipalities merged away in 2022 and 2023: no longer names, only other names people still use.
MERGED_AWAY = {"Weesp": "Amsterdam", "Brielle": "Voorne aan Zee", "Hellevoetsluis": "Voorne aan Zee",
               "Westvoorne": "Voorne aan Zee", "Heerhugowaard": "Dijk en Waard", "Langedijk": "Dijk en Waard",
               "Beemster": "Purmerend", "Uden": "Maashorst", "Landerd": "Maashorst", "Boxmeer": "Land van Cuijk",
               "Cuijk": "Land van Cuijk"}


def test_the_list_has_the_342_municipalities_of_2026_by_province():
    provinces = yaml.safe_load(FILE.read_text(encoding="utf-8"))["provinces"]
    assert {name: len(names) for name, names in provinces.items()} == PER_PROVINCE
    names = [name for names in provinces.values() for name in names]
    assert len(names) == 342 == len(set(names)), [n for n, c in Counter(names).items() if c > 1]


def test_merged_municipalities_are_suggested_as_the_new_one_and_cbs_spellings_are_exact():
    known = Municipalities.from_file(FILE)
    for old, new in MERGED_AWAY.items():
        assert known.exact(old) is None
        assert known.closest(old) == new
    for name in ("Súdwest-Fryslân", "Noardeast-Fryslân", "Tytsjerksteradiel", "De Fryske Marren", "Bergen (NH.)",
                 "Bergen (L.)", "Nuenen, Gerwen en Nederwetten", "'s-Hertogenbosch", "Reusel-De Mierden",
                 "Sint-Michielsgestel", "Voorne aan Zee", "Dijk en Waard", "Land van Cuijk", "Maashorst"):
        assert known.exact(name) == name
    assert known.closest("'s-Gravenhage") == "Den Haag"  # CBS's name for it
