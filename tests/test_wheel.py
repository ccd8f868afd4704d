"""The wheel: it ships the ontology, shapes, data and queries, and works in a fresh environment.

The wheel is built from the repository, installed into a new virtual environment (dependencies
from PyPI or the pip cache), and the installed command is run from an unrelated directory.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
BIN = "Scripts" if os.name == "nt" else "bin"


def run(command: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    # No PYTHONPATH or virtualenv of the test run may leak into the fresh environment.
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
    }
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return subprocess.run(
        command, capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout, check=False
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out), str(ROOT)]
    built = run([*command, "--no-build-isolation"], cwd=out)
    if built.returncode != 0:  # e.g. hatchling is not installed in the test environment
        built = run(command, cwd=out)
    assert built.returncode == 0, built.stdout + built.stderr
    wheels = list(out.glob("xpo1kg-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("venv")
    created = run([sys.executable, "-m", "venv", str(home / "env")], cwd=home, timeout=300)
    assert created.returncode == 0, created.stderr
    env = home / "env"
    installed = run([str(env / BIN / "pip"), "install", str(wheel)], cwd=home, timeout=900)
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
    assert "(6 rows)" in result.stdout
    assert result.stdout.splitlines()[-1] == "(6 rows)"


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
