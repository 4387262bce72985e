"""A broken knowledge file stops start-up with every problem named by file, entry (index and id) and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.nlu import KnowledgeDataError
from bot.nlu.loader import load_knowledge

from .support import KNOWLEDGE_DIR

BROKEN = """
entries:
  - just text
synonyms:
  - {concept: alleen, nl: [een]}
languages:
  nl:
    multiwords: {"in persoon": "twee woorden"}
    stopwordz: [de]
"""


def _knowledge_with(tmp_path: Path, name: str, text: str) -> Path:
    for path in KNOWLEDGE_DIR.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_every_problem_names_file_entry_and_field(tmp_path):
    with pytest.raises(KnowledgeDataError) as caught:
        load_knowledge(_knowledge_with(tmp_path, "zz_broken.yaml", BROKEN))
    assert caught.value.problems == (
        "zz_broken.yaml: entries[0]: expected a mapping (key: value lines), got str",
        "zz_broken.yaml: synonyms[0] (alleen): a synonym group needs at least two terms",
        "zz_broken.yaml: languages.nl.multiwords: 'in persoon': expected 2+ words mapped to one word",
        "zz_broken.yaml: languages.nl.stopwordz: unknown key (not one this file has; check its spelling)",
    )


def test_an_entry_defined_in_two_files_names_both(tmp_path):
    first = next(KNOWLEDGE_DIR.glob("faq_*.yaml"))
    with pytest.raises(KnowledgeDataError, match=r"zz_copy.yaml: entry '\w+' is defined twice \(also in faq_"):
        load_knowledge(_knowledge_with(tmp_path, "zz_copy.yaml", first.read_text(encoding="utf-8")))


def test_a_yaml_syntax_error_names_file_and_line(tmp_path):
    with pytest.raises(KnowledgeDataError, match=r"zz_bad.yaml: not valid YAML at line 3"):
        load_knowledge(_knowledge_with(tmp_path, "zz_bad.yaml", "entries:\n  - {id: x\n"))
