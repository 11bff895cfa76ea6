"""Names and number formats for the public pages, in the visitor's language.

Django-free: the words are translated through :mod:`lofte.web.results.i18n`."""

from __future__ import annotations

import datetime
from typing import Any

from lofte.catalog import Catalog
from lofte.catalog.model import NATION, Indicator
from lofte.core.period_names import period_name
from lofte.core.stats import round_half_up
from lofte.web.results.i18n import _, gettext_lazy, pgettext_lazy
from lofte.web.results.i18n import lang as lang  # the visitor's language: "sv" or "en"

DASH = "–"


_SWEDISH_ORDER = str.maketrans({"å": "{", "ä": "|", "ö": "}", "é": "e", "ü": "y"})


def sort_key(name: str) -> str:
    """Swedish alphabetical order (å, ä, ö after z) for names in tables."""
    return name.lower().translate(_SWEDISH_ORDER)


def region_name(cat: Catalog, code: str) -> str:
    """A region's name (the nation as *Riket*, in the visitor's language)."""
    if code == NATION:
        return _("Riket")
    region = cat.regions.get(code)
    return region.name if region else code


def short_region_name(cat: Catalog, code: str) -> str:
    """A region's name without "Region"/"sjukvårdsregion" for charts on a narrow screen
    ("Östergötland", "Sydöstra", "Stockholm-Gotland"); tables keep the full name."""
    name = region_name(cat, code)
    for prefix in ("Region ", "Sjukvårdsregion "):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    if name.endswith(" sjukvårdsregionen"):
        name = name[: -len(" sjukvårdsregionen")]
    return name


def indicator_name(ind: Indicator) -> str:
    """An indicator's name in the visitor's language."""
    return ind.name_en if lang() == "en" else ind.name_sv


def pathway_name(cat: Catalog, pathway: str) -> str:
    """A pathway's name in the visitor's language (*alla* as all pathways)."""
    if pathway == "alla":
        return _("Alla vårdförlopp")
    p = cat.pathways.get(pathway)
    if p is None:
        return pathway
    return p.name_en if lang() == "en" else p.name_sv


TREATMENTS = {
    "alla": gettext_lazy("Alla behandlingar"),
    "kirurgi": gettext_lazy("Kirurgi"),
    "lakemedel": gettext_lazy("Läkemedel"),
    "stralning": gettext_lazy("Strålning"),
    "palliativ": gettext_lazy("Palliativ behandling"),
    "annan": gettext_lazy("Annan behandling"),
    "expektans": gettext_lazy("Exspektans"),
    "ingen_atgard": gettext_lazy("Ingen åtgärd"),
    "avslutande_samtal": gettext_lazy("Avslutande samtal"),
    "avslut": gettext_lazy("Avslut utan behandling"),
}
BASES = {
    "bostad": gettext_lazy("Region där patienten bor"),
    "avslutande": gettext_lazy("Region som avslutade förloppet"),
    "": gettext_lazy("Ingen (inrapporterat värde)"),
}
PERIOD_TYPES = {
    "year": pgettext_lazy("period type", "År"),
    "half": pgettext_lazy("period type", "Halvår"),
    "quarter": pgettext_lazy("period type", "Kvartal"),
    "month": pgettext_lazy("period type", "Månad"),
}
LEVELS = {
    "county": gettext_lazy("Regioner (län)"),
    "healthcare_region": gettext_lazy("Sjukvårdsregioner"),
}


def treatment_name(code: str) -> str:
    """A treatment type in words."""
    return str(TREATMENTS.get(code, code))


def basis_name(code: str) -> str:
    """A region basis in words: where the patient lives, or who closed the pathway."""
    return str(BASES.get(code, code))


def ptype_name(code: str) -> str:
    """A period type in words (year, half-year, quarter, month)."""
    return str(PERIOD_TYPES.get(code, code))


def level_name(code: str) -> str:
    """A comparison level in words (counties, or healthcare regions)."""
    return str(LEVELS[code])


_DAYS: dict[str | None, str] = {}


def unit_suffix(unit: str) -> str:
    """What follows a value of the unit: " %", " dagar" or nothing."""
    if unit == "percent":
        return " %"
    if unit != "days":
        return ""
    # Tables show dozens of day values per page: "dagar" translated once per language.
    language = lang()
    suffix = _DAYS.get(language)
    if suffix is None:
        suffix = _DAYS[language] = " " + _("dagar")
    return suffix


def number(value: float | int | None, decimals: int = 1, lang_: str | None = None) -> str:
    """A number for display: half-up rounding, Swedish decimal comma and spaces in sv.
    ``lang_``: the page's language when the caller knows it (saves a look-up per number)."""
    if value is None:
        return DASH
    if decimals == 0:
        text = f"{int(round_half_up(float(value), 0)):,}"
    else:
        text = f"{round_half_up(float(value), decimals):,.{decimals}f}"
    if (lang_ or lang()) == "sv":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


def value_text(value: float | None, unit: str, lang_: str | None = None) -> str:
    """A value with its unit for display ("–" for none)."""
    if value is None:
        return DASH
    decimals = 0 if unit == "count" else 1
    return number(value, decimals, lang_) + unit_suffix(unit)


def target_text(cell: dict[str, Any], unit: str) -> str:
    """A cell's target (or target range) with its unit, or "" without one."""
    low, high = cell.get("target"), cell.get("target_high")
    if low is None:
        return ""
    if high is not None:
        return f"{number(low)}–{number(high)}{unit_suffix(unit)}"
    return value_text(low, unit)


def period_text(label: str, data_end: datetime.date | None = None, short: bool = False) -> str:
    """A period in words in the visitor's language (see :func:`period_name`)."""
    return period_name(label, lang(), data_end=data_end, short=short)


def count_label(ind: Indicator) -> str:
    """What the denominator counts, in plain words."""
    return _("Antal patienter") if ind.source == "svf" else _("Antal personer")


def change_text(now: float | None, before: float | None, unit: str) -> str:
    """The change between two values in words: "+2,3 procentenheter", "−4,0 dagar"."""
    if now is None or before is None:
        return ""
    delta = now - before
    sign = "+" if delta > 0 else "−" if delta < 0 else "±"
    size = number(abs(delta), 0 if unit == "count" else 1)
    suffix = {
        "percent": " " + _("procentenheter"),
        "days": " " + _("dagar"),
        "score": " " + _("poäng"),
        "count": "",
    }.get(unit, "")
    return f"{sign}{size}{suffix}"
