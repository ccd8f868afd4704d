"""The wheel: it ships the ontology, shapes, data and queries, and works in a fresh environment.

The wheel is built from the repository and installed into a new virtual environment (dependencies,
as the wheel declares them, from PyPI or the pip cache: see tests/fresh_env.py), and the installed
command is run from an unrelated directory.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from fresh_env import BIN, ROOT, make_env_on, pip, run

# Slow (a fresh environment); one xdist worker builds the wheel and the base environment once,
# for this module and tests/test_editable.py (pytest runs with --dist loadgroup).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("fresh_env")]


@pytest.fixture(scope="module")
def venv(wheel: Path, base_env: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    env = make_env_on(base_env, tmp_path_factory.mktemp("wheel-venv") / "env")
    installed = pip(env, "install", "--no-deps", str(wheel), cwd=env.parent)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return env


def test_wheel_ships_the_package_data(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    expected = {
        "xpo1kg/py.typed",
        "xpo1kg/__init__.py",
        "xpo1kg/__main__.py",
        "xpo1kg/cli/__init__.py",
        "xpo1kg/ontology/xpo1kg.ttl",
        "xpo1kg/ontology/shapes.ttl",
        "xpo1kg/rdf/registry.json",
    }
    data = sorted((ROOT / "data").glob("*.ttl"))
    queries = sorted((ROOT / "queries").glob("*.rq"))
    assert data
    assert queries
    expected |= {f"xpo1kg/data/{p.name}" for p in data}
    expected |= {f"xpo1kg/queries/{p.name}" for p in queries}
    assert expected <= names, sorted(expected - names)
    # The shipped files are the repository's files, byte for byte.
    with zipfile.ZipFile(wheel) as archive:
        for path in [*data, *queries, ROOT / "ontology" / "xpo1kg.ttl"]:
            inside = f"xpo1kg/{path.parent.name}/{path.name}"
            assert archive.read(inside) == path.read_bytes(), inside
    # Nothing from the test suite or a cache ends up in the wheel.
    assert not [n for n in names if "__pycache__" in n or n.startswith("tests/")]


def test_wheel_declares_the_command(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        entry_points = next(n for n in archive.namelist() if n.endswith("entry_points.txt"))
        assert "xpo1kg = xpo1kg.cli:main" in archive.read(entry_points).decode()


def test_installed_command_answers_the_main_question(venv: Path, tmp_path: Path) -> None:
    result = run([str(venv / BIN / "xpo1kg"), "query", "cargo_triggering_apoptosis"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "TP53" in result.stdout
    assert "(7 rows)" in result.stdout
    assert result.stdout.splitlines()[-1] == "(7 rows)"


def test_installed_package_validates(venv: Path, tmp_path: Path) -> None:
    result = run([str(venv / BIN / "python"), "-m", "xpo1kg", "validate"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "conforms" in result.stdout


def test_installed_package_is_the_wheel(venv: Path, tmp_path: Path) -> None:
    """The fresh environment imports xpo1kg from its own site-packages, not from the repository."""
    script = "import xpo1kg, pathlib; print(pathlib.Path(xpo1kg.__file__).resolve())"
    result = run([str(venv / BIN / "python"), "-c", script], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    location = Path(result.stdout.strip())
    assert location.is_relative_to(venv.resolve())
    assert not location.is_relative_to(ROOT)


def test_installed_dependencies_satisfy_the_wheel(venv: Path, tmp_path: Path) -> None:
    """What the wheel declares is all it needs: pip finds no missing or conflicting requirement."""
    checked = pip(venv, "check", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
