"""``xpo1kg serve``: a read-only SPARQL 1.1 endpoint with dereferenceable entity IRIs.

Modules: ``settings`` (options), ``negotiation`` (Accept parsing), ``serializers`` (result formats),
``worker`` (query evaluation in a separate process), ``runner`` (the worker pool), ``protocol``
(``/sparql``), ``description`` (service description), ``dereference`` (entity routes), ``limits``
(request size cap), ``pages`` (HTML pages), ``problems`` (error statuses and reasons),
``app`` (``create_app`` and its error handlers) and ``http_server`` (uvicorn, as ``serve`` runs it).
"""

from __future__ import annotations

__all__: list[str] = []
