"""Exact quartiles and medians of the SVF cells (SPEC §5) from day histograms, with numpy.

Every quantile of the cube is a type-7 quantile (h = (n − 1)·p; the values at the 0-based ranks
⌊h⌋ and ⌈h⌉, interpolated linearly) of whole-day durations. Holistic SQL aggregates
(``QUANTILE_CONT``) buffer every value of every group of all twelve grouping sets and four period
types; at national scale that was most of the compute time and memory. Here the same numbers come
from counts instead, exactly:

* the national-end facts of the month period type are read once (``quantiles.sql``), with their
  basis, county, pathway, treatment and month as small integer codes;
* for each period type and each of the twelve grouping sets (county / healthcare region / nation
  × pathway or ``alla`` × treatment or ``alla``) every fact gets one integer group key;
* where a set's groups are few compared with its values (the coarse sets), a dense histogram
  of (group, day) is counted with ``bincount``; its row-wise cumulative counts are searched for
  the two ranks of each group (the value at rank r is the smallest day whose cumulative count
  exceeds r). Where groups are many and small (the fine sets), the (group, day) keys are sorted
  instead and the ranks are read off directly. Both give the exact order statistics.

The result has the columns of the former ``wide_quantiles`` relation: one row per group with at
least one national-end fact, a NULL quantile where the measure has no value in that group (as
``QUANTILE_CONT`` ignores NULLs). The engine's property tests compare the cells with the
reference engine (``lofte.core.stats.quantile``) exactly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lofte.core import periods

#: (output column, input column, quantile level).
QUANTILES = (
    ("lead_p25", "lead_time_days", 0.25),
    ("lead_median", "lead_time_days", 0.5),
    ("lead_p75", "lead_time_days", 0.75),
    ("med_visit", "start_to_visit", 0.5),
    ("med_diagnosis", "visit_to_diagnosis", 0.5),
    ("med_treatment", "diagnosis_to_treatment", 0.5),
)

KEY_COLUMNS = ("region_basis", "period", "region", "pathway", "treatment")

#: A dense histogram is used while (groups × days) stays below this many cells per value
#: (measured at national scale: above it, sorting the packed keys is faster) …
_DENSE_PER_VALUE = 1
#: … and below this many cells in all (memory: 8 bytes each, twice).
_DENSE_MAX_CELLS = 40_000_000


def schema() -> pa.Schema:
    return pa.schema(
        [(name, pa.string()) for name in KEY_COLUMNS]
        + [(name, pa.float64()) for name, _, _ in QUANTILES]
    )


def _codes(column: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, list[str]]:
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    encoded = pc.dictionary_encode(column)
    return (
        encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64),
        encoded.dictionary.to_pylist(),
    )


def _values(column: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """(values as int64 with nulls as 0, validity mask)."""
    valid = pc.is_valid(column).to_numpy(zero_copy_only=False)
    values = pc.fill_null(column, 0).to_numpy(zero_copy_only=False).astype(np.int64)
    return values, np.asarray(valid, dtype=bool)


def order_statistics(
    group: np.ndarray,
    values: np.ndarray,
    n_groups: int,
    levels: list[float],
    method: str = "auto",
) -> list[np.ndarray]:
    """Type-7 quantiles at ``levels`` of ``values`` (integers) per group id in ``0..n_groups-1``.

    Returns one float64 array of length ``n_groups`` per level; NaN for a group without values.
    ``method`` is ``"dense"`` (histogram), ``"sort"`` or ``"auto"`` (by the size of the
    histogram against the number of values).
    """
    counts = np.bincount(group, minlength=n_groups)
    out = [np.full(n_groups, np.nan) for _ in levels]
    if values.size == 0:
        return out
    low = int(values.min())
    width = int(values.max()) - low + 1
    shifted = values - low
    has = np.flatnonzero(counts)
    n = counts[has]
    cells = n_groups * width
    if method == "auto":
        dense = cells <= _DENSE_PER_VALUE * values.size and cells <= _DENSE_MAX_CELLS
    else:
        dense = method == "dense"
    if dense:
        hist = np.bincount(group * width + shifted, minlength=cells).reshape(n_groups, width)
        cumulative = np.cumsum(hist, axis=1)
        # Offsetting each row by more than any count makes the flattened array non-decreasing.
        step = int(values.size) + 1
        cumulative += (np.arange(n_groups, dtype=np.int64) * step)[:, None]
        flat = cumulative.ravel()

        def at_rank(rank: np.ndarray) -> np.ndarray:
            pos = np.searchsorted(flat, has * step + rank, side="right")
            return (pos - has * width + low).astype(np.float64)

    else:
        packed = group * width + shifted
        # 32-bit keys sort about twice as fast as 64-bit ones.
        ordered = np.sort(packed.astype(np.int32) if cells < 2**31 else packed)
        start = (np.cumsum(counts) - counts)[has]

        def at_rank(rank: np.ndarray) -> np.ndarray:
            return (ordered[start + rank] - has * width + low).astype(np.float64)

    for result, level in zip(out, levels, strict=True):
        h = (n - 1) * level
        below = np.floor(h).astype(np.int64)
        above = np.ceil(h).astype(np.int64)
        fraction = h - below
        lo = at_rank(below)
        hi = at_rank(above)
        result[has] = lo + (hi - lo) * fraction
    return out


def wide_quantiles(facts: pa.Table, county_parent: Mapping[str, str]) -> pa.Table:
    """Quantiles of every cell from the national-end month facts (see the module docstring).

    ``facts`` has region_basis, county, pathway, treatment, month (label) and the four duration
    columns; ``county_parent`` maps each county to its healthcare region.
    """
    if facts.num_rows == 0:
        return schema().empty_table()
    basis, basis_names = _codes(facts.column("region_basis"))
    county, county_names = _codes(facts.column("county"))
    pathway, pathway_names = _codes(facts.column("pathway"))
    treatment, treatment_names = _codes(facts.column("treatment"))
    month, month_names = _codes(facts.column("month"))
    hr_names = sorted({county_parent[c] for c in county_names})
    hr_of_county = np.array([hr_names.index(county_parent[c]) for c in county_names], np.int64)
    # One region space for the three geographic levels: counties, healthcare regions, SE.
    region_names = [*county_names, *hr_names, "SE"]
    n_c, n_h = len(county_names), len(hr_names)
    region_by_level = (county, n_c + hr_of_county[county], np.full_like(county, n_c + n_h))
    pathway_options = (pathway, np.full_like(pathway, len(pathway_names)))
    treatment_options = (treatment, np.full_like(treatment, len(treatment_names)))
    pathway_labels = np.array([*pathway_names, "alla"], dtype=object)
    treatment_labels = np.array([*treatment_names, "alla"], dtype=object)
    n_r, n_p, n_t = len(region_names), len(pathway_names) + 1, len(treatment_names) + 1

    measures: dict[str, tuple[np.ndarray, np.ndarray | None]] = {}
    for _, source, _ in QUANTILES:
        if source not in measures:
            values, valid = _values(facts.column(source))
            if valid.all():
                measures[source] = (values, None)  # no need to filter
            else:
                measures[source] = (values[valid], valid)

    month_labels = [periods.labels_for(dt.date(int(m[:4]), int(m[5:7]), 1)) for m in month_names]
    n_b = len(basis_names)

    def one_kind(kind_index: int) -> list[pa.Table]:
        labels = sorted({ls[kind_index] for ls in month_labels})
        label_code = {label: i for i, label in enumerate(labels)}
        period_of_month = np.array([label_code[ls[kind_index]] for ls in month_labels], np.int64)
        n_per = len(labels)
        base = basis * n_per + period_of_month[month]
        out = []
        for region in region_by_level:
            for pw in pathway_options:
                for tr in treatment_options:
                    key = ((base * n_r + region) * n_p + pw) * n_t + tr
                    present, group = _compact(key, n_b * n_per * n_r * n_p * n_t)
                    columns: dict[str, np.ndarray] = {}
                    for source, (values, valid) in measures.items():
                        wanted = [(name, q) for name, s, q in QUANTILES if s == source]
                        levels = [q for _, q in wanted]
                        if valid is None:
                            results = order_statistics(group, values, len(present), levels)
                        else:
                            results = order_statistics(group[valid], values, len(present), levels)
                        for (name, _), result in zip(wanted, results, strict=True):
                            columns[name] = result
                    out.append(
                        _decode(
                            present,
                            columns,
                            (n_per, n_r, n_p, n_t),
                            basis_names,
                            labels,
                            region_names,
                            pathway_labels,
                            treatment_labels,
                        )
                    )
        return out

    # (Two threads over the period types gained nothing measurable: most of the work holds the
    # GIL.)
    parts = [table for kind_index in range(4) for table in one_kind(kind_index)]
    return pa.concat_tables(parts)


def _compact(key: np.ndarray, space: int) -> tuple[np.ndarray, np.ndarray]:
    """(the distinct keys in order, each row's index among them), like ``np.unique``."""
    if space > 64_000_000:
        present, group = np.unique(key, return_inverse=True)
        return present, group.astype(np.int64)
    present = np.flatnonzero(np.bincount(key, minlength=space))
    lookup = np.zeros(space, dtype=np.int64)
    lookup[present] = np.arange(present.size, dtype=np.int64)
    return present, lookup[key]


def _decode(
    present: np.ndarray,
    columns: dict[str, np.ndarray],
    sizes: tuple[int, int, int, int],
    basis_names: list[str],
    period_names: list[str],
    region_names: list[str],
    pathway_labels: np.ndarray,
    treatment_labels: np.ndarray,
) -> pa.Table:
    n_per, n_r, n_p, n_t = sizes
    rest, tr = np.divmod(present, n_t)
    rest, pw = np.divmod(rest, n_p)
    rest, region = np.divmod(rest, n_r)
    basis, period = np.divmod(rest, n_per)

    def labelled(names: list[str] | np.ndarray, codes: np.ndarray) -> pa.Array:
        return pc.take(pa.array(list(names), pa.string()), pa.array(codes))

    data = {
        "region_basis": labelled(basis_names, basis),
        "period": labelled(period_names, period),
        "region": labelled(region_names, region),
        "pathway": labelled(pathway_labels, pw),
        "treatment": labelled(treatment_labels, tr),
    }
    for name, _, _ in QUANTILES:
        values = columns[name]
        data[name] = pa.array(values, pa.float64(), mask=np.isnan(values))
    return pa.table(data, schema=schema())
