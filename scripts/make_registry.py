"""Regenerate ``src/xpo1kg/rdf/registry.json`` from the installed Bioregistry (a development step).

Run ``python scripts/make_registry.py`` after upgrading ``bioregistry`` or changing the list of
databases in ``src/xpo1kg/rdf/registry.py``; ``tests/test_registry.py`` fails until you do. The module
is loaded from its file, not imported from the package, so that a missing or broken registry file
cannot stop its own regeneration.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODULE = ROOT / "src" / "xpo1kg" / "rdf" / "registry.py"
TARGET = ROOT / "src" / "xpo1kg" / "rdf" / "registry.json"


def main() -> None:
    """Build the registry and replace the shipped file atomically."""
    spec = importlib.util.spec_from_file_location("xpo1kg_registry_builder", MODULE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up by name
    spec.loader.exec_module(module)
    content = module.render_registry(module.build_registry())
    handle, temporary = tempfile.mkstemp(dir=TARGET.parent, prefix=".registry-")
    with os.fdopen(handle, "wb") as out:
        out.write(content)
    os.chmod(temporary, 0o644)
    os.replace(temporary, TARGET)
    print(f"wrote {TARGET.relative_to(ROOT)} ({len(content):,} bytes)")


if __name__ == "__main__":
    main()
