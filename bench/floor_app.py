"""The floor of ``bench/load.py --floor``: a WSGI application that does no work.

It answers every request with a body of the size the real site's answers had
(``FLOOR_PAGE_BYTES`` for results pages, ``FLOOR_API_BYTES`` under ``/api/``), so that the same
clients, the same HTTP server and the same two workers measure what the machine spends on
everything but Löfte's own code: the clients, loopback TCP, gunicorn and WSGI.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

PAGE = b"x" * int(os.environ.get("FLOOR_PAGE_BYTES", "30000"))
API = b"x" * int(os.environ.get("FLOOR_API_BYTES", "18000"))


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Answer ``environ``'s request with the page or API body, as the site would size it."""
    body = API if environ.get("PATH_INFO", "").startswith("/api/") else PAGE
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
