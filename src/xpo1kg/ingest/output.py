"""Where the spreadsheet tools write: a Turtle file and its PROV-O side file, or a store.

``ingest``, ``curate`` and ``import nesdb`` share this one writer. Each is a :class:`Tool`: the
first line of the Turtle files it writes, the named graph of its records and the user graph it
adds to in a store. :func:`write` does the writing, all or nothing: the Turtle file is rewritten
whole in a fixed order together with its ``.prov.trig`` file (:func:`~xpo1kg.rdf.safefile.commit`),
or the triples and the record go into a store in one transaction. :func:`provenance_record` is
the PROV-O record of one run: the activity, the file it read (SHA-256, row count) and what it
generated. A Turtle file written by one tool may be added to by the others: its first line stays.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

import pyoxigraph as ox

from xpo1kg.errors import InputError
from xpo1kg.ingest.measurement_triples import UNICODE_SLUG, slug
from xpo1kg.rdf.graphs import GRAPH_PREFIX, INFERRED_GRAPH_IRI, USER_GRAPH_PREFIX
from xpo1kg.rdf.namespaces import PREFIXES
from xpo1kg.rdf.text import Triple, commit, read_rdf, render_trig, render_turtle, timestamp
from xpo1kg.rdf.text import iri as _iri
from xpo1kg.rdf.text import quote as _quote
from xpo1kg.rdf.text import term as _term
from xpo1kg.rdf.text import typed as _typed
from xpo1kg.reason.incremental import add_and_reason
from xpo1kg.store.embedded import writing_store
from xpo1kg.store.knowledge_graph import KnowledgeGraph
from xpo1kg.store.snapshot import invalidate, previous_files, write_snapshot

__all__ = [
    "CURATE",
    "INGEST",
    "NESDB",
    "Tool",
    "check_into",
    "provenance_file",
    "provenance_record",
    "record_name",
    "write",
]

XR = PREFIXES["xr"]
_A, _LABEL, _COMMENT = _term("rdf:type"), _term("rdfs:label"), _term("rdfs:comment")


@dataclass(frozen=True)
class Tool:
    """One spreadsheet tool: its command, the first line of its files, its record and store graphs."""

    command: str  # "ingest", "curate", "import nesdb"
    slug: str  # in IRIs: xr:<slug>/<record>, graph/<slug>/<record>
    header: str
    store_graph: str

    @property
    def record_prefix(self) -> str:
        """The named graph of each run's provenance record (then the file's SHA-256 prefix)."""
        return f"{GRAPH_PREFIX}{self.slug}/"


INGEST = Tool(
    "ingest", "ingest", "# Measurements added by `xpo1kg ingest`.", USER_GRAPH_PREFIX + "ingested"
)
CURATE = Tool(
    "curate", "curate", "# Statements added by `xpo1kg curate`.", USER_GRAPH_PREFIX + "curated"
)
NESDB = Tool(
    "import nesdb",
    "import-nesdb",
    "# NESdb records added by `xpo1kg import nesdb`.",
    USER_GRAPH_PREFIX + "nesdb",
)
_TOOLS = (INGEST, CURATE, NESDB)


def provenance_file(into: Path) -> Path:
    """Return the TriG file that holds the provenance records of the runs into a Turtle file."""
    return into.with_name(into.name + ".prov.trig")


def check_into(into: Path, tool: Tool) -> None:
    """Refuse an ``--into`` that is not a Turtle file written by one of the tools (or new)."""
    if into.suffix.lower() != ".ttl":
        raise InputError(f"{into}: --into must name a Turtle (.ttl) file")
    if into.is_dir() or not into.parent.is_dir():
        raise InputError(f"{into}: not a file in an existing directory")
    if _header_of(into) not in ("", *(t.header for t in _TOOLS)):
        raise InputError(
            f"{into}: not written by `xpo1kg {tool.command}`, and rewriting it would lose its "
            "comments and layout: choose another --into"
        )


def _header_of(into: Path) -> str:
    if not into.exists():
        return ""
    with into.open("rb") as stream:
        return stream.readline().strip().decode("utf-8", "replace")


def record_name(sha256: str, taken: Iterable[str]) -> str:
    """Name a run by its file's SHA-256 prefix (with a suffix when the same bytes came before)."""
    used = set(taken)
    names = itertools.chain([sha256[:16]], (f"{sha256[:16]}-{i}" for i in itertools.count(2)))
    return next(name for name in names if name not in used)


def provenance_record(
    tool: Tool,
    name: str,
    *,
    file_name: str,
    sha256: str,
    rows: int,
    comment: str,
    generated: Iterable[str],
    sources: Iterable[str],
    started: datetime,
    ended: datetime,
) -> list[Triple]:
    """Return the PROV-O record of one run: the activity, the file it used, what it generated."""
    release = version("xpo1kg")
    activity, file = _iri(f"{XR}{tool.slug}/{name}"), _iri(f"{XR}file/sha256-{sha256}")
    agent = _iri(f"{XR}software/xpo1kg-{slug(release, UNICODE_SLUG)}")
    checksum, extent = f"_:checksum-{name}", f"_:extent-{name}"  # unique: stores keep labels
    return [
        (activity, _A, _term("prov:Activity")),
        (activity, _LABEL, _quote(f"xpo1kg {tool.command} of {file_name}")),
        (activity, _COMMENT, _quote(comment)),
        (activity, _term("prov:startedAtTime"), timestamp(started)),
        (activity, _term("prov:endedAtTime"), timestamp(ended)),
        (activity, _term("prov:used"), file),
        (activity, _term("prov:wasAssociatedWith"), agent),
        *((activity, _term("prov:generated"), _iri(iri)) for iri in generated),
        (file, _A, _term("prov:Entity")),
        (file, _LABEL, _quote(file_name)),
        (file, _term("spdx:checksum"), checksum),
        (checksum, _A, _term("spdx:Checksum")),
        (checksum, _term("spdx:algorithm"), _term("spdx:checksumAlgorithm_sha256")),
        (checksum, _term("spdx:checksumValue"), _quote(sha256)),
        (file, _term("dcterms:extent"), extent),
        (extent, _A, _term("dcterms:SizeOrDuration")),
        (extent, _term("rdf:value"), _typed(str(rows), "integer")),
        (extent, _LABEL, _quote(f"{rows} data rows")),
        *((file, _term("prov:wasDerivedFrom"), _iri(s)) for s in sorted(sources)),
        (agent, _A, _term("prov:SoftwareAgent")),
        (agent, _LABEL, _quote(f"xpo1kg {release}")),
    ]


def write(
    tool: Tool,
    kg: KnowledgeGraph,
    triples: list[Triple],
    *,
    into: Path | None,
    store: Path | None,
    sha256: str,
    record: Callable[[str], list[Triple]],
) -> tuple[tuple[str, ...], str]:
    """Write ``triples`` and the record ``record(name)`` to ``into`` or ``store``, all or nothing.

    ``kg`` is the graph they were planned on (the store itself for a store). Returns what was
    written and the record's graph IRI.
    """
    if into is None:
        assert store is not None
        taken = (g.removeprefix(tool.record_prefix) for g in kg.store.graphs())
        name = record_name(sha256, taken)
        graph = tool.record_prefix + name
        quads = [(tool.store_graph, t) for t in triples]
        quads += [(graph, t) for t in record(name)]
        text = "".join(f"{s} {p} {o} <{g}> .\n" for g, (s, p, o) in quads)
        with writing_store(str(store)):  # a full disk: one line naming the store
            previous = previous_files(kg.store)
            invalidate(kg.store)  # until the snapshot matches again, readers use the disk
            # One transaction; the inferred graph follows, reasoned over the addition alone.
            parsed = ox.parse(text.encode(), ox.RdfFormat.N_QUADS)
            add_and_reason(kg.store, parsed, lambda: kg.ontology)
            kg.store.flush()
            # Only the graphs this run changed are written again, so the snapshot stays current
            # (the next ingest plans on it in memory) at the cost of the addition, not the store.
            changed = {tool.store_graph, graph, INFERRED_GRAPH_IRI}
            write_snapshot(kg.store, {g: f for g, f in previous.items() if g not in changed})
        return (f"{store} (graph <{tool.store_graph}>)",), graph
    prov_path = provenance_file(into)
    existing = [t for _, t in read_rdf(into, ox.RdfFormat.TURTLE)] if into.exists() else []
    records: dict[str, list[Triple]] = {}
    for graph, triple in read_rdf(prov_path, ox.RdfFormat.TRIG) if prov_path.exists() else []:
        records.setdefault(graph, []).append(triple)
    if "" in records:
        raise InputError(f"{prov_path}: triples outside the named graphs of ingests")
    name = record_name(sha256, (g.removeprefix(tool.record_prefix) for g in records))
    records[tool.record_prefix + name] = record(name)
    prov_header = (
        f"# Provenance of `xpo1kg ingest`, `curate` and `import` into {into.name}: "
        "one named graph per run."
        if any(not g.startswith(INGEST.record_prefix) for g in records)
        else f"# Provenance of `xpo1kg ingest` into {into.name}: one named graph per ingest."
    )
    header = _header_of(into) or tool.header
    data = render_turtle([*existing, *triples], header)
    commit([(prov_path, render_trig(records, prov_header)), (into, data)])
    return (str(into), str(prov_path)), tool.record_prefix + name
