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
from fractions import Fraction

from lofte.core import stats
from lofte.core.disclosure import MIN_CELL

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


# --- the public grid and its disclosure gate (issue 16: the public site) ----------------------

#: The scenarios the public site and the report may show, in the order they are admitted:
#: every interval shortened by 7 days, then every interval shortened by 14 days. A fixed grid,
#: never a visitor's choice: every public number an intruder can combine is known in advance.
PUBLIC_DAYS = (7, 14)
PUBLIC_GRID = tuple(
    Scenario(k, "shorten", days) for days in PUBLIC_DAYS for k in range(len(INTERVALS))
)


def within_set(patients: Sequence[Patient], scenario: Scenario | None) -> frozenset[int]:
    """The positions of the patients within the lead time in ``scenario`` (None: baseline)."""
    if scenario is None:
        return frozenset(i for i, p in enumerate(patients) if p.within)
    leads = new_leads(patients, scenario)
    return frozenset(
        i for i, (p, lead) in enumerate(zip(patients, leads, strict=True)) if lead <= p.target
    )


def _reduce(vector: list[Fraction], basis: list[tuple[int, list[Fraction]]]) -> list[Fraction]:
    """``vector`` minus its projection on the echelon ``basis`` (pivot, row): zero iff it is a
    combination of the rows."""
    out = list(vector)
    for pivot, row in basis:
        if out[pivot]:
            factor = out[pivot]
            out = [a - factor * b for a, b in zip(out, row, strict=True)]
    return out


def _echelon(rows: list[list[Fraction]]) -> list[tuple[int, list[Fraction]]]:
    basis: list[tuple[int, list[Fraction]]] = []
    for row in rows:
        rest = _reduce(row, basis)
        pivot = next((i for i, a in enumerate(rest) if a), None)
        if pivot is None:
            continue
        rest = [a / rest[pivot] for a in rest]
        basis = [(p, _reduce(r, [(pivot, rest)])) for p, r in basis]
        basis.append((pivot, rest))
    return basis


def derivable_small(
    published: Sequence[frozenset[int]],
    known: Sequence[frozenset[int]],
    min_cell: int = MIN_CELL,
) -> frozenset[int] | None:
    """A population of 1 to ``min_cell - 1`` persons whose size follows from the sizes of the
    ``published`` sets by adding and subtracting them, and not already from the ``known`` ones
    (the cube's own counts); None when there is none.

    The intruder is given the worst case: he knows how the sets overlap (which *atoms*, the
    groups of persons in exactly the same sets, exist). The size of a union of atoms is known
    exactly when its indicator is a linear combination of the published sets' indicators, so
    every union of atoms with 1 to ``min_cell - 1`` persons is tested against that span. Only
    atoms of fewer than ``min_cell`` persons can make such a union, so the search is small."""
    family = [*known, *published]
    universe = frozenset().union(*family) if family else frozenset()
    signatures: dict[tuple[bool, ...], set[int]] = {}
    for person in universe:
        signatures.setdefault(tuple(person in s for s in family), set()).add(person)
    atoms = list(signatures.items())

    def rows(sets: Sequence[frozenset[int]], offset: int) -> list[list[Fraction]]:
        return [[Fraction(int(sig[offset + j])) for sig, _ in atoms] for j in range(len(sets))]

    everything = _echelon(rows(family, 0))
    baseline = _echelon(rows(known, 0))
    small = [i for i, (_, people) in enumerate(atoms) if len(people) < min_cell]
    # The residue is linear: a union's residue is the sum of its atoms' residues.
    unit = {i: [Fraction(int(i == j)) for j in range(len(atoms))] for i in small}
    residue = {i: (_reduce(unit[i], everything), _reduce(unit[i], baseline)) for i in small}
    zero = [Fraction(0)] * len(atoms)

    def search(
        start: int, chosen: list[int], size: int, left: list[Fraction], right: list[Fraction]
    ) -> frozenset[int] | None:
        if chosen and not any(left) and any(right):
            return frozenset().union(*(atoms[i][1] for i in chosen))
        for position in range(start, len(small)):
            atom = small[position]
            grown = size + len(atoms[atom][1])
            if grown < min_cell:
                a, b = residue[atom]
                found = search(
                    position + 1,
                    [*chosen, atom],
                    grown,
                    [x + y for x, y in zip(left, a, strict=True)],
                    [x + y for x, y in zip(right, b, strict=True)],
                )
                if found is not None:
                    return found
        return None

    return search(0, [], 0, zero, zero)


def _apart(candidate: frozenset[int], numbers: Sequence[frozenset[int]], min_cell: int) -> bool:
    """The plain rule on top of the intruder's: the candidate's count differs from every other
    public count of the cell (nobody, n, the baseline, the scenarios shown) by 0 or at least
    ``min_cell``, whether or not the two groups are nested (an intruder may assume they are).
    A scenario that moves nobody repeats the baseline's count and adds nothing."""
    baseline = numbers[2]
    if len(candidate) == len(baseline):
        return True
    return all(
        len(candidate) == len(other) or abs(len(candidate) - len(other)) >= min_cell
        for other in numbers
    )


@dataclass(frozen=True)
class PublicResult:
    """One scenario of :data:`PUBLIC_GRID` with whether it may be published."""

    outcome: Outcome
    shown: bool


def public_grid(
    patients: Sequence[Patient],
    baseline_shown: bool,
    grid: Sequence[Scenario] = PUBLIC_GRID,
    min_cell: int = MIN_CELL,
) -> list[PublicResult]:
    """The grid's scenarios on one cell, each marked shown or not (SPEC §7).

    Nothing is shown unless the cube publishes the baseline cell (``baseline_shown``) and it
    counts at least ``min_cell`` patients. The scenarios are then admitted in the grid's order:
    one is shown only if, with the baseline's counts (n and within) and the scenarios already
    admitted, no population of 1 to ``min_cell - 1`` patients can be worked out
    (:func:`derivable_small`) that the baseline's counts alone did not already give. That covers
    a scenario's own count, the patients it moves (its difference to the baseline), those it
    leaves outside, and every difference and sum with the other shown scenarios, of the same
    interval or another; and, more strictly, every difference between two of those counts is 0
    or at least ``min_cell`` even where the groups are not nested."""
    everyone = frozenset(range(len(patients)))
    known = [everyone, within_set(patients, None)]
    open_gate = baseline_shown and len(patients) >= min_cell
    admitted: list[frozenset[int]] = []
    out = []
    for scenario in grid:
        result = outcome(patients, scenario)
        shown = False
        if open_gate:
            candidate = within_set(patients, scenario)
            shown = _apart(candidate, [frozenset(), *known, *admitted], min_cell) and (
                derivable_small([*admitted, candidate], known, min_cell) is None
            )
            if shown:
                admitted.append(candidate)
        out.append(PublicResult(result, shown))
    return out
