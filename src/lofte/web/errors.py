"""Error answers: styled, translated pages for people, JSON under the API (``/api/``)."""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults

logger = logging.getLogger(__name__)
API_PREFIX = "/api/v1/"


def _api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _json(message: str, status: int) -> JsonResponse:
    body = {"error": message, "status": status}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404: JSON for the API, the error page otherwise."""
    if _api(request):
        return _json(f"no such resource: {request.path}", 404)
    return defaults.page_not_found(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """403: the error page."""
    return defaults.permission_denied(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: JSON for the API, otherwise the error page (plain text if that fails)."""
    if _api(request):
        return _json("internal error", 500)
    try:
        body = loader.get_template("500.html").render()
    except Exception:  # the error page itself must not fail
        logger.exception("500.html could not be rendered")
        body = "<h1>500</h1>"
    return HttpResponse(body, status=500)


def bad_request(request: HttpRequest, exception: Any) -> HttpResponse:
    """400: JSON for the API, the error page otherwise."""
    if _api(request):
        return _json("bad request", 400)
    return defaults.bad_request(request, exception)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form (expired page, cookies off): the styled 403 page, not Django's own."""
    from django.core.exceptions import PermissionDenied

    return defaults.permission_denied(request, PermissionDenied(reason))
