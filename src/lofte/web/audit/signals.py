"""Logins, logouts and failed logins go to the audit log."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from lofte.web.audit.models import AuditEvent
from lofte.web.audit.service import record


@receiver(user_logged_in, dispatch_uid="lofte_audit_login")
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(AuditEvent.Action.LOGIN, user=user, request=request)


@receiver(user_logged_out, dispatch_uid="lofte_audit_logout")
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(AuditEvent.Action.LOGOUT, user=user, request=request)


@receiver(user_login_failed, dispatch_uid="lofte_audit_login_failed")
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any) -> None:
    # Only the name that was tried; never the password.
    record(
        AuditEvent.Action.LOGIN_FAILED,
        request=request,
        username=str(credentials.get("username", ""))[:150],
    )


@receiver(user_locked_out, dispatch_uid="lofte_audit_login_locked")
def _locked_out(sender: Any, request: Any = None, username: Any = None, **kw: Any) -> None:
    """A login refused by the throttle (lofte.web.accounts.throttle), each attempt."""
    record(
        AuditEvent.Action.LOGIN_LOCKED,
        request=request,
        username=str(username or "")[:150],
        details={"address": kw.get("ip_address") or ""},
    )
