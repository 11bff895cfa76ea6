"""Reconciliation of one pool's figures (SPEC §11): what does not add up, in Swedish words.

Pure Python: the ledger passes plain numbers in, so the rules can be tested on their own. Nothing
here corrects a figure; every finding names the figures it compares and the difference.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


def kr(amount: int) -> str:
    """``6207992`` → ``"6 207 992 kr"`` (Swedish digit groups, minus sign for negatives)."""
    sign = "−" if amount < 0 else ""
    return f"{sign}{abs(amount):,} kr".replace(",", " ")


@dataclass(frozen=True)
class Group:
    """A breakdown group of a source document: its lines' sum and the total it states."""

    parts: int
    stated_total: int | None
    lines: int


@dataclass(frozen=True)
class PoolFigures:
    """A pool's figures as the ledger sums them, with what its source documents state (remaining
    amount, breakdown groups) and the reasons given for granting beyond the budget."""

    budget: int
    granted: int
    paid: int
    stated_remaining: int | None = None
    groups: Mapping[str, Group] = field(default_factory=dict)
    override_reasons: Sequence[str] = ()

    @property
    def remaining(self) -> int:
        """What is left to grant: the budget less what has been granted (payments do not count)."""
        return self.budget - self.granted


def findings(f: PoolFigures) -> list[str]:
    """Every way in which the pool's figures disagree, each as one Swedish sentence."""
    found: list[str] = []
    if f.granted > f.budget:
        text = (
            f"beviljat {kr(f.granted)} överstiger budgeten {kr(f.budget)} "
            f"med {kr(f.granted - f.budget)}"
        )
        if f.override_reasons:
            text += " (beslutat med dispens: " + "; ".join(f.override_reasons) + ")"
        found.append(text)
    if f.paid > f.granted:
        found.append(
            f"utbetalt {kr(f.paid)} överstiger beviljat {kr(f.granted)} "
            f"med {kr(f.paid - f.granted)}"
        )
    if f.stated_remaining is not None and f.stated_remaining != f.remaining:
        found.append(
            f"återstående enligt källan är {kr(f.stated_remaining)}, men budget − beviljat "
            f"= {kr(f.budget)} − {kr(f.granted)} = {kr(f.remaining)} "
            f"(skillnad {kr(f.stated_remaining - f.remaining)})"
        )
    for name, group in f.groups.items():
        if group.stated_total is None:
            continue
        if group.lines == 0:
            found.append(
                f"{name}: angiven totalsumma {kr(group.stated_total)} saknar specificerade belopp"
            )
        elif group.parts != group.stated_total:
            found.append(
                f"{name}: delbeloppen summerar till {kr(group.parts)}, men angiven totalsumma "
                f"är {kr(group.stated_total)} (skillnad {kr(group.parts - group.stated_total)})"
            )
    specified = sum(g.parts for g in f.groups.values())
    if specified > f.granted:
        found.append(
            f"specificerade belopp summerar till {kr(specified)}, mer än beviljat {kr(f.granted)}"
        )
    return found
