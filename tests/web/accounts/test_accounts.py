"""Login, roles as groups, region scope and the user administration pages for rcc_admin."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from lofte.web import roles
from lofte.web.accounts.services import AccountError, save_user
from lofte.web.audit.models import AuditEvent
from tests.web.accounts.fixtures import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_roles_are_groups_created_by_the_migration():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLES)


def test_login_and_logout_are_audited(client, coordinator):
    page = client.get(reverse("accounts:login"))
    assert page.status_code == 200 and "Logga in" in page.content.decode()
    response = client.post(reverse("accounts:login"), {"username": "anna", "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("accounts:home")
    home = client.get(reverse("accounts:home")).content.decode()
    assert "svf_coordinator" in home and "05" in home
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("accounts:home")).status_code == 302
    events = list(AuditEvent.objects.order_by("id").values_list("action", "username"))
    assert events == [("login", "anna"), ("logout", "anna")]


def test_failed_login_is_audited_without_the_password(client, coordinator):
    response = client.post(reverse("accounts:login"), {"username": "anna", "password": "fel-lösen"})
    assert response.status_code == 200
    assert "Fel användarnamn eller lösenord" in response.content.decode()
    event = AuditEvent.objects.get()
    assert (event.action, event.username, event.user) == ("login_failed", "anna", None)
    assert "fel-lösen" not in str(event.details)


def test_deactivated_user_cannot_log_in(client, coordinator):
    coordinator.is_active = False
    coordinator.save()
    client.post(reverse("accounts:login"), {"username": "anna", "password": PASSWORD})
    assert client.get(reverse("accounts:home")).status_code == 302


def test_regions_of_follows_role_and_scope(coordinator, admin, db):
    assert roles.regions_of(coordinator) == ["05"]
    assert roles.regions_of(admin) == roles.all_counties() and len(roles.all_counties()) == 21
    viewer = make_user("vera", ["viewer"], ["05"])
    assert roles.regions_of(viewer) == []
    coordinator.is_active = False
    assert roles.regions_of(coordinator) == []


def test_save_user_rejects_unknown_role_region_and_pathway(db):
    for kwargs in (
        {"roles": ["kung"]},
        {"roles": [], "regions": ["99"]},
        {"roles": [], "pathways": ["x"]},
    ):
        with pytest.raises(AccountError):
            save_user("x", create=True, **kwargs)
    assert not get_user_model().objects.filter(username="x").exists()


def test_admin_creates_edits_and_deactivates_a_user(client, admin):
    client.force_login(admin)
    assert "admin" in client.get(reverse("accounts:users")).content.decode()
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "cecilia",
            "first_name": "Cecilia",
            "roles": ["svf_coordinator"],
            "regions": ["06", "07"],
            "is_active": "on",
            "password": "Ett-langt-losenord-42",
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="cecilia")
    assert roles.regions_of(user) == ["06", "07"]
    assert user.check_password("Ett-langt-losenord-42")
    created = AuditEvent.objects.get(action="user_created")
    assert created.details["regions"] == ["06", "07"] and created.username == "admin"
    assert "Ett-langt" not in str(created.details)

    response = client.post(
        reverse("accounts:user_edit", args=[user.pk]),
        {"roles": ["svf_coordinator"], "regions": ["06"]},  # is_active unticked
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_active and user.scope.regions == ["06"]
    assert user.check_password("Ett-langt-losenord-42")  # empty password field keeps it
    changed = AuditEvent.objects.get(action="user_changed")
    assert changed.details["active"] is False


def test_coordinator_needs_a_region_and_admin_cannot_lock_himself_out(client, admin):
    client.force_login(admin)
    response = client.post(
        reverse("accounts:user_create"),
        {"username": "dan", "roles": ["svf_coordinator"], "is_active": "on"},
    )
    assert response.status_code == 200 and "minst en region" in response.content.decode()
    response = client.post(
        reverse("accounts:user_edit", args=[admin.pk]), {"roles": ["viewer"], "is_active": "on"}
    )
    assert response.status_code == 200
    assert roles.has_role(get_user_model().objects.get(pk=admin.pk), "rcc_admin")


def test_user_admin_is_for_rcc_admin_only(client, coordinator, statistician):
    for user in (coordinator, statistician):
        client.force_login(user)
        assert client.get(reverse("accounts:users")).status_code == 403
        assert client.post(reverse("accounts:user_create"), {"username": "z"}).status_code == 403


def test_cli_creates_the_first_admin(db):
    from typer.testing import CliRunner

    from lofte.cli import app

    result = CliRunner().invoke(
        app,
        ["users", "create", "--username", "rut", "--role", "rcc_admin", "--password-stdin"],
        input="Forsta-adminens-losen-9\n",
    )
    assert result.exit_code == 0, result.output
    user = get_user_model().objects.get(username="rut")
    assert roles.has_role(user, "rcc_admin") and user.check_password("Forsta-adminens-losen-9")
    bad = CliRunner().invoke(
        app,
        [
            "users",
            "create",
            "--username",
            "sam",
            "--role",
            "svf_coordinator",
            "--region",
            "99",
            "--password-stdin",
        ],
        input="Forsta-adminens-losen-9\n",
    )
    assert bad.exit_code == 1 and "okänd länskod" in bad.output


def test_pages_are_available_in_english(client, coordinator):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("accounts:login")).content.decode()
    assert "Log in" in html and "Logga in" not in html
    client.force_login(coordinator)
    html = client.get(reverse("desk:region", args=["05"])).content.decode()
    assert "Upload an SVF delivery" in html and "Delivery history" in html


def test_signed_in_user_is_the_request_user_and_refuses_anonymous(rf, coordinator):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    request = rf.get("/")
    request.user = coordinator
    assert roles.signed_in_user(request) is coordinator
    request.user = AnonymousUser()
    with pytest.raises(PermissionDenied):
        roles.signed_in_user(request)
