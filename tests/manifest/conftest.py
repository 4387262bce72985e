"""Shared fixtures for the app package tests: the official schemas and a freshly built package.

Test modules get everything through fixtures (never `import conftest`), so that they keep working
whatever other conftest.py files the test tree holds.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jsonschema
import pytest

from manifest import build_package

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# From the npm package @microsoft/app-manifest (MIT, Microsoft), which `make test` installs with `npm ci`.
NPM_DIR = PROJECT_ROOT / "tests" / "js"
SCHEMA_DIR = NPM_DIR / "node_modules" / "@microsoft" / "app-manifest" / "build" / "json-schemas" / "teams" / "v1.30"
MANIFEST_SCHEMA = SCHEMA_DIR / "MicrosoftTeams.schema.json"
LOCALIZATION_SCHEMA = SCHEMA_DIR / "MicrosoftTeams.Localization.schema.json"

DEFAULTS = SimpleNamespace(
    app_id="6f1c2a9e-3b4d-4c5e-8f70-1a2b3c4d5e6f",
    host="bot.vng-oekraine.example.nl",
    version="1.4.2",
)


def _load_schema(path: Path) -> dict[str, Any]:
    if not path.is_file():
        pytest.fail(
            f"official Teams manifest schema missing: {path}. `make test` installs it from npm "
            f"(`npm ci --prefix tests/js`); without Node.js and npm, install them first "
            f"(e.g. `apt-get install nodejs npm`), then run `make test`.",
            pytrace=False,
        )
    return json.loads(path.read_text(encoding="utf-8"))


def make_validator(schema: dict[str, Any]) -> jsonschema.protocols.Validator:
    """A validator of the schema's own draft (the manifest schemas declare draft-04)."""
    cls = jsonschema.validators.validator_for(schema)
    # Check the schema's structure against its meta-schema, but without format checks: the manifest
    # schema has a pattern with \p{L}, which ECMA regexes know and Python's `re` does not (it sits
    # in a part of the schema that this app doesn't use).
    cls(cls.META_SCHEMA).validate(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def schema_error_list(schema: dict[str, Any], document: Any) -> list[str]:
    """Every validation error as 'json/path: message', sorted by path."""
    errors = make_validator(schema).iter_errors(document)
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
        for error in sorted(errors, key=lambda e: list(map(str, e.absolute_path)))
    ]


def _follow(root: dict[str, Any], ref: str) -> dict[str, Any]:
    assert ref.startswith("#/"), f"only local $refs are expected, got {ref!r}"
    node: Any = root
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def length_limit_check(schema: dict[str, Any], document: Any) -> tuple[list[str], list[str]]:
    """Check every maxLength / minLength / maxItems that the schema puts on the document's values.

    Unlike a draft-04 validator, this also applies limits written beside a "$ref" (draft-04 ignores
    every keyword next to "$ref"; the localization schema puts its name and description limits
    there). Returns (violations, paths that had a limit).
    """
    violations: list[str] = []
    checked: list[str] = []

    def visit(node: dict[str, Any], value: Any, path: str, hops: int = 0) -> None:
        assert hops < 32, f"$ref loop at {path}"
        if "$ref" in node:
            visit(_follow(schema, node["$ref"]), value, path, hops + 1)
        if isinstance(value, str):
            if "maxLength" in node:
                checked.append(path)
                if len(value) > node["maxLength"]:
                    violations.append(f"{path}: {len(value)} characters, at most {node['maxLength']}")
            if "minLength" in node and len(value) < node["minLength"]:
                violations.append(f"{path}: {len(value)} characters, at least {node['minLength']}")
        elif isinstance(value, list):
            if "maxItems" in node:
                checked.append(path)
                if len(value) > node["maxItems"]:
                    violations.append(f"{path}: {len(value)} items, at most {node['maxItems']}")
            if isinstance(node.get("items"), dict):
                for index, item in enumerate(value):
                    visit(node["items"], item, f"{path}/{index}")
        elif isinstance(value, dict):
            properties = node.get("properties", {})
            for key, child in value.items():
                matched = False
                if key in properties:
                    visit(properties[key], child, f"{path}/{key}")
                    matched = True
                for pattern, sub in node.get("patternProperties", {}).items():
                    if re.search(pattern, key):
                        visit(sub, child, f"{path}/{key}")
                        matched = True
                if not matched and isinstance(node.get("additionalProperties"), dict):
                    visit(node["additionalProperties"], child, f"{path}/{key}")

    visit(schema, document, "")
    return violations, checked


@pytest.fixture(scope="session")
def length_limits() -> Callable[[dict[str, Any], Any], tuple[list[str], list[str]]]:
    return length_limit_check


@pytest.fixture(scope="session")
def defaults() -> SimpleNamespace:
    """The app id, host and version the `build` fixture uses unless told otherwise."""
    return DEFAULTS


@pytest.fixture(scope="session")
def schema_errors() -> Callable[[dict[str, Any], Any], list[str]]:
    return schema_error_list


@pytest.fixture(scope="session")
def manifest_schema() -> dict[str, Any]:
    return _load_schema(MANIFEST_SCHEMA)


@pytest.fixture(scope="session")
def localization_schema() -> dict[str, Any]:
    return _load_schema(LOCALIZATION_SCHEMA)


class BuiltPackage:
    """A built appPackage.zip and its parsed contents."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with zipfile.ZipFile(path) as archive:
            self.infos = archive.infolist()
            self.files = {info.filename: archive.read(info) for info in self.infos}

    def json(self, name: str) -> dict[str, Any]:
        return json.loads(self.files[name].decode("utf-8"))

    @property
    def manifest(self) -> dict[str, Any]:
        return self.json("manifest.json")

    @property
    def en(self) -> dict[str, Any]:
        return self.json("en.json")


@pytest.fixture
def build(tmp_path: Path) -> Callable[..., BuiltPackage]:
    """Build a package into tmp_path; keyword arguments override the defaults."""

    def _build(**overrides: Any) -> BuiltPackage:
        kwargs: dict[str, Any] = {
            "app_id": DEFAULTS.app_id,
            "host": DEFAULTS.host,
            "version": DEFAULTS.version,
            "out": tmp_path / "out" / "appPackage.zip",
        }
        kwargs.update(overrides)
        return BuiltPackage(build_package(**kwargs))

    return _build


@pytest.fixture
def package(build: Callable[..., BuiltPackage]) -> BuiltPackage:
    return build()


@pytest.fixture(scope="session")
def read_package() -> Callable[[Path], BuiltPackage]:
    """Open any package file as a BuiltPackage."""
    return BuiltPackage
