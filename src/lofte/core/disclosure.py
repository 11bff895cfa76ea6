"""Disclosure control (*röjandekontroll*): the one place that decides what is suppressed.

Rule (SPEC §7, /work/shared/spec/SPEC.md "7. Disclosure control"):

- **Primary**: a cell whose denominator (or count) is at least 1 but below ``min_cell``
  (default 5) is suppressed — shown as "–", *"Färre än 5 fall redovisas ej"*. Medians and
  quartiles of fewer than ``min_cell`` instances likewise. A cell with no count at all (an
  aggregate indicator imported as a value only, already published by its source) has nothing
  this rule can test and is not suppressed by it.
- **Secondary**: counts add up along the geography (SE → healthcare regions → counties), the
  treatments (``alla`` → types) and the pathways (``alla`` → pathways) — and, in Löfte's cube,
  along the periods too (year → halves → quarters → months), since a month could otherwise be
  recovered from its quarter. In every such additive
  group (a parent and its children) a single suppressed cell could be recovered by subtraction,
  so each group must hold no suppressed cell or at least two. Complementary cells are chosen by
  the smallest denominator, repeatedly, until no group has exactly one.

The secondary step is defined in deterministic rounds so that a vectorised engine (SQL over the
whole cube) can reproduce it exactly, and so the result does not depend on the order of the
groups:

1. S = the initially suppressed cells.
2. For every group G whose present members (keys of ``denominators``) include exactly one
   member of S, pick c(G) = the present member of G not in S with the smallest
   (denominator, key). A group without such a member picks nothing.
3. Add all picks to S at once; repeat from 2 until a round picks nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, TypeVar

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
