"""Tests must survive a content edit: no test file pins the wording of `content/` (message catalogs and
knowledge answers), so an organizer who rewrites a sentence does not break CI.

Tests look texts up (`catalog.text(lang, key, ...)`, `recognizer.entry(id).render(...)`) or check structure.
The few messages whose wording matters on purpose are checked in `tests/core/test_key_wording.py`, the only
file allowed to quote them.

Not counted as quoting: docstrings; what a test's user types (`.say(...)`) or hands to a function under test
(`capacity("geen limiet")`); phrasings the knowledge lists and the catalog's command words (`*_words`, `words`); the
named data in DATA; lines marked `# ... not from content/` (text from elsewhere, such as the Teams manifest).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.core.i18n import LANGUAGES, Catalog
from tests.wording import PLACEHOLDER, lists_words

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
CONTENT = ROOT / "content"
ALLOWED = {TESTS / "core" / "test_key_wording.py"}

MIN_LENGTH = 12  # shorter literals ("Utrecht", "4 oktober") are test data or facts, not wording
MIN_QUOTED_PART = 24  # a fixed part of a content text this long inside a literal is a quote of it
_GAP = "\x00"  # stands for a placeholder: a literal may not match across one
_IDENTIFIER = re.compile(r"^[\w.:/\-]+$")  # keys, ids, paths, action names
# Names and example values that content/ mentions and tests use as data: quoting them pins no wording.
DATA = {"vng international", "nassaulaan 12", "nassaulaan 12, 2514 js den haag", "+31 6 12345678", "14-11-2022 17:00"}
# A line that quotes text from elsewhere (the Teams manifest, say) that happens to match content/ says so.
NOT_CONTENT = "not from content/"


def normalize(text: str) -> str:
    """Lower case, markdown emphasis dropped, whitespace collapsed: the form a test's fragment is compared in."""
    text = text.replace("**", "").replace("*", "")
    return re.sub(r"\s+", " ", text).strip().lower()


def content_texts(content: Path = CONTENT) -> list[str]:
    """Every catalog text (but command words) and every knowledge answer, normalized, placeholders as gaps."""
    catalog = Catalog.load(content / "messages")
    texts = [catalog.raw(lang, key) for lang in LANGUAGES for key in catalog.keys(lang) if not lists_words(key)]
    for path in sorted((content / "knowledge").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for entry in data.get("entries") or []:
            texts.extend(str(answer) for answer in (entry.get("answer") or {}).values())
    return [PLACEHOLDER.sub(_GAP, normalize(text)) for text in texts]


def user_phrasings(content: Path = CONTENT) -> set[str]:
    """What people type, as the knowledge lists it (intent examples, FAQ questions and examples) and the
    catalog's command words (`*_words`, `words`), normalized: a test that sends or recognizes a command quotes no
    reply, even where a reply names that command."""
    catalog = Catalog.load(content / "messages")
    found = {
        normalize(word)
        for lang in LANGUAGES
        for key in catalog.keys(lang)
        if lists_words(key)
        for word in catalog.raw(lang, key).split(",")
    }
    for path in sorted((content / "knowledge").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in [*(data.get("entries") or []), *(data.get("intents") or [])]:
            found.update(normalize(str(text)) for text in (item.get("question") or {}).values())
            for examples in (item.get("examples") or {}).values():
                found.update(normalize(str(text)) for text in examples)
    return found


def is_wording(literal: str) -> bool:
    """A literal long enough to be a sentence fragment rather than a key, an id or a short fact."""
    stripped = literal.strip()
    return len(stripped) >= MIN_LENGTH and not _IDENTIFIER.match(stripped)


@dataclass(frozen=True)
class Pinned:
    path: Path
    line: int
    literal: str

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}: {self.literal!r}"


def _docstrings(tree: ast.AST) -> set[int]:
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _user_input(tree: ast.AST) -> set[int]:
    """What a test's user types (`conversation.say("mijn gegevens")`) or hands to a function under test
    (`capacity("geen limiet")`): input may quote the examples and command names in the catalog's hints."""
    ids: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        if isinstance(node.func, ast.Attribute) and node.func.attr == "say":
            ids.update(id(child) for child in ast.walk(node.args[0]))
        elif isinstance(node.func, ast.Name):
            ids.update(id(arg) for arg in node.args)
    return ids


def string_literals(source: str) -> Iterator[tuple[int, str]]:
    """(line, text) of every string constant in a module except docstrings, user input and lines marked as
    not from content/, f-string pieces included."""
    tree = ast.parse(source)
    skip = _docstrings(tree) | _user_input(tree)
    lines = source.splitlines()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
            and not any(NOT_CONTENT in line for line in lines[node.lineno - 1 : node.end_lineno])
        ):
            yield node.lineno, node.value


def pinned_wording(files: list[Path], texts: list[str], phrasings: frozenset[str] = frozenset()) -> list[Pinned]:
    """Literals that are a fragment of a content text, or that contain a long fixed part of one (a rendered
    text with its placeholders filled in)."""
    haystack = "\n".join(texts)
    parts = {part.strip() for text in texts for part in text.split(_GAP) if len(part.strip()) >= MIN_QUOTED_PART}
    found: list[Pinned] = []
    for path in files:
        for line, literal in string_literals(path.read_text(encoding="utf-8")):
            text = normalize(literal)
            if not is_wording(literal) or text in DATA or text in phrasings:
                continue
            if text in haystack or any(part in text for part in parts):
                found.append(Pinned(path, line, literal))
    return sorted(found, key=lambda pinned: (pinned.path, pinned.line))


def checked_files() -> list[Path]:
    return sorted(path for path in TESTS.rglob("*.py") if path not in ALLOWED)


def test_no_test_pins_catalog_wording():
    found = pinned_wording(checked_files(), content_texts(), frozenset(user_phrasings()))
    assert found == [], (
        f"{len(found)} test literals quote content/ wording; look the text up in the catalog "
        "(catalog.text(lang, key, ...)) or check structure instead:\n" + "\n".join(map(str, found))
    )


def test_the_guard_finds_a_pinned_fragment(tmp_path):
    (tmp_path / "messages" / "nl").mkdir(parents=True)
    (tmp_path / "messages" / "en").mkdir(parents=True)
    (tmp_path / "knowledge").mkdir()
    (tmp_path / "messages" / "nl" / "a.yaml").write_text(
        "greeting: 'Goedemorgen {name}, welkom bij de bijeenkomst.'\nhint: \"Typ 'mijn aanmelding wijzigen'.\"\n"
        "stop_words: 'stoppen met de bijeenkomst'\n"
    )
    (tmp_path / "messages" / "en" / "a.yaml").write_text(
        "greeting: 'Good morning {name}, welcome to the meeting.'\nhint: \"Type 'change my registration'.\"\n"
        "stop_words: 'stop the meeting'\n"
    )
    (tmp_path / "knowledge" / "faq.yaml").write_text(
        "entries:\n  - id: when\n    answer:\n      nl: De bijeenkomst is op 4 oktober in Den Haag.\n      en: x\n"
        "    examples:\n      nl: [de bijeenkomst is op 4 oktober]\n"
    )
    test_file = tmp_path / "test_sample.py"
    test_file.write_text(
        '"""Welcome to the meeting: a docstring may say anything."""\n'
        'KEY = "greeting.welcome_back"\n'
        'async def test_x(reply, conversation):\n'
        '    assert "welkom bij de **bijeenkomst**" in reply\n'
        '    assert f"{reply} welcome to the meeting" != reply\n'
        '    assert "op 4 oktober in Den Haag" in reply\n'
        '    assert "Goedemorgen Anna, welkom" not in reply\n'
        '    assert reply == "Good morning Anna, welcome to the meeting."\n'
        '    assert "some other sentence entirely" in reply\n'
        '    await conversation.say("mijn aanmelding wijzigen")\n'
        '    assert parse("mijn aanmelding wijzigen") is None\n'
        '    assert "De bijeenkomst is op 4 oktober" == reply\n'
        '    assert "stoppen met de bijeenkomst" == reply\n'
        '    assert "mijn aanmelding wijzigen" in reply  # a hint of the manifest, not from content/\n'
    )
    found = pinned_wording([test_file], content_texts(tmp_path), frozenset(user_phrasings(tmp_path)))
    assert [(p.line, p.literal) for p in found] == [
        (4, "welkom bij de **bijeenkomst**"),
        (5, " welcome to the meeting"),
        (6, "op 4 oktober in Den Haag"),
        (8, "Good morning Anna, welcome to the meeting."),
    ]
