"""`python -m manifest` as an organizer runs it: exit codes, messages and defaults from settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.version import pyproject_version

PROJECT_ROOT = Path(__file__).resolve().parents[2]
#: Settings the CLI reads; removed from the environment so the machine's own values can't leak in.
SETTING_NAMES = {
    "microsoftappid",
    "microsoft_app_id",
    "public_base_url",
    "privacy_url",
    "terms_url",
    "developer_website_url",
}


def run_cli(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the CLI in `cwd` (no .env there) with a clean environment plus `env`."""
    environment = {key: value for key, value in os.environ.items() if key.lower() not in SETTING_NAMES}
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), environment.get("PYTHONPATH")]))
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "manifest", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,  # the tests check the exit code themselves
    )


def test_builds_the_package_and_exits_0(tmp_path, defaults, read_package):
    out = tmp_path / "dist" / "appPackage.zip"
    result = run_cli(
        tmp_path,
        "--app-id", defaults.app_id,
        "--host", defaults.host,
        "--version", "3.1.4",
        "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert str(out) in result.stdout
    package = read_package(out)
    assert package.manifest["id"] == defaults.app_id
    assert package.manifest["version"] == "3.1.4"
    assert package.manifest["validDomains"] == [defaults.host]


def test_bad_app_id_exits_2_with_a_clear_message(tmp_path, defaults):
    out = tmp_path / "appPackage.zip"
    result = run_cli(tmp_path, "--app-id", "my-bot", "--host", defaults.host, "--out", str(out))
    assert result.returncode == 2
    assert "--app-id 'my-bot' is not a GUID" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_bad_host_exits_2_with_a_clear_message(tmp_path, defaults):
    result = run_cli(
        tmp_path, "--app-id", defaults.app_id, "--host", "https://bot.example.nl/api/messages",
        "--out", str(tmp_path / "p.zip"),
    )  # fmt: skip
    assert result.returncode == 2
    assert "is not a host name" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_version_exits_2_with_a_clear_message(tmp_path, defaults):
    result = run_cli(
        tmp_path, "--app-id", defaults.app_id, "--host", defaults.host, "--version", "1.0",
        "--out", str(tmp_path / "p.zip"),
    )  # fmt: skip
    assert result.returncode == 2
    assert "--version '1.0' is not a version like 1.0.0" in result.stderr


def test_missing_app_id_and_host_exit_2(tmp_path):
    result = run_cli(tmp_path, "--out", str(tmp_path / "p.zip"))
    assert result.returncode == 2
    assert "no app id: pass --app-id or set MicrosoftAppId" in result.stderr


def test_missing_host_exits_2(tmp_path, defaults):
    result = run_cli(tmp_path, "--app-id", defaults.app_id, "--out", str(tmp_path / "p.zip"))
    assert result.returncode == 2
    assert "no public host name" in result.stderr


def test_unknown_option_is_a_usage_error(tmp_path):
    result = run_cli(tmp_path, "--colour", "blue")
    assert result.returncode == 2
    assert "usage: python -m manifest" in result.stderr


def test_defaults_come_from_the_settings(tmp_path, defaults, read_package):
    env = {
        "MicrosoftAppId": defaults.app_id,
        "PUBLIC_BASE_URL": "https://assistent.vng-int.example.nl/",
        "PRIVACY_URL": "https://www.vng-int.example.nl/privacy",
    }
    out = tmp_path / "appPackage.zip"
    result = run_cli(tmp_path, "--out", str(out), env=env)
    assert result.returncode == 0, result.stderr
    manifest = read_package(out).manifest
    assert manifest["id"] == manifest["bots"][0]["botId"] == defaults.app_id
    assert manifest["validDomains"] == ["assistent.vng-int.example.nl"]
    assert manifest["version"] == pyproject_version(PROJECT_ROOT / "pyproject.toml")  # the one version
    assert manifest["developer"]["privacyUrl"] == "https://www.vng-int.example.nl/privacy"
    assert manifest["developer"]["termsOfUseUrl"] == "https://assistent.vng-int.example.nl/terms"
    assert manifest["developer"]["websiteUrl"] == "https://assistent.vng-int.example.nl/"


def test_command_line_wins_over_settings(tmp_path, defaults, read_package):
    env = {"MicrosoftAppId": "not-a-guid", "PUBLIC_BASE_URL": "https://other.example.nl"}
    out = tmp_path / "appPackage.zip"
    result = run_cli(
        tmp_path, "--app-id", defaults.app_id, "--host", defaults.host, "--version", "7.0.0",
        "--out", str(out), env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    manifest = read_package(out).manifest
    assert (manifest["id"], manifest["validDomains"], manifest["version"]) == (
        defaults.app_id,
        [defaults.host],
        "7.0.0",
    )


def test_a_bad_app_id_from_the_settings_is_named_as_such(tmp_path, defaults):
    env = {"MicrosoftAppId": "bot-vng", "PUBLIC_BASE_URL": f"https://{defaults.host}"}
    result = run_cli(tmp_path, "--out", str(tmp_path / "p.zip"), env=env)
    assert result.returncode == 2
    assert "MicrosoftAppId 'bot-vng' is not a GUID" in result.stderr


@pytest.mark.parametrize("value", ["http://bot.example.nl/privacy", "bot.example.nl/privacy"])
def test_a_bad_url_setting_exits_2(tmp_path, defaults, value):
    result = run_cli(
        tmp_path, "--app-id", defaults.app_id, "--host", defaults.host, "--out", str(tmp_path / "p.zip"),
        env={"PRIVACY_URL": value},
    )  # fmt: skip
    assert result.returncode == 2
    assert "PRIVACY_URL" in result.stderr and "https://" in result.stderr


def test_an_unwritable_out_path_exits_1(tmp_path, defaults):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    result = run_cli(
        tmp_path, "--app-id", defaults.app_id, "--host", defaults.host,
        "--out", str(blocker / "appPackage.zip"),
    )  # fmt: skip
    assert result.returncode == 1
    assert "could not be built" in result.stderr
