"""The unit-of-work rule of storage/db.py, checked in the source: repositories never commit, roll back or open a
transaction of their own, and nothing under storage/ imports botbuilder (bot state's botbuilder adapter lives
in bot/core/state_storage.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

STORAGE = Path(__file__).resolve().parents[2] / "storage"
MODULES = sorted(p for p in STORAGE.rglob("*.py") if "migrations" not in p.parts)
TRANSACTION_CONTROL = {"commit", "rollback", "begin", "begin_nested", "transaction"}


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _name(path: Path) -> str:
    return str(path.relative_to(STORAGE.parent))


def _takes_a_session(cls: ast.ClassDef) -> bool:
    for item in cls.body:
        if isinstance(item, ast.FunctionDef) and item.name == "__init__":
            return any(ast.unparse(a.annotation) == "AsyncSession" for a in item.args.args if a.annotation is not None)
    return False


def _transaction_calls(node: ast.AST) -> list[str]:
    return [
        f"line {call.lineno}: .{call.func.attr}()"
        for call in ast.walk(node)
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr in TRANSACTION_CONTROL
    ]


def test_the_source_is_found():
    assert len(MODULES) > 10 and any(p.name == "db.py" for p in MODULES)


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_repositories_leave_the_transaction_to_its_owner(path: Path):
    repositories = [node for node in ast.walk(_tree(path)) if isinstance(node, ast.ClassDef) and _takes_a_session(node)]
    problems = {cls.name: calls for cls in repositories if (calls := _transaction_calls(cls))}
    assert problems == {}, f"{_name(path)}: a repository controls its transaction: {problems}"


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_storage_imports_no_botbuilder(path: Path):
    imported: list[str] = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            imported.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.append(node.module)
    assert [name for name in imported if name.split(".")[0] in ("botbuilder", "botframework", "bot", "dialogs")] == []
