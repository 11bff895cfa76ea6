"""The one verdict rule (SPEC §9 honesty rules): is a figure judged against its target, and how.

:func:`classify` gives every figure of the report, the gap board, the results site and the API
its status. A traffic light (``met``, ``partial``, ``not_met``) is given only against a target
whose standing allows it (:data:`lofte.catalog.model.JUDGED_KINDS`: decided nationally or by
the region, or a register's own level); a level borrowed from another register gets
``reference`` (drawn as a labelled reference line, no verdict). A share above 100 %
(inclusion: more closed pathways than the register's new cases) gets ``data_quality``: a
finding about the data, never a share with a verdict. The cube's ``meets_target`` column
comes from :func:`meets_array`, the vectorised form of the same rule, which
``tests/catalog/test_verdict.py`` holds to :func:`classify` and :func:`meets_target`.
"""

from __future__ import annotations

import numpy as np

from lofte.catalog.model import JUDGED_KINDS

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
) -> str:
    """Traffic light of one figure against its target (low/high pairs give *partial*).

    ``kind`` is the target's standing (:data:`lofte.catalog.model.TARGET_KINDS`), ``unit`` the
    indicator's unit (a ``percent`` value above 100 is a data-quality finding).
    """
    if suppressed:
        return "suppressed"
    if value is None:
        return "missing"
    if unit == "percent" and value > 100.0:
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
