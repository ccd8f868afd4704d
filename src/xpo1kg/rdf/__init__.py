"""rdf: see docs/architecture.md."""
