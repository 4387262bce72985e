"""docs/deploy.md lists every setting the service reads, and nothing it does not read."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import AliasChoices

from bot.core.config import Settings

ROOT = Path(__file__).resolve().parents[2]
CODE = ("bot", "dialogs", "storage", "manifest", "app.py")


def settings_read_by_the_code() -> set[str]:
    names = set()
    for field in Settings.model_fields.values():
        alias = field.validation_alias
        assert isinstance(alias, AliasChoices), f"a setting without its environment name: {field}"
        names.add(str(alias.choices[0]))  # the environment variable's name comes first
    paths = [ROOT / "app.py"] + [p for part in CODE[:-1] for p in (ROOT / part).rglob("*.py")]
    for path in paths:
        source = path.read_text(encoding="utf-8")
        names.update(re.findall(r"""(?:os\.environ\.get|os\.getenv|os\.environ\[)\(?\s*["']([A-Za-z_][A-Za-z0-9_]*)["']""", source))
    return names


def settings_in_the_guide() -> set[str]:
    text = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    section = text[text.index("## 5. Settings"):text.index("## 6.")]
    names = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            names.update(re.findall(r"`([A-Za-z_][A-Za-z0-9_]*)`", first_cell))
    return names


def test_the_deploy_guide_lists_every_setting_the_code_reads():
    read, documented = settings_read_by_the_code(), settings_in_the_guide()
    assert {"DATABASE_URL", "MicrosoftAppId", "METRICS_TOKEN", "OTEL_EXPORTER_OTLP_ENDPOINT"} <= read  # the scan works
    assert sorted(read - documented) == [], "settings missing from the table in docs/deploy.md section 5"
    assert sorted(documented - read) == [], "docs/deploy.md lists settings the code does not read"
