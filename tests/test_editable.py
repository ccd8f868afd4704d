"""The editable install: ``pip install -e .`` works, and edits to the curated files count at once.

The repository is copied to a temporary folder (the real files are never edited), installed in
editable mode into a fresh virtual environment (tests/fresh_env.py), and the installed command is
run from an unrelated directory before and after editing a data file, the ontology and a query.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fresh_env import BIN, ROOT, make_env_on, pip, run

# Slow (a fresh environment); shares the base environment with tests/test_wheel.py.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("fresh_env")]

NEW_QUERY = """# title: Edited question
# question: Which label does XPO1 have after the edit?
# answer: One row: the label.
PREFIX xr: <https://w3id.org/xpo1kg/resource/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?label WHERE { xr:XPO1 rdfs:label ?label }
"""


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository's sources (no .git, .venv, tests or caches)."""
    copy = tmp_path_factory.mktemp("checkout") / "xpo1kg"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")
    copy.mkdir()
    for name in ("src", "ontology", "data", "queries"):
        shutil.copytree(ROOT / name, copy / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, copy / name)
    return copy


@pytest.fixture(scope="module")
def venv(base_env: Path, checkout: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    env = make_env_on(base_env, tmp_path_factory.mktemp("editable-venv") / "env")
    installed = pip(
        env, "install", "--no-deps", "--no-build-isolation", "-e", str(checkout), cwd=env.parent
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return env


def xpo1kg(venv: Path, cwd: Path, *args: str) -> str:
    result = run([str(venv / BIN / "xpo1kg"), *args], cwd=cwd)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_editable_install_imports_the_checkout(venv: Path, checkout: Path, tmp_path: Path) -> None:
    script = "import xpo1kg, pathlib; print(pathlib.Path(xpo1kg.__file__).resolve())"
    result = run([str(venv / BIN / "python"), "-c", script], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()) == (checkout / "src" / "xpo1kg" / "__init__.py").resolve()


def test_edits_to_data_ontology_and_queries_are_seen_without_reinstalling(
    venv: Path, checkout: Path, tmp_path: Path
) -> None:
    before = xpo1kg(venv, tmp_path, "query", "cargo_triggering_apoptosis")
    assert before.splitlines()[-1] == "(7 rows)"
    assert "edited_question" not in xpo1kg(venv, tmp_path, "queries")

    proteins = checkout / "data" / "proteins.ttl"
    text = proteins.read_text(encoding="utf-8")
    assert text.count('rdfs:label "XPO1" ;') == 1
    proteins.write_text(text.replace('rdfs:label "XPO1" ;', 'rdfs:label "XPO1 edited" ;'), "utf-8")
    (checkout / "queries" / "edited_question.rq").write_text(NEW_QUERY, encoding="utf-8")
    ontology = checkout / "ontology" / "xpo1kg.ttl"
    ontology.write_text(
        ontology.read_text(encoding="utf-8")
        + '\nxo:EditedClass a owl:Class ; rdfs:label "edited class"@en .\n',
        encoding="utf-8",
    )

    assert "edited_question" in xpo1kg(venv, tmp_path, "queries")
    answer = xpo1kg(venv, tmp_path, "query", "edited_question", "--format", "csv")
    assert answer.splitlines() == ["label", "XPO1 edited"]
    ask = "ASK { xo:EditedClass a owl:Class }"
    assert xpo1kg(venv, tmp_path, "query", "--sparql", ask, "--format", "csv").split() == [
        "ask",
        "true",
    ]
