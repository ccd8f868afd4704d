"""A release: every export format, the VoID description and SHA256SUMS, written all or nothing.

Everything is built in memory first, then staged beside the target and only then moved into
place (:mod:`xpo1kg.rdf.safefile`), so a failure leaves the target as it was.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from xpo1kg.errors import InputError
from xpo1kg.publish.description import DESCRIPTION_PREFIXES, describe_dataset, distribution
from xpo1kg.publish.kgx import kgx_tables
from xpo1kg.publish.sparql_examples import EXAMPLE_PREFIXES, EXAMPLES_FILE, sparql_examples
from xpo1kg.rdf.safefile import commit, current_umask
from xpo1kg.rdf.serialize import (
    EXPORT_FORMATS,
    QUAD_FORMATS,
    ExportFormat,
    serialize,
    serialize_dataset,
)
from xpo1kg.reason.reasoner import INFERRED_GRAPH
from xpo1kg.store.knowledge_graph import KnowledgeGraph

__all__ = [
    "CHECKSUMS_FILE",
    "DESCRIPTION_FILE",
    "RELEASE_FORMATS",
    "build_release",
    "check_release_target",
    "checksums",
    "write_release",
]

#: The stem of every data file: xpo1kg.ttl, xpo1kg.nq, ...
STEM = "xpo1kg"
DESCRIPTION_FILE = "void.ttl"
CHECKSUMS_FILE = "SHA256SUMS"
#: Formats in the order they are built (one graph first, then the named-graph formats).
RELEASE_FORMATS: tuple[ExportFormat, ...] = ("ttl", "nt", "jsonld", "xml", "nq", "trig")

Progress = Callable[[str], None]


def _quiet(message: str) -> None:
    """Report nothing (the default progress callback)."""


def build_release(kg: KnowledgeGraph, progress: Progress = _quiet) -> dict[str, bytes]:
    """Return every release file by name: the exports, ``void.ttl`` and ``SHA256SUMS``.

    The named-graph formats (N-Quads, TriG) hold one graph per source file, plus the inferred
    graph when ``kg`` was loaded with ``inferred=True``.
    """
    parts = list(kg.parts)
    if kg.inferred is not None:
        parts.append((INFERRED_GRAPH, kg.inferred))
    files: dict[str, bytes] = {}
    for export_format in RELEASE_FORMATS:
        name = STEM + EXPORT_FORMATS[export_format][1]
        progress(f"serialising {name}")
        if export_format in QUAD_FORMATS:
            files[name] = serialize_dataset(parts, export_format)
        else:
            files[name] = serialize(kg.graph, export_format)
    progress(f"writing the competency queries as SPARQL examples in {EXAMPLES_FILE}")
    files[EXAMPLES_FILE] = serialize(sparql_examples(), "ttl", EXAMPLE_PREFIXES)
    progress("writing the KGX tables")
    kgx = {f"{STEM}_{name}": content for name, content in kgx_tables(kg).items()}
    progress(f"describing the dataset in {DESCRIPTION_FILE}")
    described = [distribution(name, content) for name, content in files.items()]
    files.update(kgx)  # in SHA256SUMS; the description lists the RDF files
    description = describe_dataset(kg, described)
    files[DESCRIPTION_FILE] = serialize(description, "ttl", DESCRIPTION_PREFIXES)
    files[CHECKSUMS_FILE] = checksums(files)
    return files


def checksums(files: Mapping[str, bytes]) -> bytes:
    r"""Return a ``sha256sum``-style listing of the files (sorted by name), for ``sha256sum -c``.

    >>> checksums({"a.nt": b""}).decode()
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  a.nt\n'
    """
    lines = [f"{hashlib.sha256(files[name]).hexdigest()}  {name}\n" for name in sorted(files)]
    return "".join(lines).encode("ascii")


def write_release(files: Mapping[str, bytes], directory: Path, progress: Progress = _quiet) -> None:
    """Write the files into ``directory``: all of them, or (on any failure) none.

    A missing directory is created by renaming a fully written staging directory. In an
    existing one, the files are written with :func:`~xpo1kg.rdf.safefile.commit` (all staged before
    any is renamed; existing files keep their mode); other files there are left alone.
    """
    directory = Path(directory)
    check_release_target(directory)
    # The checksums go last, so they never list files that are not in place yet.
    order = sorted(files, key=lambda n: (n == CHECKSUMS_FILE, n))
    for name in order:
        progress(f"writing {name} ({len(files[name]):,} bytes)")
    if directory.exists():
        commit([(directory / name, files[name]) for name in order])
        return
    anchor = _nearest_existing(directory)
    try:
        staging = Path(tempfile.mkdtemp(prefix=".xpo1kg-release-", dir=anchor))
    except OSError as error:
        raise InputError(f"{anchor}: cannot write ({error.strerror})") from None
    try:
        commit([(staging / name, files[name]) for name in order])
        staging.chmod(
            0o777 & ~current_umask()
        )  # mkdtemp makes it private; a release is for sharing
        directory.parent.mkdir(parents=True, exist_ok=True)
        os.rename(staging, directory)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise InputError(f"{directory}: cannot write ({error.strerror})") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def check_release_target(directory: Path) -> None:
    """Refuse a target that cannot become the release directory, before anything is built.

    :func:`write_release` checks again when it writes; checking first saves building a release
    that cannot be written (``xpo1kg release --output`` names a file, or a path under one).
    """
    if directory.exists():
        if not directory.is_dir():
            raise InputError(f"{directory}: exists and is not a directory")
    else:
        _nearest_existing(directory)


def _nearest_existing(path: Path) -> Path:
    """Return the closest ancestor of a missing path that exists (where staging can happen)."""
    for ancestor in path.absolute().parents:
        if ancestor.exists():
            if not ancestor.is_dir():
                raise InputError(f"{ancestor}: exists and is not a directory")
            return ancestor
    raise InputError(f"{path}: no existing parent directory")
