"""Recording audit events.

``record(action, user=…, request=…, obj=…, region=…, details=…)`` adds one row. Details are
JSON; any string in them that looks like a personnummer (10 or 12 digits, with or without a
separator) is masked before it is stored, so that a careless caller cannot put one in the log.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from lofte.web.audit.models import AuditEvent

# 6 or 8 digits of date, optional - or +, 4 digits: the shapes a personnummer is written in.
_PNR = re.compile(r"(?<!\d)(\d{6}|\d{8})[-+]?(\d{4})(?!\d)")


def mask(value: Any) -> Any:
    """``value`` with every personnummer-shaped digit run masked (recursively in lists/dicts)."""
    if isinstance(value, str):
        return _PNR.sub(lambda m: f"{m.group(1)}-****", value)
    if isinstance(value, dict):
        return {str(k): mask(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask(v) for v in value]
    return value


def client_ip(request: Any) -> str | None:
    """The client's address: behind the TLS proxy (``DJANGO_BEHIND_TLS_PROXY=1``) the last
    ``X-Forwarded-For`` entry, which our proxy appended; else the connection's address."""
    if request is None:
        return None
    from django.conf import settings

    if getattr(settings, "LOFTE_BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if _valid_ip(forwarded):
            return forwarded
    address = request.META.get("REMOTE_ADDR") or ""
    return address if _valid_ip(address) else None


def _valid_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def record(
    action: str,
    *,
    user: Any = None,
    request: Any = None,
    obj: Any = None,
    object_type: str = "",
    object_id: str | int = "",
    region: str = "",
    details: dict[str, Any] | None = None,
    username: str = "",
) -> AuditEvent:
    """Add one event to the audit log and return it."""
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if obj is not None:
        object_type = object_type or type(obj).__name__
        object_id = object_id or getattr(obj, "pk", "") or ""
    return AuditEvent.objects.create(
        user=user,
        username=(user.get_username() if user is not None else username)[:150],
        action=action,
        object_type=object_type[:64],
        object_id=str(object_id)[:64],
        region=region[:8],
        ip=client_ip(request),
        details=mask(details or {}),
    )
