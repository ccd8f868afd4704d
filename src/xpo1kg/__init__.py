"""xpo1kg: a linked-data knowledge graph of XPO1 inhibition and the apoptosis it triggers.

>>> from xpo1kg import run_query
>>> result = run_query("most_sensitive_cell_line")
>>> [(r["inhibitor_label"], r["cell_line_label"]) for r in result.records()]
[('KPT-185', 'NIH:OVCAR-3'), ('selinexor', 'MDA-MB-468')]
"""

from xpo1kg.api import export, find_entity, run_query, write_figures
from xpo1kg.errors import InputError, ParseError, QuerySyntaxError, UnknownQueryError, XPO1KGError
from xpo1kg.ingest.nesdb import import_nesdb
from xpo1kg.ingest.statements import curate
from xpo1kg.query.catalog import CompetencyQuery, get_query, list_queries
from xpo1kg.query.results import QueryResult
from xpo1kg.reason.explain import Explanation
from xpo1kg.store.knowledge_graph import Entity, KnowledgeGraph, load_graph
from xpo1kg.validate.crosscheck import Finding, check_new_data
from xpo1kg.validate.pyshacl_engine import ValidationReport, ValidationResult, validate

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
