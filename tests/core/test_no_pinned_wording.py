"""Tests must survive a content edit: no test file pins the wording of `content/` (message catalogs and
knowledge answers), so an organizer who rewrites a sentence does not break CI.

Tests look texts up (`catalog.text(lang, key, ...)`, `recognizer.entry(id).render(...)`) or check structure.
The few messages whose wording matters on purpose are checked in `tests/core/test_key_wording.py`, the only
file allowed to quote them.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.core.i18n import LANGUAGES, Catalog

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
CONTENT = ROOT / "content"
ALLOWED = {TESTS / "core" / "test_key_wording.py"}

MIN_LENGTH = 12  # shorter literals ("Utrecht", "4 oktober") are test data or facts, not wording
MIN_QUOTED_PART = 24  # a fixed part of a content text this long inside a literal is a quote of it
_GAP = "\x00"  # stands for a placeholder: a literal may not match across one
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
_IDENTIFIER = re.compile(r"^[\w.:/\-]+$")  # keys, ids, paths, action names


def normalize(text: str) -> str:
    """Lower case, markdown emphasis dropped, whitespace collapsed: the form a test's fragment is compared in."""
    text = text.replace("**", "").replace("*", "")
    return re.sub(r"\s+", " ", text).strip().lower()


def content_texts(content: Path = CONTENT) -> list[str]:
    """Every catalog text and every knowledge answer, normalized, with placeholders as gaps."""
    catalog = Catalog.load(content / "messages")
    texts = [catalog.raw(lang, key) for lang in LANGUAGES for key in catalog.keys(lang)]
    for path in sorted((content / "knowledge").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for entry in data.get("entries") or []:
            texts.extend(str(answer) for answer in (entry.get("answer") or {}).values())
    return [_PLACEHOLDER.sub(_GAP, normalize(text)) for text in texts]


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
    """What a test's user types (`conversation.say("mijn gegevens")`): commands may quote the catalog's hints."""
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "say" and node.args:
            ids.update(id(child) for child in ast.walk(node.args[0]))
    return ids


def string_literals(source: str) -> Iterator[tuple[int, str]]:
    """(line, text) of every string constant in a module except docstrings and user input, f-string pieces
    included."""
    tree = ast.parse(source)
    skip = _docstrings(tree) | _user_input(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            yield node.lineno, node.value


def pinned_wording(files: list[Path], texts: list[str]) -> list[Pinned]:
    """Literals that are a fragment of a content text, or that contain a long fixed part of one (a rendered
    text with its placeholders filled in)."""
    haystack = "\n".join(texts)
    parts = {part.strip() for text in texts for part in text.split(_GAP) if len(part.strip()) >= MIN_QUOTED_PART}
    found: list[Pinned] = []
    for path in files:
        for line, literal in string_literals(path.read_text(encoding="utf-8")):
            if not is_wording(literal):
                continue
            text = normalize(literal)
            if text in haystack or any(part in text for part in parts):
                found.append(Pinned(path, line, literal))
    return sorted(found, key=lambda pinned: (pinned.path, pinned.line))


def checked_files() -> list[Path]:
    return sorted(path for path in TESTS.rglob("*.py") if path not in ALLOWED)


def test_no_test_pins_catalog_wording():
    found = pinned_wording(checked_files(), content_texts())
    assert found == [], (
        f"{len(found)} test literals quote content/ wording; look the text up in the catalog "
        "(catalog.text(lang, key, ...)) or check structure instead:\n" + "\n".join(map(str, found))
    )


def test_the_guard_finds_a_pinned_fragment(tmp_path):
    (tmp_path / "messages" / "nl").mkdir(parents=True)
    (tmp_path / "messages" / "en").mkdir(parents=True)
    (tmp_path / "knowledge").mkdir()
    (tmp_path / "messages" / "nl" / "a.yaml").write_text("greeting: 'Goedemorgen {name}, welkom bij de bijeenkomst.'\n")
    (tmp_path / "messages" / "en" / "a.yaml").write_text("greeting: 'Good morning {name}, welcome to the meeting.'\n")
    (tmp_path / "knowledge" / "faq.yaml").write_text(
        "entries:\n  - id: when\n    answer:\n      nl: De bijeenkomst is op 4 oktober in Den Haag.\n      en: x\n"
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
        '    await conversation.say("welkom bij de bijeenkomst")\n'
    )
    found = pinned_wording([test_file], content_texts(tmp_path))
    assert [(p.line, p.literal) for p in found] == [
        (4, "welkom bij de **bijeenkomst**"),
        (5, " welcome to the meeting"),
        (6, "op 4 oktober in Den Haag"),
        (8, "Good morning Anna, welcome to the meeting."),
    ]
