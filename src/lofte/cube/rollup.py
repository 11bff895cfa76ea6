"""Every SVF cell from the month counts: the sums and quantiles of all levels (SPEC §5), numpy.

``cells.sql`` counts, per finest key (region basis, county, pathway, treatment) and month, how
many closed instances meet each indicator's numerator and denominator conditions; a cell of any
level is a sum of those counts. The levels are the 48 combinations of period type (month,
quarter, half, year) × region level (county, healthcare region, SE) × pathway (each or
``alla``) × treatment (each or ``alla``). For each combination every row gets one integer group
key; ``bincount`` sums the counts per key. Sums are distributive, so this is exactly the
``GROUP BY … GROUPING SETS`` it replaces, on integers instead of strings. The quartiles and
medians come from the national-end facts through the same keys (:mod:`lofte.cube.quantiles`).

All codes are those of :class:`Dims`, whose lists are in string order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lofte.cube.quantiles import QUANTILES, order_statistics

#: The counts of ``month_counts`` (cells.sql), in order.
MEASURES = (
    "n_closed",
    "n_target",
    "n_within",
    "n_treated",
    "n_within_28",
    "n_national",
    "n_mdk_base",
    "n_mdk",
    "n_visit",
    "n_diagnosis",
    "n_treatment",
    "n_included",
)

#: Key columns of the wide cells, as codes of :class:`Dims`.
KEYS = ("region_basis", "region", "pathway", "treatment", "period")

PERIOD_TYPES = ("month", "quarter", "half", "year")


@dataclass
class Hierarchy:
    """What the roll-up needs of the codebooks: which codes are counties, their parents, the
    codes of ``SE`` and ``alla``, and each month's period of every period type."""

    n_basis: int
    counties: np.ndarray  # region codes of the counties
    county_parent: np.ndarray  # region code of each county's healthcare region (same order)
    nation: int
    n_pathway: int
    all_pathways: int
    n_treatment: int
    all_treatments: int
    months: np.ndarray  # period codes of the months
    month_parent: dict[str, np.ndarray]  # period type → period code of each month (same order)


@dataclass
class _Option:
    """One way to group one dimension: each row's local code, their number, and the global
    code of each local code."""

    local: np.ndarray
    size: int
    codes: np.ndarray


def _everything(n: int, code: int) -> _Option:
    return _Option(np.zeros(n, dtype=np.int64), 1, np.array([code], dtype=np.int32))


def _grouped(codes: np.ndarray, parent_of: np.ndarray) -> _Option:
    """Group rows whose codes are ``codes`` (indices into ``parent_of``) by their parent code.

    The local codes are the parents' ranks among the distinct parents, fixed by the hierarchy
    (not by the rows), so that two row sets grouped alike share one key space."""
    member = parent_of >= 0
    distinct = np.unique(parent_of[member])
    table = np.where(member, np.searchsorted(distinct, parent_of), -1)
    local = table[codes]
    if codes.size and (local < 0).any():
        raise ValueError("a code of the facts is missing from the cube's hierarchy")
    return _Option(local, int(distinct.size), distinct.astype(np.int32))


class _Levels:
    """The 48 groupings of a set of finest rows (basis, county, pathway, treatment, month)."""

    def __init__(self, h: Hierarchy, columns: dict[str, np.ndarray]) -> None:
        n = len(columns["county"])
        self.h = h
        self.basis = columns["region_basis"].astype(np.int64)
        county = columns["county"].astype(np.int64)
        size = int(max(h.counties.max(initial=0), county.max(initial=0))) + 1
        # Index by region code: -1 for codes that are not counties.
        own = np.full(size, -1, dtype=np.int64)
        own[h.counties] = h.counties
        parent = np.full(size, -1, dtype=np.int64)
        parent[h.counties] = h.county_parent
        valid = own >= 0
        self.region = (
            _grouped(county, np.where(valid, own, -1)),
            _grouped(county, np.where(valid, parent, -1)),
            _everything(n, h.nation),
        )
        pathway = columns["pathway"].astype(np.int64)
        treatment = columns["treatment"].astype(np.int64)
        self.pathway = (
            _Option(pathway, h.n_pathway, np.arange(h.n_pathway, dtype=np.int32)),
            _everything(n, h.all_pathways),
        )
        self.treatment = (
            _Option(treatment, h.n_treatment, np.arange(h.n_treatment, dtype=np.int32)),
            _everything(n, h.all_treatments),
        )
        month = columns["month"].astype(np.int64)
        size = int(max(h.months.max(initial=0), month.max(initial=0))) + 1
        self.period = []
        for kind in PERIOD_TYPES:
            parent_of = np.full(size, -1, dtype=np.int64)
            parent_of[h.months] = h.month_parent[kind]
            self.period.append(_grouped(month, parent_of))

    def groupings(self) -> Iterator[tuple[np.ndarray, int, list[_Option]]]:
        """(each row's key, the key space, the options) for each of the 48 groupings."""
        for period in self.period:
            for region in self.region:
                for pathway in self.pathway:
                    for treatment in self.treatment:
                        options = [period, region, pathway, treatment]
                        key = self.basis.copy()
                        space = self.h.n_basis
                        for option in options:
                            key = key * option.size + option.local
                            space *= option.size
                        yield key, space, options


def _compact(key: np.ndarray, space: int) -> tuple[np.ndarray, np.ndarray]:
    """(the distinct keys in order, each row's index among them), like ``np.unique``."""
    if space > 32_000_000:
        present, group = np.unique(key, return_inverse=True)
        return present, group.astype(np.int64)
    counts = np.bincount(key, minlength=space)
    present = np.flatnonzero(counts)
    lookup = np.zeros(space, dtype=np.int64)
    lookup[present] = np.arange(present.size, dtype=np.int64)
    return present, lookup[key]


def _decode(present: np.ndarray, n_basis: int, options: list[_Option]) -> dict[str, np.ndarray]:
    rest = present
    out: dict[str, np.ndarray] = {}
    for name, option in zip(
        ("treatment", "pathway", "region", "period"), reversed(options), strict=False
    ):
        rest, local = np.divmod(rest, option.size)
        out[name] = option.codes[local]
    out["region_basis"] = rest.astype(np.int32)
    return out


def _numpy(table: pa.Table, name: str) -> np.ndarray:
    return table.column(name).combine_chunks().to_numpy(zero_copy_only=False)


def _columns(table: pa.Table, names: tuple[str, ...]) -> dict[str, np.ndarray]:
    return {n: _numpy(table, n) for n in names}


def wide_cells(month_counts: pa.Table, quantile_facts: pa.Table, h: Hierarchy) -> pa.Table:
    """One row per cell key that has at least one closed instance: the key codes, the twelve
    counts and the six quartiles/medians (null where the measure has no value in the cell)."""
    counts = _columns(month_counts, ("region_basis", "county", "pathway", "treatment", "month"))
    measures = (
        np.column_stack([_numpy(month_counts, m).astype(np.int64) for m in MEASURES])
        if month_counts.num_rows
        else np.zeros((0, len(MEASURES)), dtype=np.int64)
    )
    facts = _columns(quantile_facts, ("region_basis", "county", "pathway", "treatment", "month"))
    values: dict[str, tuple[np.ndarray, np.ndarray | None]] = {}
    for _, source, _ in QUANTILES:
        if source not in values:
            column = quantile_facts.column(source).combine_chunks()
            raw = pc.fill_null(column, 0).to_numpy(zero_copy_only=False).astype(np.int64)
            valid = pc.is_valid(column).to_numpy(zero_copy_only=False)
            values[source] = (raw, None) if valid.all() else (raw[valid], valid)

    parts: list[dict[str, np.ndarray]] = []
    fact_groupings = _Levels(h, facts).groupings()
    for (key, space, options), (f_key, _, _) in zip(
        _Levels(h, counts).groupings(), fact_groupings, strict=True
    ):
        present, group = _compact(key, space)
        part = _decode(present, h.n_basis, options)
        sums = np.zeros((present.size, len(MEASURES)), dtype=np.int64)
        for j in range(len(MEASURES)):
            sums[:, j] = np.bincount(group, weights=measures[:, j], minlength=present.size)
        for j, name in enumerate(MEASURES):
            part[name] = sums[:, j]
        # Quantiles: the national-end facts' groups are a subset of the count rows' groups.
        f_present, f_group = _compact(f_key, space)
        at = np.searchsorted(present, f_present)
        for source, (raw, valid) in values.items():
            wanted = [(name, q) for name, s, q in QUANTILES if s == source]
            groups = f_group if valid is None else f_group[valid]
            results = order_statistics(groups, raw, f_present.size, [q for _, q in wanted])
            for (name, _), result in zip(wanted, results, strict=True):
                column = np.full(present.size, np.nan)
                column[at] = result
                part[name] = column
        parts.append(part)
    return _table(parts)


def _table(parts: list[dict[str, np.ndarray]]) -> pa.Table:
    data: dict[str, pa.Array] = {}
    for name in KEYS:
        data[name] = pa.array(
            np.concatenate([p[name] for p in parts]).astype(np.int32) if parts else [], pa.int32()
        )
    for name in MEASURES:
        data[name] = pa.array(np.concatenate([p[name] for p in parts]) if parts else [], pa.int64())
    for name, _, _ in QUANTILES:
        values = np.concatenate([p[name] for p in parts]) if parts else np.zeros(0)
        data[name] = pa.array(values, pa.float64(), mask=np.isnan(values))
    return pa.table(data)
