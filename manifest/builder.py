"""Build the Teams app package (`appPackage.zip`) from the template, the command menu and the icons.

The template (`template/manifest.json`) holds the Dutch texts and the fixed parts of the manifest;
values that differ per deployment are placeholders (`"${APP_ID}"`, ...) that this module fills in.
Each additional language has a localization file next to the template (`template/en.json`); the
command titles and descriptions are added to it from `commands.yaml`.
"""

from __future__ import annotations

import copy
import json
import re
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.core.version import package_version
from manifest.menu import DEFAULT_LANGUAGE, CommandMenu, load_menu, normalize_language

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATE_DIR = PACKAGE_DIR / "template"
ICONS_DIR = PACKAGE_DIR / "icons"
DEFAULT_OUT = PACKAGE_DIR / "build" / "appPackage.zip"
PACKAGE_FILE_NAME = "appPackage.zip"

#: Icon file name in the package -> required (width, height).
ICON_SIZES = {"color.png": (192, 192), "outline.png": (32, 32)}

# The patterns of the manifest schema (definitions/guid and definitions/semver).
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_NIL_GUID = "00000000-0000-0000-0000-000000000000"
_PLACEHOLDER = re.compile(r"^\$\{([A-Z_]+)\}$")
_MAX_URL = 2048
# Every file in the zip gets the same timestamp, so equal inputs give byte-identical packages.
_ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)


class ManifestInputError(ValueError):
    """A value given to the builder (app id, host, version, URL) is not usable; the text says why."""


@dataclass(frozen=True)
class PackageInputs:
    """Everything that differs between deployments, checked."""

    app_id: str
    host: str
    version: str
    website_url: str
    privacy_url: str
    terms_url: str


def validate_app_id(value: str | None, source: str = "--app-id") -> str:
    """The bot's Microsoft App ID (its Entra application/client ID), lower case."""
    if not value or not value.strip():
        raise ManifestInputError(
            "no app id: pass --app-id or set MicrosoftAppId (the bot's Microsoft App ID, a GUID)"
        )
    app_id = value.strip()
    if not _GUID.fullmatch(app_id):
        raise ManifestInputError(
            f"{source} {app_id!r} is not a GUID; the bot's Microsoft App ID looks like "
            "'12345678-abcd-4ef0-9876-0123456789ab' (Azure portal: Azure Bot > Configuration)"
        )
    if app_id == _NIL_GUID:
        raise ManifestInputError(f"{source} is the all-zero GUID; use the bot's real Microsoft App ID")
    return app_id.lower()


def validate_host(value: str | None, source: str = "--host") -> str:
    """A public DNS host name such as 'bot.example.nl' (no scheme, port or path), lower case."""
    if not value or not value.strip():
        raise ManifestInputError(
            "no public host name: pass --host (e.g. bot.example.nl) or set PUBLIC_BASE_URL "
            "(e.g. https://bot.example.nl)"
        )
    raw = value.strip()
    if "://" in raw or any(char in raw for char in "/:@?#"):
        raise ManifestInputError(
            f"{source} {raw!r} is not a host name; give only the host, such as 'bot.example.nl' "
            "(no https://, port or path)"
        )
    host = raw.lower()
    labels = host.split(".")
    if (
        len(host) > 253
        or len(labels) < 2
        or not all(_HOST_LABEL.fullmatch(label) for label in labels)
        or not labels[-1][0].isalpha()
    ):
        raise ManifestInputError(
            f"{source} {raw!r} is not a valid public host name; expected something like "
            "'bot.example.nl' (letters, digits and hyphens, at least one dot, no IP address)"
        )
    return host


def validate_version(value: str | None, source: str = "--version") -> str:
    """The app version in the form MAJOR.MINOR.PATCH (Teams' semver subset)."""
    version = (value or "").strip()
    if not _SEMVER.fullmatch(version):
        raise ManifestInputError(
            f"{source} {value!r} is not a version like 1.0.0 (three numbers without leading zeros, "
            "no prefix or suffix)"
        )
    return version


def validate_https_url(value: str, source: str) -> str:
    url = value.strip()
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:
        hostname = None
    if (
        not url.startswith("https://")
        or not hostname
        or len(url) > _MAX_URL
        or any(char.isspace() for char in url)
    ):
        raise ManifestInputError(f"{source} {value!r} must be an https:// address")
    return url


def resolve_inputs(
    *,
    app_id: str | None,
    host: str | None,
    version: str | None,
    website_url: str | None = None,
    privacy_url: str | None = None,
    terms_url: str | None = None,
    sources: dict[str, str] | None = None,
) -> PackageInputs:
    """Check every input; developer URLs default to pages on the bot's own host."""
    names = {
        "app_id": "--app-id",
        "host": "--host",
        "version": "--version",
        "website_url": "DEVELOPER_WEBSITE_URL",
        "privacy_url": "PRIVACY_URL",
        "terms_url": "TERMS_URL",
        **(sources or {}),
    }
    checked_app_id = validate_app_id(app_id, names["app_id"])
    checked_host = validate_host(host, names["host"])
    checked_version = validate_version(version, names["version"])
    base = f"https://{checked_host}"

    def url_or_default(value: str | None, key: str, default: str) -> str:
        if value and value.strip():
            return validate_https_url(value, names[key])
        return default

    return PackageInputs(
        app_id=checked_app_id,
        host=checked_host,
        version=checked_version,
        website_url=url_or_default(website_url, "website_url", f"{base}/"),
        privacy_url=url_or_default(privacy_url, "privacy_url", f"{base}/privacy"),
        terms_url=url_or_default(terms_url, "terms_url", f"{base}/terms"),
    )


def _read_json(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def _fill(node: Any, values: dict[str, Any]) -> Any:
    """Replace every string that is exactly "${NAME}" by values[NAME] (any JSON value)."""
    if isinstance(node, dict):
        return {key: _fill(child, values) for key, child in node.items()}
    if isinstance(node, list):
        return [_fill(child, values) for child in node]
    if isinstance(node, str):
        match = _PLACEHOLDER.match(node)
        if match:
            name = match.group(1)
            if name not in values:
                raise KeyError(f"the manifest template uses an unknown placeholder ${{{name}}}")
            return copy.deepcopy(values[name])
        if "${" in node:
            raise ValueError(f"a template string may only be a whole placeholder: {node!r}")
    return node


def command_lists(menu: CommandMenu, lang: str = DEFAULT_LANGUAGE) -> list[dict[str, Any]]:
    """One command list per scope, each with the commands of that scope (title and description) in `lang`."""
    code = normalize_language(lang)
    return [
        {
            "scopes": [scope],
            "commands": [
                {"title": command.texts[code].title, "description": command.texts[code].description}
                for command in menu.for_scope(scope)
            ],
        }
        for scope in menu.scopes
    ]


def command_localization(menu: CommandMenu, lang: str) -> dict[str, str]:
    """The localization keys for the command lists built by `command_lists`, in `lang`."""
    code = normalize_language(lang)
    keys: dict[str, str] = {}
    for list_index, scope in enumerate(menu.scopes):
        for index, command in enumerate(menu.for_scope(scope)):
            prefix = f"bots[0].commandLists[{list_index}].commands[{index}]"
            keys[f"{prefix}.title"] = command.texts[code].title
            keys[f"{prefix}.description"] = command.texts[code].description
    return keys


def build_manifest(inputs: PackageInputs, menu: CommandMenu | None = None) -> dict[str, Any]:
    """The filled-in `manifest.json` (default language texts)."""
    menu = menu or load_menu()
    template = _read_json(TEMPLATE_DIR / "manifest.json")
    default_lang = template["localizationInfo"]["defaultLanguageTag"]
    return _fill(
        template,
        {
            "APP_ID": inputs.app_id,
            "VERSION": inputs.version,
            "HOST": inputs.host,
            "WEBSITE_URL": inputs.website_url,
            "PRIVACY_URL": inputs.privacy_url,
            "TERMS_URL": inputs.terms_url,
            "COMMAND_LISTS": command_lists(menu, default_lang),
        },
    )


def build_localizations(manifest: dict[str, Any], menu: CommandMenu | None = None) -> dict[str, dict[str, Any]]:
    """File name -> content of every localization file the manifest lists."""
    menu = menu or load_menu()
    files: dict[str, dict[str, Any]] = {}
    for language in manifest.get("localizationInfo", {}).get("additionalLanguages", []):
        name = language["file"]
        content = _read_json(TEMPLATE_DIR / name)
        content.update(command_localization(menu, language["languageTag"]))
        files[name] = content
    return files


def _png_size(data: bytes, name: str) -> tuple[int, int]:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError(f"icon {name} is not a PNG file")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def read_icons(icons_dir: Path = ICONS_DIR) -> dict[str, bytes]:
    """The committed icons, checked for their required sizes."""
    icons: dict[str, bytes] = {}
    for name, size in ICON_SIZES.items():
        path = icons_dir / name
        if not path.is_file():
            raise FileNotFoundError(f"icon {path} is missing; run `python -m manifest.draw_icons`")
        data = path.read_bytes()
        if _png_size(data, name) != size:
            raise ValueError(f"icon {name} must be {size[0]}x{size[1]} pixels")
        icons[name] = data
    return icons


def _json_bytes(content: dict[str, Any]) -> bytes:
    return (json.dumps(content, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def package_members(inputs: PackageInputs) -> list[tuple[str, bytes]]:
    """(file name, bytes) of everything that goes into the zip, all at its root."""
    menu = load_menu()
    manifest = build_manifest(inputs, menu)
    icons = read_icons()
    referenced = {manifest["icons"]["color"], manifest["icons"]["outline"]}
    if referenced != set(icons):
        raise ValueError(f"the manifest names icons {sorted(referenced)}, the package has {sorted(icons)}")
    members = [("manifest.json", _json_bytes(manifest))]
    members += [(name, data) for name, data in icons.items()]
    members += [(name, _json_bytes(content)) for name, content in build_localizations(manifest, menu).items()]
    return members


def write_zip(out: Path, members: list[tuple[str, bytes]]) -> Path:
    """Write the members to `out`; atomic replace.

    A path ending in ".zip" is the package file; any other path is a directory (created if
    needed) that gets `appPackage.zip` inside.
    """
    if out.suffix.lower() != ".zip":
        out = out / PACKAGE_FILE_NAME
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    partial.replace(out)
    return out


def build_package(
    *,
    app_id: str | None,
    host: str | None,
    version: str | None = None,
    out: Path = DEFAULT_OUT,
    website_url: str | None = None,
    privacy_url: str | None = None,
    terms_url: str | None = None,
    sources: dict[str, str] | None = None,
) -> Path:
    """Check the inputs, build the manifest and localization files and write the zip; returns its path.

    `sources` names where each value came from (e.g. {"app_id": "MicrosoftAppId"}) for error texts. Without a
    `version`, the package carries the project's version (pyproject.toml), the one `/healthz` reports.
    """
    if version is None:
        version = package_version()
    inputs = resolve_inputs(
        app_id=app_id,
        host=host,
        version=version,
        website_url=website_url,
        privacy_url=privacy_url,
        terms_url=terms_url,
        sources=sources,
    )
    return write_zip(Path(out), package_members(inputs))
