"""The one verdict rule (SPEC §9 honesty rules): is a figure judged against its target, and how.

:func:`classify` gives every figure of the report, the gap board, the results site and the API
its status. A traffic light (``met``, ``partial``, ``not_met``) is given only against a target
whose standing allows it (:data:`lofte.catalog.model.JUDGED_KINDS`: decided nationally or by
the region, or a register's own level); a level borrowed from another register gets
``reference`` (drawn as a labelled reference line, no verdict). A share above 100 %
(inclusion: more closed pathways than the register's new cases) gets ``data_quality``: a
finding about the data, never a share with a verdict. So is a parent's share (a healthcare
region, the nation) when a shown cell below it is above 100 % (ADR 0504): its value adds that
child's impossible ratio, so a verdict on it would rest on the data fault
(:func:`over_100_below` finds them, ``child_over_100`` passes it in). The cube's
``meets_target`` column comes from :func:`meets_array`, the vectorised form of the per-cell
rule, which ``tests/catalog/test_verdict.py`` holds to :func:`classify` and
:func:`meets_target`; the readers (report, site, API) apply the parent rule on top of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from lofte.catalog.model import JUDGED_KINDS, Catalog

#: Statuses that are a verdict against a target.
JUDGED = ("met", "partial", "not_met")
#: Every status a figure can have.
STATUSES = (*JUDGED, "no_target", "reference", "data_quality", "suppressed", "missing")


def classify(
    value: float | None,
    suppressed: bool,
    target: float | None,
    target_high: float | None,
    direction: str | None,
    kind: str | None = "decided_national",
    unit: str = "",
    child_over_100: bool = False,
) -> str:
    """Traffic light of one figure against its target (low/high pairs give *partial*).

    ``kind`` is the target's standing (:data:`lofte.catalog.model.TARGET_KINDS`), ``unit`` the
    indicator's unit (a ``percent`` value above 100 is a data-quality finding), and
    ``child_over_100`` whether a shown region below this one is above 100 % for the same
    indicator and period (:func:`over_100_below`): then the share is a finding too.
    """
    if suppressed:
        return "suppressed"
    if value is None:
        return "missing"
    if unit == "percent" and (value > 100.0 or child_over_100):
        return "data_quality"
    if target is None or direction is None:
        return "no_target"
    if kind not in JUDGED_KINDS:
        return "reference"
    sign = 1.0 if direction == "higher_better" else -1.0
    low = target
    high = target_high if target_high is not None else target
    if sign * value >= sign * high:
        return "met"
    if sign * value >= sign * low:
        return "partial"
    return "not_met"


def meets_target(status: str) -> bool | None:
    """The cube's and API's ``meets_target`` for a status: True when the (low) level is
    reached, False when not, None when there is no verdict."""
    if status in ("met", "partial"):
        return True
    if status == "not_met":
        return False
    return None


def over_100_below(
    cells: Iterable[Mapping[str, Any]],
    catalog: Catalog,
    keys: tuple[str, ...] = ("indicator", "region_basis", "pathway", "treatment", "period"),
) -> dict[tuple[Any, ...], list[str]]:
    """The shown shares above 100 % below each parent region: ``(parent, *key values) ->
    [region, ...]`` (catalogue order), from ``cells`` (dicts with ``region``, ``value``,
    ``suppressed`` and ``keys``).

    A county above 100 % counts for its healthcare region and the nation, a healthcare region
    above 100 % for the nation. Only percent indicators count, and only shown cells: a hidden
    cell's value is not published, so it cannot be named (nor may the parent's verdict give it
    away). The parent is the same indicator, basis, pathway, treatment and period."""
    found: dict[tuple[Any, ...], list[str]] = {}
    for cell in cells:
        indicator = catalog.indicators.get(cell["indicator"])
        value = cell["value"]
        if indicator is None or cell["suppressed"] or not indicator.exceeds_whole(value):
            continue
        rest = tuple(cell[k] for k in keys)
        for parent in catalog.lineage(cell["region"])[1:]:
            found.setdefault((parent, *rest), []).append(cell["region"])
    order = {code: i for i, code in enumerate(catalog.regions)}
    return {k: sorted(set(v), key=lambda c: order.get(c, len(order))) for k, v in found.items()}


def meets_array(
    value: np.ndarray,
    target: np.ndarray,
    lower_better: np.ndarray,
    judged: np.ndarray,
    percent: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`meets_target` of :func:`classify` for every figure at once, before suppression:
    ``(meets, verdict)``, where ``meets`` is the answer where ``verdict`` is True and there is
    no verdict (None) elsewhere.

    ``value`` and ``target`` (the low level) are floats with NaN for none; ``lower_better`` the
    direction (an indicator with a target always has one); ``judged`` whether the target's
    standing allows a verdict (:data:`lofte.catalog.model.JUDGED_KINDS`); ``percent`` whether
    the unit is ``percent`` (above 100: a data-quality finding, no verdict).
    """
    with np.errstate(invalid="ignore"):
        verdict = ~np.isnan(target) & ~np.isnan(value) & judged & ~(percent & (value > 100.0))
        meets = np.where(lower_better, value <= target, value >= target)
    return meets, verdict
