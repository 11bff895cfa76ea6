"""Every SVF cell from the month counts: the sums and quantiles of all levels (SPEC §5), numpy.

``cells.sql`` counts, per finest key (region basis, county, pathway, treatment) and month, how
many closed instances meet each indicator's numerator and denominator conditions; a cell of any
level is a sum of those counts. The levels are the 48 combinations of period type (month,
quarter, half, year) × region level (county, healthcare region, SE) × pathway (each or
``alla``) × treatment (each or ``alla``). For each combination every row gets one integer group
key; ``bincount`` sums the counts per key. Sums are distributive, so this is exactly the
``GROUP BY … GROUPING SETS`` it replaces, on integers instead of strings. The quartiles and
medians come from the national-end facts in the same cells (:mod:`lofte.cube.quantiles`): sorted
for the fine groupings, counted into day histograms for the coarse ones, which add up like the
counts.

All codes are those of :class:`Dims`, whose lists are in string order.
"""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lofte.cube import quantiles
from lofte.cube.keys import compact
from lofte.cube.quantiles import QUANTILES
from lofte.svf import tuning

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
    "n_missed_visit",
    "n_missed_diagnosis",
    "n_missed_treatment",
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


class Grouping(NamedTuple):
    """One of the 48 groupings: the level of each dimension, as an index into its levels in
    :class:`_Groupings` (period type 0–3 month…year, region level 0–2 county…SE, pathway and
    treatment 0 each or 1 ``alla``)."""

    period: int
    region: int
    pathway: int
    treatment: int


@dataclass
class _Cells:
    """The cells of one grouping: their key columns by name, the counts of :data:`MEASURES`
    (one column each), each cell's key in the grouping's key space (``present``, sorted), for
    each cell of the grouping's source the cell it adds up to (``up``), and the quartiles and
    medians once they are worked out."""

    keys: dict[str, np.ndarray]
    sums: np.ndarray
    present: np.ndarray
    up: np.ndarray
    quantiles: dict[str, np.ndarray]

    def codes(self) -> dict[str, np.ndarray]:
        """The key codes by dimension (without the region basis)."""
        return {name: self.keys[name] for name in DIMENSIONS}

    def columns(self) -> dict[str, np.ndarray]:
        """Every column of the cells: keys, counts and quantiles."""
        out = dict(self.keys)
        out.update({name: self.sums[:, j] for j, name in enumerate(MEASURES)})
        out.update(self.quantiles)
        return out


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

    def all(self) -> list[Grouping]:
        """The groupings, each after the finer grouping it is summed from (see
        :meth:`source`)."""
        return [
            Grouping(p, r, a, b)
            for p in range(4)
            for r in range(3)
            for a in range(2)
            for b in range(2)
        ]

    @staticmethod
    def source(g: Grouping) -> Grouping | None:
        """The finer grouping whose cells add up to ``g``'s (None: from the month counts):
        treatment ``alla`` from each treatment, then pathway ``alla`` from each pathway, then
        the region level below, then the period type below."""
        if g.treatment:
            return g._replace(treatment=0)
        if g.pathway:
            return g._replace(pathway=0)
        if g.region:
            return g._replace(region=g.region - 1)
        if g.period:
            return g._replace(period=g.period - 1)
        return None

    def levels(self, g: Grouping) -> list[_Level]:
        return [
            self.period[g.period],
            self.region[g.region],
            self.pathway[g.pathway],
            self.treatment[g.treatment],
        ]

    def local(self, name: str, index: int, codes: dict[str, np.ndarray]) -> np.ndarray:
        """Each row's local code (int32) in dimension ``name`` at level ``index``, from its codes
        at that level or finer."""
        level: _Level = getattr(self, name)[index]
        local = level.local[codes[name]]
        if local.size and int(local.min()) < 0:
            raise ValueError(f"a {name} code of the facts is missing from the hierarchy")
        return local.astype(np.int32)

    def key(
        self, g: Grouping, basis: np.ndarray, codes: dict[str, np.ndarray]
    ) -> tuple[np.ndarray, int]:
        """Each row's key in grouping ``g`` from its codes (at ``g``'s levels or finer), and
        the size of the key space."""
        space = self.h.n_basis
        for level in self.levels(g):
            space *= level.size
        kind = np.dtype(np.int32 if space < 2**31 else np.int64)
        key = basis.astype(kind)
        for name, level, index in zip(DIMENSIONS, self.levels(g), g, strict=True):
            local = self.local(name, index, codes).astype(kind, copy=False)
            key = key * kind.type(level.size) + local
        return key, space

    def decode(self, g: Grouping, present: np.ndarray) -> dict[str, np.ndarray]:
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
    …), which are far fewer than the month counts; the quantiles come from the facts, or from
    a finer grouping's day histograms (:func:`_quantiles`)."""
    groupings = _Groupings(h)
    base_basis, base_codes = _finest(month_counts)
    base_sums = (
        np.column_stack([_numpy(month_counts, m).astype(np.int64) for m in MEASURES])
        if month_counts.num_rows
        else np.zeros((0, len(MEASURES)), dtype=np.int64)
    )
    done: dict[Grouping, _Cells] = {}
    for g in groupings.all():
        src = groupings.source(g)
        if src is None:
            basis, codes, sums = base_basis, base_codes, base_sums
        else:
            part = done[src]
            basis, codes, sums = part.keys["region_basis"], part.codes(), part.sums
        key, space = groupings.key(g, basis, codes)
        present, group = compact(key, space)
        totals = np.zeros((present.size, len(MEASURES)), dtype=np.int64)
        for j in range(len(MEASURES)):
            # float64 weights are exact for counts below 2**53.
            totals[:, j] = np.bincount(group, weights=sums[:, j], minlength=present.size)
        done[g] = _Cells(groupings.decode(g, present), totals, present, group, {})

    _quantiles(groupings, done, quantile_facts)
    return _sorted([cells.columns() for cells in done.values()])


def _measures(facts: pa.Table) -> dict[str, quantiles.Values]:
    """The values of each input column of :data:`QUANTILES`, prepared once for all groupings."""
    out: dict[str, quantiles.Values] = {}
    for _, source, _ in QUANTILES:
        if source not in out:
            column = facts.column(source).combine_chunks()
            raw = pc.fill_null(column, 0).to_numpy(zero_copy_only=False).astype(np.int64)
            valid = pc.is_valid(column).to_numpy(zero_copy_only=False)
            out[source] = quantiles.Values.of(raw, None if valid.all() else valid)
    return out


def _quantile_plan(
    groupings: _Groupings, sizes: dict[Grouping, int], span: int, n_facts: int
) -> dict[Grouping, tuple[bool, Grouping | None]]:
    """For every grouping (in :meth:`_Groupings.all` order, finer before coarser): whether its
    quartiles and medians come from a dense histogram (few cells, ``sizes``, times ``span``
    values), and the finer grouping with the smallest histogram to roll it up from (None: from
    the facts). Rolling up a histogram costs less per cell than counting one costs per fact."""
    plan: dict[Grouping, tuple[bool, Grouping | None]] = {}
    for g in groupings.all():
        if not quantiles.dense_is_cheaper(sizes[g] * span, n_facts):
            plan[g] = (False, None)
            continue
        finer = [
            s
            for s, (dense, _) in plan.items()
            if dense and all(a <= b for a, b in zip(s, g, strict=True))
        ]
        plan[g] = (True, min(finer, key=sizes.__getitem__, default=None))
    return plan


def _fact_cells(
    groupings: _Groupings,
    done: dict[Grouping, _Cells],
    facts: pa.Table,
    wanted: list[Grouping],
) -> tuple[np.ndarray, dict[Grouping, np.ndarray], dict[Grouping, np.ndarray]]:
    """Each national-end fact's cell (row of ``done``) in the finest grouping (as intp, numpy's
    index type); and for the groupings ``wanted`` (and the sources on their way), each finest
    cell's cell (int32) and the number of facts in each cell, down the chain of sources the
    counts are summed along (``up``) rather than from the facts' keys again."""
    finest = groupings.all()[0]
    present = done[finest].present
    fact_basis, fact_codes = _finest(facts)
    key, space = groupings.key(finest, fact_basis, fact_codes)
    lookup = np.full(space, -1, dtype=np.int32)
    lookup[present] = np.arange(present.size, dtype=np.int32)
    cells = lookup[key].astype(np.intp)
    if cells.size and int(cells.min()) < 0:
        raise ValueError("a national-end fact is outside every counted cell")
    needed: set[Grouping] = set()
    for g in wanted:
        step: Grouping | None = g
        while step is not None and step not in needed:
            needed.add(step)
            step = groupings.source(step)
    of_cell = {finest: np.arange(present.size, dtype=np.int32)}
    fact_counts = {finest: np.bincount(cells, minlength=present.size)}
    for g in groupings.all()[1:]:
        if g in needed:
            up, src = done[g].up, groupings.source(g)
            assert src is not None  # only the finest grouping has no source
            of_cell[g] = up.astype(np.int32)[of_cell[src]]
            # float64 weights are exact for counts below 2**53.
            counts = np.bincount(up, weights=fact_counts[src], minlength=done[g].present.size)
            fact_counts[g] = counts.astype(np.int64)
    return cells, of_cell, fact_counts


def _quantiles(groupings: _Groupings, done: dict[Grouping, _Cells], facts: pa.Table) -> None:
    """The quartiles and medians of every grouping's cells, into its cells in ``done``. The
    national-end facts' cells are among the counted cells.

    Fine groupings sort the facts; coarse ones have dense histograms, rolled up from a finer
    grouping's where there is one (:func:`_quantile_plan`), so most never touch the facts. A
    fact's group in a grouping is that of its cell in the finest grouping (:func:`_fact_cells`).
    The groupings read off the facts are worked out on two threads, each with the histograms
    rolled up from its own: numpy's sorts, counts and searches release the GIL."""
    measures = _measures(facts)
    levels = {name: [q for _, s, q in QUANTILES if s == name] for name in measures}
    sizes = {g: int(done[g].present.size) for g in groupings.all()}
    span = max(values.width for values in measures.values()) + 1
    plan = _quantile_plan(groupings, sizes, span, facts.num_rows)
    from_facts = [g for g, (_, source) in plan.items() if source is None]
    rolled_from: dict[Grouping, list[Grouping]] = {g: [] for g in plan}
    targets: dict[Grouping, np.ndarray] = {}  # each source cell's cell, for a rolled-up grouping
    for g, (_, source) in plan.items():
        if source is not None:
            rolled_from[source].append(g)
            part = done[source]
            key, _ = groupings.key(g, part.keys["region_basis"], part.codes())
            targets[g] = np.searchsorted(done[g].present, key)

    cells, of_cell, fact_counts = _fact_cells(groupings, done, facts, from_facts)

    results: dict[tuple[Grouping, str], list[np.ndarray]] = {}
    local = threading.local()

    def roll_ups(g: Grouping, name: str, counts: np.ndarray) -> None:
        """The quantiles of ``g`` from its histogram ``counts``, and of the groupings rolled up
        from it, and from those, …"""
        pending = [(g, counts)]
        while pending:
            g, counts = pending.pop()
            results[g, name] = quantiles.from_histogram(counts, measures[name], levels[name])
            pending.extend(
                (c, quantiles.roll_up(counts, targets[c], sizes[c])) for c in rolled_from[g]
            )

    def read_facts(g: Grouping) -> None:
        """The quantiles of ``g`` from the facts, and of the groupings rolled up from it."""
        # Work arrays per thread, reused by every grouping (see quantiles.work_array).
        if not hasattr(local, "of_fact"):
            local.of_fact = np.empty(4 * cells.size, dtype=np.uint8)
            local.keys = np.empty(8 * cells.size, dtype=np.uint8)
        of_fact = quantiles.work_array(local.of_fact, cells.size, np.int32)
        groups = quantiles.Groups(
            np.take(of_cell[g], cells, out=of_fact, mode="clip"), fact_counts[g]
        )
        dense = plan[g][0]
        for name, values in measures.items():
            if dense:
                roll_ups(g, name, quantiles.histogram(groups, values, local.keys))
            else:
                results[g, name] = quantiles.from_sorted(groups, values, levels[name], local.keys)

    with ThreadPoolExecutor(max_workers=tuning.current().workers) as pool:
        list(pool.map(read_facts, from_facts))
    for (g, name), stats in results.items():
        columns = [q for q, s, _ in QUANTILES if s == name]
        done[g].quantiles.update(zip(columns, stats, strict=True))


def _sorted(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The groupings' cells as one set of columns, sorted by (basis, region, pathway,
    treatment, period) codes: the cube's key order after the indicator."""
    names = [*KEYS, *MEASURES, *(q for q, _, _ in QUANTILES)]
    if not parts:
        quantile_names = {q for q, _, _ in QUANTILES}
        return {
            n: np.zeros(0, dtype=np.float64 if n in quantile_names else np.int64) for n in names
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
    _, position = compact(every, math.prod(sizes))  # the keys are distinct: each one's rank
    bounds = np.cumsum([0, *(k.size for k in keys)])
    # numpy's index type once per part, not once per column.
    places = [position[start:stop].astype(np.intp) for start, stop in itertools.pairwise(bounds)]
    del every, position
    out = {n: np.empty(bounds[-1], dtype=parts[0][n].dtype) for n in names}

    def scatter(columns: list[str]) -> None:
        for p, at in zip(parts, places, strict=True):
            for n in columns:
                out[n][at] = p[n]

    # Two halves of the columns, on the workers (numpy's scatter releases the GIL).
    with ThreadPoolExecutor(max_workers=tuning.current().workers) as pool:
        list(pool.map(scatter, [names[0::2], names[1::2]]))
    return out


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
    # Issue 16: the intervals' quartiles (the same populations as their medians) …
    "svf_p25_start_till_besok": (None, "n_visit", "visit_p25"),
    "svf_p75_start_till_besok": (None, "n_visit", "visit_p75"),
    "svf_p25_besok_till_diagnos": (None, "n_diagnosis", "diagnosis_p25"),
    "svf_p75_besok_till_diagnos": (None, "n_diagnosis", "diagnosis_p75"),
    "svf_p25_diagnos_till_behandling": (None, "n_treatment", "treatment_p25"),
    "svf_p75_diagnos_till_behandling": (None, "n_treatment", "treatment_p75"),
    # … and their medians among the pathways that missed the lead time.
    "svf_missad_median_start_till_besok": (None, "n_missed_visit", "missed_visit"),
    "svf_missad_median_besok_till_diagnos": (None, "n_missed_diagnosis", "missed_diagnosis"),
    "svf_missad_median_diagnos_till_behandling": (
        None,
        "n_missed_treatment",
        "missed_treatment",
    ),
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


def svf_block(wide: dict[str, np.ndarray], indicator: str, code: int) -> Block:
    """The block of SVF indicator ``indicator`` (whose indicator code is ``code``): a row per
    wide cell whose denominator is at least 1, in the wide cells' (key) order."""
    num_name, den_name, value_name = SVF_INDICATORS[indicator]
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
    keys = {"indicator": np.full(d.size, code, dtype=np.int32)}
    keys.update({k: wide[k][keep].astype(np.int32, copy=False) for k in KEYS})
    return Block(keys, num, num_valid, d, np.ones(d.size, dtype=bool), value)


def svf_block_size(wide: dict[str, np.ndarray], indicator: str) -> int:
    """The number of rows of :func:`svf_block` without building it."""
    return int(np.count_nonzero(wide[SVF_INDICATORS[indicator][1]] > 0))


@dataclass
class LazyBlock:
    """A block built only when it is finished (on the finishing thread, so that blocks are
    built in parallel and each is freed once finished): its number of rows and its maker."""

    size: int
    make: Callable[[], Block]

    def __len__(self) -> int:
        return self.size
