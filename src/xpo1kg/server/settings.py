"""The options of ``xpo1kg serve``, in one immutable object shared by the app and its workers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["GraphSpec", "ServerSettings"]


@dataclass(frozen=True)
class GraphSpec:
    """How a worker process opens the same graph as the server (it cannot share memory)."""

    data: tuple[str, ...] = ()
    store: str | None = None
    inferred: bool = False


@dataclass(frozen=True)
class ServerSettings:
    """Limits and sources of a server; the defaults are those of a public endpoint.

    >>> ServerSettings().max_rows
    10000
    """

    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 30.0
    max_rows: int = 10_000
    max_request_bytes: int = 1_000_000
    max_response_bytes: int = 32_000_000
    max_worker_memory: int = 2 * 2**30
    workers: int = 2
    cors_origins: tuple[str, ...] = ()
    data: tuple[Path, ...] = ()
    store: Path | None = None
    inferred: bool = False

    def graph_spec(self) -> GraphSpec:
        """Return what a worker needs to load the graph: absolute paths, so cwd never matters."""
        return GraphSpec(
            data=tuple(str(Path(p).resolve()) for p in self.data),
            store=str(Path(self.store).resolve()) if self.store is not None else None,
            inferred=self.inferred,
        )
