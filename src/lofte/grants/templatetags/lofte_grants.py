"""``{% grant_roles as g %}``: what the grants menu shows the user; ``|kr``: whole kronor."""

from __future__ import annotations

from typing import Any

from django import template

from lofte.grants.reconcile import kr as _kr
from lofte.web.roles import DECISION_MAKER, RCC_ADMIN, RCC_STATISTICIAN, has_role

register = template.Library()


@register.simple_tag(takes_context=True)
def grant_roles(context: dict[str, Any]) -> dict[str, bool]:
    """What the grants menu offers the signed-in user: ``overseer`` (decision maker, rcc_admin or
    statistician: the ledger) and ``admin`` (rcc_admin)."""
    user = context["request"].user
    return {
        "overseer": has_role(user, DECISION_MAKER, RCC_ADMIN, RCC_STATISTICIAN),
        "admin": has_role(user, RCC_ADMIN),
    }


@register.filter
def kr(value: Any) -> str:
    """``1234567`` → ``1 234 567 kr``; empty for None."""
    if value is None or value == "":
        return "–"
    return _kr(int(value))


@register.filter
def score(value: Any) -> str:
    """A weighted score 0–100 as a whole number; a dash when there is none."""
    return "–" if value is None else f"{value:.0f}"


@register.filter
def mean(value: Any) -> str:
    """A mean score with one decimal and a decimal comma; a dash when there is none."""
    return "–" if value is None else f"{value:.1f}".replace(".", ",")
