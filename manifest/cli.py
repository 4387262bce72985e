"""`python -m manifest`: build the Teams app package for one deployment.

Values not given on the command line come from the service's settings (environment variables or
`.env`): MicrosoftAppId, PUBLIC_BASE_URL (its host), DEVELOPER_WEBSITE_URL, PRIVACY_URL and
TERMS_URL. The version is the project's (pyproject.toml), the one `/healthz` reports, unless --version says
otherwise. Exit codes: 0 built, 2 bad input, 1 anything else (e.g. a file error).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from manifest.builder import DEFAULT_OUT, ManifestInputError, build_package

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m manifest",
        description=(
            "Build the Microsoft Teams app package (manifest.json, icons, en.json) for the "
            "VNG Oekraïne-assistent. Upload the zip in the Teams admin center."
        ),
    )
    parser.add_argument(
        "--app-id",
        metavar="GUID",
        help="the bot's Microsoft App ID (Entra application ID); default: MicrosoftAppId",
    )
    parser.add_argument(
        "--host",
        metavar="HOST",
        help="public host name of the bot, e.g. bot.example.nl; default: the host of PUBLIC_BASE_URL",
    )
    parser.add_argument(
        "--version",
        metavar="X.Y.Z",
        help="app version; default: the project version in pyproject.toml (raise that for every new upload)",
    )
    parser.add_argument(
        "--out",
        metavar="PATH",
        type=Path,
        default=None,
        help=(
            "the zip file to write; a path not ending in .zip is a directory that gets "
            f"appPackage.zip; default: {DEFAULT_OUT}"
        ),
    )
    return parser


def _load_settings() -> Any:
    # Imported here so that `import manifest` stays light for the bot and for tests.
    from bot.core.config import Settings  # noqa: PLC0415

    return Settings()


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = _load_settings()
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        print(f"error: the settings could not be read:\n{exc}", file=sys.stderr)
        return EXIT_BAD_INPUT

    sources = {
        "app_id": "--app-id" if args.app_id is not None else "MicrosoftAppId",
        "host": "--host" if args.host is not None else "the host of PUBLIC_BASE_URL",
        "version": "--version" if args.version is not None else "the project version in pyproject.toml",
    }
    host = args.host
    if host is None and settings.public_base_url:
        host = urlsplit(settings.public_base_url.strip()).hostname or settings.public_base_url
    try:
        path = build_package(
            app_id=args.app_id if args.app_id is not None else settings.microsoft_app_id,
            host=host,
            version=args.version,
            out=args.out if args.out is not None else DEFAULT_OUT,
            website_url=settings.developer_website_url or None,
            privacy_url=settings.privacy_url or None,
            terms_url=settings.terms_url or None,
            sources=sources,
        )
    except ManifestInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (OSError, ValueError) as exc:
        print(f"error: the package could not be built: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(f"Teams app package written to {path}")
    return EXIT_OK
