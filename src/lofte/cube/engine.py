"""Computing the indicator cube (SPEC §5, §7, §8) from events, in DuckDB.

:func:`compute` is pure with respect to the operational database: it takes events (Arrow or the
event-store files), the delivery cut-offs and register rows, and returns the instances, the event
flags and the cube as Arrow tables. :mod:`lofte.cube.service` feeds it from the database and writes
the results under ``LOFTE_HOME``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lofte.catalog import Catalog, load, verdict
from lofte.core import disclosure, periods, stats
from lofte.core.disclosure import MIN_CELL
from lofte.cube import heap, links, register, rollup, suppression, waiting
from lofte.cube.dims import Dims
from lofte.svf import engine as svf_engine
from lofte.svf import queries, tuning

T = TypeVar("T")

#: Public columns of the cube file, SPEC §8.
CUBE_COLUMNS = (
    "indicator",
    "region",
    "region_basis",
    "pathway",
    "treatment",
    "period",
    "numerator",
    "denominator",
    "value",
    "suppressed",
    "target",
    "meets_target",
)


#: Raw cells with string keys, as other sources give them to :func:`compute` (``extra_cells``).
CELL_SCHEMA = pa.schema(
    [
        ("indicator", pa.string()),
        ("region_basis", pa.string()),
        ("region", pa.string()),
        ("region_level", pa.string()),
        ("pathway", pa.string()),
        ("treatment", pa.string()),
        ("period", pa.string()),
        ("period_type", pa.string()),
        ("numerator", pa.int64()),
        ("denominator", pa.int64()),
        ("value", pa.float64()),
    ]
)


Progress = Callable[[str], None]


@dataclass
class EngineResult:
    instances: pa.Table
    event_flags: pa.Table
    cube: pa.Table


def _months(first: dt.date, last: dt.date) -> list[str]:
    out = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _day_month(first: dt.date, last: dt.date, dims: Dims) -> pa.Table:
    """Each day from ``first`` to ``last`` with the code of its month (SPEC §4 rule 12)."""
    days = np.arange(np.datetime64(first), np.datetime64(last) + 1)
    labels = np.datetime_as_string(days, unit="M")
    period = dims.names["period"]
    codes = {m: period.index(m) for m in np.unique(labels).tolist()}
    return pa.table(
        {
            "day": pa.array(days.astype("datetime64[D]"), pa.date32()),
            "month": pa.array([codes[m] for m in labels.tolist()], pa.int32()),
        }
    )


def compute(
    events: pa.Table | Iterable[Path] | None,
    cutoffs: Mapping[str, dt.date] | None = None,
    register_rows: Iterable[tuple[str, str, str, int]] = (),
    catalog: Catalog | None = None,
    extra_cells: pa.Table | None = None,
    progress: Progress | None = None,
    threads: int | None = None,
    config: tuning.EngineConfig | None = None,
) -> EngineResult:
    """Assemble instances and compute the suppressed-flagged cube.

    ``extra_cells`` are raw cells from elsewhere (the imported aggregate indicators, SPEC §6) in
    the schema of :data:`lofte.cube.aggregates.CELL_SCHEMA`; they get targets, intervals and
    suppression with the rest. ``config`` chooses how (never what) the engine computes
    (:mod:`lofte.svf.tuning`; None: the one in force); ``threads`` overrides its DuckDB threads.
    """
    # Arrays freed by one step are reused by the next instead of being mapped anew (heap).
    with (
        tuning.using(config) as in_force,
        heap.held() if in_force.hold_heap else contextlib.nullcontext(),
    ):
        return _compute(events, cutoffs, register_rows, catalog, extra_cells, progress, threads)


def _step(name: str) -> str:
    """A statement of ``sql/steps.sql``."""
    return queries.statement("lofte.cube", "steps.sql", name)


class _Inline(Executor):
    """An executor that runs each task at once in the caller's thread (no overlap)."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to the caller by result(), as a pool would
            future.set_exception(exc)
        return future


def _side_thread() -> Executor:
    """A thread for a step that overlaps another, or the caller's own thread where the
    configuration in force has no overlap."""
    return ThreadPoolExecutor(max_workers=1) if tuning.current().overlap else _Inline()


def _compute(
    events: pa.Table | Iterable[Path] | None,
    cutoffs: Mapping[str, dt.date] | None,
    register_rows: Iterable[tuple[str, str, str, int]],
    catalog: Catalog | None,
    extra_cells: pa.Table | None,
    progress: Progress | None,
    threads: int | None,
) -> EngineResult:
    catalog = catalog or load()
    say = progress or (lambda _msg: None)
    con = svf_engine.connect(threads=threads)
    say("assemble")
    with _side_thread() as pool:
        # The register's cells (plain Python) are worked out while DuckDB assembles.
        register_future = pool.submit(register.register_cells, list(register_rows), catalog)
        book = svf_engine.assemble(con, events, cutoffs, catalog)
        reg_cells = register_future.result()
    # The assembly's intermediate table is large at national scale and not needed any more.
    con.execute(_step("drop_sequenced"))
    span = con.execute(_step("end_span")).fetchall()[0]
    first, last = span if span and span[0] is not None else (dt.date(2015, 1, 1),) * 2
    months = _months(first, last)
    extra = extra_cells if extra_cells is not None else CELL_SCHEMA.empty_table()
    # Väntande över ledtid: counts at each month's cut-off, apart from the closed pathways'.
    waiting_counts = waiting.counts(con, catalog, book)
    dims = Dims.build(
        catalog,
        book,
        months,
        [
            *{k[1] for k in reg_cells},
            *pc.unique(extra.column("period")).to_pylist(),
            *waiting.month_labels(waiting_counts),
        ],
        pc.unique(extra.column("indicator")).to_pylist(),
    )
    con.register("day_month", _day_month(first, last, dims))
    con.register(
        "treatment_codes",
        pa.table(
            {
                "treatment": dims.names["treatment"],
                "code": pa.array(range(len(dims.names["treatment"])), pa.int32()),
            }
        ),
    )
    con.register("pathway_info", svf_engine.catalog_relations(catalog, book)["pathway_info"])
    registered = sorted({k[2] for k in reg_cells if k[2] != "alla"})
    con.register("register_pathways", pa.table({"pathway": book.code_of("pathway", registered)}))
    say("cells")
    con.execute(queries.script("lofte.cube", "cells.sql"))
    con.execute(queries.script("lofte.cube", "quantiles.sql"))
    month_counts = con.sql(_step("month_counts")).to_arrow_table()
    quantile_facts = con.sql(_step("quantile_facts")).to_arrow_table()
    con.execute(_step("drop_cell_tables"))
    # DuckDB sorts and decodes the instances and flags (without the GIL) while numpy rolls up
    # the cells; nothing else uses the connection meanwhile.
    with _side_thread() as pool:
        outputs = pool.submit(
            lambda: (svf_engine.read_instances(con, book), svf_engine.read_event_flags(con, book))
        )
        wide = rollup.wide_cells(month_counts, quantile_facts, dims.hierarchy(catalog, months))
        del month_counts, quantile_facts
        instances, flags = outputs.result()
        # DuckDB hands its memory back while the cells are finished.
        closed = pool.submit(con.close)
        say("suppression")
        # Each indicator's block is built by the thread that finishes it.
        blocks: dict[str, rollup.Block | rollup.LazyBlock] = {
            name: rollup.LazyBlock(
                rollup.svf_block_size(wide, name),
                functools.partial(rollup.svf_block, wide, name, dims.code("indicator", name)),
            )
            for name in rollup.SVF_INDICATORS
        }
        blocks["svf_inklusion"] = rollup.LazyBlock(
            _inclusion_size(reg_cells), functools.partial(_inclusion_block, wide, reg_cells, dims)
        )
        if waiting_counts.num_rows:
            blocks[waiting.INDICATOR] = waiting.block(waiting_counts, dims)
        del waiting_counts
        if extra.num_rows:
            blocks.update(_extra_blocks(extra, dims))
        # Blocks in indicator order, each in key order: the cells are in the cube's key order.
        ordered = [blocks[name] for name in sorted(blocks) if len(blocks[name])]
        del blocks, wide  # the lazy blocks hold on to the wide cells until they are built
        cube = finish_blocks(ordered, dims, catalog)
        closed.result()
    return EngineResult(instances=instances, event_flags=flags, cube=cube)


def _inclusion_size(register_cells: Mapping[tuple[str, str, str], int]) -> int:
    """The number of cells of :func:`_inclusion_block`: the register's keys with new cases."""
    return sum(1 for n in register_cells.values() if n > 0)


def _inclusion_block(
    wide: dict[str, np.ndarray], register_cells: Mapping[tuple[str, str, str], int], dims: Dims
) -> rollup.Block:
    """svf_inklusion (SPEC §5, residence basis only): national ends of the pathways the register
    reports, over the register's new cases, where the register covers the period fully."""
    bostad = dims.code("region_basis", "bostad")
    alla = dims.code("treatment", "alla")
    keys = sorted(cells_key for cells_key, n in register_cells.items() if n > 0)
    region = np.array([dims.code("region", k[0]) for k in keys], dtype=np.int64)
    period = np.array([dims.code("period", k[1]) for k in keys], dtype=np.int64)
    pathway = np.array([dims.code("pathway", k[2]) for k in keys], dtype=np.int64)
    new_cases = np.array([register_cells[k] for k in keys], dtype=np.int64)
    # The numerators: wide cells of the residence basis and all treatments.
    sizes = [len(dims.names[n]) for n in ("region", "pathway", "period")]

    def packed(r: np.ndarray, pw: np.ndarray, pe: np.ndarray) -> np.ndarray:
        return (r.astype(np.int64) * sizes[1] + pw) * sizes[2] + pe

    rows = (wide["region_basis"] == bostad) & (wide["treatment"] == alla)
    wide_key = packed(wide["region"][rows], wide["pathway"][rows], wide["period"][rows])
    included = wide["n_included"][rows]
    order = np.argsort(wide_key)
    wide_key, included = wide_key[order], included[order]
    want = packed(region, pathway, period)
    numerator = np.zeros(len(keys), dtype=np.int64)
    if wide_key.size:
        at = np.minimum(np.searchsorted(wide_key, want), wide_key.size - 1)
        numerator = np.where(wide_key[at] == want, included[at], 0).astype(np.int64)
    # In key order: region, pathway, period (basis and treatment are fixed).
    order = np.argsort(packed(region, pathway, period))
    n = len(keys)
    return rollup.Block(
        {
            "indicator": np.full(n, dims.code("indicator", "svf_inklusion"), np.int32),
            "region_basis": np.full(n, bostad, np.int32),
            "region": region[order].astype(np.int32),
            "pathway": pathway[order].astype(np.int32),
            "treatment": np.full(n, alla, np.int32),
            "period": period[order].astype(np.int32),
        },
        numerator[order],
        np.ones(n, dtype=bool),
        new_cases[order],
        np.ones(n, dtype=bool),
        rollup.share(numerator[order], new_cases[order]),
    )


def _extra_blocks(cells: pa.Table, dims: Dims) -> dict[str, rollup.Block]:
    """Raw cells with string keys (:data:`CELL_SCHEMA`), one block per indicator in key order."""
    keys = {name: dims.codes(name, cells.column(name)) for name in suppression.KEY_COLUMNS}

    def numbers(name: str, kind: type) -> tuple[np.ndarray, np.ndarray]:
        column = cells.column(name)
        valid = pc.is_valid(column).to_numpy(zero_copy_only=False)
        values = pc.fill_null(column, 0).to_numpy(zero_copy_only=False).astype(kind)
        return values, np.asarray(valid, dtype=bool)

    numerator, numerator_valid = numbers("numerator", np.int64)
    denominator, denominator_valid = numbers("denominator", np.int64)
    value, value_valid = numbers("value", np.float64)
    block = rollup.Block(
        keys,
        numerator,
        numerator_valid,
        denominator,
        denominator_valid,
        np.where(value_valid, value, np.nan),
    )
    order = np.lexsort([keys[k] for k in reversed(suppression.KEY_COLUMNS)])
    block = block.take(order)
    out = {}
    indicator_names = dims.names["indicator"]
    for code in np.unique(block.keys["indicator"]).tolist():
        out[str(indicator_names[code])] = block.take(
            np.flatnonzero(block.keys["indicator"] == code)
        )
    return out


def wilson_percent(numerator: np.ndarray, denominator: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 95 % Wilson interval of every numerator / denominator, in percent: 100 ×
    :func:`lofte.core.stats.wilson`, computed in the same steps, so equal to the last bit where
    0 ≤ numerator ≤ denominator and denominator > 0 (elsewhere the result is not meaningful)."""
    z = stats.Z_95
    z2 = z * z
    with np.errstate(divide="ignore", invalid="ignore"):
        n = denominator.astype(np.float64)
        p = numerator / n
        scale = 1.0 + z2 / n
        centre = (p + z2 / (2 * n)) / scale
        half = z * np.sqrt(p * (1.0 - p) / n + z2 / (4 * n * n)) / scale
        low = centre - half
        high = centre + half
    # The bounds are exactly 0 and 1 at the extremes; rounding must not push them past.
    np.maximum(low, 0.0, out=low)
    np.minimum(high, 1.0, out=high)
    low[numerator == 0] = 0.0
    high[numerator == denominator] = 1.0
    low *= 100
    high *= 100
    return low, high


def finish_blocks(
    blocks: list[rollup.Block | rollup.LazyBlock],
    dims: Dims,
    catalog: Catalog,
    workers: int | None = None,
) -> pa.Table:
    """Uncertainty, targets and disclosure control (SPEC §5, §7, §8) for blocks of one indicator
    each; the finished cube in the blocks' order.

    First each block's suppression is prepared on one of ``workers`` threads (None: as the
    configuration in force says) (a lazy block is
    built there): primary suppression and secondary within its additive groups, which never
    cross indicators, and the counts it publishes. Only what the suppression needs is kept; the
    block itself is let go. Then the counts are linked across indicators and region bases
    (:mod:`lofte.cube.links`), and secondary suppression and linking alternate until neither
    adds a cell (:func:`lofte.core.disclosure.suppress_jointly`). Last, each block, kept in key
    order with its key codes from the first step, is finished into its table, again in parallel
    (numpy releases the GIL in most of this). Keeping the blocks through the linking costs
    memory (ADR 0002) but saves making and sorting each block twice."""
    blocks = list(blocks) or [rollup.Block.empty(suppression.KEY_COLUMNS)]
    seen: dict[tuple[int, int, int], list[tuple[int, rollup.Block]]] = {}
    lock = threading.Lock()

    def prepared(i: int) -> _Prepared:
        made = _made(blocks[i])
        blocks[i] = rollup.Block.empty(suppression.KEY_COLUMNS)  # kept in order in the part
        return _prepare(i, made, dims, catalog, seen, lock)

    def built(i: int) -> pa.Table:
        part = parts[i]
        cells, codes = part.cells, part.codes
        part.cells = part.codes = None  # each block's memory goes as its table is made
        assert cells is not None and codes is not None
        flags = part.flags if part.alias is None else parts[part.alias].flags
        return _build(cells, codes, flags, dims, catalog)

    with ThreadPoolExecutor(max_workers=workers or tuning.current().workers) as pool:
        # The largest blocks first, so that the threads end together.
        largest_first = sorted(range(len(blocks)), key=lambda i: -len(blocks[i]))
        futures = {i: pool.submit(prepared, i) for i in largest_first}
        parts = [futures[i].result() for i in range(len(blocks))]
        del futures
        # A block that publishes no count (the medians: no n) takes no part in linking, so its
        # flags are final now: it is built on a thread of its own while the linking runs.
        owner = [i if p.alias is None else p.alias for i, p in enumerate(parts)]
        final = [i for i in largest_first if not parts[owner[i]].families]
        with _side_thread() as beside:
            results = {i: beside.submit(built, i) for i in final}
            _suppress_linked(parts, dims, pool)
            results.update({i: pool.submit(built, i) for i in largest_first if i not in results})
            tables = [results[i].result() for i in range(len(blocks))]
    return pa.concat_tables(tables)


def finish(cells: rollup.Block, dims: Dims, catalog: Catalog) -> pa.Table:
    """:func:`finish_blocks` for one block of raw coded cells (any indicators)."""
    return finish_blocks([cells], dims, catalog, workers=1)


def _made(block: rollup.Block | rollup.LazyBlock) -> rollup.Block:
    return block.make() if isinstance(block, rollup.LazyBlock) else block


def _sorted_block(
    cells: rollup.Block, dims: Dims
) -> tuple[rollup.Block, suppression.KeyCodes, np.ndarray | None]:
    """A block in key order with its key codes and their keys (``KeyCodes.key_order``)."""
    codes = suppression.KeyCodes.from_dims(cells.keys, dims.names, dims.parents)
    key = codes.key_order()
    if key is None or not bool(np.all(key[1:] > key[:-1])):  # not yet in key order
        order = codes.sort_order()
        codes = codes.take(order)
        cells = cells.take(order)
        key = None if key is None else key[order]
    return cells, codes, key


@dataclass
class _Prepared:
    """One block in key order with its key codes, and what its suppression needs."""

    cells: rollup.Block | None
    codes: suppression.KeyCodes | None
    suppression: suppression.BlockSuppression | None  # None for an alias
    families: list[links.Family]
    alias: int | None  # an earlier block with the same population (the quartiles' median)

    @property
    def flags(self) -> np.ndarray:
        assert self.suppression is not None
        return self.suppression.flags


def _prepare(
    index: int,
    cells: rollup.Block,
    dims: Dims,
    catalog: Catalog,
    seen: dict[tuple[int, int, int], list[tuple[int, rollup.Block]]],
    lock: threading.Lock,
) -> _Prepared:
    """Primary suppression, secondary within the block's additive groups and its counts as
    families; a block whose population repeats another's (same keys and denominators) is only
    noted as that one's alias."""
    cells, codes, key = _sorted_block(cells, dims)
    indicator = codes.codes["indicator"]
    info = [catalog.indicators.get(str(n)) for n in codes.names["indicator"]]
    # An indicator outside the catalogue is treated as persons, additive (the safe side). A
    # median's n is not published (Indicator.publishes_n): only primary suppression applies.
    additive_of = np.array([i.additive and i.publishes_n if i else True for i in info], bool)
    # A stock (counts at each cut-off) is no sum of its sub-periods: no period groups for it.
    over_periods = np.array([i.additive_over_periods if i else True for i in info], bool)
    period_parent, has_period_parent = codes.parent["period"]
    codes.parent["period"] = (period_parent, has_period_parent & over_periods[indicator])
    min_cell = np.array(
        [(i.min_cell if i and i.min_cell is not None else MIN_CELL) for i in info], dtype=np.int64
    )[indicator]
    den_valid = cells.denominator_valid
    den = np.where(den_valid, cells.denominator, 0)
    # A value imported without counts (already published by its source) has nothing to test.
    primary = disclosure.primary_array(den, min_cell, valid=den_valid)
    additive = additive_of[indicator] & den_valid
    population = _population_key(cells)
    alias = None
    if population is not None:
        with lock:
            earlier = seen.setdefault(population, [])
            alias = next((j for j, other in earlier if _same_population(cells, other)), None)
            if alias is None:
                earlier.append((index, cells))
    if alias is not None:
        return _Prepared(cells, codes, None, [], alias)
    held = suppression.BlockSuppression(codes, den, primary, additive, key)
    published = np.array([i.publishes_n if i else True for i in info], bool)[indicator]
    families = _families(index, cells, held.flags, np.where(published, min_cell, 0), dims)
    return _Prepared(cells, codes, held, families, None)


def _population_key(cells: rollup.Block) -> tuple[int, int, int] | None:
    """A cheap key of a block without numerators (None for any other): blocks that count one
    population in the same cells have the same key; :func:`_same_population` decides."""
    if len(cells) == 0 or cells.numerator_valid.any():
        return None
    valid = cells.denominator_valid
    return len(cells), int(valid.sum()), int(cells.denominator[valid].sum())


def _same_population(a: rollup.Block, b: rollup.Block) -> bool:
    """Whether two blocks in key order have the same keys (but the indicator) and denominators."""
    names = ("region_basis", "region", "pathway", "treatment", "period")
    return (
        all(np.array_equal(a.keys[n], b.keys[n]) for n in names)
        and np.array_equal(a.denominator_valid, b.denominator_valid)
        and np.array_equal(a.denominator, b.denominator)
    )


def _families(
    block: int, cells: rollup.Block, suppressed: np.ndarray, min_cell: np.ndarray, dims: Dims
) -> list[links.Family]:
    """The counts a block publishes, as families of series × region basis (``suppressed``: the
    block's suppression so far)."""
    sizes = [len(dims.names[n]) for n in ("pathway", "treatment", "region", "period")]
    families: list[links.Family] = []
    persons = min_cell > 1
    keys = cells.keys
    row = keys["pathway"].astype(np.int64)
    for name, size in zip(("treatment", "region", "period"), sizes[1:], strict=True):
        row = row * size + keys[name]
    indicator = keys["indicator"]
    basis = keys["region_basis"]
    roles = [(0, cells.denominator, cells.denominator_valid)]
    num_ok = cells.numerator_valid & cells.denominator_valid
    if num_ok.any() and not np.array_equal(cells.numerator[num_ok], cells.denominator[num_ok]):
        roles.append((1, cells.numerator, num_ok))
    for role, values, valid in roles:
        ok = valid & persons
        if not ok.any():
            continue
        for ind in np.unique(indicator[ok]).tolist():
            for bas in np.unique(basis[ok & (indicator == ind)]).tolist():
                at = np.flatnonzero(ok & (indicator == ind) & (basis == bas))
                families.append(
                    links.Family(
                        block=block,
                        cells=at,
                        row=row[at],
                        value=values[at].astype(np.int64),
                        series=(int(ind), role),
                        basis=int(bas),
                        open=~suppressed[at],
                        min_cell=int(min_cell[at[0]]),
                    )
                )
    return families


def _suppress_linked(parts: list[_Prepared], dims: Dims, pool: ThreadPoolExecutor) -> None:
    """Linking and secondary suppression alternately until neither adds a cell (SPEC §7)."""
    family_list = [f for part in parts for f in part.families]
    for part in parts:
        part.families = []
    if not family_list:
        return
    linker = links.Links(family_list, len(dims.names["period"]), pool)
    del family_list
    while True:
        flags = [part.flags if part.suppression is not None else _NONE for part in parts]
        add = linker.step(flags, pool)
        add = {b: cells[~flags[b][cells]] for b, cells in add.items()}
        add = {b: cells for b, cells in add.items() if cells.size}
        if not add:
            break
        before = {b: flags[b].copy() for b in add}

        def extend(b: int, add: dict[int, np.ndarray] = add) -> None:
            suppression_of = parts[b].suppression
            assert suppression_of is not None
            suppression_of.extend(add[b])

        list(pool.map(extend, list(add)))
        linker.mark_changed(before, {b: parts[b].flags for b in add})
    for part in parts:
        if part.suppression is not None:
            part.suppression.release()


_NONE = np.zeros(0, dtype=bool)


def _build(
    cells: rollup.Block,
    codes: suppression.KeyCodes,
    suppressed: np.ndarray,
    dims: Dims,
    catalog: Catalog,
) -> pa.Table:
    """The finished cube table of one block in key order, with string columns."""
    indicator = codes.codes["indicator"]
    info = [catalog.indicators.get(str(n)) for n in codes.names["indicator"]]
    unit = np.array([i.unit if i else "" for i in info], dtype=object)
    is_percent = np.array([u == "percent" for u in unit], dtype=bool)[indicator]
    lower_better = np.array([bool(i and i.direction == "lower_better") for i in info], dtype=bool)[
        indicator
    ]
    den_valid = cells.denominator_valid
    num_valid = cells.numerator_valid
    den = np.where(den_valid, cells.denominator, 0)
    num = np.where(num_valid, cells.numerator, 0)
    # A share has an interval where it is a proportion: 0 ≤ numerator ≤ denominator (inclusion
    # can exceed 100 % when more pathways close than the register counts new cases).
    shares = is_percent & num_valid & den_valid & (den > 0) & (num <= den) & (num >= 0)
    if shares.any():
        ci_low, ci_high = wilson_percent(num, den)
    else:  # no shares (medians, counts): no interval
        ci_low = ci_high = np.zeros(len(cells), dtype=np.float64)
    target, target_high, judged = _targets(codes, catalog)
    value_np = cells.value
    # A verdict only against a target whose standing allows one, never for a share above 100 %.
    meets, has_target = verdict.meets_array(value_np, target, lower_better, judged, is_percent)
    columns = _key_columns(codes, catalog, dims)
    columns.update(
        {
            "numerator": pa.array(cells.numerator, pa.int64(), mask=~num_valid),
            "denominator": pa.array(cells.denominator, pa.int64(), mask=~den_valid),
            "value": pa.array(value_np, pa.float64(), mask=np.isnan(value_np)),
            "ci_low": pa.array(ci_low, pa.float64(), mask=~shares),
            "ci_high": pa.array(ci_high, pa.float64(), mask=~shares),
            "suppressed": pa.array(suppressed, pa.bool_()),
            "target": pa.array(target, pa.float64(), mask=np.isnan(target)),
            "target_high": pa.array(target_high, pa.float64(), mask=np.isnan(target_high)),
            "meets_target": pa.array(meets, pa.bool_(), mask=~has_target),
        }
    )
    return pa.table(columns)


def _key_columns(codes: suppression.KeyCodes, catalog: Catalog, dims: Dims) -> dict[str, pa.Array]:
    """The cube's key columns (and region level, period type) as dictionary-encoded strings,
    from the codes. The indices are as narrow as the run's whole codebook allows, the same for
    every block, so that the blocks' tables concatenate."""
    region_level = [
        catalog.region(r).level if r is not None and r in catalog.regions else None
        for r in codes.names["region"]
    ]
    period_type = [periods.parse(str(p)).kind for p in codes.names["period"]]
    index = {name: suppression.index_type_for(len(dims.names[name])) for name in dims.names}
    columns = {
        name: codes.column(name, index[name])
        for name in ("indicator", "region", "region_basis", "pathway", "treatment", "period")
    }
    return {
        "indicator": columns["indicator"],
        "region": columns["region"],
        "region_level": suppression.dictionary_column(
            codes.codes["region"], region_level, index["region"]
        ),
        "region_basis": columns["region_basis"],
        "pathway": columns["pathway"],
        "treatment": columns["treatment"],
        "period": columns["period"],
        "period_type": suppression.dictionary_column(
            codes.codes["period"], period_type, index["period"]
        ),
    }


def _targets(
    codes: suppression.KeyCodes, catalog: Catalog
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(target, high target, judged) of every cell, NaN where none: the indicator's own target
    where the catalogue has no override for it, else looked up once per distinct (indicator,
    region, period) of that indicator. ``judged`` is False where the target is a borrowed
    reference (no verdict, :attr:`lofte.catalog.Target.judged`)."""
    names = codes.names
    indicator = codes.codes["indicator"]
    low_of: list[float] = []
    high_of: list[float] = []
    judged_of: list[bool] = []
    for name in names["indicator"]:
        levels = _target(catalog, str(name), None, None)
        low_of.append(np.nan if levels[0] is None else levels[0])
        high_of.append(np.nan if levels[1] is None else levels[1])
        judged_of.append(levels[2])
    low = np.array(low_of, dtype=np.float64)[indicator]
    high = np.array(high_of, dtype=np.float64)[indicator]
    judged = np.array(judged_of, dtype=bool)[indicator]
    overridden = {t.indicator for t in catalog.targets}
    sizes = (codes.sizes["region"], codes.sizes["period"])
    for code, name in enumerate(names["indicator"]):
        if name not in overridden:
            continue
        rows = np.flatnonzero(indicator == code)
        key = codes.codes["region"][rows].astype(np.int64) * sizes[1] + codes.codes["period"][rows]
        present, inverse = np.unique(key, return_inverse=True)
        found_low = np.full(present.size, np.nan)
        found_high = np.full(present.size, np.nan)
        found_judged = np.zeros(present.size, dtype=bool)
        for i, k in enumerate(present.tolist()):
            region, period = divmod(k, sizes[1])
            levels = _target(
                catalog, str(name), str(names["region"][region]), str(names["period"][period])
            )
            found_low[i] = np.nan if levels[0] is None else levels[0]
            found_high[i] = np.nan if levels[1] is None else levels[1]
            found_judged[i] = levels[2]
        low[rows] = found_low[inverse]
        high[rows] = found_high[inverse]
        judged[rows] = found_judged[inverse]
    return low, high, judged


def _target(
    catalog: Catalog, indicator: str, region: str | None, period: str | None
) -> tuple[float | None, float | None, bool]:
    """(target, high target, judged): a single value, or the low/high pair as NKBC states
    them, and whether a verdict may rest on it."""
    if indicator not in catalog.indicators:
        return (None, None, False)
    target = catalog.target_for(indicator, region, period)
    return (None, None, False) if target is None else (*target.levels(), target.judged)


def region_parents(catalog: Catalog) -> dict[str, str]:
    """Each region's parent (county → healthcare region → SE), for disclosure checks."""
    out: dict[str, str] = {}
    for code in catalog.regions:
        parent = catalog.parent(code)
        if parent is not None:
            out[code] = parent
    return out


def period_parents(cells: pa.Table) -> dict[str, str]:
    """Each period label of ``cells`` with its parent period (month → quarter → half → year)."""
    out: dict[str, str] = {}
    for label in pc.unique(cells.column("period")).to_pylist():
        parent = periods.parent(label)
        if parent is not None:
            out[label] = parent
    return out
