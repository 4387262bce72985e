"""What every Adaptive Card the bot sends must satisfy: the official 1.5 schema, nothing newer than 1.5,
a label on every input, a plain-text fallback, an explicit action name on every submit, and a size well
under the Teams message limit."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import jsonschema

from tests.support import SHARED

SCHEMAS = SHARED / "schemas" / "adaptive-cards"
MAX_CARD_BYTES = 20_000
TARGET_VERSION = (1, 5)


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    schema = json.loads((SCHEMAS / "adaptive-card-1.5.0.json").read_text(encoding="utf-8"))
    schema.pop("id", None)  # a draft-04 style id would re-base the local $refs
    return schema


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft6Validator:
    return jsonschema.Draft6Validator(_schema())


def _version(text: str | None) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split(".")) if text else (1, 0)


@lru_cache(maxsize=None)
def _properties(type_name: str) -> dict[str, Any]:
    """All properties an element type accepts, following its `allOf` parents."""
    definitions = _schema()["definitions"]
    found: dict[str, Any] = {}

    def collect(definition: dict[str, Any]) -> None:
        found.update(definition.get("properties", {}))
        for parent in definition.get("allOf", []):
            ref = parent.get("$ref", "")
            if ref.startswith("#/definitions/"):
                collect(definitions[ref.split("/")[-1]])

    collect(definitions[type_name])
    return found


def card_problems(card: dict[str, Any]) -> list[str]:
    problems = [f"schema: {e.message} at {list(e.absolute_path)}" for e in _validator().iter_errors(card)]
    if card.get("version") != "1.5":
        problems.append(f"card version is {card.get('version')!r}, expected '1.5'")
    if not card.get("fallbackText"):
        problems.append("card has no fallbackText")
    size = len(json.dumps(card, ensure_ascii=False).encode("utf-8"))
    if size > MAX_CARD_BYTES:
        problems.append(f"card is {size} bytes, over {MAX_CARD_BYTES}")
    definitions = _schema()["definitions"]

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            kind = node.get("type")
            if isinstance(kind, str) and kind in definitions:
                definition = definitions[kind]
                if _version(definition.get("version")) > TARGET_VERSION:
                    problems.append(f"{path}: {kind} is newer than 1.5")
                allowed = _properties(kind)
                for key in node:
                    if key == "$schema":
                        continue
                    if key not in allowed:
                        problems.append(f"{path}: {kind} has no property {key!r} in 1.5")
                    elif _version(allowed[key].get("version")) > TARGET_VERSION:
                        problems.append(f"{path}: {kind}.{key} is newer than 1.5")
                if kind.startswith("Input.") and not node.get("label"):
                    problems.append(f"{path}: input {node.get('id')!r} has no label")
                if kind.startswith("Input.") and node.get("isRequired") and not node.get("errorMessage"):
                    problems.append(f"{path}: required input {node.get('id')!r} has no errorMessage")
                if kind == "Action.Submit" and not (isinstance(node.get("data"), dict) and node["data"].get("action")):
                    problems.append(f"{path}: Action.Submit without an action name")
                if kind == "Image" and not node.get("altText"):
                    problems.append(f"{path}: image without altText")
            elif isinstance(kind, str) and path != "$":
                problems.append(f"{path}: unknown element type {kind!r}")
            for key, value in node.items():
                walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, f"{path}[{index}]")

    walk(card, "$")
    return problems
