"""A broken content file stops start-up with one clear message: the file, the entry and the problem."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def _start(tmp_path: Path, break_content) -> subprocess.CompletedProcess[str]:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    break_content(content)
    environment = {
        key: value for key, value in os.environ.items() if not key.upper().startswith(("MICROSOFT", "DATABASE"))
    }
    environment.update(CONTENT_DIR=str(content), DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/bot.sqlite3", PORT="0")
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), environment.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-c", "import app; app.main()"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _end_before_start(content: Path) -> None:
    _edit(content / "sessions.yaml", lambda data: data["sessions"][0].update(end=data["sessions"][0]["start"]))


def _misspelled_label(content: Path) -> None:
    _edit(content / "expertise_areas.yaml", lambda data: data["areas"][1].update(nl_label="x"))


def _dutch_only_message(content: Path) -> None:
    with (content / "messages" / "nl" / "core.yaml").open("a", encoding="utf-8") as file:
        file.write("\nzz_only_in_dutch: 'Alleen Nederlands'\n")


def _unknown_intent(content: Path) -> None:
    (content / "knowledge" / "zz_more.yaml").write_text(
        "intents:\n  - {name: dance, examples: {nl: [dans], en: [dance]}}\n"
    )


def _session_id() -> str:
    return yaml.safe_load((ROOT / "content" / "sessions.yaml").read_text(encoding="utf-8"))["sessions"][0]["id"]


def _area_id() -> str:
    return yaml.safe_load((ROOT / "content" / "expertise_areas.yaml").read_text(encoding="utf-8"))["areas"][1]["id"]


@pytest.mark.parametrize(
    ("break_content", "message"),
    [
        (_end_before_start, lambda: f"sessions.yaml: sessions[0] ({_session_id()}): end must be after start"),
        (_misspelled_label, lambda: f"expertise_areas.yaml: areas[1] ({_area_id()}).nl_label: unknown key"),
        (_dutch_only_message, lambda: "messages: nl/core.yaml: zz_only_in_dutch: missing in content/messages/en"),
        (_unknown_intent, lambda: "zz_more.yaml: intents[0] (dance).name: unknown intent"),
    ],
    ids=["sessions", "areas", "catalog", "knowledge"],
)
def test_start_up_stops_and_names_the_file(tmp_path, break_content, message):
    result = _start(tmp_path, break_content)
    assert result.returncode == 1
    assert "The bot cannot start: fix the content file named below." in result.stderr
    assert message() in result.stderr
    assert "Traceback" not in result.stderr
