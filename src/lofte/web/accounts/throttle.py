"""Login throttling (django-axes): a lock per account and a looser one per address.

An account is locked after :data:`ACCOUNT_LIMIT` failed logins, a client address after
:data:`ADDRESS_LIMIT` (many staff may share one hospital NAT address, so the address limit is
higher), each for ``AXES_COOLOFF_TIME`` after the last failure. A locked login answers HTTP 429
with the login page and a message in Swedish or English; every attempt while locked is audited
(``login_locked``) besides the ``login_failed`` event. See docs/adr/0101-login-throttling.md.
"""

from __future__ import annotations

import math
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def _limits() -> tuple[int, int]:
    return int(settings.AXES_FAILURE_LIMIT), int(settings.LOFTE_LOGIN_ADDRESS_LIMIT)


class LoginThrottle(AxesDatabaseHandler):
    """Axes' database handler with one limit for the account and another for the address.

    Axes compares the largest failure count of its lockout parameters (``username``, then
    ``ip_address``) with one limit; the address count is scaled so that it reaches that limit
    exactly when the address has failed :data:`ADDRESS_LIMIT` times.
    """

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        """The larger of the account's failures and the address's, scaled to one limit."""
        account_limit, address_limit = _limits()
        counts = [
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        account = counts[0] if counts else 0
        address = counts[1] if len(counts) > 1 else 0
        return max(account, math.floor(address * account_limit / address_limit))


class ThrottledBackend(AxesStandaloneBackend):
    """Axes' check before Django's password check; without a request (command line) no check."""

    def authenticate(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        """Authenticate through Axes; a call without a request is no login attempt."""
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """The login page with the lock-out message (HTTP 429)."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    # Unbound: validating it would try the password again.
    form = AuthenticationForm(request, initial={"username": request.POST.get("username", "")})
    return render(
        request,
        "accounts/login.html",
        {"form": form, "locked": True, "minutes": minutes, "next": request.POST.get("next", "")},
        status=429,
    )
