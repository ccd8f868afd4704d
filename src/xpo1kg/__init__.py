"""xpo1kg: a linked-data knowledge graph of XPO1 inhibition and the apoptosis it triggers."""

from .graph import Entity, KnowledgeGraph, load_graph

__all__ = ["Entity", "KnowledgeGraph", "load_graph"]
