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

import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lofte.cube import quantiles
from lofte.cube.keys import compact
from lofte.cube.quantiles import QUANTILES

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
class _Level:
    """One level of one dimension: for every code at this level or finer, the local number of
    its ancestor at this level (-1: not below this level), and the code of each local number.

    Local numbers are the ancestors' ranks, fixed by the hierarchy and not by the rows, so that
    row sets grouped at the same levels share one key space."""

    local: np.ndarray
    codes: np.ndarray

    @classmethod
    def of(cls, size: int, members: np.ndarray, ancestors: np.ndarray) -> _Level:
        """``members`` (codes) each with its ancestor code at this level in ``ancestors``."""
        distinct = np.unique(ancestors)
        local = np.full(size, -1, dtype=np.int64)
        local[members] = np.searchsorted(distinct, ancestors)
        return cls(local, distinct.astype(np.int32))

    @property
    def size(self) -> int:
        return int(self.codes.size)


#: The four dimensions of a grouping besides the basis, in key order.
DIMENSIONS = ("period", "region", "pathway", "treatment")


class _Groupings:
    """The 48 groupings (period type × region level × pathway or ``alla`` × treatment or
    ``alla``) as levels of the four dimensions over the codebooks' codes."""

    def __init__(self, h: Hierarchy) -> None:
        self.h = h
        n_period = (
            int(max(h.months.max(initial=0), *(a.max(initial=0) for a in h.month_parent.values())))
            + 1
        )
        self.period: list[_Level] = []
        for k, kind in enumerate(PERIOD_TYPES):
            # Every month's period of each type up to this one maps to the month's period here.
            finer = [h.month_parent[t] for t in PERIOD_TYPES[: k + 1]]
            members = np.concatenate(finer)
            ancestors = np.concatenate([h.month_parent[kind]] * len(finer))
            self.period.append(_Level.of(n_period, members, ancestors))
        n_region = int(max(h.counties.max(initial=0), h.county_parent.max(initial=0), h.nation)) + 1
        hrs = np.unique(h.county_parent)
        nation = np.array([h.nation])
        self.region = [
            _Level.of(n_region, h.counties, h.counties),
            _Level.of(
                n_region, np.concatenate([h.counties, hrs]), np.concatenate([h.county_parent, hrs])
            ),
            _Level.of(
                n_region,
                np.concatenate([h.counties, hrs, nation]),
                np.full(h.counties.size + hrs.size + 1, h.nation),
            ),
        ]
        every_pathway = np.arange(h.n_pathway)
        every_treatment = np.arange(h.n_treatment)
        self.pathway = [
            _Level.of(h.n_pathway, every_pathway, every_pathway),
            _Level.of(h.n_pathway, every_pathway, np.full(h.n_pathway, h.all_pathways)),
        ]
        self.treatment = [
            _Level.of(h.n_treatment, every_treatment, every_treatment),
            _Level.of(h.n_treatment, every_treatment, np.full(h.n_treatment, h.all_treatments)),
        ]

    def all(self) -> list[tuple[int, int, int, int]]:
        """The groupings as (period type, region level, pathway option, treatment option), each
        after the finer grouping it is summed from (see :meth:`source`)."""
        return [
            (p, r, a, b) for p in range(4) for r in range(3) for a in range(2) for b in range(2)
        ]

    @staticmethod
    def source(g: tuple[int, int, int, int]) -> tuple[int, int, int, int] | None:
        """The finer grouping whose cells add up to ``g``'s (None: from the month counts)."""
        p, r, a, b = g
        if b:
            return (p, r, a, 0)
        if a:
            return (p, r, 0, b)
        if r:
            return (p, r - 1, a, b)
        if p:
            return (p - 1, r, a, b)
        return None

    def levels(self, g: tuple[int, int, int, int]) -> list[_Level]:
        p, r, a, b = g
        return [self.period[p], self.region[r], self.pathway[a], self.treatment[b]]

    def local(
        self,
        name: str,
        index: int,
        codes: dict[str, np.ndarray],
        cache: dict[tuple[str, int], np.ndarray] | None = None,
    ) -> np.ndarray:
        """Each row's local code (int32) in dimension ``name`` at level ``index``, from its codes
        at that level or finer; ``cache`` keeps them for rows keyed in many groupings."""
        if cache is not None and (name, index) in cache:
            return cache[(name, index)]
        level: _Level = getattr(self, name)[index]
        local = level.local[codes[name]]
        if local.size and int(local.min()) < 0:
            raise ValueError(f"a {name} code of the facts is missing from the hierarchy")
        local = local.astype(np.int32)
        if cache is not None:
            cache[(name, index)] = local
        return local

    def key(
        self,
        g: tuple[int, int, int, int],
        basis: np.ndarray,
        codes: dict[str, np.ndarray],
        cache: dict[tuple[str, int], np.ndarray] | None = None,
    ) -> tuple[np.ndarray, int]:
        """Each row's key in grouping ``g`` from its codes (at ``g``'s levels or finer), and
        the size of the key space (``cache``: see :meth:`local`)."""
        space = self.h.n_basis
        for level in self.levels(g):
            space *= level.size
        kind = np.int32 if space < 2**31 else np.int64
        key = basis.astype(kind)
        for name, level, index in zip(DIMENSIONS, self.levels(g), g, strict=True):
            local = self.local(name, index, codes, cache).astype(kind, copy=False)
            key = key * kind(level.size) + local
        return key, space

    def decode(self, g: tuple[int, int, int, int], present: np.ndarray) -> dict[str, np.ndarray]:
        rest = present
        out: dict[str, np.ndarray] = {}
        for name, level in zip(reversed(DIMENSIONS), reversed(self.levels(g)), strict=True):
            rest, local = np.divmod(rest, level.size)
            out[name] = level.codes[local]
        out["region_basis"] = rest.astype(np.int32)
        return out


def _numpy(table: pa.Table, name: str) -> np.ndarray:
    return table.column(name).combine_chunks().to_numpy(zero_copy_only=False)


def _finest(table: pa.Table) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(region basis, codes by dimension) of rows at the finest level: county and month."""
    codes = {
        "period": _numpy(table, "month"),
        "region": _numpy(table, "county"),
        "pathway": _numpy(table, "pathway"),
        "treatment": _numpy(table, "treatment"),
    }
    return _numpy(table, "region_basis"), codes


def wide_cells(
    month_counts: pa.Table, quantile_facts: pa.Table, h: Hierarchy
) -> dict[str, np.ndarray]:
    """Columns with one row per cell key that has at least one closed instance, sorted by key:
    the key codes, the twelve counts and the six quartiles/medians (NaN where the measure has
    no value in the cell).

    Each grouping's counts are summed from the cells of a finer grouping computed before it
    (treatment ``alla`` from each treatment, healthcare region from county, quarter from month,
    …), which are far fewer than the month counts; the quantiles are read off the facts."""
    groupings = _Groupings(h)
    base_basis, base_codes = _finest(month_counts)
    base_sums = (
        np.column_stack([_numpy(month_counts, m).astype(np.int64) for m in MEASURES])
        if month_counts.num_rows
        else np.zeros((0, len(MEASURES)), dtype=np.int64)
    )
    fact_basis, fact_codes = _finest(quantile_facts)
    values: dict[str, tuple[quantiles.Values, np.ndarray | None]] = {}
    for _, source, _ in QUANTILES:
        if source not in values:
            column = quantile_facts.column(source).combine_chunks()
            raw = pc.fill_null(column, 0).to_numpy(zero_copy_only=False).astype(np.int64)
            valid = pc.is_valid(column).to_numpy(zero_copy_only=False)
            if valid.all():
                values[source] = (quantiles.Values.of(raw), None)
            else:
                values[source] = (quantiles.Values.of(raw[valid]), valid)

    done: dict[tuple[int, int, int, int], dict[str, np.ndarray]] = {}
    fact_cache: dict[tuple[str, int], np.ndarray] = {}
    for g in groupings.all():
        src = groupings.source(g)
        if src is None:
            basis, codes, sums = base_basis, base_codes, base_sums
        else:
            part = done[src]
            basis = part["region_basis"]
            codes = {name: part[name] for name in DIMENSIONS}
            sums = part["_sums"]
        key, space = groupings.key(g, basis, codes)
        present, group = compact(key, space)
        result = groupings.decode(g, present)
        totals = np.zeros((present.size, len(MEASURES)), dtype=np.int64)
        for j in range(len(MEASURES)):
            # float64 weights are exact for counts below 2**53.
            totals[:, j] = np.bincount(group, weights=sums[:, j], minlength=present.size)
        result["_sums"] = totals
        result["_present"] = present
        done[g] = result

    def quantiles_of(g: tuple[int, int, int, int]) -> None:
        """The quartiles and medians of grouping ``g``, into its result. The national-end facts'
        groups are a subset of the count rows' groups."""
        result = done[g]
        present = result["_present"]
        f_key, space = groupings.key(g, fact_basis, fact_codes, fact_cache)
        f_present, f_group = compact(f_key, space)
        at = np.searchsorted(present, f_present)
        for source, (raw, valid) in values.items():
            wanted = [(name, q) for name, s, q in QUANTILES if s == source]
            groups = f_group if valid is None else f_group[valid]
            results = quantiles.order_statistics(
                groups, raw, f_present.size, [q for _, q in wanted]
            )
            for (name, _), values_at in zip(wanted, results, strict=True):
                column = np.full(present.size, np.nan)
                column[at] = values_at
                result[name] = column

    # The facts' local codes first (shared and only read afterwards); then the groupings on two
    # threads: numpy's sorts, searches and cumulative sums release the GIL.
    for name, levels in zip(DIMENSIONS, (4, 3, 2, 2), strict=True):
        for index in range(levels):
            groupings.local(name, index, fact_codes, fact_cache)
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(quantiles_of, groupings.all()))
    parts = []
    for result in done.values():
        totals = result.pop("_sums")
        result.pop("_present")
        for j, name in enumerate(MEASURES):
            result[name] = totals[:, j]
        parts.append(result)
    return _sorted(parts)


def _sorted(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The groupings' cells as one set of columns, sorted by (basis, region, pathway,
    treatment, period) codes: the cube's key order after the indicator."""
    names = [*KEYS, *MEASURES, *(q for q, _, _ in QUANTILES)]
    if not parts:
        return {
            n: np.zeros(0, dtype=np.float64 if n.startswith(("lead", "med")) else np.int64)
            for n in names
        }
    # One integer per cell in key order; every part's rows are scattered straight to their
    # sorted positions (no concatenated copy of every column).
    sizes = [max(int(p[k].max(initial=0)) for p in parts) + 1 for k in KEYS]
    if math.prod(sizes) >= 2**62:  # not with any real codebook; kept exact all the same
        columns = {n: np.concatenate([p[n] for p in parts]) for n in names}
        order = np.lexsort([columns[k] for k in reversed(KEYS)])
        return {n: c[order] for n, c in columns.items()}
    keys = []
    for p in parts:
        key = np.zeros(p["region_basis"].size, dtype=np.int64)
        for name, size in zip(KEYS, sizes, strict=True):
            key = key * size + p[name]
        keys.append(key)
    every = np.concatenate(keys)
    position = np.empty(every.size, dtype=np.int64)
    position[unique_key_order(every, math.prod(sizes))] = np.arange(every.size)
    bounds = np.cumsum([0, *(k.size for k in keys)])
    out = {n: np.empty(every.size, dtype=parts[0][n].dtype) for n in names}
    for p, start, stop in zip(parts, bounds[:-1], bounds[1:], strict=True):
        at = position[start:stop]
        for n in names:
            out[n][at] = p[n]
    return out


#: Largest key space that :func:`unique_key_order` orders by counting (8 bytes per key).
_COUNTING_MAX_SPACE = 64_000_000


def unique_key_order(key: np.ndarray, space: int) -> np.ndarray:
    """The order that sorts ``key`` (distinct integers in ``0..space-1``): where the key space
    is small, by placing each row at its key in a table and reading the table in order."""
    if space > _COUNTING_MAX_SPACE:
        return np.argsort(key)
    slot = np.full(space, -1, dtype=np.int64)
    slot[key] = np.arange(key.size, dtype=np.int64)
    return slot[slot >= 0]


#: The SVF indicators of SPEC §5 as the counts and values of the wide cells that make them:
#: (numerator, denominator, value); a value of None is 100 × numerator / denominator at full
#: precision, a numerator of None means the indicator has none (medians and quartiles). The
#: conditions behind every count are in cells.sql.
SVF_INDICATORS: dict[str, tuple[str | None, str, str | None]] = {
    "svf_andel_inom_ledtid": ("n_within", "n_target", None),
    "svf_andel_inom_28_dagar": ("n_within_28", "n_treated", None),
    "svf_ledtid_median": (None, "n_national", "lead_median"),
    "svf_ledtid_p25": (None, "n_national", "lead_p25"),
    "svf_ledtid_p75": (None, "n_national", "lead_p75"),
    "svf_andel_mdk": ("n_mdk", "n_mdk_base", None),
    "svf_antal_avslutade": ("n_closed", "n_closed", "n_closed"),
    "svf_median_start_till_besok": (None, "n_visit", "med_visit"),
    "svf_median_besok_till_diagnos": (None, "n_diagnosis", "med_diagnosis"),
    "svf_median_diagnos_till_behandling": (None, "n_treatment", "med_treatment"),
}


@dataclass
class Block:
    """Long cells of one indicator: key codes, numerator and denominator (int64, null where
    ``*_valid`` is False) and value (NaN for null)."""

    keys: dict[str, np.ndarray]
    numerator: np.ndarray
    numerator_valid: np.ndarray
    denominator: np.ndarray
    denominator_valid: np.ndarray
    value: np.ndarray

    def __len__(self) -> int:
        return int(self.denominator.size)

    def take(self, rows: np.ndarray) -> Block:
        return Block(
            {k: v[rows] for k, v in self.keys.items()},
            self.numerator[rows],
            self.numerator_valid[rows],
            self.denominator[rows],
            self.denominator_valid[rows],
            self.value[rows],
        )

    @classmethod
    def empty(cls, key_names: tuple[str, ...]) -> Block:
        none = np.zeros(0, dtype=np.int64)
        return cls(
            {k: np.zeros(0, dtype=np.int32) for k in key_names},
            none,
            np.zeros(0, dtype=bool),
            none,
            np.zeros(0, dtype=bool),
            np.zeros(0, dtype=np.float64),
        )


def share(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """100 × numerator / denominator in double precision (as SQL's CAST(100 * n AS DOUBLE) / d)."""
    return (100 * numerator).astype(np.float64) / denominator


def svf_blocks(
    wide: dict[str, np.ndarray], indicator_code: Callable[[str], int]
) -> dict[str, Block]:
    """One block per SVF indicator: a row per wide cell whose denominator is at least 1, in the
    wide cells' (key) order."""
    out = {}
    for indicator, (num_name, den_name, value_name) in SVF_INDICATORS.items():
        den = wide[den_name]
        keep = den > 0
        d = den[keep]
        if num_name is None:
            num = np.zeros(d.size, dtype=np.int64)
            num_valid = np.zeros(d.size, dtype=bool)
        else:
            num = wide[num_name][keep]
            num_valid = np.ones(d.size, dtype=bool)
        value = share(num, d) if value_name is None else wide[value_name][keep].astype(np.float64)
        keys = {"indicator": np.full(d.size, indicator_code(indicator), dtype=np.int32)}
        keys.update({k: wide[k][keep].astype(np.int32, copy=False) for k in KEYS})
        out[indicator] = Block(
            keys,
            num,
            num_valid,
            d,
            np.ones(d.size, dtype=bool),
            value,
        )
    return out
