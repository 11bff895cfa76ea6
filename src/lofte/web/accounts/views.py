"""Login/logout and the user administration pages for ``rcc_admin``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from lofte.web.accounts import services
from lofte.web.accounts.forms import UserForm
from lofte.web.audit.models import AuditEvent
from lofte.web.audit.service import record
from lofte.web.roles import RCC_ADMIN, ROLES, require_role, roles_of


class LoginView(auth_views.LoginView):
    """The login page; a signed-in user is sent on."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Log out (POST) and go to the login page."""


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where a logged-in user lands: links to what her roles allow."""
    return render(request, "accounts/home.html", {"roles": sorted(roles_of(request.user))})


def _admin(request: HttpRequest) -> None:
    require_role(request.user, [RCC_ADMIN])


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    """Every account with its roles and scope (RCC admin only)."""
    _admin(request)
    users = (
        get_user_model()
        .objects.order_by("username")
        .prefetch_related("groups")
        .select_related("scope")
    )
    rows = [services.describe(u) | {"pk": u.pk, "name": u.get_full_name()} for u in users]
    labels = {k: str(v) for k, v in ROLES.items()}
    for row in rows:
        row["role_labels"] = [labels.get(r, r) for r in row["roles"]]
    return render(request, "accounts/user_list.html", {"rows": rows})


def _save(request: HttpRequest, form: UserForm, create: bool) -> Any:
    data = form.cleaned_data
    user = services.save_user(
        data["username"],
        roles=data["roles"],
        regions=data["regions"],
        pathways=data["pathways"],
        password=data["password"] or None,
        is_active=data["is_active"],
        create=create,
        first_name=data["first_name"],
        last_name=data["last_name"],
        email=data["email"],
    )
    record(
        AuditEvent.Action.USER_CREATED if create else AuditEvent.Action.USER_CHANGED,
        request=request,
        obj=user,
        details=services.describe(user) | {"password_changed": bool(data["password"])},
    )
    return user


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    """Create an account (RCC admin only); audited."""
    _admin(request)
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = _save(request, form, create=True)
        messages.success(request, _("Användaren %(name)s är skapad.") % {"name": user.username})
        return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@login_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an account's names, roles, scope or password (RCC admin only); audited."""
    _admin(request)
    user = get_object_or_404(get_user_model(), pk=pk)
    current = services.describe(user)
    initial = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "roles": current["roles"],
        "regions": current["regions"],
        "pathways": current["pathways"],
        "is_active": user.is_active,
    }
    form = UserForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        if user.pk == request.user.pk and (
            not form.cleaned_data["is_active"] or RCC_ADMIN not in form.cleaned_data["roles"]
        ):
            form.add_error(
                None, _("Du kan inte inaktivera dig själv eller ta bort din egen adminroll.")
            )
        else:
            _save(request, form, create=False)
            messages.success(request, _("Användaren %(name)s är ändrad.") % {"name": user.username})
            return redirect("accounts:users")
    return render(
        request, "accounts/user_form.html", {"form": form, "creating": False, "edited": user}
    )
