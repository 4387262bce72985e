"""The built app package: schema validity, localization, zip layout and the values filled in."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from manifest import ManifestInputError, build_package, load_menu

MANIFEST_SCHEMA_URL = "https://developer.microsoft.com/en-us/json-schemas/teams/v1.30/MicrosoftTeams.schema.json"
LOCALIZATION_SCHEMA_URL = (
    "https://developer.microsoft.com/en-us/json-schemas/teams/v1.30/MicrosoftTeams.Localization.schema.json"
)
EXPECTED_FILES = {"manifest.json", "color.png", "outline.png", "en.json"}


def resolve(document: Any, dotted: str) -> Any:
    """Follow a localization key such as 'bots[0].commandLists[1].commands[2].title'."""
    node = document
    for part in dotted.split("."):
        match = re.fullmatch(r"([A-Za-z]+)((?:\[\d+\])*)", part)
        assert match, f"unexpected key part {part!r} in {dotted!r}"
        node = node[match.group(1)]
        for index in re.findall(r"\[(\d+)\]", match.group(2)):
            node = node[int(index)]
    return node


# --- schema validity -------------------------------------------------------------------------


def test_manifest_validates_against_the_official_v1_30_schema(package, manifest_schema, schema_errors):
    assert schema_errors(manifest_schema, package.manifest) == []


def test_manifest_declares_version_1_30(package):
    # Draft-04 ignores the schema's "const", so check it here.
    assert package.manifest["$schema"] == MANIFEST_SCHEMA_URL
    assert package.manifest["manifestVersion"] == "1.30"


def test_localization_file_validates_against_the_official_schema(package, localization_schema, schema_errors):
    assert package.en["$schema"] == LOCALIZATION_SCHEMA_URL
    assert schema_errors(localization_schema, package.en) == []


def test_schema_validation_enforces_length_limits(package, manifest_schema, localization_schema, schema_errors):
    """The length limits of the schemas are what keeps our texts in bounds; prove they bite."""
    manifest = copy.deepcopy(package.manifest)
    manifest["name"]["short"] = "x" * 31
    manifest["description"]["short"] = "x" * 81
    manifest["bots"][0]["commandLists"][0]["commands"][0]["title"] = "x" * 129
    messages = schema_errors(manifest_schema, manifest)
    assert any(m.startswith("name/short:") and "is too long" in m for m in messages)
    assert any(m.startswith("description/short:") and "is too long" in m for m in messages)
    assert any(m.startswith("bots/0/commandLists/0/commands/0/title:") for m in messages)



def test_every_length_limit_of_the_schemas_holds(package, manifest_schema, localization_schema, length_limits):
    """Including the limits a draft-04 validator skips because they stand beside a "$ref"."""
    violations, checked = length_limits(manifest_schema, package.manifest)
    assert violations == []
    assert {"/name/short", "/description/full", "/developer/name", "/bots/0/commandLists"} <= set(checked)
    assert "/bots/0/commandLists/2/commands/2/title" in checked and "/bots/0/commandLists/0/commands/9/title" in checked

    violations, checked = length_limits(localization_schema, package.en)
    assert violations == []
    assert {"/name.short", "/name.full", "/description.short", "/description.full"} <= set(checked)
    command_keys = {f"/{key}" for key in package.en if key.startswith("bots[0].")}
    assert command_keys and command_keys <= set(checked)


def test_the_length_check_catches_overlong_localized_texts(package, localization_schema, length_limits):
    localization = dict(package.en, **{"name.short": "x" * 31, "description.full": "x" * 4001})
    localization["bots[0].commandLists[0].commands[0].title"] = "x" * 129
    violations, _ = length_limits(localization_schema, localization)
    assert len(violations) == 3
    assert any(v.startswith("/name.short:") for v in violations)
    assert any(v.startswith("/description.full:") for v in violations)


def test_texts_stay_within_the_documented_limits(package):
    manifest, en = package.manifest, package.en
    assert len(manifest["name"]["short"]) <= 30 and len(en["name.short"]) <= 30
    assert len(manifest["name"]["full"]) <= 100 and len(en["name.full"]) <= 100
    assert len(manifest["description"]["short"]) <= 80 and len(en["description.short"]) <= 80
    assert len(manifest["description"]["full"]) <= 4000 and len(en["description.full"]) <= 4000
    assert len(manifest["developer"]["name"]) <= 32


# --- content --------------------------------------------------------------------------------


def test_names_and_descriptions_say_what_the_app_is_for(package):
    manifest, en = package.manifest, package.en
    assert manifest["developer"]["name"] == "VNG International"
    assert "Oekraïne" in manifest["name"]["short"]
    assert "Ukraine" in en["name.short"]
    for text in (manifest["description"]["full"], en["description.full"]):
        assert "VNG International" in text
        assert "VNG Fonds voor Noodhulp, Wederopbouw en Vredesbevordering" in text
    assert "herstelplannen" in manifest["description"]["short"]
    assert "recovery plans" in en["description.short"]  # manifest text, not from content/


def test_bot_is_conversational_in_all_three_scopes(package):
    (bot,) = package.manifest["bots"]
    assert set(bot["scopes"]) == {"personal", "team", "groupChat"}
    assert bot["supportsFiles"] is False
    assert bot["isNotificationOnly"] is False
    assert "webApplicationInfo" not in package.manifest


def test_one_command_list_per_scope_with_the_commands_of_that_scope(package):
    (bot,) = package.manifest["bots"]
    lists = bot["commandLists"]
    assert sorted(scope for entry in lists for scope in entry["scopes"]) == sorted(bot["scopes"])
    menu = load_menu()
    for entry in lists:
        assert len(entry["scopes"]) == 1
        assert [command["title"] for command in entry["commands"]] == [c.title("nl") for c in menu.for_scope(entry["scopes"][0])]
        assert all(command["description"].strip() for command in entry["commands"])


def test_dutch_is_the_default_and_english_is_localized(package):
    info = package.manifest["localizationInfo"]
    assert info["defaultLanguageTag"] == "nl"
    assert info["additionalLanguages"] == [{"languageTag": "en", "file": "en.json"}]


def test_localization_covers_every_command_of_the_default(package):
    manifest, en = package.manifest, package.en
    default_commands = [c for entry in manifest["bots"][0]["commandLists"] for c in entry["commands"]]
    title_keys = [key for key in en if key.endswith(".title") and key.startswith("bots[0]")]
    description_keys = [key for key in en if key.endswith(".description") and key.startswith("bots[0]")]
    assert len(title_keys) == len(default_commands) == len(description_keys)
    for list_index, entry in enumerate(manifest["bots"][0]["commandLists"]):
        titles = [en[f"bots[0].commandLists[{list_index}].commands[{i}].title"] for i in range(len(entry["commands"]))]
        assert titles == [c.title("en") for c in load_menu().for_scope(entry["scopes"][0])]


def test_every_localization_key_points_into_the_manifest(package):
    manifest = package.manifest
    for key, value in package.en.items():
        if key == "$schema":
            continue
        target = resolve(manifest, key)
        assert isinstance(target, str) and target, key
        assert isinstance(value, str) and value.strip(), key
    assert package.en["name.short"] != manifest["name"]["short"]  # actually translated


def test_accent_color_is_a_vng_blue(package):
    color = package.manifest["accentColor"]
    assert re.fullmatch(r"#[0-9A-Fa-f]{6}", color)
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    assert blue > red and blue > green


# --- the values filled in -------------------------------------------------------------------


def test_app_id_is_the_bot_id(build, defaults):
    package = build(app_id=defaults.app_id.upper())
    manifest = package.manifest
    assert manifest["id"] == defaults.app_id
    assert manifest["bots"][0]["botId"] == defaults.app_id


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "not-a-guid",
        "6f1c2a9e3b4d4c5e8f701a2b3c4d5e6f",
        "{6f1c2a9e-3b4d-4c5e-8f70-1a2b3c4d5e6f}",
        "6f1c2a9e-3b4d-4c5e-8f70-1a2b3c4d5e6",
        "6f1c2a9e-3b4d-4c5e-8f70-1a2b3c4d5e6g",
        "00000000-0000-0000-0000-000000000000",
    ],
)
def test_a_bad_app_id_is_rejected(tmp_path, defaults, bad):
    with pytest.raises(ManifestInputError, match=r"app id|GUID"):
        build_package(app_id=bad, host=defaults.host, version=defaults.version, out=tmp_path / "p.zip")
    assert not (tmp_path / "p.zip").exists()


def test_host_fills_valid_domains_and_default_developer_urls(package, defaults):
    manifest, host = package.manifest, defaults.host
    assert manifest["validDomains"] == [host]
    assert manifest["developer"]["websiteUrl"] == f"https://{host}/"
    assert manifest["developer"]["privacyUrl"] == f"https://{host}/privacy"
    assert manifest["developer"]["termsOfUseUrl"] == f"https://{host}/terms"


def test_configured_developer_urls_win(build, defaults):
    package = build(
        website_url="https://www.vng-international.nl/",
        privacy_url="https://www.vng-international.nl/privacy",
        terms_url="https://www.vng-international.nl/voorwaarden",
    )
    developer = package.manifest["developer"]
    assert developer["websiteUrl"] == "https://www.vng-international.nl/"
    assert developer["privacyUrl"] == "https://www.vng-international.nl/privacy"
    assert developer["termsOfUseUrl"] == "https://www.vng-international.nl/voorwaarden"
    assert package.manifest["validDomains"] == [defaults.host]


def test_a_non_https_developer_url_is_rejected(tmp_path, defaults):
    with pytest.raises(ManifestInputError, match="PRIVACY_URL"):
        build_package(
            app_id=defaults.app_id, host=defaults.host, privacy_url="http://example.nl/privacy", out=tmp_path
        )


def test_host_is_lower_cased(build):
    assert build(host="Bot.Example.NL").manifest["validDomains"] == ["bot.example.nl"]


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "https://bot.example.nl",
        "bot.example.nl/api/messages",
        "bot.example.nl:443",
        "localhost",
        "192.168.1.10",
        "-bot.example.nl",
        "bot_1.example.nl",
        "bot..example.nl",
        "user@bot.example.nl",
    ],
)
def test_a_bad_host_is_rejected(tmp_path, defaults, bad):
    with pytest.raises(ManifestInputError, match="host"):
        build_package(app_id=defaults.app_id, host=bad, version=defaults.version, out=tmp_path / "p.zip")


def test_version_is_filled_in(build):
    assert build(version="2.10.0").manifest["version"] == "2.10.0"


@pytest.mark.parametrize("bad", ["", "1", "1.0", "01.0.0", "1.0.0-beta", "v1.0.0", "1.0.0.0", "1.x.0"])
def test_a_bad_version_is_rejected(tmp_path, defaults, bad):
    with pytest.raises(ManifestInputError, match="version"):
        build_package(app_id=defaults.app_id, host=defaults.host, version=bad, out=tmp_path / "p.zip")


# --- the zip --------------------------------------------------------------------------------


def test_zip_holds_exactly_the_expected_files_at_its_root(package):
    names = [info.filename for info in package.infos]
    assert sorted(names) == sorted(EXPECTED_FILES)
    assert all("/" not in name and "\\" not in name for name in names)
    assert not any(info.is_dir() for info in package.infos)


def test_files_named_in_the_manifest_are_in_the_zip(package):
    manifest = package.manifest
    named = {manifest["icons"]["color"], manifest["icons"]["outline"]}
    named |= {entry["file"] for entry in manifest["localizationInfo"]["additionalLanguages"]}
    assert named | {"manifest.json"} == set(package.files)


def test_json_files_are_utf8_without_bom(package):
    for name in ("manifest.json", "en.json"):
        raw = package.files[name]
        assert not raw.startswith(b"\xef\xbb\xbf")
        raw.decode("utf-8")
    assert "Oekraïne" in package.files["manifest.json"].decode("utf-8")


def test_no_placeholder_is_left(package):
    for name in ("manifest.json", "en.json"):
        assert "${" not in package.files[name].decode("utf-8")


def test_same_inputs_give_a_byte_identical_package(build, tmp_path):
    first = build(out=tmp_path / "a" / "appPackage.zip")
    second = build(out=tmp_path / "b" / "appPackage.zip")
    assert first.path.read_bytes() == second.path.read_bytes()


def test_out_directory_gets_app_package_zip(build, tmp_path):
    path = build(out=tmp_path / "new-dir").path
    assert path == tmp_path / "new-dir" / "appPackage.zip"
    assert path.is_file()
    assert not list((tmp_path / "new-dir").glob("*.partial"))


def test_rebuilding_replaces_the_package(build, read_package, tmp_path):
    out = tmp_path / "appPackage.zip"
    build(version="1.0.0", out=out)
    build(version="1.0.1", out=out)
    assert read_package(out).manifest["version"] == "1.0.1"


def test_command_menu_has_room_in_the_schema(manifest_schema):
    command_list = manifest_schema["properties"]["bots"]["items"]["properties"]["commandLists"]
    assert len(load_menu().scopes) <= command_list["maxItems"]
    assert len(load_menu().commands) <= command_list["items"]["properties"]["commands"]["maxItems"]
