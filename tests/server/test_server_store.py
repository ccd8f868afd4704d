"""``xpo1kg serve --store``: a persistent store, queried by read-only workers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from serving import HTTP, running_server

USER_GRAPH = "https://w3id.org/xpo1kg/graph/user/extra.ttl"


@pytest.mark.slow  # a server of its own
def test_serve_persistent_store(tmp_path: Path) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text("<urn:x:a> <http://www.w3.org/2000/01/rdf-schema#label> 'from the store' .\n")
    store = tmp_path / "store"
    subprocess.run(
        [sys.executable, "-m", "xpo1kg", "load", str(extra), "--store", str(store)], check=True
    )
    with running_server("--store", str(store), "--workers", "1") as server:
        query = f"SELECT ?l WHERE {{ GRAPH <{USER_GRAPH}> {{ <urn:x:a> ?p ?l }} }}"
        answer = HTTP.get(server.sparql, params={"query": query})
        assert answer.status_code == 200
        rows = answer.json()["results"]["bindings"]
        assert [row["l"]["value"] for row in rows] == ["from the store"]
        # The bundled graph is there too, and entities dereference from the store.
        tp53 = HTTP.get(server.base + "/resource/TP53", headers={"Accept": "text/turtle"})
        assert tp53.status_code == 200
