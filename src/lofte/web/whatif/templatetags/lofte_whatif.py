"""``{% whatif_citations action %}``: an action's what-if citations as the reader may see them.

The plans app includes the tag's template by name only (the plans never import the what-if app,
see the import contracts); the figures are chosen here, per citation and reader.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from lofte.core import i18n
from lofte.web.whatif import services

register = template.Library()


@register.inclusion_tag("whatif/_citations.html", takes_context=True)
def whatif_citations(context: dict[str, Any], action: Any) -> dict[str, Any]:
    """The action's citations for the signed-in reader: the figures as cited for a reader with
    the selection's internal figures, today's published figures where the public gate shows
    them, else the scenario and selection in words only."""
    request = context["request"]
    lang = i18n.language(get_language() or "sv")
    return {"citations": services.shown_citations(request.user, action, lang)}
