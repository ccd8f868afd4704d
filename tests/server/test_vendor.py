"""The vendored editor and API-docs bundles: pinned, licensed, complete, reproducible."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "src" / "xpo1kg" / "server" / "static" / "vendor"


@pytest.mark.parametrize(
    ("script", "folder", "package", "files"),
    [
        ("vendor-yasgui.sh", "yasgui", "@zazuko/yasgui",
         ["LICENSES.txt", "yasgui.min.css", "yasgui.min.js"]),
        ("vendor-swagger-ui.sh", "swagger-ui", "swagger-ui-dist",
         ["LICENSE", "NOTICE", "favicon-32x32.png", "swagger-ui-bundle.js", "swagger-ui.css"]),
    ],
)  # fmt: skip
def test_vendored_files_match_the_pinned_script(
    script: str, folder: str, package: str, files: list[str]
) -> None:
    pinned = re.search(
        r'^VERSION="([^"]+)"$', (ROOT / "scripts" / script).read_text(), re.MULTILINE
    )
    assert pinned is not None
    directory = VENDOR / folder
    assert (directory / "VERSION").read_text() == f"{package} {pinned.group(1)}\n"
    for name in files:
        assert (directory / name).stat().st_size > 0, name
    for bundle in directory.glob("*.js"):
        # No source map is shipped, so the browser must not be told to fetch one.
        assert "sourceMappingURL" not in bundle.read_text(encoding="utf-8")[-500:]


def test_yasgui_licences_cover_the_bundled_packages() -> None:
    licences = (VENDOR / "yasgui" / "LICENSES.txt").read_text(encoding="utf-8")
    assert licences.startswith("@zazuko/yasgui, @zazuko/yasqe, @zazuko/yasr")
    assert "MIT License" in licences
    for package in ("codemirror", "dompurify", "sortablejs"):
        assert f"======== {package}/" in licences, package
