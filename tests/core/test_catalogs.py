"""Both message catalogs have the same keys and the same placeholders; no text is empty."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.content import ContentError
from bot.core.i18n import Catalog, language_for_locale, placeholders

MESSAGES = Path(__file__).resolve().parents[2] / "content" / "messages"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load(MESSAGES)


def test_same_keys_in_both_languages(catalog):
    assert catalog.keys("nl") - catalog.keys("en") == set(), "missing in English"
    assert catalog.keys("en") - catalog.keys("nl") == set(), "missing in Dutch"


def test_same_placeholders_in_both_languages(catalog):
    for key in sorted(catalog.keys("nl")):
        assert placeholders(catalog.raw("nl", key)) == placeholders(catalog.raw("en", key)), key


def test_no_empty_texts(catalog):
    for lang in ("nl", "en"):
        for key in catalog.keys(lang):
            assert catalog.raw(lang, key).strip(), f"{lang}:{key}"


def test_a_duplicate_key_is_refused(tmp_path):
    for lang in ("nl", "en"):
        (tmp_path / lang).mkdir()
        (tmp_path / lang / "a.yaml").write_text("x:\n  y: 'one'\n")
        (tmp_path / lang / "b.yaml").write_text("x:\n  y: 'two'\n")
    with pytest.raises(ValueError, match="defined twice"):
        Catalog.load(tmp_path)


def test_unquoted_yes_no_keys_are_refused(tmp_path):
    for lang in ("nl", "en"):
        (tmp_path / lang).mkdir()
        (tmp_path / lang / "a.yaml").write_text("answers:\n  yes: 'Ja'\n")
    with pytest.raises(ValueError, match="must be text"):
        Catalog.load(tmp_path)


def _catalog(tmp_path, nl: str, en: str):
    for lang, text in (("nl", nl), ("en", en)):
        (tmp_path / lang).mkdir()
        (tmp_path / lang / "core.yaml").write_text(text, encoding="utf-8")
    return Catalog.load(tmp_path)


@pytest.mark.parametrize(
    ("nl", "en", "problem"),
    [
        ("menu:\n  title: Menu\n  help: Hulp\n", "menu:\n  title: Menu\n", "nl/core.yaml: menu.help: missing in content/messages/en"),
        ("menu:\n  title: 'Hallo {name}'\n", "menu:\n  title: 'Hello {naam}'\n",
         "nl/core.yaml: menu.title: placeholders ['name'] differ from ['naam'] in en/core.yaml"),
        ("menu:\n  title: 3\n", "menu:\n  title: '3'\n", "nl/core.yaml: menu.title: Input should be a valid string, got 3 (quote it"),
        ("menu:\n  title: Menu\n", "menu:\n  title: '  '\n", "en/core.yaml: menu.title: the text is empty"),
        ("menu:\n  title: 'Hallo {name'\n", "menu:\n  title: 'Hello {name}'\n", "nl/core.yaml: menu.title: "),
        ("- Menu\n", "menu: Menu\n", "nl/core.yaml: expected a mapping of message keys to texts, got list"),
    ],
)
def test_a_broken_catalog_stops_start_up_naming_file_key_and_problem(tmp_path, nl, en, problem):
    with pytest.raises(ContentError) as caught:
        _catalog(tmp_path, nl, en)
    assert f"{tmp_path}: {problem}" in str(caught.value)


def test_placeholders_are_filled(catalog):
    assert "Utrecht" in catalog.text("nl", "menu.coming_soon", job="Utrecht")


@pytest.mark.parametrize(("locale", "lang"), [("en-US", "en"), ("en_GB", "en"), ("EN", "en"), ("nl-NL", "nl"), ("de-DE", "nl"), (None, "nl"), ("", "nl")])
def test_language_for_locale(locale, lang):
    assert language_for_locale(locale) == lang
