"""Checks on the knowledge data, and that bad data is refused with a clear message."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
import yaml

from bot.nlu import FACT_KEYS, INTENT_NAMES, KnowledgeDataError, Recognizer
from bot.nlu.loader import load_knowledge

from .support import FACTS, FACTS_FILE, KNOWLEDGE_DIR


@pytest.fixture(scope="module")
def data():
    return load_knowledge(KNOWLEDGE_DIR)


def test_every_entry_is_complete_in_both_languages(data):
    assert len(data.entries) >= 15
    for entry in data.entries:
        for lang in ("nl", "en"):
            assert entry.question[lang].strip(), entry.id
            assert entry.answer[lang].strip(), entry.id
            assert len(entry.examples[lang]) >= 5, (entry.id, lang)


def test_follow_ups_point_to_other_entries(data):
    ids = {entry.id for entry in data.entries}
    for entry in data.entries:
        assert 1 <= len(entry.follow_ups) <= 3, entry.id
        assert set(entry.follow_ups) <= ids - {entry.id}, entry.id


def test_answers_use_only_the_known_facts(data):
    for entry in data.entries:
        for lang, answer in entry.answer.items():
            names = {name for _, name, _, _ in string.Formatter().parse(answer) if name is not None}
            assert names <= set(FACT_KEYS), (entry.id, lang, names)
            rendered = entry.render(lang, FACTS[lang])
            assert "{" not in rendered and "}" not in rendered


def test_dutch_answers_address_the_reader_as_u(data):
    for entry in data.entries:
        words = entry.render("nl", FACTS["nl"]).lower().replace(".", " ").replace(",", " ").split()
        assert not {"je", "jij", "jouw", "jou"} & set(words), entry.id


def _known_facts() -> tuple[set[str], set[str]]:
    """The numbers and the name words of tests/nlu/facts.yaml."""
    document = yaml.safe_load(FACTS_FILE.read_text(encoding="utf-8"))
    numbers = {str(number) for number in document["numbers"]}
    words = {word for name in document["names"] for word in re.findall(r"[\w'\u2019-]+", name)}  # \u2019: the typographic apostrophe
    return numbers, words


def unknown_facts(text: str, numbers: set[str], words: set[str]) -> list[str]:
    """Numbers, and capitalised words inside a sentence, that tests/nlu/facts.yaml does not know."""
    found = [n for n in re.findall(r"\d+(?:[.:,]\d+)*", text) if n not in numbers]
    for sentence in re.split(r"(?<=[.!?:])\s+|\n", text):
        for word in re.findall(r"[^\W\d_][\w'\u2019-]*", sentence)[1:]:
            if word[0].isupper() and word.removesuffix("'s").removesuffix("\u2019s") not in words:
                found.append(word)
    return found


def test_answers_state_only_the_known_facts(data):
    numbers, words = _known_facts()
    for entry in data.entries:
        for lang in ("nl", "en"):
            assert unknown_facts(entry.render(lang, FACTS[lang]), numbers, words) == [], (entry.id, lang)


def test_an_invented_fact_is_caught():
    numbers, words = _known_facts()
    invented = "De bijeenkomst is op 5 oktober om 15:00 in Utrecht. Minister Hoekstra opent. Er is 2500 euro."
    assert unknown_facts(invented, numbers, words) == ["5", "15:00", "2500", "Utrecht", "Hoekstra"]
    assert unknown_facts("Op dinsdag 4 oktober 2022 van 14:00 tot 16:00 in Den Haag.", numbers, words) == []


def test_all_intents_are_defined(data):
    assert sorted(intent.name for intent in data.intents) == sorted(INTENT_NAMES)


def _write(directory: Path, name: str, text: str) -> None:
    (directory / name).write_text(text, encoding="utf-8")


def _copy_knowledge(tmp_path: Path) -> Path:
    for path in KNOWLEDGE_DIR.glob("*.yaml"):
        _write(tmp_path, path.name, path.read_text(encoding="utf-8"))
    return tmp_path


BAD_ENTRY = """
entries:
  - id: bad_entry
    question: {nl: "Vraag?"}
    answer: {nl: "Op {session_day} in {session_city}.", en: Answer.}
    examples: {nl: [een, "yes"], en: [one, no]}
    follow_ups: [does_not_exist]
"""


def test_bad_data_is_refused_with_every_problem_named(tmp_path):
    _write(_copy_knowledge(tmp_path), "zz_bad.yaml", BAD_ENTRY)
    with pytest.raises(KnowledgeDataError) as caught:
        Recognizer.load(tmp_path)
    message = str(caught.value)
    assert "question.en is missing" in message
    assert "session_day" in message
    assert "does_not_exist" in message
    assert "quote it" in message  # YAML turned `no` into False


def test_missing_intent_and_unknown_section_are_refused(tmp_path):
    directory = _copy_knowledge(tmp_path)
    intents = (directory / "intents.yaml").read_text(encoding="utf-8")
    _write(directory, "intents.yaml", intents.replace("name: thanks", "name: thankz"))
    _write(directory, "zz_extra.yaml", "answers: []\n")
    with pytest.raises(KnowledgeDataError) as caught:
        Recognizer.load(directory)
    problems = "\n".join(caught.value.problems)
    assert "intents.yaml: intents[" in problems and "(thankz).name: unknown intent" in problems
    assert "'thanks' is not defined" in problems
    assert "zz_extra.yaml: answers: unknown key" in problems


def test_empty_directory_is_refused(tmp_path):
    with pytest.raises(KnowledgeDataError, match=r"no \*.yaml"):
        Recognizer.load(tmp_path)
