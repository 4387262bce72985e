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
from typing import Any

import yaml
from babel.dates import format_date, format_time

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
    def load(cls, messages_dir: Path) -> "Catalog":
        messages: dict[str, dict[str, str]] = {}
        for lang in LANGUAGES:
            flat: dict[str, str] = {}
            for path in sorted((messages_dir / lang).glob("*.yaml")):
                data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
                for key, value in _flatten(data):
                    if key in flat:
                        raise ValueError(f"{path}: message key {key!r} is defined twice")
                    flat[key] = value
            messages[lang] = flat
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


def _flatten(data: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(data, Mapping):
        items: list[tuple[str, str]] = []
        for key, value in data.items():
            if not isinstance(key, str):
                raise ValueError(f"message key {prefix}{key!r} must be text (quote it: YAML reads yes/no as booleans)")
            items.extend(_flatten(value, f"{prefix}{key}."))
        return items
    if isinstance(data, str):
        return [(prefix[:-1], data)]
    raise ValueError(f"message {prefix[:-1]!r} must be text, got {type(data).__name__}")


_BABEL_LOCALE = {"nl": "nl_NL", "en": "en_GB"}


def format_day(moment: datetime, lang: str) -> str:
    """'dinsdag 4 oktober 2022' / 'Tuesday 4 October 2022'."""
    return format_date(moment, "EEEE d MMMM y", locale=_BABEL_LOCALE.get(lang, "nl_NL"))


def format_clock(moment: datetime, lang: str) -> str:
    return format_time(moment, "HH:mm", locale=_BABEL_LOCALE.get(lang, "nl_NL"))
