"""The grant ledger (SPEC §11): pools with budget, granted, paid, remaining and the findings.

Granted and paid are sums of ledger entries, computed when asked, so that reconciliation runs
after every import and every change without anything to keep in step. Granting beyond a pool's
budget is refused unless an override reason is given; the override is audited.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction
from django.db.models import Sum

from lofte.grants import reconcile
from lofte.grants.models import LedgerEntry, Pool, SpecificationLine


class LedgerError(ValueError):
    """A change the ledger refuses (exit status 1); the message is Swedish."""


@dataclass(frozen=True)
class PoolRow:
    """One line of ``lofte grants ledger`` (the SPEC §12 keys, in that order)."""

    area: str
    year: int
    budget: int
    granted: int
    paid: int
    remaining: int
    problems: list[str]

    def as_dict(self) -> dict[str, Any]:
        """The line as a dict in the SPEC §12 key order, for ``--format json``."""
        return asdict(self)


def figures(pool: Pool) -> reconcile.PoolFigures:
    """The pool's figures as the ledger sums them, with what its sources state."""
    sums = {
        row["kind"]: row["total"]
        for row in pool.entries.values("kind").annotate(total=Sum("amount")).order_by()
    }
    groups: dict[str, dict[str, Any]] = {}
    for line in SpecificationLine.objects.filter(pool=pool).order_by("id"):
        g = groups.setdefault(line.group, {"parts": 0, "stated_total": None, "lines": 0})
        if line.is_total:
            g["stated_total"] = line.amount
        else:
            g["parts"] += line.amount
            g["lines"] += 1
    reasons = list(
        pool.entries.filter(kind=LedgerEntry.Kind.GRANT)
        .exclude(override_reason="")
        .values_list("override_reason", flat=True)
    )
    return reconcile.PoolFigures(
        budget=pool.budget,
        granted=int(sums.get(LedgerEntry.Kind.GRANT, 0) or 0),
        paid=int(sums.get(LedgerEntry.Kind.PAYMENT, 0) or 0),
        stated_remaining=pool.stated_remaining,
        groups={name: reconcile.Group(**g) for name, g in groups.items()},
        override_reasons=reasons,
    )


def row(pool: Pool) -> PoolRow:
    """The ledger line of one pool: its budget, granted, paid and remaining sums, and what does not
    reconcile."""
    f = figures(pool)
    return PoolRow(
        area=pool.area,
        year=pool.year,
        budget=f.budget,
        granted=f.granted,
        paid=f.paid,
        remaining=f.remaining,
        problems=reconcile.findings(f),
    )


def ledger(year: int | None = None) -> list[PoolRow]:
    """Every pool (of ``year``, when given), by year and then in the order they were created."""
    pools = Pool.objects.all() if year is None else Pool.objects.filter(year=year)
    return [row(p) for p in pools.order_by("year", "id")]


def pool(year: int, area: str) -> Pool:
    """The pool of an area and year; ``LedgerError`` names the pools there are when it does not
    exist."""
    try:
        return Pool.objects.get(year=year, area=area)
    except Pool.DoesNotExist:
        known = ", ".join(f"{p.area} {p.year}" for p in Pool.objects.order_by("year", "id"))
        raise LedgerError(
            f"det finns ingen pott '{area}' för {year}" + (f" (finns: {known})" if known else "")
        ) from None


def _amount(amount: int) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise LedgerError(f"beloppet måste vara ett positivt heltal i kronor, inte {amount!r}")
    return amount


def _audit(action: str, username: str, entry: LedgerEntry, details: dict[str, Any]) -> None:
    from lofte.web.audit.service import record

    record(
        action,
        username=username,
        object_type="LedgerEntry",
        object_id=entry.pk,
        region=entry.region[:8],
        details=details,
    )


def grant(
    year: int,
    area: str,
    amount: int,
    label: str,
    *,
    region: str = "",
    username: str = "",
    override_reason: str = "",
    application: Any = None,
) -> LedgerEntry:
    """Record a grant from a pool. Beyond the budget only with ``override_reason`` (audited)."""
    amount = _amount(amount)
    label = label.strip()
    if not label:
        raise LedgerError("ange vad som beviljas (projektets titel)")
    reason = override_reason.strip()
    with transaction.atomic():
        target = Pool.objects.select_for_update().get(pk=pool(year, area).pk)
        before = figures(target)
        over = before.granted + amount - target.budget
        if over > 0 and not reason:
            raise LedgerError(
                f"{kr(amount)} ryms inte i potten {target}: återstår {kr(before.remaining)}, "
                f"beslutet går {kr(over)} över budgeten; ange skäl för dispens "
                "(--override-reason) om det ändå ska beviljas"
            )
        entry = LedgerEntry.objects.create(
            pool=target,
            kind=LedgerEntry.Kind.GRANT,
            region=region,
            label=label,
            amount=amount,
            override_reason=reason if over > 0 else "",
            created_by=username,
            application=application,
        )
        details = {
            "pool": str(target),
            "amount": amount,
            "label": label,
            "over_budget": max(over, 0),
        }
        if over > 0:
            _audit("grant_override", username, entry, {**details, "reason": reason})
        else:
            _audit("grant_recorded", username, entry, details)
    return entry


def pay(
    year: int,
    area: str,
    amount: int,
    label: str,
    *,
    region: str = "",
    username: str = "",
    application: Any = None,
) -> LedgerEntry:
    """Record a payment against a pool; never more than has been granted from it in total, and
    for a project (``application``) never more than it was granted."""
    amount = _amount(amount)
    with transaction.atomic():
        target = Pool.objects.select_for_update().get(pk=pool(year, area).pk)
        if application is not None:
            paid = sum(
                LedgerEntry.objects.filter(
                    application=application, kind=LedgerEntry.Kind.PAYMENT
                ).values_list("amount", flat=True)
            )
            granted = application.decided_amount or 0
            if paid + amount > granted:
                raise LedgerError(
                    f"utbetalningen {kr(amount)} skulle göra utbetalt till projektet "
                    f"({kr(paid + amount)}) större än beviljat ({kr(granted)})"
                )
        before = figures(target)
        if before.paid + amount > before.granted:
            raise LedgerError(
                f"utbetalningen {kr(amount)} skulle göra utbetalt ({kr(before.paid + amount)}) "
                f"större än beviljat ({kr(before.granted)}) i potten {target}"
            )
        entry = LedgerEntry.objects.create(
            pool=target,
            kind=LedgerEntry.Kind.PAYMENT,
            region=region,
            label=label.strip() or "Utbetalning",
            amount=amount,
            created_by=username,
            application=application,
        )
        details: dict[str, Any] = {"pool": str(target), "amount": amount}
        if application is not None:
            details["application"] = application.pk
        _audit("grant_paid", username, entry, details)
    return entry


kr = reconcile.kr
