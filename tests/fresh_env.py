"""Fresh virtual environments for the install tests (the wheel, the editable install).

Installing the dependencies is the slow part, so it is done once per test run: a *base*
environment gets the wheel's declared runtime dependencies (and hatchling with editables, to build editable
installs without network access). Each install under test then goes into an environment of its
own, created without pip, which sees the base environment's packages through a ``.pth`` file and
runs the base's pip. Nothing of the test run (its ``PYTHONPATH``, its virtualenv) leaks in.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

BIN = "Scripts" if os.name == "nt" else "bin"
ROOT = Path(__file__).resolve().parents[1]
#: The user's pip cache, read at import, before tests/conftest.py points XDG_CACHE_HOME at a
#: private folder: with it, pip reuses the wheels it built (owlready2 compiles C) and downloaded
#: when the test command installed the project, instead of building them again on every run.
PIP_CACHE = os.environ.get("PIP_CACHE_DIR") or str(
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pip"
)


def run(command: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run a command with the test run's Python environment variables removed."""
    # PYTHONDONTWRITEBYTECODE goes too: the base environment is installed without byte-compiling
    # (half of pip's time), so its first import of a module writes the bytecode the next one reads.
    dropped = ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_CACHE_DIR"] = PIP_CACHE
    return subprocess.run(
        command, capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout, check=False
    )


def build_wheel(out: Path) -> Path:
    """Build the project's wheel into ``out`` and return its path."""
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out), str(ROOT)]
    built = run([*command, "--no-build-isolation"], cwd=out)
    if built.returncode != 0:  # e.g. hatchling is not installed in the test environment
        built = run(command, cwd=out)
    assert built.returncode == 0, built.stdout + built.stderr
    wheels = list(out.glob("xpo1kg-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def runtime_requirements(wheel: Path) -> list[str]:
    """The wheel's declared dependencies (``Requires-Dist`` without an extra)."""
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = archive.read(name).decode("utf-8")
    prefix = "Requires-Dist: "
    return [
        line[len(prefix) :]
        for line in metadata.splitlines()
        if line.startswith(prefix) and "extra ==" not in line
    ]


def site_packages(env: Path) -> Path:
    """The purelib folder of a virtual environment made with this interpreter."""
    relative = Path(sysconfig.get_path("purelib")).relative_to(sysconfig.get_path("data"))
    return env / relative


def make_base_env(home: Path, wheel: Path) -> Path:
    """A virtual environment with the wheel's dependencies and a build backend, not the project."""
    env = home / "base"
    created = run([sys.executable, "-m", "venv", str(env)], cwd=home, timeout=300)
    assert created.returncode == 0, created.stderr
    requirements = [*runtime_requirements(wheel), "hatchling>=1.25", "editables"]
    command = [str(env / BIN / "pip"), "install", "--no-compile", *requirements]
    installed = run(command, cwd=home, timeout=900)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return env


def make_env_on(base: Path, env: Path) -> Path:
    """A new virtual environment without pip that sees the base environment's packages."""
    created = run([sys.executable, "-m", "venv", "--without-pip", str(env)], cwd=env.parent)
    assert created.returncode == 0, created.stderr
    (site_packages(env) / "_base_env.pth").write_text(f"{site_packages(base)}\n", encoding="utf-8")
    return env


def pip(env: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the base environment's pip with ``env``'s interpreter, so it installs into ``env``."""
    return run([str(env / BIN / "python"), "-m", "pip", *args], cwd=cwd, timeout=900)
