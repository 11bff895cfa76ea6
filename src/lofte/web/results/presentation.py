"""Names and number formats for the public pages, in the visitor's language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from lofte.catalog import Catalog
from lofte.catalog.model import NATION, Indicator
from lofte.core.stats import round_half_up

DASH = "–"


def lang() -> str:
    return "en" if (get_language() or "sv").startswith("en") else "sv"


_SWEDISH_ORDER = str.maketrans({"å": "{", "ä": "|", "ö": "}", "é": "e", "ü": "y"})


def sort_key(name: str) -> str:
    """Swedish alphabetical order (å, ä, ö after z) for names in tables."""
    return name.lower().translate(_SWEDISH_ORDER)


def region_name(cat: Catalog, code: str) -> str:
    if code == NATION:
        return _("Riket")
    region = cat.regions.get(code)
    return region.name if region else code


def indicator_name(ind: Indicator) -> str:
    return ind.name_en if lang() == "en" else ind.name_sv


def pathway_name(cat: Catalog, pathway: str) -> str:
    if pathway == "alla":
        return _("Alla vårdförlopp")
    p = cat.pathways.get(pathway)
    if p is None:
        return pathway
    return p.name_en if lang() == "en" else p.name_sv


TREATMENTS = {
    "alla": _lazy("Alla behandlingar"),
    "kirurgi": _lazy("Kirurgi"),
    "lakemedel": _lazy("Läkemedel"),
    "stralning": _lazy("Strålning"),
    "palliativ": _lazy("Palliativ behandling"),
    "annan": _lazy("Annan behandling"),
    "expektans": _lazy("Exspektans"),
    "ingen_atgard": _lazy("Ingen åtgärd"),
    "avslutande_samtal": _lazy("Avslutande samtal"),
    "avslut": _lazy("Avslut utan behandling"),
}
BASES = {
    "bostad": _lazy("Patientens hemregion"),
    "avslutande": _lazy("Region som avslutade förloppet"),
    "": _lazy("Ingen (inrapporterat värde)"),
}
PERIOD_TYPES = {
    "year": pgettext_lazy("period type", "År"),
    "half": pgettext_lazy("period type", "Halvår"),
    "quarter": pgettext_lazy("period type", "Kvartal"),
    "month": pgettext_lazy("period type", "Månad"),
}
LEVELS = {"county": _lazy("Regioner (län)"), "healthcare_region": _lazy("Sjukvårdsregioner")}


def treatment_name(code: str) -> str:
    return str(TREATMENTS.get(code, code))


def basis_name(code: str) -> str:
    return str(BASES.get(code, code))


def ptype_name(code: str) -> str:
    return str(PERIOD_TYPES.get(code, code))


def level_name(code: str) -> str:
    return str(LEVELS[code])


def unit_suffix(unit: str) -> str:
    return {"percent": " %", "days": " " + _("dagar"), "score": "", "count": ""}.get(unit, "")


def number(value: float | int | None, decimals: int = 1) -> str:
    """A number for display: half-up rounding, Swedish decimal comma and spaces in sv."""
    if value is None:
        return DASH
    if decimals == 0:
        text = f"{int(round_half_up(float(value), 0)):,}"
    else:
        text = f"{round_half_up(float(value), decimals):,.{decimals}f}"
    if lang() == "sv":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


def value_text(value: float | None, unit: str) -> str:
    if value is None:
        return DASH
    decimals = 0 if unit == "count" else 1
    return number(value, decimals) + unit_suffix(unit)


def target_text(cell: dict[str, Any], unit: str) -> str:
    low, high = cell.get("target"), cell.get("target_high")
    if low is None:
        return ""
    if high is not None:
        return f"{number(low)}–{number(high)}{unit_suffix(unit)}"
    return value_text(low, unit)
