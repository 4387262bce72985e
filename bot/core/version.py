"""The one version of the service: `[project] version` in pyproject.toml.

`/healthz` and the Teams app package read it from here. An installed distribution answers through
importlib.metadata; a source tree that was never installed falls back to reading pyproject.toml itself.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "vng-oekraine-assistent"
PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


@cache
def package_version() -> str:
    """The project's version, e.g. "1.0.0"."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return pyproject_version(PYPROJECT)


def pyproject_version(path: Path) -> str:
    """`[project] version` of a pyproject.toml; a missing file or key is an error that names the file."""
    try:
        with path.open("rb") as file:
            return str(tomllib.load(file)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError) as error:
        raise RuntimeError(
            f"the version of {DISTRIBUTION} is unknown: it is not installed and {path} has no [project] version "
            f"({error!r})"
        ) from error
