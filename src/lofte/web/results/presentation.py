"""Names and number formats for the public pages, in the visitor's language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lofte.catalog import Catalog
from lofte.catalog.model import NATION, Indicator
from lofte.core.stats import round_half_up

DASH = "–"


def lang() -> str:
    return "en" if (get_language() or "sv").startswith("en") else "sv"


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


def treatment_name(code: str) -> str:
    names = {
        "alla": _("Alla behandlingar"),
        "kirurgi": _("Kirurgi"),
        "lakemedel": _("Läkemedel"),
        "stralning": _("Strålning"),
        "palliativ": _("Palliativ behandling"),
        "annan": _("Annan behandling"),
        "expektans": _("Exspektans"),
        "ingen_atgard": _("Ingen åtgärd"),
        "avslutande_samtal": _("Avslutande samtal"),
        "avslut": _("Avslut utan behandling"),
    }
    return names.get(code, code)


def basis_name(code: str) -> str:
    return {
        "bostad": _("Patientens hemregion"),
        "avslutande": _("Region som avslutade förloppet"),
        "": _("Ingen (inrapporterat värde)"),
    }.get(code, code)


def ptype_name(code: str) -> str:
    return {
        "year": pgettext("period type", "År"),
        "half": pgettext("period type", "Halvår"),
        "quarter": pgettext("period type", "Kvartal"),
        "month": pgettext("period type", "Månad"),
    }.get(code, code)


def level_name(code: str) -> str:
    return {"county": _("Regioner (län)"), "healthcare_region": _("Sjukvårdsregioner")}[code]


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
