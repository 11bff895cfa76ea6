"""``{% staff_nav %}``: the staff menu, showing only what the user's roles allow;
``{% table_box %}…{% endtable_box %}``: the box a wide table scrolls sideways in."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import Parser, Token
from django.utils.html import format_html
from django.utils.translation import gettext

from lofte.web.roles import (
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


class TableBox(template.Node):
    """A wide table's scroll box: on a phone the table scrolls sideways inside it instead of
    widening the page. Focusable and named, so that a keyboard can scroll it (axe-core's
    *scrollable-region-focusable*); the name is generic, the table's own caption or heading
    says what it holds."""

    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        """The box around the rendered table, its name in the visitor's language."""
        return format_html(
            '<div class="table-wrap" tabindex="0" role="region" aria-label="{}">{}</div>',
            gettext("Tabell"),
            self.nodelist.render(context),
        )


@register.tag
def table_box(parser: Parser, token: Token) -> TableBox:
    """``{% table_box %}<table>…</table>{% endtable_box %}``."""
    nodelist = parser.parse(("endtable_box",))
    parser.delete_first_token()
    return TableBox(nodelist)
