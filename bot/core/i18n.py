"""Message catalogs: every sentence a user reads, per language, from `content/messages/<lang>/*.yaml`.

Files are nested YAML mappings; keys are addressed with dots (`menu.title`). Placeholders use
`{name}` and are filled with `Catalog.text(lang, key, name=...)`.
"""

from __future__ import annotations

import logging
import string
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from babel.dates import format_date, format_time
from pydantic import AfterValidator, StrictStr, TypeAdapter, ValidationError

from bot.core.content import ContentError, read_yaml
from bot.core.content import problems as content_problems

log = logging.getLogger(__name__)

DEFAULT_LANGUAGE = "nl"
LANGUAGES = ("nl", "en")


def language_for_locale(locale: str | None) -> str:
    """English for an English locale (en, en-US, en-GB ...), Dutch otherwise."""
    if locale and locale.strip().lower().replace("_", "-").split("-")[0] == "en":
        return "en"
    return DEFAULT_LANGUAGE


def normalize_language(lang: str | None) -> str:
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


class Catalog:
    def __init__(self, messages: Mapping[str, Mapping[str, str]]):
        self._messages = {lang: dict(entries) for lang, entries in messages.items()}

    @classmethod
    def load(cls, messages_dir: Path) -> Catalog:
        """Read both languages; a broken catalog raises ContentError naming the file, the key and the problem:
        a text that is not text or empty, bad braces, a key defined twice, a key missing in one language, or
        placeholders that differ between the languages."""
        messages: dict[str, dict[str, str]] = {}
        origin: dict[tuple[str, str], str] = {}  # (language, key) -> file, relative to messages_dir
        problems: list[str] = []
        for lang in LANGUAGES:
            flat: dict[str, str] = {}
            for path in sorted((messages_dir / lang).glob("*.yaml")):
                name = f"{lang}/{path.name}"
                entries, shape = _flatten(read_yaml(path) or {})
                problems.extend(f"{name}: {problem}" for problem in shape)
                try:
                    checked = _MESSAGES.validate_python(entries)
                except ValidationError as error:
                    problems.extend(f"{name}: {problem}" for problem in content_problems(error, entries))
                    continue
                for key, value in checked.items():
                    if key in flat:
                        problems.append(f"{name}: message key {key!r} is defined twice (also in {origin[lang, key]})")
                    flat[key] = value
                    origin[lang, key] = name
            messages[lang] = flat
        if not problems:  # keys of a broken file would show up as missing in the other language
            problems.extend(_differences(messages, origin))
        if problems:
            raise ContentError(messages_dir, problems)
        return cls(messages)

    def keys(self, lang: str) -> set[str]:
        return set(self._messages.get(lang, {}))

    def has(self, key: str, lang: str = DEFAULT_LANGUAGE) -> bool:
        return key in self._messages.get(normalize_language(lang), {})

    def raw(self, lang: str, key: str) -> str:
        lang = normalize_language(lang)
        try:
            return self._messages[lang][key]
        except KeyError:
            if key in self._messages.get(DEFAULT_LANGUAGE, {}):
                log.error("message %r missing for language %s", key, lang)
                return self._messages[DEFAULT_LANGUAGE][key]
            raise KeyError(f"unknown message key {key!r}") from None

    def text(self, lang: str, key: str, **params: Any) -> str:
        template = self.raw(lang, key)
        if not params:
            return template
        return template.format_map(_Params(params))

    def lines(self, lang: str, prefix: str) -> dict[str, str]:
        """All messages under `prefix.` (e.g. the menu labels), keyed by the rest of the key, in file order."""
        lang = normalize_language(lang)
        start = prefix + "."
        return {k[len(start):]: v for k, v in self._messages[lang].items() if k.startswith(start)}


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


class _Params(dict):
    def __missing__(self, key: str) -> str:
        log.error("message placeholder {%s} not supplied", key)
        return ""


def _template(value: str) -> str:
    if not value.strip():
        raise ValueError("the text is empty")
    try:
        placeholders(value)
    except ValueError as error:
        raise ValueError(f"{error} (write {{{{ and }}}} for a literal brace)") from None
    return value


#: One message: text, not empty, with well-formed {placeholders}.
_MESSAGES: TypeAdapter[dict[str, str]] = TypeAdapter(dict[str, Annotated[StrictStr, AfterValidator(_template)]])


def _flatten(data: Any, prefix: str = "") -> tuple[dict[str, Any], list[str]]:
    """Nested mappings as dotted keys (`menu.title`), and the keys YAML did not read as text."""
    if not isinstance(data, Mapping):
        if not prefix:
            return {}, [f"expected a mapping of message keys to texts, got {type(data).__name__}"]
        return {prefix[:-1]: data}, []
    entries: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in data.items():
        if not isinstance(key, str):
            problems.append(f"message key {prefix}{key!r} must be text (quote it: YAML reads yes/no as booleans)")
            continue
        nested, nested_problems = _flatten(value, f"{prefix}{key}.")
        entries.update(nested)
        problems.extend(nested_problems)
    return entries, problems


def _differences(messages: Mapping[str, Mapping[str, str]], origin: Mapping[tuple[str, str], str]) -> list[str]:
    """Keys missing in a language, and keys whose placeholders differ between the languages."""
    problems = []
    first, *others = LANGUAGES
    for other in others:
        for lang, missing_in in ((first, other), (other, first)):
            for key in sorted(set(messages[lang]) - set(messages[missing_in])):
                problems.append(f"{origin[lang, key]}: {key}: missing in content/messages/{missing_in}")
        for key in sorted(set(messages[first]) & set(messages[other])):
            ours, theirs = placeholders(messages[first][key]), placeholders(messages[other][key])
            if ours != theirs:
                problems.append(
                    f"{origin[first, key]}: {key}: placeholders {sorted(ours)} differ from {sorted(theirs)} in "
                    f"{origin[other, key]}"
                )
    return problems


_BABEL_LOCALE = {"nl": "nl_NL", "en": "en_GB"}


# The one way dates and times are shown to people, in every card and message (tests/core/test_dates.py).
def format_day(moment: datetime, lang: str) -> str:
    """'dinsdag 4 oktober 2022' / 'Tuesday 4 October 2022'."""
    return format_date(moment, "EEEE d MMMM y", locale=_BABEL_LOCALE.get(lang, "nl_NL"))


def format_clock(moment: datetime, lang: str) -> str:
    """'10:00' (24-hour clock in both languages)."""
    return format_time(moment, "HH:mm", locale=_BABEL_LOCALE.get(lang, "nl_NL"))


def format_moment(moment: datetime, lang: str) -> str:
    """A day and a time: 'dinsdag 20 september 2022, 10:00' / 'Tuesday 20 September 2022, 10:00'."""
    return f"{format_day(moment, lang)}, {format_clock(moment, lang)}"


def format_weekday(moment: datetime, lang: str) -> str:
    """'dinsdag' / 'Tuesday'."""
    return format_date(moment, "EEEE", locale=_BABEL_LOCALE.get(lang, "nl_NL"))

