"""Eligibility rules of a call (*utlysning*, SPEC §11), checked when an application is submitted.

A rule is one or more alternatives separated by ``|``; an application is eligible when any
alternative holds. Alternatives (the seed 004 targeted call is
``diagnostics_regions>=2 | care_and_diagnostics_same_region``):

- ``regions>=N``: applicants from at least N different regions;
- ``diagnostics_regions>=N``: radiology or pathology applicants from at least N regions;
- ``care_and_diagnostics_same_region``: a care unit (*vårdande klinik*) and radiology or
  pathology from the same region;
- ``any``: no requirement beyond one applicant.

No models or I/O; the texts are Swedish with English through Django's gettext (the grants'
catalogue), translated into the language active when they are made.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

KINDS = {
    "care": gettext_lazy("vårdande klinik"),
    "radiology": gettext_lazy("radiologi"),
    "pathology": gettext_lazy("patologi"),
    "other": gettext_lazy("annan enhet"),
}
DIAGNOSTICS = {"radiology", "pathology"}


class RuleError(ValueError):
    """A rule that cannot be read; the message is in the active language (Swedish first)."""


@dataclass(frozen=True)
class Applicant:
    """One applicant unit as the eligibility rule sees it: its name, its county code and its kind
    (``KINDS``: care unit, radiology, pathology, other)."""

    unit: str
    region: str
    kind: str


@dataclass(frozen=True)
class _Alternative:
    name: str
    n: int = 0

    def holds(self, applicants: Sequence[Applicant]) -> bool:
        if self.name == "any":
            return bool(applicants)
        if self.name == "regions":
            return len({a.region for a in applicants}) >= self.n
        if self.name == "diagnostics_regions":
            return len({a.region for a in applicants if a.kind in DIAGNOSTICS}) >= self.n
        care = {a.region for a in applicants if a.kind == "care"}
        return bool(care & {a.region for a in applicants if a.kind in DIAGNOSTICS})

    def describe(self) -> str:
        if self.name == "any":
            return _("minst en sökande")
        if self.name == "regions":
            return _("sökande från minst %(n)s regioner") % {"n": self.n}
        if self.name == "diagnostics_regions":
            return _("sökande från radiologi eller patologi i minst %(n)s regioner") % {"n": self.n}
        return _("en vårdande klinik och radiologi eller patologi från samma region")


_ALT = re.compile(r"(regions|diagnostics_regions)>=(\d+)|(care_and_diagnostics_same_region|any)")


def parse(rule: str) -> list[_Alternative]:
    """The alternatives of a rule written as ``regions>=N``, ``diagnostics_regions>=N``,
    ``care_and_diagnostics_same_region`` or ``any``, separated by ``|`` (one of them must hold);
    ``RuleError`` names what cannot be read."""
    alternatives = []
    for text in (t.strip() for t in rule.split("|")):
        m = _ALT.fullmatch(text)
        if m is None:
            raise RuleError(
                _(
                    "okänd behörighetsregel %(rule)s (regions>=N, diagnostics_regions>=N, "
                    "care_and_diagnostics_same_region, any; alternativ skiljs med |)"
                )
                % {"rule": repr(text)}
            )
        if m.group(3):
            alternatives.append(_Alternative(m.group(3)))
        else:
            n = int(m.group(2))
            if n < 1:
                raise RuleError(
                    _("%(rule)s: antalet regioner måste vara minst 1") % {"rule": repr(text)}
                )
            alternatives.append(_Alternative(m.group(1), n))
    return alternatives


def describe(rule: str) -> str:
    """The rule in words (``… eller …``, ``… or …``)."""
    return _(" eller ").join(a.describe() for a in parse(rule))


def check(rule: str, applicants: Sequence[Applicant]) -> str | None:
    """``None`` when eligible, else a sentence saying what the call requires and has."""
    for a in applicants:
        if a.kind not in KINDS:
            return _("okänd typ av enhet %(kind)s för %(unit)s (%(kinds)s)") % {
                "kind": repr(a.kind),
                "unit": a.unit,
                "kinds": ", ".join(KINDS),
            }
    if not applicants:
        return _("ansökan har inga sökande enheter")
    alternatives = parse(rule)
    if any(alt.holds(applicants) for alt in alternatives):
        return None
    present = "; ".join(f"{a.unit} ({KINDS[a.kind]}, {a.region})" for a in applicants)
    return _("utlysningen kräver %(rule)s; ansökan har %(present)s") % {
        "rule": describe(rule),
        "present": present,
    }
