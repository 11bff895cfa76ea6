"""Eligibility rules of a call (*utlysning*, SPEC §11), checked when an application is submitted.

A rule is one or more alternatives separated by ``|``; an application is eligible when any
alternative holds. Alternatives (the seed 004 targeted call is
``diagnostics_regions>=2 | care_and_diagnostics_same_region``):

- ``regions>=N``: applicants from at least N different regions;
- ``diagnostics_regions>=N``: radiology or pathology applicants from at least N regions;
- ``care_and_diagnostics_same_region``: a care unit (*vårdande klinik*) and radiology or
  pathology from the same region;
- ``any``: no requirement beyond one applicant.

Pure Python: no Django.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

KINDS = {
    "care": "vårdande klinik",
    "radiology": "radiologi",
    "pathology": "patologi",
    "other": "annan enhet",
}
DIAGNOSTICS = {"radiology", "pathology"}


class RuleError(ValueError):
    """A rule that cannot be read; the message is Swedish."""


@dataclass(frozen=True)
class Applicant:
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
            return "minst en sökande"
        if self.name == "regions":
            return f"sökande från minst {self.n} regioner"
        if self.name == "diagnostics_regions":
            return f"sökande från radiologi eller patologi i minst {self.n} regioner"
        return "en vårdande klinik och radiologi eller patologi från samma region"


_ALT = re.compile(r"(regions|diagnostics_regions)>=(\d+)|(care_and_diagnostics_same_region|any)")


def parse(rule: str) -> list[_Alternative]:
    alternatives = []
    for text in (t.strip() for t in rule.split("|")):
        m = _ALT.fullmatch(text)
        if m is None:
            raise RuleError(
                f"okänd behörighetsregel {text!r} (regions>=N, diagnostics_regions>=N, "
                "care_and_diagnostics_same_region, any; alternativ skiljs med |)"
            )
        if m.group(3):
            alternatives.append(_Alternative(m.group(3)))
        else:
            n = int(m.group(2))
            if n < 1:
                raise RuleError(f"{text!r}: antalet regioner måste vara minst 1")
            alternatives.append(_Alternative(m.group(1), n))
    return alternatives


def describe(rule: str) -> str:
    """The rule in Swedish words (``… eller …``)."""
    return " eller ".join(a.describe() for a in parse(rule))


def check(rule: str, applicants: Sequence[Applicant]) -> str | None:
    """``None`` when eligible, else a Swedish sentence saying what the call requires and has."""
    for a in applicants:
        if a.kind not in KINDS:
            return f"okänd typ av enhet {a.kind!r} för {a.unit} ({', '.join(KINDS)})"
    if not applicants:
        return "ansökan har inga sökande enheter"
    alternatives = parse(rule)
    if any(alt.holds(applicants) for alt in alternatives):
        return None
    present = "; ".join(f"{a.unit} ({KINDS[a.kind]}, {a.region})" for a in applicants)
    return f"utlysningen kräver {describe(rule)}; ansökan har {present}"
