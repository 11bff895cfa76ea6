"""*Vad händer om…?* — arithmetic on past patients, not a forecast (issue 16).

Each closed pathway with a national end and a lead time (the population of
``svf_andel_inom_ledtid``) has its lead time, its target and up to three component intervals
(*ingående ledtider*): välgrundad misstanke (10) → first visit (25), first visit → diagnosis
(40), diagnosis → national end. A scenario saves days on one interval for every patient:

* ``shorten`` N: the interval is N days shorter, but never below 0 days (saves min(N, interval));
* ``cap`` D: no interval is longer than D days (saves max(0, interval − D));
* ``slowest`` X: the slowest X % of the patients with the interval (the ⌈X·n/100⌉ longest,
  ties in the order given) are brought to the interval's median (saves interval − median).

The new lead time is ``max(0, lead time − days saved)``, and the pathway is within when that is
at most its target: exactly the rule of SPEC §4 rule 10 on the shortened lead time. A patient
without the interval (the measuring point is missing) saves nothing. Pure: no I/O, no framework.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from lofte.core import stats

#: The component intervals by their indicator stem, in pathway order.
INTERVALS = ("start_till_besok", "besok_till_diagnos", "diagnos_till_behandling")
#: The scenario kinds.
KINDS = ("shorten", "cap", "slowest")
#: Days of the standard comparison table: "which interval, shortened by 7 days, helps most".
TABLE_DAYS = 7


@dataclass(frozen=True)
class Patient:
    """One closed pathway of the population: lead time, target (days) and the three intervals
    (None where a measuring point is missing)."""

    lead: int
    target: int
    intervals: tuple[int | None, int | None, int | None]

    @property
    def within(self) -> bool:
        return self.lead <= self.target


@dataclass(frozen=True)
class Scenario:
    """Save days on interval ``interval`` (an index into :data:`INTERVALS`) by ``kind`` with
    ``amount`` days (shorten, cap) or percent (slowest)."""

    interval: int
    kind: str
    amount: int

    def __post_init__(self) -> None:
        if not 0 <= self.interval < len(INTERVALS):
            raise ValueError(f"okänt intervall: {self.interval}")
        if self.kind not in KINDS:
            raise ValueError(f"okänt scenario: {self.kind}")
        if self.amount < 0 or (self.kind == "slowest" and self.amount > 100):
            raise ValueError(f"ogiltigt värde: {self.amount}")


@dataclass(frozen=True)
class Outcome:
    """A scenario's result beside the baseline."""

    scenario: Scenario
    n: int  # patients (the share's denominator)
    within_before: int
    within_after: int
    days_saved: int  # summed over the patients

    @property
    def moved(self) -> int:
        """Patients within the lead time only in the scenario."""
        return self.within_after - self.within_before

    @property
    def share_before(self) -> float | None:
        return 100 * self.within_before / self.n if self.n else None

    @property
    def share_after(self) -> float | None:
        return 100 * self.within_after / self.n if self.n else None

    @property
    def gain(self) -> float | None:
        """Percentage points gained."""
        return 100 * self.moved / self.n if self.n else None


def saved_days(patients: Sequence[Patient], scenario: Scenario) -> list[int]:
    """The days each patient saves on the scenario's interval (0 without the interval)."""
    k = scenario.interval
    values = [p.intervals[k] for p in patients]
    if scenario.kind == "shorten":
        return [0 if v is None else min(scenario.amount, max(v, 0)) for v in values]
    if scenario.kind == "cap":
        return [0 if v is None else max(0, v - scenario.amount) for v in values]
    present = [(v, i) for i, v in enumerate(values) if v is not None]
    saved = [0] * len(patients)
    if not present:
        return saved
    median = stats.quantile([v for v, _ in present], 0.5)
    slowest = math.ceil(scenario.amount * len(present) / 100)
    # The longest first; among equal intervals the earlier patient first (a stable order).
    for v, i in sorted(present, key=lambda p: -p[0])[:slowest]:
        # Days are whole: a median between two days saves the whole days down to it.
        saved[i] = max(0, math.floor(v - median))
    return saved


def new_leads(patients: Sequence[Patient], scenario: Scenario) -> list[int]:
    """Each patient's lead time in the scenario: lead time − days saved, never below 0."""
    return [
        max(0, p.lead - s) for p, s in zip(patients, saved_days(patients, scenario), strict=True)
    ]


def outcome(patients: Sequence[Patient], scenario: Scenario) -> Outcome:
    """The share within the lead time in the scenario, with the baseline."""
    saved = saved_days(patients, scenario)
    after = sum(1 for p, s in zip(patients, saved, strict=True) if max(0, p.lead - s) <= p.target)
    return Outcome(
        scenario=scenario,
        n=len(patients),
        within_before=sum(1 for p in patients if p.within),
        within_after=after,
        days_saved=sum(saved),
    )


def compare_intervals(patients: Sequence[Patient], days: int = TABLE_DAYS) -> list[Outcome]:
    """Each interval shortened by ``days`` (in :data:`INTERVALS` order)."""
    return [outcome(patients, Scenario(k, "shorten", days)) for k in range(len(INTERVALS))]


def best(outcomes: Sequence[Outcome]) -> Outcome | None:
    """The outcome that moves most patients within the lead time (the earlier interval on a
    tie); None when none moves anyone."""
    top = max(outcomes, key=lambda o: o.moved, default=None)
    return top if top is not None and top.moved > 0 else None
