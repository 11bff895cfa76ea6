"""The intruder's audit of a public cube (SPEC §7): what can be worked out from it alone.

Given nothing but a public cube (the file ``lofte export cube --public`` writes, or the rows of
``/api/v1/cube``) and the public catalogue (which regions make up which, which periods make up
which), the audit does what an intruder would, round after round until nothing new follows:

* **Subtraction in every additive group.** Counts add up along the geography (SE = its
  healthcare regions = its counties; a healthcare region = its counties), the periods (a year =
  its halves = its quarters = its months; a half = its quarters = its months; a quarter = its
  months), the treatments (``alla`` = the treatments) and the pathways (``alla`` = the
  pathways), for every indicator, role (denominator or numerator) and region basis — but a
  stock such as *väntande över ledtid* (a count at each cut-off) only along the geography and
  the pathways, since its months do not add up to a quarter or a year. A relation
  with exactly one unknown count gives it: parent minus the known children, or a parent as
  their sum. A missing row is a count of 0 (the cube has one row per cell with a denominator of
  1 or more); a shown cell without counts (a value imported without them) is an unknown that
  nothing can give.
* **Linked counts.** Two comparable series — other indicators or roles in the same region
  basis, or the same indicator and role in the two bases — that are equal in every period of a
  slice (pathway, treatment, region) where both are known, and in at least one, are read as
  one: where one is known and the other not, the other is taken to be equal.

Every count worked out is listed; a **leak** is a denominator (a population: a cell's
denominator, a count, a median's n) of 1 to ``min_cell - 1`` that was suppressed and is now
known, or such a numerator whose own denominator is not known to be at least ``min_cell``.
Indicators whose counts are not persons or do not add up (the catalogue's ``additive``) take no
part. The audit is deliberately the intruder of :mod:`lofte.core.disclosure`'s rule: the cube
engine suppresses until this audit finds nothing, and the publication gate refuses any cube in
which it does.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lofte.catalog import Catalog, load
from lofte.core import disclosure, periods
from lofte.cube.keys import compact, positions_of
from lofte.cube.links import linked_slices

KEYS = ("indicator", "region_basis", "region", "pathway", "treatment", "period")
ROLES = ("denominator", "numerator")
_PERIOD_DEPTH = {"year": 0, "half": 1, "quarter": 2, "month": 3}
_REGION_DEPTH = {"nation": 0, "healthcare_region": 1, "county": 2}


class CubeFileError(ValueError):
    """A cube file the audit cannot read (missing columns, unknown format)."""


@dataclass
class Leak:
    """A suppressed count that the intruder works out, with how."""

    indicator: str
    region: str
    region_basis: str
    pathway: str
    treatment: str
    period: str
    role: str
    value: int
    how: str  # "subtraction" or "link"

    def describe(self) -> str:
        """The leak in one line; the cell's key comes from a file that may be anyone's, so
        control characters are shown escaped, never sent to a terminal or log as they are."""
        from lofte.faults import escape_text

        basis = f", {self.region_basis}" if self.region_basis else ""
        return escape_text(
            f"{self.indicator} {self.region}{basis} {self.pathway}/{self.treatment} "
            f"{self.period}: {self.role} = {self.value} ({self.how})"
        )


@dataclass
class AuditResult:
    """What the audit found: counts of cells and derivations, the leaks and the time taken."""

    cells: int = 0
    suppressed: int = 0
    derived: int = 0
    rounds: int = 0
    seconds: float = 0.0
    leak_count: int = 0
    leaks: list[Leak] = field(default_factory=list)  # the first ones, in key order

    @property
    def ok(self) -> bool:
        return self.leak_count == 0


def read_cube(path: Path) -> pa.Table:
    """A cube file (CSV or Parquet, by its suffix) as a table with the key columns as strings."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path)
    elif suffix in (".csv", ".txt"):
        import pyarrow.csv as pv

        types = {n: pa.string() for n in KEYS}
        types.update({"numerator": pa.int64(), "denominator": pa.int64()})
        table = pv.read_csv(
            path,
            convert_options=pv.ConvertOptions(
                column_types=types, strings_can_be_null=False, include_missing_columns=False
            ),
        )
    else:
        raise CubeFileError(f"{path.name}: okänt format (CSV eller Parquet)")
    missing = [n for n in (*KEYS, "denominator") if n not in table.column_names]
    if missing:
        raise CubeFileError(f"{path.name}: kolumner saknas: {', '.join(missing)}")
    return table


def _strings(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_dictionary(column.type):
        column = column.cast(pa.string())
    if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
        column = column.cast(pa.string())
    return pc.fill_null(column, "")


def _codes(column: pa.Array) -> tuple[np.ndarray, list[str]]:
    encoded = pc.dictionary_encode(column)
    names = [str(v) for v in encoded.dictionary.to_pylist()]
    return encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64), names


def _hidden(table: pa.Table) -> np.ndarray:
    if "suppressed" in table.column_names:
        col = table.column("suppressed")
        if pa.types.is_boolean(col.type):
            return pc.fill_null(col, False).to_numpy(zero_copy_only=False).astype(bool)
        text = pc.fill_null(_strings(col), "0")
        return np.isin(text.to_numpy(zero_copy_only=False), ["1", "true", "True"])
    # Without the flag, a suppressed cell is one whose numbers are all blank.
    blank = pc.is_null(table.column("denominator"))
    if "value" in table.column_names:
        blank = pc.and_(blank, pc.is_null(table.column("value")))
    return blank.to_numpy(zero_copy_only=False).astype(bool)


def _int_column(table: pa.Table, name: str) -> tuple[np.ndarray, np.ndarray]:
    if name not in table.column_names:
        n = table.num_rows
        return np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool)
    col = table.column(name)
    if not pa.types.is_integer(col.type):
        col = pc.cast(col, pa.int64())
    valid = pc.is_valid(col).to_numpy(zero_copy_only=False).astype(bool)
    values = pc.fill_null(col, 0).to_numpy(zero_copy_only=False).astype(np.int64)
    return values, valid


@dataclass
class _Variables:
    """Every count of the cube (per cell and role) with what is known of it."""

    cell: np.ndarray  # the cell that publishes it
    role: np.ndarray  # 0 denominator, 1 numerator
    value: np.ndarray  # known values (0 where unknown)
    known: np.ndarray
    opaque: np.ndarray  # unknown and never knowable (shown without counts)
    how: np.ndarray  # 0 public, 1 subtraction, 2 link (for derived)


def audit_table(table: pa.Table, catalog: Catalog | None = None, limit: int = 1000) -> AuditResult:
    """Run the intruder's derivation on a public cube table (see the module docstring); the
    first ``limit`` leaks in key order are listed, all of them counted."""
    started = time.perf_counter()
    catalog = catalog or load()
    n = table.num_rows
    result = AuditResult(cells=n)
    if n == 0:
        return result
    hidden_cell = _hidden(table)
    result.suppressed = int(hidden_cell.sum())
    codes: dict[str, np.ndarray] = {}
    names: dict[str, list[str]] = {}
    for k in KEYS:
        codes[k], names[k] = _codes(_strings(table.column(k)))
    info = [catalog.indicators.get(i) for i in names["indicator"]]
    persons = np.array([(i.additive and i.min_cell > 1) if i else True for i in info], bool)
    min_cell = np.array([i.min_cell if i else disclosure.MIN_CELL for i in info], dtype=np.int64)
    in_audit = persons[codes["indicator"]]

    den, den_valid = _int_column(table, "denominator")
    num, num_valid = _int_column(table, "numerator")
    # An indicator has a numerator role where any of its cells shows one.
    has_num = np.zeros(len(names["indicator"]), dtype=bool)
    has_num[np.unique(codes["indicator"][num_valid])] = True

    parts = []
    for role, values, valid in ((0, den, den_valid), (1, num, num_valid)):
        take = in_audit & (has_num[codes["indicator"]] if role else True)
        cells = np.flatnonzero(take)
        known = valid[cells] & ~hidden_cell[cells]
        parts.append((cells, role, values[cells], known, ~hidden_cell[cells] & ~valid[cells]))
    var = _Variables(
        cell=np.concatenate([p[0] for p in parts]),
        role=np.concatenate([np.full(p[0].size, p[1], dtype=np.int8) for p in parts]),
        value=np.concatenate([np.where(p[3], p[2], 0) for p in parts]),
        known=np.concatenate([p[3] for p in parts]),
        opaque=np.concatenate([p[4] for p in parts]),
        how=np.zeros(sum(p[0].size for p in parts), dtype=np.int8),
    )
    if var.cell.size == 0:
        result.seconds = time.perf_counter() - started
        return result
    subtraction = _Subtraction(_relations(codes, names, var, catalog), var)
    linker = _LinkFinder(codes, names, var)
    unknown_start = ~var.known & ~var.opaque
    rounds = 0
    while True:
        rounds += 1
        gained = subtraction.run()
        linked = linker.derive(var)
        subtraction.learn(linked)
        if gained == 0 and linked.size == 0:
            break
    result.rounds = rounds
    derived = unknown_start & var.known
    result.derived = int(derived.sum())
    result.leaks, result.leak_count = _leaks(derived, var, codes, names, min_cell, limit)
    result.seconds = time.perf_counter() - started
    return result


def audit_file(path: Path, catalog: Catalog | None = None, limit: int = 1000) -> AuditResult:
    """:func:`audit_table` on a cube file (CSV or Parquet)."""
    return audit_table(read_cube(path), catalog, limit)


# --- additive relations ------------------------------------------------------------------------


@dataclass
class _Relations:
    """Linear relations Σ sign × count = 0 as memberships (relation id, variable, sign)."""

    relation: np.ndarray
    variable: np.ndarray
    sign: np.ndarray
    count: int


def _levels(
    names: list[str], parent_of: Callable[[str], str | None], depth_of: Callable[[str], int | None]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each code: its depth (-1: outside the hierarchy) and, for each ancestor, its code in
    an extended codebook (ancestors may have no row): (depth, ancestors as a matrix with -1,
    number of extra names)."""
    index = {v: i for i, v in enumerate(names)}
    extra: list[str] = []
    depth = np.full(len(names), -1, dtype=np.int64)
    chains: list[list[int]] = []
    for i, label in enumerate(names):
        d = depth_of(label)
        chain: list[int] = []
        if d is not None:
            depth[i] = d
            current = parent_of(label)
            while current is not None:
                if current not in index:
                    index[current] = len(names) + len(extra)
                    extra.append(current)
                chain.append(index[current])
                current = parent_of(current)
        chains.append(chain)
    width = max((len(c) for c in chains), default=0)
    ancestors = np.full((len(names), max(width, 1)), -1, dtype=np.int64)
    for i, chain in enumerate(chains):
        ancestors[i, : len(chain)] = chain
    return depth, ancestors, np.array([len(names) + len(extra)])


def _pack(
    key: dict[str, np.ndarray],
    replace: dict[str, np.ndarray],
    tag: int,
    level: np.ndarray | int,
    role: np.ndarray,
    sizes: dict[str, int],
) -> np.ndarray:
    """One int64 per count naming (tag, level, role, key with ``replace``d columns): a cell's
    own key with tag 0, a relation's key otherwise."""
    out = np.full(role.size, tag * 5, dtype=np.int64)
    out += level
    out *= 2
    out += role
    for k in KEYS:
        out *= sizes[k]
        out += replace.get(k, key[k])
    return out


def _relations(
    codes: dict[str, np.ndarray], names: dict[str, list[str]], var: _Variables, catalog: Catalog
) -> _Relations:
    cell = var.cell
    key = {k: codes[k][cell] for k in KEYS}
    role = var.role.astype(np.int64)

    def region_depth(code: str) -> int | None:
        return _REGION_DEPTH.get(catalog.regions[code].level) if code in catalog.regions else None

    def period_depth(label: str) -> int | None:
        try:
            return _PERIOD_DEPTH[periods.parse(label).kind]
        except ValueError:
            return None

    def period_parent(label: str) -> str | None:
        try:
            return periods.parent(label)
        except ValueError:
            return None

    region = _levels(names["region"], catalog.parent, region_depth)
    period = _levels(names["period"], period_parent, period_depth)
    sizes = {k: len(names[k]) for k in KEYS}
    sizes["region"] = int(region[2][0])
    sizes["period"] = int(period[2][0])

    own = _pack(key, {}, 0, 0, role, sizes)
    order = np.argsort(own, kind="stable")
    sorted_own = own[order]

    def lookup(wanted: np.ndarray) -> np.ndarray:
        at = np.searchsorted(sorted_own, wanted)
        at = np.minimum(at, sorted_own.size - 1)
        found = sorted_own[at] == wanted
        return np.where(found, order[at], -1)

    # One kind of relation at a time (a dimension and an ancestor step), so that only one
    # kind's keys are held while they are numbered; relation ids of each kind follow the last.
    relations: list[np.ndarray] = []
    variables: list[np.ndarray] = []
    signs: list[np.ndarray] = []
    count = 0

    def add(tag: int, dim: str, ancestor: np.ndarray, level: np.ndarray | int, ok: np.ndarray):
        nonlocal count
        children = np.flatnonzero(ok)
        if children.size == 0:
            return
        repl = {dim: ancestor[children]}
        lvl = level if isinstance(level, int) else level[children]
        sub = {k: v[children] for k, v in key.items()}
        keys_present, first, rel_id = np.unique(
            _pack(sub, repl, tag, lvl, role[children], sizes),
            return_index=True,
            return_inverse=True,
        )
        parent = lookup(_pack(sub, repl, 0, 0, role[children], sizes)[first])
        # Without its parent's row a relation says nothing usable; a relation without any
        # unknown member can never give anything.
        useful = parent >= 0
        open_rel = np.zeros(keys_present.size, dtype=bool)
        open_rel[rel_id[~var.known[children]]] = True
        open_rel[np.flatnonzero(useful)[~var.known[parent[useful]]]] = True
        useful &= open_rel
        child_keep = useful[rel_id]
        kept = np.flatnonzero(useful)
        renumber = np.full(keys_present.size, -1, dtype=np.int64)
        renumber[kept] = np.arange(kept.size) + count
        relations.extend([renumber[rel_id[child_keep]], np.arange(kept.size) + count])
        variables.extend([children[child_keep], parent[kept]])
        signs.extend([np.full(int(child_keep.sum()), -1, np.int8), np.ones(kept.size, np.int8)])
        count += int(kept.size)

    # A stock (a count at each cut-off, e.g. väntande över ledtid) is no sum of its months.
    info = [catalog.indicators.get(i) for i in names["indicator"]]
    over_periods = np.array([i.additive_over_periods if i else True for i in info], bool)
    for tag, dim, (depth, ancestors, _size) in ((1, "region", region), (2, "period", period)):
        d = depth[key[dim]] if key[dim].size else key[dim]
        anc = ancestors[key[dim]]
        summed = over_periods[key["indicator"]] if dim == "period" else True
        for step in range(anc.shape[1]):
            ok = (anc[:, step] >= 0) & (d >= 0) & summed
            add(tag, dim, anc[:, step], d, ok)
    for tag, dim in ((3, "pathway"), (4, "treatment")):
        if "alla" not in names[dim]:
            continue
        total = names[dim].index("alla")
        ok = key[dim] != total
        add(tag, dim, np.full(cell.size, total, dtype=np.int64), 0, ok)

    if not relations:
        empty = np.zeros(0, dtype=np.int64)
        return _Relations(empty, empty, np.zeros(0, np.int8), 0)
    # int32 ids (fewer than 2**31 counts and relations) halve the memory of the memberships.
    return _Relations(
        np.concatenate(relations).astype(np.int32),
        np.concatenate(variables).astype(np.int32),
        np.concatenate(signs),
        count,
    )


class _Subtraction:
    """Subtraction over the relations, kept up to date as counts become known: each relation's
    number of unknown members and the signed sum of its known ones. Only relations that a newly
    known count belongs to are looked at again."""

    def __init__(self, rel: _Relations, var: _Variables) -> None:
        self.rel = rel
        self.var = var
        n_var = var.cell.size
        # Memberships by relation (to find a relation's unknown member) and by variable (to
        # update the relations of a newly known count).
        by_rel = np.argsort(rel.relation, kind="stable").astype(np.int32)
        self.rel_start = np.searchsorted(rel.relation[by_rel], np.arange(rel.count + 1))
        self.rel_members = by_rel
        by_var = np.argsort(rel.variable, kind="stable").astype(np.int32)
        self.var_start = np.searchsorted(rel.variable[by_var], np.arange(n_var + 1))
        self.var_members = by_var
        unknown = ~var.known[rel.variable]
        self.n_unknown = np.bincount(rel.relation[unknown], minlength=rel.count)
        given = ~unknown
        self.known_sum = np.rint(
            np.bincount(
                rel.relation[given],
                weights=rel.sign[given] * var.value[rel.variable[given]].astype(np.float64),
                minlength=rel.count,
            )
        ).astype(np.int64)
        self.pending = np.flatnonzero(self.n_unknown == 1)

    def learn(self, variables: np.ndarray) -> None:
        """Counts that became known elsewhere (by a link): update their relations."""
        if variables.size == 0 or self.rel.count == 0:
            return
        members = _gather(self.var_start, self.var_members, variables)
        rel = self.rel.relation[members]
        np.subtract.at(self.n_unknown, rel, 1)
        np.add.at(
            self.known_sum,
            rel,
            self.rel.sign[members].astype(np.int64) * self.var.value[self.rel.variable[members]],
        )
        self.pending = np.union1d(self.pending, rel[self.n_unknown[rel] == 1])

    def run(self) -> int:
        """Subtract until no relation has exactly one unknown count; the number learnt."""
        gained = 0
        var, rel = self.var, self.rel
        while self.pending.size:
            single = self.pending[self.n_unknown[self.pending] == 1]
            self.pending = np.zeros(0, dtype=np.int64)
            if single.size == 0:
                break
            members = _gather(self.rel_start, self.rel_members, single)
            target = members[~var.known[rel.variable[members]]]
            target = target[~var.opaque[rel.variable[target]]]
            if target.size == 0:
                break
            variables = rel.variable[target]
            values = -self.known_sum[rel.relation[target]] * rel.sign[target].astype(np.int64)
            # A count given by two relations at once keeps the first value.
            variables, first = np.unique(variables, return_index=True)
            values = values[first]
            var.value[variables] = values
            var.known[variables] = True
            var.how[variables] = 1
            gained += int(variables.size)
            self.learn(variables)
        return gained


def _gather(start: np.ndarray, members: np.ndarray, which: np.ndarray) -> np.ndarray:
    """The members of each of ``which`` in a CSR layout (``start`` offsets into ``members``)."""
    return members[positions_of(start, which)]


# --- linked counts ------------------------------------------------------------------------------


class _LinkFinder:
    """Comparable series equal wherever both are known in a slice give each other's counts."""

    def __init__(self, codes: dict[str, np.ndarray], names: dict[str, list[str]], var: _Variables):
        cell = var.cell
        sizes = [len(names[k]) for k in ("pathway", "treatment", "region", "period")]
        row = codes["pathway"][cell].astype(np.int64)
        for k, size in zip(("treatment", "region", "period"), sizes[1:], strict=True):
            row = row * size + codes[k][cell]
        fam_key = (codes["indicator"][cell] * 2 + var.role) * len(names["region_basis"]) + codes[
            "region_basis"
        ][cell]
        fam_codes, self.family = compact(fam_key, None)
        self.series = fam_codes // len(names["region_basis"])
        self.basis = fam_codes % len(names["region_basis"])
        rows, self.row = compact(row, None)
        _, self.slice_of_row = compact(rows // sizes[3], None)
        self.n_slices = int(self.slice_of_row.max()) + 1
        n_fam = fam_codes.size
        self.var_at = np.full((rows.size, n_fam), -1, dtype=np.int32)
        self.var_at[self.row, self.family] = np.arange(cell.size)
        self._seen: np.ndarray | None = None
        self.pairs = [
            (a, b)
            for a in range(n_fam)
            for b in range(a + 1, n_fam)
            if disclosure.comparable(
                (int(self.series[a]), int(self.basis[a])),
                (int(self.series[b]), int(self.basis[b])),
            )
        ]

    def mixed(
        self, known: np.ndarray, value: np.ndarray, rows: np.ndarray
    ) -> Iterator[tuple[int, int, np.ndarray]]:
        """For each linked pair: the ``rows`` where exactly one of the two counts is known."""
        present = self.var_at[rows] >= 0
        for a, b in self.pairs:
            both = rows[present[:, a] & present[:, b]]
            if both.size == 0:
                continue
            va, vb = self.var_at[both, a], self.var_at[both, b]
            ka, kb = known[va], known[vb]
            mix = ka != kb
            if not mix.any():
                continue
            shown = ka & kb
            s = self.slice_of_row[both]
            linked = linked_slices(s, shown, value[va] == value[vb], self.n_slices)
            yield a, b, both[mix & linked[s]]

    def derive(self, var: _Variables) -> np.ndarray:
        """Counts learnt from linked series (one pass over the pairs); their variables."""
        if self._seen is None:
            rows = np.arange(self.var_at.shape[0])
        else:
            # Only slices where something became known since the last pass can change.
            changed = np.zeros(self.n_slices, dtype=bool)
            changed[self.slice_of_row[self.row[var.known & ~self._seen]]] = True
            rows = np.flatnonzero(changed[self.slice_of_row])
        self._seen = var.known.copy()
        learnt = []
        for a, b, hits in list(self.mixed(var.known.copy(), var.value.copy(), rows)):
            va, vb = self.var_at[hits, a], self.var_at[hits, b]
            a_known = var.known[va]
            src = np.where(a_known, va, vb)
            dst = np.where(a_known, vb, va)
            fresh = ~var.known[dst] & ~var.opaque[dst]
            dst, src = dst[fresh], src[fresh]
            if dst.size:
                var.value[dst] = var.value[src]
                var.known[dst] = True
                var.how[dst] = 2
                learnt.append(dst)
        return np.unique(np.concatenate(learnt)) if learnt else np.zeros(0, dtype=np.int64)


def _leaks(
    derived: np.ndarray,
    var: _Variables,
    codes: dict[str, np.ndarray],
    names: dict[str, list[str]],
    min_cell: np.ndarray,
    limit: int,
) -> tuple[list[Leak], int]:
    cell = var.cell
    floor = min_cell[codes["indicator"][cell]]
    small = derived & (var.value >= 1) & (var.value < floor)
    # A numerator of 1-4 is a leak only where its population is not known to be large enough.
    den_known = np.zeros(codes["indicator"].size, dtype=bool)
    den_value = np.zeros(codes["indicator"].size, dtype=np.int64)
    is_den = var.role == 0
    den_known[cell[is_den & var.known]] = True
    den_value[cell[is_den & var.known]] = var.value[is_den & var.known]
    num_ok = (var.role == 1) & den_known[cell] & (den_value[cell] >= floor)
    leak = np.flatnonzero(small & ~num_ok)
    # In the cube's row order (its key order); only the first ``limit`` are spelt out.
    leak = leak[np.lexsort((var.role[leak], cell[leak]))]
    out = []
    for i in leak[:limit].tolist():
        c = int(cell[i])
        key = {k: names[k][codes[k][c]] for k in KEYS}
        out.append(
            Leak(
                **key,
                role=ROLES[int(var.role[i])],
                value=int(var.value[i]),
                how="subtraction" if var.how[i] == 1 else "link",
            )
        )
    return out, int(leak.size)


# --- the publication gate ------------------------------------------------------------------------


class DisclosureError(Exception):
    """A cube that the audit finds leaking: it must not be published."""

    def __init__(self, result: AuditResult, what: str = "kuben") -> None:
        self.result = result
        first = "; ".join(leak.describe() for leak in result.leaks[:3])
        super().__init__(
            f"{what} publiceras inte: röjandekontrollen kan härleda {result.leak_count} "
            f"undertryckta antal på 1–4 personer (först: {first})"
        )


def require_safe(
    public: pa.Table,
    what: str = "kuben",
    catalog: Catalog | None = None,
    verdict: AuditResult | None = None,
) -> None:
    """Raise :class:`DisclosureError` when the audit works out a population of 1–4 from
    ``public`` (a public view: suppressed cells blank). ``verdict`` is the audit of the same
    public view where the caller has it (:func:`audit_stored` of the cube it was made from)."""
    result = verdict if verdict is not None else audit_table(public, catalog, limit=20)
    if not result.ok:
        raise DisclosureError(result, what)


def verdict_path(cube: Path) -> Path:
    """Where the audit's verdict on a stored cube file is kept (beside it)."""
    return cube.with_name(cube.name + ".granskning.json")


def audit_stored(cube: Path, catalog: Catalog | None = None) -> AuditResult:
    """The audit of a stored internal cube file's public view, computed once per file content
    and kept beside it (:func:`verdict_path`)."""
    import json

    import pyarrow.parquet as pq

    from lofte.cube.blanking import export_table
    from lofte.svf.reader import sha256_of

    fingerprint = sha256_of(cube)
    kept = verdict_path(cube)
    try:
        data = json.loads(kept.read_text(encoding="utf-8"))
        if data.get("sha256") == fingerprint:
            return AuditResult(
                cells=data["cells"],
                suppressed=data["suppressed"],
                derived=data["derived"],
                rounds=data["rounds"],
                seconds=data["seconds"],
                leak_count=data["leak_count"],
                leaks=[Leak(**leak) for leak in data["leaks"]],
            )
    except (OSError, ValueError, KeyError, TypeError):
        pass
    result = audit_table(export_table(pq.read_table(cube), public=True), catalog, limit=20)
    record = {
        "sha256": fingerprint,
        "cells": result.cells,
        "suppressed": result.suppressed,
        "derived": result.derived,
        "rounds": result.rounds,
        "seconds": result.seconds,
        "leak_count": result.leak_count,
        "leaks": [vars(leak) for leak in result.leaks],
    }
    from lofte import commit

    tmp = commit.temporary(kept)
    try:
        tmp.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, kept)
    except OSError:  # a read-only home still gets the answer, only not kept
        tmp.unlink(missing_ok=True)
    return result


def require_safe_stored(cube: Path, what: str = "kuben") -> AuditResult:
    """:func:`audit_stored`, raising :class:`DisclosureError` when the public view leaks."""
    result = audit_stored(cube)
    if not result.ok:
        raise DisclosureError(result, what)
    return result
