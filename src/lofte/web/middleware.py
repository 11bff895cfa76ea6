"""Response rules for the staff side of the site (README: "Accounts, desk and serving").

Under the staff prefixes (the desk, the accounts pages, the audit log, the action plans, the
grants):

- every response carries ``Cache-Control: no-store`` (with ``private``, ``no-cache``): patient
  lists and their CSVs, delivery reports, internal figures and user data must not be kept by a
  browser or a proxy;
- every 403 and 404 is written to the audit log (``access_denied``, ``not_found``) with the path,
  the method and the region the URL names, so that probing another county's deliveries or the
  administrators' pages leaves a trace.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

#: Path prefixes whose every response is internal.
STAFF_PREFIXES = (
    "/skrivbord/",
    "/konto/",
    "/granskningslogg/",
    "/handlingsplaner/",
    "/stimulansmedel/",
)


def is_staff_path(path: str) -> bool:
    """Whether ``path`` is under one of the internal sections."""
    return path.startswith(STAFF_PREFIXES)


class StaffResponseMiddleware:
    """Internal pages are never cached, and their 403 and 404 answers are audited."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_staff_path(request.path):
            return response
        add_never_cache_headers(response)
        if response.status_code in (403, 404):
            _audit(request, response.status_code)
        return response


def _audit(request: HttpRequest, status: int) -> None:
    from lofte.web.audit.models import AuditEvent
    from lofte.web.audit.service import record

    match = getattr(request, "resolver_match", None)
    kwargs = {k: str(v)[:64] for k, v in (match.kwargs if match else {}).items()}
    record(
        AuditEvent.Action.ACCESS_DENIED if status == 403 else AuditEvent.Action.NOT_FOUND,
        request=request,
        region=kwargs.get("region", "")[:8],
        object_type=match.view_name[:64] if match else "",
        object_id=kwargs.get("pk", ""),
        details={"path": request.path[:200], "method": request.method, "status": status},
    )
