"""Allocation of a sum of money to regions by a key (SPEC §11), in whole kronor.

A key is a mapping from a part (a region code, usually) to a non-negative weight: explicit weights
such as the Sydöst key "2,2 + 1,5 + 1,1" (seed 004) or the regions' populations from the
catalogue. ``allocate`` uses the largest-remainder (Hamilton) method with exact rational
arithmetic, so that:

- the parts are whole kronor and always sum exactly to the total;
- each part is its exact quota rounded down or up (never further off than one krona);
- a part with a larger weight never gets less than a part with a smaller weight; equal weights get
  amounts at most one krona apart, the extra krona going to the part named first;
- a part with weight zero gets nothing.

Pure Python: no Django, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction

Weight = int | Decimal | Fraction


class AllocationError(ValueError):
    """A key or total that cannot be allocated; the message is Swedish and names the fault."""


def allocate(total: int, key: Mapping[str, Weight]) -> dict[str, int]:
    """Split ``total`` whole kronor over the parts of ``key`` by largest remainder.

    The result has the key's parts in the key's order. Raises ``AllocationError`` for a negative or
    non-integer total, an empty key, a negative weight or weights that are all zero.
    """
    if isinstance(total, bool) or not isinstance(total, int):
        raise AllocationError(f"beloppet måste vara ett heltal i kronor, inte {total!r}")
    if total < 0:
        raise AllocationError(f"beloppet får inte vara negativt ({total} kr)")
    if not key:
        raise AllocationError("fördelningsnyckeln är tom")
    weights = {part: Fraction(w) for part, w in key.items()}
    for part, w in weights.items():
        if w < 0:
            raise AllocationError(f"negativ vikt för {part}: {key[part]}")
    weight_sum = sum(weights.values(), Fraction(0))
    if weight_sum == 0:
        raise AllocationError("alla vikter i fördelningsnyckeln är noll")
    quotas = {part: total * w / weight_sum for part, w in weights.items()}
    shares = {part: q.numerator // q.denominator for part, q in quotas.items()}
    left = total - sum(shares.values())
    order = list(weights)
    # Largest remainder first; among equal remainders the larger weight, then the key's order.
    ranked = sorted(
        order,
        key=lambda p: (-(quotas[p] - shares[p]), -weights[p], order.index(p)),
    )
    for part in ranked[:left]:
        shares[part] += 1
    return shares


_NUMBER = r"\d+(?:[,.]\d+)?"


def parse_weights(text: str) -> list[Decimal]:
    """Weights written as in the seed documents: ``"2,2 + 1,5 + 1,1"`` or ``"(2,2+1,5+1,1)"``.

    Decimal commas and points are both accepted.
    """
    body = text.strip().removeprefix("(").removesuffix(")").strip()
    terms = [t.strip() for t in body.split("+")]
    if not body or not all(re.fullmatch(_NUMBER, t) for t in terms):
        raise AllocationError(f"ogiltig nyckel {text!r}: skriv vikter som '2,2 + 1,5 + 1,1'")
    return [Decimal(t.replace(",", ".")) for t in terms]


def parse_key(text: str) -> dict[str, Decimal]:
    """A named key ``"05=2,2; 06=1,5; 08=1,1"`` (``;`` or whitespace between the parts)."""
    key: dict[str, Decimal] = {}
    for item in (i for i in re.split(r"[;\s]+", text.strip()) if i):
        part, sep, weight = item.partition("=")
        if not sep or not part or not re.fullmatch(_NUMBER, weight):
            raise AllocationError(
                f"ogiltig del {item!r} i nyckeln: skriv 'region=vikt', t.ex. '05=2,2'"
            )
        if part in key:
            raise AllocationError(f"{part} förekommer två gånger i nyckeln")
        try:
            key[part] = Decimal(weight.replace(",", "."))
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            raise AllocationError(f"ogiltig vikt {weight!r}") from None
    if not key:
        raise AllocationError("fördelningsnyckeln är tom")
    return key


def population_key(populations: Iterable[tuple[str, int | None]]) -> dict[str, int]:
    """A key of population shares from ``(code, population)`` pairs (catalogue populations)."""
    key: dict[str, int] = {}
    for code, population in populations:
        if population is None or population < 0:
            raise AllocationError(f"{code} saknar folkmängd i katalogen")
        key[code] = population
    return key
