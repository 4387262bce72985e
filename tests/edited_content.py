"""A copy of `content/` with every catalog text and knowledge answer reworded, to prove that the tests
survive an organizer's edit: words are written backwards, placeholders and command words (keys under `words` or `*_words`) stay.

    .venv/bin/python -m tests.edited_content /tmp/edited-content
    CONTENT_DIR=/tmp/edited-content .venv/bin/python -m pytest -q -p no:cacheprovider -m "not wording"   # must pass
    CONTENT_DIR=/tmp/edited-content .venv/bin/python -m pytest -q -p no:cacheprovider -m wording         # may fail

Only tests marked `wording` (registered in pyproject.toml) may fail against the copy: `tests/core/test_key_wording.py`
(key wording on purpose), the fact checks inside knowledge answers in `tests/core/test_faq_examples.py`, and the few
other tests marked so with a comment saying why. Every other test looks texts up with `tests/wording.py`.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

from tests.wording import PLACEHOLDER, lists_words

ROOT = Path(__file__).resolve().parents[1]
_PLACEHOLDER_OR_WORD = re.compile(rf"({PLACEHOLDER.pattern})|[^\W\d_]{{2,}}")


def reword(text: str) -> str:
    """Every word written backwards (`Welkom` -> `mokleW`), placeholders kept as they are."""
    return _PLACEHOLDER_OR_WORD.sub(lambda m: m.group() if m.group(1) else m.group()[::-1], text)


def _reword_messages(node: Any, key: str = "") -> Any:
    if isinstance(node, dict):
        return {name: _reword_messages(value, f"{key}.{name}" if key else name) for name, value in node.items()}
    if isinstance(node, str) and not lists_words(key):
        return reword(node)
    return node


def write_edited_content(target: Path, source: Path = ROOT / "content") -> Path:
    shutil.copytree(source, target, dirs_exist_ok=True)
    for path in sorted((target / "messages").glob("*/*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        path.write_text(yaml.safe_dump(_reword_messages(data), allow_unicode=True, sort_keys=False), encoding="utf-8")
    for path in sorted((target / "knowledge").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for entry in data.get("entries") or []:
            entry["answer"] = {lang: reword(text) for lang, text in entry["answer"].items()}
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


if __name__ == "__main__":
    print(write_edited_content(Path(sys.argv[1])))
