"""Small validators for form fields: each returns the clean value or raises `Invalid` with a catalog key.

They know nothing of Teams or dialogs; the form engine calls them for typed answers and card inputs alike.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from bot.core.content import SafeLoader


class Invalid(ValueError):
    """The input cannot be used; `key` names the catalog message that says why, `params` fill it."""

    def __init__(self, key: str, **params: object):
        super().__init__(key)
        self.key = key
        self.params = params


class Suggest(Invalid):
    """Not usable as typed, but probably `value` was meant: ask "Did you mean ...?" before using it."""

    def __init__(self, key: str, value: str, **params: object):
        super().__init__(key, value=value, **params)
        self.value = value


def _fold(value: str) -> str:
    """'Súdwest-Fryslân' -> 'sudwest fryslan': the form municipality names are compared in."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w']+|_", " ", plain).replace("'", " ").split())


class Municipalities:
    """The current Dutch municipalities (content/municipalities.yaml): a typed name is taken when it is one
    of them, whatever its case, accents or hyphens; a near miss or another known name is suggested."""

    SUGGEST_CUTOFF = 84  # rapidfuzz WRatio from which a name is worth suggesting
    TIE = 3  # two names this close to each other: suggest neither

    def __init__(self, names: list[str], aliases: dict[str, str] | None = None):
        self.names = list(names)
        self._by_fold = {_fold(name): name for name in self.names}
        # A name written without its brackets ("Bergen NH") is the same name.
        self._aliases = {_fold(alias): target for alias, target in (aliases or {}).items()}
        self._choices = list(self._by_fold) + [a for a in self._aliases if a not in self._by_fold]

    @classmethod
    def from_file(cls, path: Path) -> Municipalities:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader) or {}  # libyaml when available
        names = [str(name) for names in (data.get("provinces") or {}).values() for name in names]
        aliases = {str(k): str(v) for k, v in (data.get("aliases") or {}).items()}
        unknown = sorted(target for target in aliases.values() if target not in names)
        if unknown:
            raise ValueError(f"{path}: aliases point to unknown municipalities: {', '.join(unknown)}")
        return cls(names, aliases)

    def exact(self, value: str) -> str | None:
        return self._by_fold.get(_fold(value))

    def closest(self, value: str) -> str | None:
        """The one municipality `value` most likely means (through an alias or a small typo), else None."""
        folded = _fold(value)
        if not folded:
            return None
        if folded in self._aliases:
            return self._aliases[folded]
        if sum(1 for name in self._by_fold if name.startswith(folded + " ")) > 1:
            return None  # "Bergen": Bergen (NH.) or Bergen (L.)
        ranked = process.extract(folded, self._choices, scorer=fuzz.WRatio, limit=2, score_cutoff=self.SUGGEST_CUTOFF)
        if not ranked:
            return None
        best = self._by_fold.get(ranked[0][0]) or self._aliases[ranked[0][0]]
        if len(ranked) == 2:
            second = self._by_fold.get(ranked[1][0]) or self._aliases[ranked[1][0]]
            if second != best and ranked[1][1] >= ranked[0][1] - self.TIE:
                return None
        # WRatio scores a short input inside a long name highly ("Den" in "Den Haag"): ask for most of it.
        if fuzz.ratio(folded, _fold(best)) < 60 and folded not in self._aliases:
            return None
        return best


_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
_PHONE_CHARS = re.compile(r"^\+?[0-9 ()./-]+$")
_MUNICIPALITY_PREFIX = re.compile(r"^(?:de\s+)?(?:gemeente|gem\.|municipality\s+of|municipality|city\s+of)\s+", re.IGNORECASE)
_MUNICIPALITY_SUFFIX = re.compile(r"\s+(?:municipality|gemeente)$", re.IGNORECASE)


def text(value: str, *, max_length: int = 200, required: bool = True) -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        if required:
            raise Invalid("form.invalid.required")
        return ""
    if len(cleaned) > max_length:
        raise Invalid("form.invalid.too_long", max=max_length)
    return cleaned


def long_text(value: str, *, max_length: int = 2000, required: bool = True) -> str:
    cleaned = "\n".join(line.rstrip() for line in value.strip().splitlines()).strip()
    if not cleaned:
        if required:
            raise Invalid("form.invalid.required")
        return ""
    if len(cleaned) > max_length:
        raise Invalid("form.invalid.too_long", max=max_length)
    return cleaned


def role(value: str, *, max_length: int = 200) -> str:
    """A job or role: a short phrase ("beleidsadviseur", "wethouder van Financiën"), not a sentence or question."""
    cleaned = text(value, max_length=max_length)
    if "?" in cleaned or len(cleaned.split()) > ROLE_MAX_WORDS:
        raise Invalid("form.invalid.role")
    return cleaned


ROLE_MAX_WORDS = 10


def email(value: str) -> str:
    cleaned = value.strip().strip("<>").strip()
    if cleaned.lower().startswith("mailto:"):
        cleaned = cleaned[7:]
    if not cleaned:
        raise Invalid("form.invalid.required")
    if len(cleaned) > 254 or not _EMAIL.match(cleaned) or ".." in cleaned:
        raise Invalid("form.invalid.email")
    local, domain = cleaned.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def phone(value: str) -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        raise Invalid("form.invalid.required")
    digits = re.sub(r"\D", "", cleaned)
    if not _PHONE_CHARS.match(cleaned) or not 8 <= len(digits) <= 15:
        raise Invalid("form.invalid.phone")
    return cleaned


def municipality(value: str, known: Municipalities | None = None) -> str:
    """'gemeente Utrecht' -> 'Utrecht'; keeps names such as 's-Hertogenbosch and Súdwest-Fryslân intact.
    With the list of `known` municipalities: the official spelling, `Suggest` for a near miss, else Invalid."""
    cleaned = " ".join(value.split()).strip(" .,;")
    cleaned = _MUNICIPALITY_PREFIX.sub("", cleaned)
    cleaned = _MUNICIPALITY_SUFFIX.sub("", cleaned).strip(" .,;")
    if not cleaned:
        raise Invalid("form.invalid.required")
    if len(cleaned) > 80 or not re.search(r"[^\W\d_]", cleaned):
        raise Invalid("form.invalid.municipality")
    if known is not None:
        found = known.exact(cleaned)
        if found is not None:
            return found
        guess = known.closest(cleaned)
        if guess is not None:
            raise Suggest("form.municipality.suggest", guess)
        raise Invalid("form.invalid.municipality_unknown", value=cleaned)
    if cleaned.islower() or cleaned.isupper():
        cleaned = "-".join(part[:1].upper() + part[1:].lower() if not part.startswith("'") else part.lower()
                           for part in cleaned.split("-"))
        cleaned = " ".join(w[:1].upper() + w[1:] if w[:1] != "'" and w.lower() not in ("aan", "den", "op", "de", "en") else w
                           for w in cleaned.split(" "))
    return cleaned


# Invalid input shown back to its author (in a card field, in a message) is cut to this length: a Teams message
# has room for about 28 KB, and nobody needs a long invalid text echoed in full.
ECHO_CHARS = 300
MAX_DATABASE_ID = 2**31 - 1  # ids are INTEGER columns


def echo(value: object, limit: int = ECHO_CHARS) -> str:
    """`value` as text, cut to `limit` characters, to show back to the user."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def database_id(value: object) -> int | None:
    """A record id from a card's data: digits only, within the range of an id column; else None."""
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if not re.fullmatch(r"[0-9]{1,10}", text):
        return None
    number = int(text)
    return number if 0 < number <= MAX_DATABASE_ID else None


def whole_number(value: str, *, minimum: int = 1, maximum: int = 1000) -> int:
    cleaned = value.strip()
    if not cleaned:
        raise Invalid("form.invalid.required")
    if not re.fullmatch(r"\d{1,7}", cleaned):
        raise Invalid("form.invalid.number", min=minimum, max=maximum)
    number = int(cleaned)
    if not minimum <= number <= maximum:
        raise Invalid("form.invalid.number", min=minimum, max=maximum)
    return number


def euro_amount(value: str, *, maximum: Decimal = Decimal("100000000")) -> str:
    """A positive amount in euros, Dutch or English notation ('€ 5.000,50', '5,000.50', '2500'); returned
    as a plain decimal string with two decimals ('5000.50')."""
    cleaned = value.strip().lower().replace("€", "").replace("eur", "").replace("euro", "").replace(" ", "")
    cleaned = cleaned.rstrip(",-").rstrip(".")
    if not cleaned:
        raise Invalid("form.invalid.required")
    if not re.fullmatch(r"[0-9.,]+", cleaned):
        raise Invalid("form.invalid.amount")
    number = _parse_amount(cleaned)
    if number is None or number <= 0 or number > maximum:
        raise Invalid("form.invalid.amount")
    return f"{number.quantize(Decimal('0.01'))}"


def _parse_amount(raw: str) -> Decimal | None:
    if "," in raw and "." in raw:
        decimal_sep = "," if raw.rfind(",") > raw.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        raw = raw.replace(thousands, "").replace(decimal_sep, ".")
    elif "," in raw or "." in raw:
        sep = "," if "," in raw else "."
        parts = raw.split(sep)
        if len(parts) > 2 or (len(parts) == 2 and len(parts[1]) == 3):
            # 5.000 / 1,000,000: thousands separators
            if not all(len(p) == 3 for p in parts[1:]):
                return None
            raw = "".join(parts)
        else:
            raw = raw.replace(sep, ".")
    try:
        return Decimal(raw)
    except InvalidOperation:
        return None


def choice(value: str, options: list[tuple[str, str]]) -> str:
    """One option by its number ('2'), its value or its label, with a little typo tolerance."""
    picked = _pick(value.strip(), options)
    if picked is None:
        raise Invalid("form.invalid.choice")
    return picked


def choices(value: str | list[str], options: list[tuple[str, str]]) -> list[str]:
    """Several options, comma- or 'en'/'and'-separated (card multi-selects arrive as 'a,b')."""
    parts = value if isinstance(value, list) else re.split(r"\s*(?:,|;|\ben\b|\band\b|\n)\s*", value.strip())
    picked: list[str] = []
    for part in (p.strip() for p in parts):
        if not part:
            continue
        found = _pick(part, options)
        if found is None:
            raise Invalid("form.invalid.choice_item", item=echo(part, 80))
        if found not in picked:
            picked.append(found)
    if not picked:
        raise Invalid("form.invalid.required")
    return picked


def _pick(raw: str, options: list[tuple[str, str]]) -> str | None:
    if not raw:
        return None
    if raw.isdigit() and 1 <= int(raw) <= len(options):
        return options[int(raw) - 1][0]
    folded = raw.casefold()
    for value, label in options:
        if folded in (value.casefold(), label.casefold()):
            return value
    labels = {label.casefold(): value for value, label in options}
    best = process.extractOne(folded, list(labels), scorer=fuzz.WRatio, score_cutoff=86)
    if best is not None:
        # Refuse when two labels are about equally close: ask again rather than guess.
        runner_up = process.extract(folded, list(labels), scorer=fuzz.WRatio, limit=2)
        if len(runner_up) == 2 and runner_up[1][1] >= best[1] - 2 and runner_up[1][0] != best[0]:
            return None
        return labels[best[0]]
    return None
