"""Roles (SPEC §1) as Django groups, and who may see which region.

A role is a Django group of the same name, created by a data migration. What a user may see of
patient-level data is decided here and only here: views and services ask :func:`regions_of` or
:func:`require_region` and never look at groups themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

VIEWER = "viewer"
SVF_COORDINATOR = "svf_coordinator"
PROCESS_LEADER = "process_leader"
RCC_STATISTICIAN = "statistician"  # SPEC §1 names the group `statistician`
RCC_ADMIN = "rcc_admin"
APPLICANT = "applicant"
ASSESSOR = "assessor"
DECISION_MAKER = "decision_maker"

#: Every role, with its Swedish label, in the order the admin pages list them.
ROLES: dict[str, object] = {
    VIEWER: _("Läsare (personal)"),
    SVF_COORDINATOR: _("SVF-samordnare"),
    PROCESS_LEADER: _("Processledare"),
    RCC_STATISTICIAN: _("Statistiker (RCC)"),
    RCC_ADMIN: _("Administratör (RCC)"),
    APPLICANT: _("Sökande (stimulansmedel)"),
    ASSESSOR: _("Bedömare"),
    DECISION_MAKER: _("Beslutsfattare"),
}

#: Roles that see every region (RCC staff).
NATIONAL_ROLES = frozenset({RCC_ADMIN, RCC_STATISTICIAN})
#: Roles that work at the coordinators' desk for the regions in their scope.
DESK_ROLES = frozenset({SVF_COORDINATOR, RCC_ADMIN, RCC_STATISTICIAN})


def signed_in_user(request: HttpRequest) -> User:
    """The request's user, for views that require a login (``login_required``) or a role.

    Anyone else gets a 403; under ``login_required`` that cannot happen.
    """
    from django.contrib.auth.models import User

    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("inte inloggad")
    return user


def roles_of(user: object) -> set[str]:
    """The role names of an active, authenticated user (empty for anyone else)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return set()
    cached = getattr(user, "_lofte_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))  # type: ignore[attr-defined]
        user._lofte_roles = cached  # type: ignore[attr-defined]
    return set(cached)


def has_role(user: object, *roles: str) -> bool:
    """Whether the user has any of ``roles``."""
    return bool(roles_of(user) & set(roles))


def all_counties() -> list[str]:
    """The codes of every county of the catalogue."""
    from lofte.catalog import load

    return [str(region.code) for region in load().counties()]


def regions_of(user: object) -> list[str]:
    """County codes whose patient-level data and unsuppressed figures the user may see.

    RCC staff see every county; a coordinator only the counties of her scope; anyone else none.
    """
    roles = roles_of(user)
    if roles & NATIONAL_ROLES:
        return all_counties()
    if SVF_COORDINATOR not in roles and PROCESS_LEADER not in roles:
        return []
    scope = getattr(user, "scope", None)
    if scope is None:
        return []
    known = set(all_counties())
    return sorted(code for code in scope.regions if code in known)


def pathways_of(user: object) -> set[str] | None:
    """The pathway ids a coordinator's scope limits her to, or None for every pathway."""
    if roles_of(user) & NATIONAL_ROLES:
        return None
    scope = getattr(user, "scope", None)
    if scope is None or not scope.pathways:
        return None
    return set(scope.pathways)


def require_region(user: object, region: str) -> str:
    """``region`` if the user may see it; otherwise :class:`PermissionDenied` (HTTP 403)."""
    if region not in regions_of(user):
        raise PermissionDenied(f"ingen behörighet för region {region}")
    return region


def require_role(user: object, roles: Iterable[str]) -> None:
    """Raise :class:`PermissionDenied` (HTTP 403) unless the user has one of ``roles``."""
    if not has_role(user, *roles):
        raise PermissionDenied("ingen behörighet")


#: Roles that see a region's internal, unsuppressed figures (SPEC §1): the desk's roles and
#: process leaders, each within her scope. Viewers, applicants, assessors (patient-council
#: members among them) and decision makers never do.
INTERNAL_ROLES = DESK_ROLES | {PROCESS_LEADER}


def sees_internal(user: object, region: str, pathway: str = "alla") -> bool:
    """Whether the user may see unsuppressed counts of ``region`` and ``pathway`` (``alla``: all
    pathways): RCC staff for every region; a coordinator or process leader only for a county of
    her scope and, when her scope names pathways, only for those (never ``alla``). The rule of
    the desk's *Interna siffror* and the *Vad händer om…?* page, for pages every staff role
    reads (the gap board, an action's what-if citations)."""
    if not has_role(user, *INTERNAL_ROLES):
        return False
    if not has_role(user, *NATIONAL_ROLES) and region not in regions_of(user):
        return False
    allowed = pathways_of(user)
    return allowed is None or pathway in allowed
