"""One version: pyproject.toml's `[project] version`, read from the installed distribution or the source tree."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

import pytest

from bot.core import version
from bot.core.version import PYPROJECT, package_version, pyproject_version
from manifest.builder import build_package

ROOT = Path(__file__).resolve().parents[2]


def _declared() -> str:
    with (ROOT / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)["project"]["version"]


@pytest.fixture
def fresh_version():
    package_version.cache_clear()
    yield
    package_version.cache_clear()


def test_the_version_is_the_one_in_pyproject(fresh_version):
    assert PYPROJECT == ROOT / "pyproject.toml"
    assert package_version() == pyproject_version(PYPROJECT) == _declared()


def test_a_source_tree_without_install_reads_pyproject(fresh_version, monkeypatch):
    def not_installed(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(version.metadata, "version", not_installed)
    assert package_version() == _declared()


def test_a_missing_version_names_the_file(tmp_path):
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "x"\n', encoding="utf-8")
    with pytest.raises(RuntimeError, match=f"{path}.*no \\[project\\] version"):
        pyproject_version(path)


def test_the_teams_package_carries_the_same_version(tmp_path):
    import json
    import zipfile

    out = build_package(app_id="00000000-0000-4000-8000-000000000001", host="bot.example.nl", out=tmp_path / "p.zip")
    with zipfile.ZipFile(out) as archive:
        assert json.loads(archive.read("manifest.json"))["version"] == _declared()
