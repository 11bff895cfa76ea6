"""Create and change users with their roles and scope (the admin pages and ``lofte users``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from lofte.web.accounts.models import Scope
from lofte.web.roles import ROLES, all_counties


class AccountError(ValueError):
    """Bad input for a user change; the message is Swedish."""


def _check(roles: Iterable[str], regions: Iterable[str], pathways: Iterable[str]) -> None:
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise AccountError(f"okänd roll: {', '.join(unknown)}")
    bad = sorted(set(regions) - set(all_counties()))
    if bad:
        raise AccountError(f"okänd länskod: {', '.join(bad)}")
    from lofte.catalog import load

    bad = sorted(set(pathways) - set(load().pathways))
    if bad:
        raise AccountError(f"okänt vårdförlopp: {', '.join(bad)}")


@transaction.atomic
def save_user(
    username: str,
    *,
    roles: Iterable[str],
    regions: Iterable[str] = (),
    pathways: Iterable[str] = (),
    password: str | None = None,
    is_active: bool = True,
    create: bool = False,
    **fields: Any,
) -> Any:
    """Create (``create=True``) or update a user, set roles (groups) and scope."""
    roles, regions, pathways = list(roles), sorted(set(regions)), sorted(set(pathways))
    _check(roles, regions, pathways)
    user_model = get_user_model()
    if create:
        if user_model.objects.filter(username=username).exists():
            raise AccountError(f"användarnamnet {username} finns redan")
        user = user_model(username=username)
    else:
        user = user_model.objects.get(username=username)
    for name, value in fields.items():
        setattr(user, name, value)
    user.is_active = is_active
    if password:
        user.set_password(password)
    elif create:
        user.set_unusable_password()
    user.save()
    # The migration creates the groups; get_or_create also covers a flushed database.
    user.groups.set([Group.objects.get_or_create(name=role)[0] for role in roles])
    Scope.objects.update_or_create(user=user, defaults={"regions": regions, "pathways": pathways})
    return user


def describe(user: Any) -> dict[str, Any]:
    """A user's roles and scope, for the audit log and the admin pages."""
    scope = getattr(user, "scope", None)
    return {
        "username": user.username,
        "roles": sorted(user.groups.values_list("name", flat=True)),
        "regions": list(scope.regions) if scope else [],
        "pathways": list(scope.pathways) if scope else [],
        "active": user.is_active,
    }


#: The demo's accounts: (username, role, counties). Passwords are made fresh for each demo.
DEMO_ACCOUNTS = (
    ("demo-admin", "rcc_admin", ()),
    ("demo-statistiker", "statistician", ()),
    ("demo-samordnare-ostergotland", "svf_coordinator", ("05",)),
    ("demo-samordnare-kalmar", "svf_coordinator", ("08",)),
    ("demo-processledare-ostergotland", "process_leader", ("05",)),
    # The grants round (lofte.grants.demo).
    ("demo-sokande-ostergotland", "applicant", ("05",)),
    ("demo-bedomare-ostergotland", "assessor", ()),
    ("demo-bedomare-patientradet", "assessor", ()),
    ("demo-beslutsfattare", "decision_maker", ()),
)


def create_demo_accounts() -> list[tuple[str, str, str]]:
    """Create (or reset) the demo's accounts with new random passwords.

    Returns (username, role, password). The caller shows them once and keeps them only in a
    mode-0600 file under ``LOFTE_HOME/secret``; they are never written to the repository.
    """
    import secrets

    user_model = get_user_model()
    out = []
    for username, role, regions in DEMO_ACCOUNTS:
        password = secrets.token_urlsafe(12)
        exists = user_model.objects.filter(username=username).exists()
        save_user(username, roles=[role], regions=regions, password=password, create=not exists)
        out.append((username, role, password))
    return out
