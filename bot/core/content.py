"""Reading the content files (`content/*.yaml`, `manifest/commands.yaml`) into pydantic models.

A broken file stops start-up with a `ContentError` whose every line names the file, the entry (its list index
and, when it has one, its id) and the problem, e.g.
`content/sessions.yaml: sessions[0] (info-2022-10-04).capacity.online: Input should be greater than or equal to 0`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

# libyaml's loader when PyYAML was built with it: several times faster at start-up.
SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Keys that name an entry of a list in a content file, tried in this order.
IDENTITY_KEYS = ("id", "name", "concept", "intent")

Model = TypeVar("Model", bound=BaseModel)


class ContentModel(BaseModel):
    """Base of the content models: unknown keys are mistakes (a typo must not be silently ignored)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ContentError(ValueError):
    """A content file is unusable; `problems` lists every problem found, each naming its entry."""

    def __init__(self, source: str | Path, problems: Sequence[str]) -> None:
        self.source = str(source)
        self.problems = tuple(problems)
        lines = [f"{self.source}: {problem}" for problem in self.problems]
        super().__init__(lines[0] if len(lines) == 1 else "\n  - ".join(["invalid content:", *lines]))


def repeated(values: Iterable[Hashable]) -> list[str]:
    """The values that occur more than once, sorted, for "must be unique" messages."""
    counts = Counter(values)
    return sorted(str(value) for value, count in counts.items() if count > 1)


def read_yaml(path: Path) -> Any:
    """The YAML document of `path` (None for an empty file); a syntax error names the file and the line."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ContentError(path, [f"not valid YAML{where}: {error.problem or error.context}"]) from None
    except yaml.YAMLError as error:
        raise ContentError(path, [f"not valid YAML: {error}"]) from None


def parse(model: type[Model], data: Any, source: str | Path) -> Model:
    """`data` checked and converted by `model`; raises ContentError naming `source` and each entry."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise ContentError(source, problems(error, data)) from None


def load(model: type[Model], path: Path) -> Model:
    """Read `path` and check it with `model` (an empty file counts as an empty mapping)."""
    data = read_yaml(path)
    return parse(model, {} if data is None else data, path)


def parse_each(model: type[Model], items: Sequence[Any], section: str) -> tuple[list[Model], list[str], list[str]]:
    """Each item of a list checked on its own, so one broken entry does not hide the others: the good items,
    the problems (named `section[index] (id)`), and the ids of the refused items."""
    good: list[Model] = []
    found: list[str] = []
    refused: list[str] = []
    for index, item in enumerate(items):
        try:
            good.append(model.model_validate(item))
        except ValidationError as error:
            found.extend(problems(error, item, prefix=location((section, index), {section: items})))
            identity = _identity(item)
            if identity is not None:
                refused.append(identity)
    return good, found, refused


def problems(error: ValidationError, data: Any, *, prefix: str = "") -> list[str]:
    """One sentence per pydantic error: where in the file (with entry ids) and what is wrong."""
    found = []
    for detail in error.errors(include_url=False):
        where = location(detail["loc"], data)
        if prefix:
            where = f"{prefix}.{where}" if where else prefix
        message = str(detail["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        if detail["type"] in ("model_type", "model_attributes_type", "dict_type"):
            message = f"expected a mapping (key: value lines), got {type(detail['input']).__name__}"
        elif detail["type"] == "extra_forbidden":
            message = "unknown key (not one this file has; check its spelling)"
        elif detail["type"] == "string_type":
            message += f", got {detail['input']!r} (quote it: YAML reads unquoted yes/no, numbers and dates otherwise)"
        found.append(f"{where}: {message}" if where else message)
    return found


def location(loc: Sequence[int | str], data: Any) -> str:
    """`sessions[0] (info-2022-10-04).capacity` for loc ("sessions", 0, "capacity")."""
    text = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
            node = node[part] if isinstance(node, Sequence) and not isinstance(node, str) and part < len(node) else None
            identity = _identity(node)
            if identity is not None:
                text += f" ({identity})"
        else:
            text += f".{part}" if text else str(part)
            node = node.get(part) if isinstance(node, Mapping) else None
    return text


def _identity(node: Any) -> str | None:
    if not isinstance(node, Mapping):
        return None
    return next((str(node[key]) for key in IDENTITY_KEYS if isinstance(node.get(key), (str, int))), None)
