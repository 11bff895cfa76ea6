"""Disclosure control (*röjandekontroll*): the one place that states what is suppressed.

The rule (SPEC §7, "Disclosure control", in ``spec/SPEC.md`` of the project's shared documents):
**no population of 1–4 persons may be published or be derivable** from everything public taken
together. A population is what a cell counts: its denominator, a count, the n of a median or
quartile — wherever else the same population is published, even as another indicator's
numerator. (A numerator of 1–4 inside a share whose population is 5 or more may be shown.)

This module is the plain reference; :mod:`lofte.cube.suppression` and :mod:`lofte.cube.links`
apply exactly the same steps to millions of cells, and property tests hold them together. The
primary rule has its vectorised form here too (:func:`primary_array`, which the engine calls),
held to :func:`primary` by ``tests/core/test_disclosure.py``.

- **Primary**: a cell whose denominator (or count, or median's n) is at least 1 but below
  ``min_cell`` (default 5) is suppressed — shown as "–". A cell with no count at all (an
  aggregate indicator imported as a value only, already published by its source) has nothing
  this rule can test and is not suppressed by it.
- **Secondary**: counts add up along the geography (SE → healthcare regions → counties), the
  treatments (``alla`` → types), the pathways (``alla`` → pathways) and the periods (year →
  halves → quarters → months), for each region basis. In every such additive group (a parent
  and its children) a single suppressed cell could be recovered by subtraction, so each group
  must hold no suppressed cell or at least two. Complementary cells are chosen by the smallest
  denominator, repeatedly, until no group has exactly one.
- **Linked counts**: the same population is often published under several indicators (closed
  pathways with a national end are the medians' n, the MDK denominator of an MDK pathway and
  the inclusion numerator of a registered one) and, for the nation, under both region bases.
  Two series of counts that can be compared — different indicators or roles in the same region
  basis, or the same indicator and role in the two bases — are *linked* in a slice (pathway,
  treatment, region) when they are equal in every period where both are shown, and in at least
  one: an intruder would read one as the other. Wherever two linked series meet and only one
  of them is suppressed, the other is suppressed too; so is a shown count of 1 to
  ``min_cell - 1`` that equals a suppressed count beside it (a known identity needs no
  evidence). Secondary suppression and linking repeat until neither changes anything.

The secondary step is defined in deterministic rounds so that a vectorised engine can reproduce
it exactly, and so the result does not depend on the order of the groups:

1. S = the initially suppressed cells.
2. For every group G whose present members (keys of ``denominators``) include exactly one
   member of S, pick c(G) = the present member of G not in S with the smallest
   (denominator, key). A group without such a member picks nothing.
3. Add all picks to S at once; repeat from 2 until a round picks nothing.

The joint procedure (:func:`suppress_jointly`) alternates that secondary step with one linking
step (:func:`linked_cells`, all additions at once) until the linking step adds nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison

K = TypeVar("K", bound="SupportsRichComparison")

MIN_CELL = 5


def primary(denominator: int | None, min_cell: int = MIN_CELL) -> bool:
    """Whether a cell is suppressed on its own: 0 < denominator < ``min_cell``.

    ``None`` (a value imported without counts) and 0 (a cell that is not published at all) are
    not suppressed by this rule.
    """
    if denominator is None:
        return False
    if denominator < 0:
        raise ValueError(f"a denominator cannot be negative, got {denominator}")
    return 0 < denominator < min_cell


def primary_array(denominator: Any, min_cell: Any = MIN_CELL, valid: Any = None) -> Any:
    """:func:`primary` of every cell at once, for numpy arrays: 0 < denominator < ``min_cell``
    (an array, one per cell, or one number for all), False where ``valid`` is False (a cell whose
    denominator is ``None``). Returns a boolean array.

    Raises :class:`ValueError` for a negative denominator among the valid cells, as
    :func:`primary` does. Written with the arrays' own operators only: core imports no numpy
    (``tests/core/test_purity.py``).
    """
    negative = denominator < 0
    known = True if valid is None else valid
    if (known & negative).any():
        raise ValueError("a denominator cannot be negative")
    return known & (denominator > 0) & (denominator < min_cell)


def _present_groups(
    denominators: Mapping[K, int], groups: Iterable[Sequence[K]]
) -> list[tuple[K, ...]]:
    # members without a cell do not take part; a key listed twice counts once
    return [tuple(dict.fromkeys(k for k in group if k in denominators)) for group in groups]


def secondary(
    denominators: Mapping[K, int],
    suppressed: Iterable[K],
    groups: Iterable[Sequence[K]],
) -> set[K]:
    """The suppressed cells after complementary suppression, by the rounds described above.

    ``denominators`` maps every cell of the output to its denominator (or count); ``suppressed``
    are the primarily suppressed cells; ``groups`` are the additive groups (parent and children).
    Returns a superset of ``suppressed``.
    """
    hidden = set(suppressed)
    present = _present_groups(denominators, groups)
    groups_of: dict[K, list[int]] = {}
    for index, members in enumerate(present):
        for key in members:
            groups_of.setdefault(key, []).append(index)

    # Only a group that received a pick in the last round can newly have exactly one
    # suppressed member; every other group was settled when it was last examined. Checking
    # just those gives the same result as re-checking all groups each round.
    to_check: Iterable[int] = range(len(present))
    while True:
        picks: set[K] = set()
        for index in to_check:
            members = present[index]
            if sum(1 for key in members if key in hidden) != 1:
                continue
            candidates = [key for key in members if key not in hidden]
            if candidates:
                picks.add(min(candidates, key=lambda key: (denominators[key], key)))
        if not picks:
            return hidden
        hidden |= picks
        to_check = sorted({index for key in picks for index in groups_of[key]})


def unsafe_groups(
    denominators: Mapping[K, int],
    suppressed: Iterable[K],
    groups: Iterable[Sequence[K]],
) -> list[Sequence[K]]:
    """The groups (as given) whose present members include exactly one suppressed cell."""
    hidden = set(suppressed)
    given = list(groups)
    return [
        group
        for group, members in zip(given, _present_groups(denominators, given), strict=True)
        if sum(1 for key in members if key in hidden) == 1
    ]


def suppress(
    denominators: Mapping[K, int],
    groups: Iterable[Sequence[K]],
    min_cell: int = MIN_CELL,
) -> set[K]:
    """Primary then secondary suppression of a set of cells: the cells to blank."""
    initial = [key for key, denominator in denominators.items() if primary(denominator, min_cell)]
    return secondary(denominators, initial, groups)


@dataclass(frozen=True)
class Count(Generic[K]):
    """One count that a cell publishes (its denominator, or its numerator).

    ``series`` names what is counted (indicator and role), ``basis`` the region basis; the
    count sits in ``slice`` (pathway, treatment, region) at ``position`` (the period). A cell is
    shown or suppressed as a whole, with every count it publishes.
    """

    cell: K
    series: Hashable
    basis: Hashable
    slice: Hashable
    position: Hashable
    value: int


def comparable(a: tuple[Hashable, Hashable], b: tuple[Hashable, Hashable]) -> bool:
    """Whether two (series, basis) families can be linked: other series in the same basis, or
    the same series in another basis."""
    return a != b and (a[0] == b[0] or a[1] == b[1])


def linked_cells(counts: Iterable[Count[K]], hidden: set[K], min_cell: int = MIN_CELL) -> set[K]:
    """The shown cells that the linking step suppresses, given the suppressed ``hidden``."""
    by_slice: dict[Hashable, dict[tuple[Hashable, Hashable], dict[Hashable, Count[K]]]] = (
        defaultdict(lambda: defaultdict(dict))
    )
    for count in counts:
        by_slice[count.slice][(count.series, count.basis)][count.position] = count
    out: set[K] = set()
    for families in by_slice.values():
        names = sorted(families, key=repr)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                if not comparable(a, b):
                    continue
                common = [p for p in families[a] if p in families[b]]
                pairs = [(families[a][p], families[b][p]) for p in common]
                shown = [(x, y) for x, y in pairs if x.cell not in hidden and y.cell not in hidden]
                linked = bool(shown) and all(x.value == y.value for x, y in shown)
                for x, y in pairs:
                    if (x.cell in hidden) == (y.cell in hidden):
                        continue
                    small = x.value == y.value and 0 < x.value < min_cell
                    if linked or small:
                        out.add(y.cell if x.cell in hidden else x.cell)
    return out


def suppress_jointly(
    denominators: Mapping[K, int],
    initial: Iterable[K],
    groups: Iterable[Sequence[K]],
    counts: Sequence[Count[K]],
    min_cell: int = MIN_CELL,
) -> set[K]:
    """Secondary suppression and linking, alternately, until neither adds a cell.

    ``denominators`` are the cells that take part in the additive ``groups`` (with the
    denominator that ranks them), ``initial`` the primarily suppressed cells and ``counts`` every
    count published by any cell.
    """
    given = list(groups)
    hidden = set(initial)
    while True:
        hidden = secondary(denominators, hidden, given)
        more = linked_cells(counts, hidden, min_cell) - hidden
        if not more:
            return hidden
        hidden |= more
