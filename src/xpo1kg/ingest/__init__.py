"""ingest: see docs/architecture.md."""
