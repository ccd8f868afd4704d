"""What a refused or failed request answers: the HTTP status of each error and its one-line reason.

Routes raise; the exception handlers installed by :func:`xpo1kg.server.app.create_app` turn the
exception into a response (an HTML page for browsers, JSON or plain text otherwise). Client input
that names an IRI is checked here with a real IRI parser (Oxigraph's), never with a pattern.
"""

from __future__ import annotations

from http.client import responses

import pyoxigraph as ox

from xpo1kg.errors import InputError, QuerySyntaxError, UnknownQueryError, XPO1KGError
from xpo1kg.server.runner import NotAcceptableError, UpdateRefusedError

__all__ = [
    "ClientError",
    "InvalidIRIError",
    "checked_iri",
    "one_line",
    "phrase",
    "shown",
    "status_of",
]

#: Longest piece of client input quoted back in a reason (a reason stays one short line).
_SHOWN_CHARS = 80
#: Longest reason sent back; longer ones (e.g. an engine message quoting the query) are cut.
_REASON_CHARS = 500


class ClientError(XPO1KGError):
    """A request refused with an HTTP status (4xx) and a one-line reason."""

    def __init__(self, status: int, message: str) -> None:
        """Refuse with ``status``; ``message`` is shown to the client as it is."""
        self.status = status
        super().__init__(message)


class InvalidIRIError(InputError, ValueError):
    """Client input that should name an IRI but does not parse as one (400)."""


def shown(text: str) -> str:
    """Return client input quoted for a one-line reason: repr'd, control characters escaped, cut.

    >>> shown("a b")
    "'a b'"
    >>> shown("x" * 200)[-4:]
    "...'"
    """
    if len(text) <= _SHOWN_CHARS:
        return repr(text)
    return repr(text[:_SHOWN_CHARS])[:-1] + "...'"


def one_line(message: str) -> str:
    r"""Return ``message`` on one line (whitespace runs collapsed), at most a few hundred chars.

    >>> one_line("invalid SPARQL:\n  expected '}'")
    "invalid SPARQL: expected '}'"
    """
    text = " ".join(message.split())
    return text if len(text) <= _REASON_CHARS else text[: _REASON_CHARS - 3] + "..."


def phrase(status: int) -> str:
    """Return the reason phrase of an HTTP status ("Error" for one without a registered phrase).

    >>> phrase(404), phrase(499)
    ('Not Found', 'Error')
    """
    return responses.get(status, "Error")


def checked_iri(text: str, what: str = "IRI") -> str:
    """Return ``text`` if it is an absolute IRI (RFC 3987, as Oxigraph parses it), else raise.

    >>> checked_iri("https://w3id.org/xpo1kg/resource/TP53")
    'https://w3id.org/xpo1kg/resource/TP53'
    >>> checked_iri("not an iri", "default-graph-uri")
    Traceback (most recent call last):
    ...
    xpo1kg.server.problems.InvalidIRIError: default-graph-uri 'not an iri' is not a valid IRI (Invalid IRI code point ' ')
    """
    try:
        ox.NamedNode(text)
    except ValueError as error:
        reason = one_line(str(error))
        raise InvalidIRIError(f"{what} {shown(text)} is not a valid IRI ({reason})") from None
    return text


def status_of(error: XPO1KGError) -> int:
    """Return the HTTP status that an error of this library deserves.

    Client mistakes are 4xx: refused or malformed input 400, an unknown name 404, a format the
    client does not accept 406. A query that could not be answered (time limit, a worker that died
    or was killed for memory, an engine failure) is 503: the service, not the request, failed.
    An error class may name its own status with an ``http_status`` class attribute.

    >>> status_of(InvalidIRIError("x"))
    400
    >>> status_of(XPO1KGError("the query worker stopped unexpectedly"))
    503
    """
    if isinstance(error, ClientError):
        return error.status
    declared = getattr(error, "http_status", None)
    if isinstance(declared, int) and 400 <= declared <= 599:
        return declared
    if isinstance(error, UnknownQueryError):
        return 404
    if isinstance(error, NotAcceptableError):
        return 406
    if isinstance(error, (QuerySyntaxError, UpdateRefusedError, InputError)):
        return 400
    return 503  # QueryTimeout, a dead worker, an engine failure
