"""The package is laid out by concern: the faces (CLI, server) stay at the edges."""

from __future__ import annotations

import ast
from pathlib import Path

import xpo1kg

PACKAGE = Path(xpo1kg.__file__).parent


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def _modules_outside(folder: str) -> list[Path]:
    return [p for p in sorted(PACKAGE.rglob("*.py")) if folder not in p.relative_to(PACKAGE).parts]


def test_click_is_imported_only_by_the_cli() -> None:
    offenders = [p for p in _modules_outside("cli") if "click" in _imported_roots(p)]
    assert offenders == []


def test_fastapi_is_imported_only_by_the_server() -> None:
    web = {"fastapi", "starlette"}
    offenders = [p for p in _modules_outside("server") if _imported_roots(p) & web]
    assert offenders == []


def test_the_top_level_shows_the_architecture() -> None:
    modules = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert modules == ["__init__.py", "__main__.py", "api.py", "errors.py", "resources.py"]
    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert {"cli", "rdf", "store", "query", "validate", "reason", "server"} <= folders
