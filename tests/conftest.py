"""Shared fixtures: the bundled graph is loaded once per test session."""

from __future__ import annotations

import pytest

from xpo1kg import KnowledgeGraph, load_graph


@pytest.fixture(scope="session")
def kg() -> KnowledgeGraph:
    return load_graph()
