"""The HTTP server under ``xpo1kg serve``: uvicorn (h11) with bounded request heads and read times.

uvicorn alone answers a request head over h11's buffer limit (16 KiB by default) with a bare
``400 Invalid HTTP request received``, never times out a client that sends its request slowly,
and re-raises Ctrl-C after a clean shutdown (so the command would exit 1). Here:

- the head (request line and headers) may be as long as the request cap plus
  :data:`HEAD_ALLOWANCE`, so a query string up to the cap reaches the app (which answers 413 past
  the cap); a longer head is answered ``413`` with a one-line reason;
- a request must arrive completely (head and body) within ``read_timeout`` seconds of its first
  byte (or of the connection): a slower client gets ``408`` (or, in the middle of a body, its
  connection is closed);
- SIGINT and SIGTERM stop the server gracefully (in-flight requests get
  :data:`GRACEFUL_SECONDS`), the query workers are stopped, and :func:`serve` returns normally.
"""

from __future__ import annotations

import asyncio
import signal
import socket
from collections.abc import Generator
from contextlib import contextmanager
from http import HTTPStatus
from typing import Any

import h11
import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["GRACEFUL_SECONDS", "HEAD_ALLOWANCE", "BoundedH11Protocol", "serve"]

#: Room for the path and the headers on top of the request cap (which bounds the query string).
HEAD_ALLOWANCE = 64 * 1024
#: Seconds in-flight requests are given to finish when the server is asked to stop.
GRACEFUL_SECONDS = 5
#: Seconds a refused connection keeps reading (and discarding) before it closes: closing with
#: unread input makes the kernel send a reset, which can destroy the error before it is read.
LINGER_SECONDS = 2.0
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class BoundedH11Protocol(H11Protocol):
    """uvicorn's h11 connection with a 413 for an oversized head and a deadline per request."""

    #: Seconds a client has to send a whole request (set by :func:`protocol_class`).
    read_timeout: float = 30.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Create the connection as uvicorn does; no request clock runs yet."""
        super().__init__(*args, **kwargs)
        self._read_deadline: asyncio.TimerHandle | None = None
        self._lingering = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Start the clock: a client that connects must send its request in time."""
        super().connection_made(transport)  # type: ignore[arg-type]
        self._start_read_clock()

    def connection_lost(self, exc: Exception | None) -> None:
        """Stop the clock with the connection."""
        self._stop_read_clock()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        """Feed h11; the clock runs from a request's first byte until its last."""
        if self._lingering:
            return  # refused: the rest of the request is read and dropped
        if self._read_deadline is None and self.conn.their_state is h11.IDLE:
            self._start_read_clock()  # the first bytes of the next request on this connection
        super().data_received(data)
        if self.conn.their_state not in (h11.IDLE, h11.SEND_BODY):
            self._stop_read_clock()  # the request is complete (or the connection failed)

    def send_400_response(self, msg: str) -> None:
        """Answer a head h11 refused: 413 when it was too large, else uvicorn's 400."""
        limit = self.config.h11_max_incomplete_event_size
        if limit is not None and len(self.conn.trailing_data[0]) > limit:
            self._stop_read_clock()
            reason = f"the request line and headers are larger than this endpoint accepts ({limit:,} bytes)"
            self._refuse(413, reason)
            return
        super().send_400_response(msg)

    def _start_read_clock(self) -> None:
        self._stop_read_clock()
        self._read_deadline = self.loop.call_later(self.read_timeout, self._read_timed_out)

    def _stop_read_clock(self) -> None:
        if self._read_deadline is not None:
            self._read_deadline.cancel()
            self._read_deadline = None

    def _read_timed_out(self) -> None:
        self._read_deadline = None
        if self.transport.is_closing():
            return
        if self.conn.their_state is h11.IDLE and self.conn.our_state is h11.IDLE:
            reason = f"request not received within {self.read_timeout:g} s"
            self._refuse(408, reason)
        else:
            # The head was read and the app may be waiting for the body: it sees a disconnect.
            self.transport.close()

    def _refuse(self, status: int, reason: str) -> None:
        """Send a one-line plain-text error outside any request cycle and close."""
        self.logger.warning("%s %s", status, reason)
        body = (reason + "\n").encode()
        headers = [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        phrase = HTTPStatus(status).phrase.encode()
        try:
            output = self.conn.send(
                h11.Response(status_code=status, headers=headers, reason=phrase)
            )
            output = (output or b"") + (self.conn.send(h11.Data(data=body)) or b"")
            output += self.conn.send(h11.EndOfMessage()) or b""
        except h11.LocalProtocolError:
            output = b""  # a response is already under way: just close
        if output:
            self.transport.write(output)
        self._linger()

    def _linger(self) -> None:
        """Close gently: stop writing, drop what the client still sends, close soon after."""
        self._lingering = True
        self._stop_read_clock()
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(LINGER_SECONDS, self.transport.close)

    def eof_received(self) -> None:
        """Close a lingering connection as soon as the client stops sending."""
        if self._lingering:
            self.transport.close()


def protocol_class(read_timeout: float) -> type[BoundedH11Protocol]:
    """Return the connection class with its read timeout (uvicorn instantiates a class)."""
    return type("BoundedH11Protocol", (BoundedH11Protocol,), {"read_timeout": read_timeout})


class _Server(uvicorn.Server):
    """A uvicorn server that, once stopped by a signal, returns instead of re-raising it."""

    @contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        original = {sig: signal.signal(sig, self.handle_exit) for sig in _STOP_SIGNALS}
        try:
            yield
        finally:
            for sig, handler in original.items():
                signal.signal(sig, handler)


def serve(
    app: ASGIApp, sock: socket.socket, *, max_request_bytes: int, read_timeout: float
) -> bool:
    """Serve ``app`` on the bound socket until SIGINT or SIGTERM; return whether it started."""
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="on",
        http=protocol_class(read_timeout),
        h11_max_incomplete_event_size=max_request_bytes + HEAD_ALLOWANCE,
        timeout_graceful_shutdown=GRACEFUL_SECONDS,
        timeout_keep_alive=5,
    )
    server = _Server(config)
    server.run(sockets=[sock])
    return server.started
