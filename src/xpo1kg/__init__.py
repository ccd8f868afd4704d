"""xpo1kg: a linked-data knowledge graph of XPO1 inhibition and the apoptosis it triggers.

>>> from xpo1kg import run_query
>>> result = run_query("most_sensitive_cell_line")
>>> [(r["inhibitor_label"], r["cell_line_label"]) for r in result.records()]
[('KPT-185', 'NIH:OVCAR-3'), ('selinexor', 'MDA-MB-468')]
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xpo1kg.api import export, find_entity, run_query, write_figures
    from xpo1kg.errors import (
        InputError,
        ParseError,
        QuerySyntaxError,
        UnknownQueryError,
        XPO1KGError,
    )
    from xpo1kg.ingest.nesdb import import_nesdb
    from xpo1kg.ingest.statements import curate
    from xpo1kg.query.catalog import CompetencyQuery, get_query, list_queries
    from xpo1kg.query.results import QueryResult
    from xpo1kg.reason.explain import Explanation
    from xpo1kg.store.knowledge_graph import Entity, KnowledgeGraph, load_graph
    from xpo1kg.validate.crosscheck import Finding, check_new_data

# Imported now, not on first use: the name ``validate`` is also the subpackage's, and importing
# the subpackage later would rebind ``xpo1kg.validate`` to it.
from xpo1kg.validate.pyshacl_engine import ValidationReport, ValidationResult, validate

#: Where each public name lives. They are imported when first used (PEP 562), so that a command
#: loads only the modules it needs: ``xpo1kg query`` starts without the SHACL and ingest code.
_HOMES = {
    "export": "xpo1kg.api",
    "find_entity": "xpo1kg.api",
    "run_query": "xpo1kg.api",
    "write_figures": "xpo1kg.api",
    "InputError": "xpo1kg.errors",
    "ParseError": "xpo1kg.errors",
    "QuerySyntaxError": "xpo1kg.errors",
    "UnknownQueryError": "xpo1kg.errors",
    "XPO1KGError": "xpo1kg.errors",
    "import_nesdb": "xpo1kg.ingest.nesdb",
    "curate": "xpo1kg.ingest.statements",
    "CompetencyQuery": "xpo1kg.query.catalog",
    "get_query": "xpo1kg.query.catalog",
    "list_queries": "xpo1kg.query.catalog",
    "QueryResult": "xpo1kg.query.results",
    "Explanation": "xpo1kg.reason.explain",
    "Entity": "xpo1kg.store.knowledge_graph",
    "KnowledgeGraph": "xpo1kg.store.knowledge_graph",
    "load_graph": "xpo1kg.store.knowledge_graph",
    "Finding": "xpo1kg.validate.crosscheck",
    "check_new_data": "xpo1kg.validate.crosscheck",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'xpo1kg' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})


__all__ = [
    "CompetencyQuery",
    "Entity",
    "Explanation",
    "Finding",
    "InputError",
    "KnowledgeGraph",
    "ParseError",
    "QueryResult",
    "QuerySyntaxError",
    "UnknownQueryError",
    "ValidationReport",
    "ValidationResult",
    "XPO1KGError",
    "check_new_data",
    "curate",
    "export",
    "find_entity",
    "get_query",
    "import_nesdb",
    "list_queries",
    "load_graph",
    "run_query",
    "validate",
    "write_figures",
]
