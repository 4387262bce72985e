"""The import layering of the project, read from the source (ast), imports inside functions and under
`if TYPE_CHECKING:` included:

- no import cycles between modules (importing `a.b.c` from outside package `a.b` runs `a/b/__init__.py`
  first, so that counts as an import of `a.b` too);
- storage/ imports no botbuilder and nothing from bot/ or dialogs/;
- bot/core imports no feature (bot/<feature>, dialogs/<feature>);
- a feature reaches another feature only through its public module: `bot.<other>` itself, never
  `bot.<other>.desk` nor `dialogs.<other>....`;
- dialogs/<feature> imports nothing of bot/<feature> (the package that installs it): what a dialog needs
  from its feature comes in through its constructor, typed by a small Protocol.

The rules are plain functions over a module graph, so the last tests plant violations in a synthetic graph.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "dialogs", "storage", "manifest")
TOP_MODULES = ("app",)
NOT_FEATURES = {"core", "nlu"}
# Entry points that read the app's settings: Alembic's CLI run (`alembic upgrade head`) needs DATABASE_URL
# resolved as the app resolves it. Nothing imports them.
SETTINGS_READERS = {"storage.migrations.env": {"bot", "bot.core", "bot.core.config"}}

Graph = Mapping[str, set[str]]


# --- reading the project -------------------------------------------------------------------------------
def project_modules(root: Path = ROOT) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    for name in TOP_MODULES:
        if (root / f"{name}.py").exists():
            found[name] = root / f"{name}.py"
    return found


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def imported_names(module: str, path: Path, known: Iterable[str]) -> set[str]:
    """The project modules `module` imports anywhere in its file (absolute names)."""
    known = set(known)
    package = module if _is_package(path) else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join([*base_parts, node.module] if node.module else base_parts)
            else:
                base = node.module or ""
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                names.add(candidate if candidate in known else base)
    return {name for name in names if name in known}


def with_parents(importer: str, targets: set[str], known: set[str]) -> set[str]:
    """Importing `a.b.c` runs the packages `a` and `a.b` first, unless the importer lives inside them."""
    own = {importer.rsplit(".", n)[0] for n in range(importer.count(".") + 1)}
    edges = set(targets)
    for target in targets:
        parts = target.split(".")
        for n in range(1, len(parts)):
            parent = ".".join(parts[:n])
            if parent in known and parent not in own:
                edges.add(parent)
    edges.discard(importer)
    return edges


def project_graph(root: Path = ROOT) -> dict[str, set[str]]:
    modules = project_modules(root)
    known = set(modules)
    return {name: with_parents(name, imported_names(name, path, known), known) for name, path in modules.items()}


def external_imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module)
    return names


# --- the rules -----------------------------------------------------------------------------------------
def find_cycle(graph: Graph) -> list[str] | None:
    """One import cycle (its modules in order, the first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target):], target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


def feature_of(module: str, features: set[str]) -> str | None:
    parts = module.split(".")
    if len(parts) >= 2 and parts[0] in ("bot", "dialogs") and parts[1] in features:
        return parts[1]
    return None


def boundary_violations(graph: Graph, features: set[str]) -> list[str]:
    """Imports that cross a feature's boundary other than through its public module `bot.<feature>`."""
    problems: list[str] = []
    for importer, targets in sorted(graph.items()):
        mine = feature_of(importer, features)
        for target in sorted(targets):
            theirs = feature_of(target, features)
            if theirs is None:
                continue
            if importer == "bot.core" or importer.startswith("bot.core."):
                problems.append(f"{importer} -> {target}: the core imports no feature")
            elif theirs == mine:
                if importer.startswith("dialogs.") and target.startswith("bot."):
                    problems.append(f"{importer} -> {target}: a dialog imports nothing of the package that installs it")
            elif target != f"bot.{theirs}":
                problems.append(f"{importer} -> {target}: another feature only through its public module bot.{theirs}")
    return problems


def storage_violations(graph: Graph, externals: Mapping[str, set[str]]) -> list[str]:
    problems: list[str] = []
    for importer in sorted(graph):
        if importer != "storage" and not importer.startswith("storage."):
            continue
        for target in sorted(graph[importer] - SETTINGS_READERS.get(importer, set())):
            if target.split(".")[0] in ("bot", "dialogs", "app"):
                problems.append(f"{importer} -> {target}: storage imports nothing from the bot")
        for name in sorted(externals.get(importer, ())):
            if name.split(".")[0] == "botbuilder":
                problems.append(f"{importer} -> {name}: storage imports no botbuilder")
    return problems


def project_features(root: Path = ROOT) -> set[str]:
    return {p.parent.name for p in (root / "bot").glob("*/__init__.py")} - NOT_FEATURES


# --- the project obeys them ----------------------------------------------------------------------------
def test_the_graph_sees_every_package_and_its_features():
    graph = project_graph()
    assert {"app", "bot.core.router", "dialogs.forms", "storage.db", "manifest.builder"} <= set(graph)
    assert {"registration", "sessions", "offers", "organizers", "privacy", "questions"} <= project_features()
    assert "bot.registration" in graph["app"]
    # an import inside a function and one under TYPE_CHECKING both count
    assert "bot.sessions" in graph["bot.registration.desk"]


def test_no_import_cycles():
    assert find_cycle(project_graph()) is None


def test_storage_imports_no_botbuilder_and_nothing_of_the_bot():
    modules = project_modules()
    externals = {name: external_imports(path) for name, path in modules.items()}
    assert storage_violations(project_graph(), externals) == []


def test_features_meet_only_through_public_modules_and_the_core_imports_none():
    assert boundary_violations(project_graph(), project_features()) == []


# --- the rules catch what they are for -----------------------------------------------------------------
FEATURES = {"alpha", "beta"}


def test_a_planted_cycle_is_found_also_through_a_package_init(tmp_path):
    files = {
        "bot/__init__.py": "",
        "bot/alpha/__init__.py": "from bot.alpha.desk import Desk\nfrom dialogs.alpha.form import Form\n",
        "bot/alpha/desk.py": "class Desk: ...\n",
        "bot/alpha/cards.py": "X = 1\n",
        "dialogs/__init__.py": "",
        "dialogs/alpha/__init__.py": "",
        # only under TYPE_CHECKING, and yet importing it first would run bot/alpha/__init__.py
        "dialogs/alpha/form.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from bot.alpha.cards import X\nclass Form: ...\n",
        "storage/__init__.py": "",
        "manifest/__init__.py": "",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    graph = project_graph(tmp_path)
    assert graph["dialogs.alpha.form"] == {"bot.alpha.cards", "bot", "bot.alpha"}
    assert find_cycle(graph) == ["bot.alpha", "dialogs.alpha.form", "bot.alpha"]
    assert sorted(boundary_violations(graph, {"alpha"})) == [
        "dialogs.alpha.form -> bot.alpha.cards: a dialog imports nothing of the package that installs it",
        "dialogs.alpha.form -> bot.alpha: a dialog imports nothing of the package that installs it",
    ]


def test_a_function_level_import_counts(tmp_path):
    (tmp_path / "bot").mkdir()
    (tmp_path / "bot" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "bot" / "a.py").write_text("def f():\n    from bot.b import g\n", encoding="utf-8")
    (tmp_path / "bot" / "b.py").write_text("from bot import a\ndef g(): ...\n", encoding="utf-8")
    for package in ("dialogs", "storage", "manifest"):
        (tmp_path / package).mkdir()
    graph = project_graph(tmp_path)
    assert graph["bot.a"] == {"bot.b"} and graph["bot.b"] == {"bot.a"}
    assert find_cycle(graph) == ["bot.a", "bot.b", "bot.a"]


def test_an_acyclic_graph_passes():
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_planted_boundary_violations_are_named():
    graph = {
        "bot.alpha": {"bot.alpha.desk", "bot.beta"},  # fine: its own module, another's public module
        "bot.alpha.desk": {"bot.beta.desk"},  # another feature's internals
        "dialogs.alpha.form": {"dialogs.beta.form", "bot.alpha.cards"},  # another's dialog; its own installer
        "bot.core.router": {"bot.beta"},  # the core imports a feature
        "bot.nlu": set(),
    }
    assert boundary_violations(graph, FEATURES) == [
        "bot.alpha.desk -> bot.beta.desk: another feature only through its public module bot.beta",
        "bot.core.router -> bot.beta: the core imports no feature",
        "dialogs.alpha.form -> bot.alpha.cards: a dialog imports nothing of the package that installs it",
        "dialogs.alpha.form -> dialogs.beta.form: another feature only through its public module bot.beta",
    ]


def test_planted_storage_violations_are_named():
    graph = {"storage.alpha.repository": {"bot.core.clock", "storage.db"}, "storage.db": set(), "bot.core.clock": set()}
    externals = {"storage.alpha.repository": {"sqlalchemy", "botbuilder.core"}, "storage.db": {"sqlalchemy"}}
    assert storage_violations(graph, externals) == [
        "storage.alpha.repository -> bot.core.clock: storage imports nothing from the bot",
        "storage.alpha.repository -> botbuilder.core: storage imports no botbuilder",
    ]
