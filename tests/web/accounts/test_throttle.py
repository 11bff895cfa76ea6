"""Login throttling: per account and per client address, a clear message, and the audit log."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from lofte.web.audit.models import AuditEvent
from tests.web.accounts.fixtures import PASSWORD, make_user

pytestmark = pytest.mark.django_db
LOGIN = "accounts:login"


@pytest.fixture(autouse=True)
def _fast_hashes(settings: Any) -> None:
    """Many logins per test: a cheap hasher (set before the users are made)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def attempt(client: Any, username: str, password: str, ip: str = "10.0.0.1", **headers: Any):
    return client.post(
        reverse(LOGIN), {"username": username, "password": password}, REMOTE_ADDR=ip, **headers
    )


def test_account_is_locked_after_five_failures_even_with_the_right_password(client, coordinator):
    for _ in range(4):
        assert attempt(client, "anna", "fel").status_code == 200
    fifth = attempt(client, "anna", "fel")
    assert fifth.status_code == 429
    page = fifth.content.decode()
    assert "För många misslyckade inloggningar" in page and "15 minuter" in page
    assert 'value="anna"' in page  # the form is still there, filled in

    # The right password does not get in while the lock lasts, from any address.
    locked = attempt(client, "anna", PASSWORD, ip="10.9.9.9")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="login_locked", username="anna").count() == 2
    assert not AuditEvent.objects.filter(action="login").exists()

    # Another account from the first address is not locked (the address has 5 of 20).
    make_user("bertil", ["viewer"])
    assert attempt(client, "bertil", PASSWORD).status_code == 302


def test_success_before_the_limit_resets_the_count(client, coordinator):
    for _ in range(4):
        attempt(client, "anna", "fel")
    assert attempt(client, "anna", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert attempt(client, "anna", "fel").status_code == 200


def test_address_is_locked_after_twenty_failures_over_many_accounts(client, coordinator):
    for i in range(19):
        assert attempt(client, f"gissning{i}", "fel", ip="10.0.0.7").status_code == 200
    assert attempt(client, "gissning19", "fel", ip="10.0.0.7").status_code == 429
    # Every name is refused from that address now, even a real one with its password ...
    assert attempt(client, "anna", PASSWORD, ip="10.0.0.7").status_code == 429
    event = AuditEvent.objects.filter(action="login_locked").latest("id")
    assert event.ip == "10.0.0.7" and event.details["address"] == "10.0.0.7"
    # ... while the account itself is fine from another address.
    assert attempt(client, "anna", PASSWORD, ip="10.0.0.8").status_code == 302


def test_behind_the_proxy_the_forwarded_address_counts(client, coordinator, settings):
    settings.LOFTE_BEHIND_PROXY = True
    for i in range(20):
        attempt(client, f"x{i}", "fel", ip="10.1.1.1", HTTP_X_FORWARDED_FOR="198.51.100.4")
    # Same proxy, another client: not locked.
    ok = attempt(client, "anna", PASSWORD, ip="10.1.1.1", HTTP_X_FORWARDED_FOR="198.51.100.5")
    assert ok.status_code == 302
    assert AuditEvent.objects.filter(action="login", ip="198.51.100.5").exists()
    # A forged header value is not an address: the connection's address is used.
    client.logout()
    response = attempt(client, "y", "fel", ip="10.1.1.1", HTTP_X_FORWARDED_FOR="<script>")
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="login_failed", username="y").get().ip == "10.1.1.1"


def test_lock_message_in_english(client, coordinator):
    client.cookies["django_language"] = "en"
    for _ in range(5):
        response = attempt(client, "anna", "fel")
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()


def test_command_line_authentication_is_not_throttled(coordinator):
    from django.contrib.auth import authenticate

    assert authenticate(username="anna", password=PASSWORD) is not None
