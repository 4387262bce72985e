"""Yes/no matching is the same in every process, whatever the hash seed (botbuilder's ConfirmPrompt is not)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ["ja", "Ja hoor!", "nee", "nee, liever niet", "klopt", "yes please", "no", "niet doen", "ok", "misschien", "J", "n"]
SCRIPT = f"""
import json
from pathlib import Path
from bot.core.i18n import Catalog
from dialogs.prompts import YesNo
yes_no = YesNo(Catalog.load(Path("content/messages")))
print(json.dumps([[yes_no.match(s, "nl"), yes_no.match(s, "en")] for s in {SAMPLES!r}]))
"""


def test_same_answers_under_several_hash_seeds():
    outputs = set()
    for seed in ("0", "1", "42", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
        outputs.add(result.stdout.strip())
    assert len(outputs) == 1
    answers = json.loads(outputs.pop())
    expected = [True, True, False, False, True, True, False, False, True, None, True, False]
    assert [nl for nl, _ in answers] == expected
