"""``{% staff_nav %}``: the staff menu, showing only what the user's roles allow."""

from __future__ import annotations

from typing import Any

from django import template

from lofte.web.accounts.roles import (
    APPLICANT,
    ASSESSOR,
    DECISION_MAKER,
    DESK_ROLES,
    PROCESS_LEADER,
    RCC_ADMIN,
    RCC_STATISTICIAN,
    SVF_COORDINATOR,
    roles_of,
)

register = template.Library()
GRANT_ROLES = {APPLICANT, ASSESSOR, DECISION_MAKER, RCC_ADMIN, RCC_STATISTICIAN}


@register.inclusion_tag("accounts/_staff_nav.html", takes_context=True)
def staff_nav(context: dict[str, Any]) -> dict[str, Any]:
    """The staff navigation: which sections the signed-in user may open."""
    request = context["request"]
    roles = roles_of(request.user)
    return {
        "request": request,
        "user": request.user,
        "desk": bool(roles & (DESK_ROLES | {PROCESS_LEADER})),
        "admin": RCC_ADMIN in roles,
        "audit": bool(roles & {RCC_ADMIN, SVF_COORDINATOR}),
        "plans": bool(roles - {"applicant"}),
        "grants": bool(roles & GRANT_ROLES),
    }
