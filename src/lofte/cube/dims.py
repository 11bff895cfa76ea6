"""The codebooks of the cube's key columns (:class:`Dims`): the integer codes the engine works
on (ADR 0700), shared by :mod:`lofte.cube.engine` and the blocks it assembles
(:mod:`lofte.cube.waiting`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lofte.catalog import Catalog
from lofte.catalog.model import NATIONAL_EXIT_TREATMENTS, TREATMENTS
from lofte.core import periods
from lofte.cube import rollup
from lofte.svf import engine as svf_engine

#: Treatments of SPEC §4 rule 13 and ``alla``.
TREATMENT_NAMES = (
    "alla",
    *sorted({*TREATMENTS.values(), *NATIONAL_EXIT_TREATMENTS.values(), "avslut"}),
)

#: Region basis codes: 0 and 1 are the SVF bases (cells.sql), the last is the empty basis of
#: imported aggregate indicators (nulls sort last, as ``ORDER BY`` puts them).
BASIS_NAMES: tuple[str | None, ...] = ("avslutande", "bostad", None)


@dataclass
class Dims:
    """The codebooks of the cube's key columns for one run, each in string order, so that the
    codes order the cells like their strings (the cube's row order and the suppression's ties)."""

    names: dict[str, list[str | None]]
    #: Parent code of each region and period code (-1: none).
    parents: dict[str, np.ndarray]

    @classmethod
    def build(
        cls,
        catalog: Catalog,
        book: svf_engine.Codebook,
        months: list[str],
        other_periods: Iterable[str],
        indicators: Iterable[str],
    ) -> Dims:
        period_names: set[str] = set()
        for label in [*months, *other_periods]:
            current: str | None = label
            while current is not None and current not in period_names:
                period_names.add(current)
                current = periods.parent(current)
        for month in months:
            period_names.update(periods.labels_for(periods.parse(month).start))
        names: dict[str, list[str | None]] = {
            "indicator": [*sorted({*catalog.indicators, *indicators})],
            "region_basis": list(BASIS_NAMES),
            "region": book.region.to_pylist(),
            "pathway": book.pathway.to_pylist(),
            "treatment": [*sorted(TREATMENT_NAMES)],
            "period": [*sorted(period_names)],
        }
        parents = {
            "region": _parent_codes(names["region"], catalog.parent),
            "period": _parent_codes(names["period"], periods.parent),
        }
        return cls(names, parents)

    def code(self, name: str, value: str | None) -> int:
        if not hasattr(self, "_index"):
            self._index = {k: {v: i for i, v in enumerate(n)} for k, n in self.names.items()}
        return self._index[name][value]

    def codes(self, name: str, column: pa.Array | pa.ChunkedArray) -> np.ndarray:
        """int32 codes of a string column (every value must be in the codebook)."""
        known = [v for v in self.names[name] if v is not None]
        index = pc.index_in(column, value_set=pa.array(known, pa.string()))
        if index.null_count != column.null_count:
            raise ValueError(f"unknown {name} in cells")
        if None in self.names[name]:
            index = pc.fill_null(index, self.names[name].index(None))
        return index.to_numpy(zero_copy_only=False).astype(np.int32)

    def hierarchy(self, catalog: Catalog, months: list[str]) -> rollup.Hierarchy:
        region = self.names["region"]
        counties = catalog.counties()
        month_codes = np.array([self.code("period", m) for m in months], dtype=np.int64)
        month_parent = {}
        for kind, index in zip(("year", "half", "quarter", "month"), range(4), strict=True):
            month_parent[kind] = np.array(
                [
                    self.code("period", periods.labels_for(periods.parse(m).start)[index])
                    for m in months
                ],
                dtype=np.int64,
            )
        return rollup.Hierarchy(
            n_basis=2,
            counties=np.array([region.index(c.code) for c in counties], dtype=np.int64),
            county_parent=np.array(
                [region.index(catalog.parent(c.code)) for c in counties], dtype=np.int64
            ),
            nation=region.index("SE"),
            n_pathway=len(self.names["pathway"]),
            all_pathways=self.code("pathway", "alla"),
            n_treatment=len(self.names["treatment"]),
            all_treatments=self.code("treatment", "alla"),
            months=month_codes,
            month_parent=month_parent,
        )


def _parent_codes(names: list[str | None], parent_of: Callable[[str], str | None]) -> np.ndarray:
    index = {n: i for i, n in enumerate(names)}
    out = np.full(len(names), -1, dtype=np.int64)
    for i, n in enumerate(names):
        parent = parent_of(n) if n is not None else None
        if parent is not None and parent in index:
            out[i] = index[parent]
    return out
