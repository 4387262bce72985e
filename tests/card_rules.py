"""What every Adaptive Card the bot sends must satisfy.

Checked by Microsoft's renderer library (npm `adaptivecards`, run by `tests/js/check_cards.js` in one node
process per test session): the card parses for version 1.5 with nothing unknown or newer than 1.5, within
the library's limits. Checked here, our own rules: version 1.5, a plain-text fallback, a label on every
input, an error message on every required input, an explicit action name on every submit, alt text on
images, and a size well under the Teams message limit.
"""

from __future__ import annotations

import atexit
import json
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[1]
JS_DIR = ROOT / "tests" / "js"
CHECKER = JS_DIR / "check_cards.js"
MAX_CARD_BYTES = 20_000
INSTALL_HINT = "install Node.js and npm (e.g. `apt-get install nodejs npm`), then run `make test`"


class CardCheckerMissing(RuntimeError):
    """The node card checker cannot run on this machine; the message says what to install."""


class NodeCardChecker:
    """One node process that checks cards with the `adaptivecards` library, one JSON line per card."""

    def __init__(self) -> None:
        node = shutil.which("node")
        if node is None:
            raise CardCheckerMissing(f"the card checks need Node.js, which is not installed: {INSTALL_HINT}")
        if not (JS_DIR / "node_modules" / "adaptivecards").is_dir():
            raise CardCheckerMissing(
                f"the card checks need the npm package adaptivecards in {JS_DIR / 'node_modules'}: "
                f"run `make test` (it runs `npm ci --prefix tests/js`); without npm, {INSTALL_HINT}"
            )
        self._process = subprocess.Popen(
            [node, str(CHECKER)],
            cwd=JS_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        atexit.register(self.close)

    def _pipes(self) -> tuple[IO[str], IO[str]]:
        assert self._process.stdin is not None and self._process.stdout is not None
        return self._process.stdin, self._process.stdout

    def problems(self, card: dict[str, Any]) -> list[str]:
        stdin, stdout = self._pipes()
        stdin.write(json.dumps(card, ensure_ascii=False) + "\n")
        stdin.flush()
        line = stdout.readline()
        if not line:
            raise RuntimeError(f"the card checker stopped (exit status {self._process.poll()})")
        return [str(problem) for problem in json.loads(line)["problems"]]

    def close(self) -> None:
        if self._process.poll() is None:
            stdin, _ = self._pipes()
            stdin.close()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()


@lru_cache(maxsize=1)
def card_checker() -> NodeCardChecker:
    """The session's card checker, started on first use."""
    return NodeCardChecker()


def card_problems(card: dict[str, Any]) -> list[str]:
    problems = [f"adaptivecards: {problem}" for problem in card_checker().problems(card)]
    if card.get("version") != "1.5":
        problems.append(f"card version is {card.get('version')!r}, expected '1.5'")
    if not card.get("fallbackText"):
        problems.append("card has no fallbackText")
    size = len(json.dumps(card, ensure_ascii=False).encode("utf-8"))
    if size > MAX_CARD_BYTES:
        problems.append(f"card is {size} bytes, over {MAX_CARD_BYTES}")

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            kind = node.get("type")
            if isinstance(kind, str):
                if kind.startswith("Input.") and not node.get("label"):
                    problems.append(f"{path}: input {node.get('id')!r} has no label")
                if kind.startswith("Input.") and node.get("isRequired") and not node.get("errorMessage"):
                    problems.append(f"{path}: required input {node.get('id')!r} has no errorMessage")
                if kind == "Action.Submit" and not (isinstance(node.get("data"), dict) and node["data"].get("action")):
                    problems.append(f"{path}: Action.Submit without an action name")
                if kind == "Image" and not node.get("altText"):
                    problems.append(f"{path}: image without altText")
            for key, value in node.items():
                if key != "data":  # the bot's own payload, not card structure
                    walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, f"{path}[{index}]")

    walk(card, "$")
    return problems
