"""Load the repository's scripts (benchmarks/generate.py, other test files) as modules in tests."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).parents[1]
GENERATE_SCRIPT = ROOT / "benchmarks" / "generate.py"


def load_module(name: str, path: Path) -> ModuleType:
    """Import a Python file that is not part of a package, under a name of its own."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_generator() -> ModuleType:
    """The synthetic data generator of the benchmarks."""
    return load_module("xpo1kg_benchmark_generate", GENERATE_SCRIPT)
