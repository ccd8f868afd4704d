"""reason: see docs/architecture.md."""
