"""The report's what-if table (issue 16): "which interval, shortened by 7 days, helps most".

A self-contained block of the lead-time promise's pages: :func:`build` makes it for the
healthcare region and half-year from the engine's instances and the report's cube cells, and
:func:`present` turns it into the head, rows and note every rendering prints (HTML, PDF, XLSX
alike). The report is public, so a pathway's row is shown only where every count behind it
passes disclosure control (:func:`lofte.cube.whatif.public_row`: the cube's own
``svf_andel_inom_ledtid`` cell is shown, and the public grid, the same the site shows, lets no
group of 1–4 patients be worked out); other rows are counted in the note, never printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from lofte.catalog import Catalog
from lofte.core import whatif as core
from lofte.core.disclosure import MIN_CELL
from lofte.cube import whatif
from lofte.reports import texts

#: The region basis of the report's SVF figures (lofte.reports.model.BASIS).
BASIS = "bostad"


def _t(key: str, lang: str, **params: Any) -> str:
    """The block's text ``key`` in ``lang`` (gettext, :data:`lofte.reports.texts.TEXTS`)."""
    return texts.t(f"whatif_{key}", lang, **params)


@dataclass
class WhatIfRow:
    """One pathway: its share within the lead time, and the share with each interval shortened."""

    pathway: str
    name_sv: str
    name_en: str
    n: int
    share_before: float | None
    shares_after: list[float | None]  # per interval, shortened by ``days``
    best: int | None  # the interval that moves most patients (None: none moves anyone)


@dataclass
class WhatIfBlock:
    """The what-if table of a healthcare region and period: the pathways whose rows may be shown
    and how many were left out."""

    region: str
    period: str
    days: int
    rows: list[WhatIfRow] = field(default_factory=list)
    hidden: int = 0  # pathways with patients whose row may not be shown


def build(
    healthcare_region: str,
    period: str,
    instances: pa.Table,
    shown: dict[str, bool],
    catalog: Catalog,
    days: int = core.TABLE_DAYS,
) -> WhatIfBlock | None:
    """The block for a healthcare region and half-year (None for another period: the public
    what-if cells are half-years, :data:`lofte.cube.whatif.PUBLIC_PERIOD_TYPE`).
    ``instances``: the engine's instances (any columns :data:`lofte.cube.whatif.COLUMNS` among
    them); ``shown``: per pathway, whether the cube's ``svf_andel_inom_ledtid`` cell (home
    region basis) is shown publicly. A row is printed only where the public grid shows every
    interval's ``days`` (:func:`lofte.cube.whatif.public_row`), as the site does."""
    if not any(
        whatif.public_cell(catalog, healthcare_region, p, period, BASIS) for p in catalog.pathways
    ):
        return None
    block = WhatIfBlock(healthcare_region, period, days)
    population = whatif.read_table(instances)
    cell = whatif.cell_patients(
        population, region=healthcare_region, period=period, basis=BASIS, catalog=catalog
    )
    by_pathway: dict[str, list[core.Patient]] = {}
    for pathway_id, patient in cell:
        by_pathway.setdefault(pathway_id, []).append(patient)
    for row in whatif.rows_of(cell, list(catalog.pathways), days):
        if not whatif.public_row(by_pathway[row.pathway], shown.get(row.pathway, False), days):
            block.hidden += 1
            continue
        pathway = catalog.pathways[row.pathway]
        best = row.best
        block.rows.append(
            WhatIfRow(
                pathway=row.pathway,
                name_sv=pathway.name_sv,
                name_en=pathway.name_en,
                n=row.n,
                share_before=row.outcomes[0].share_before,
                shares_after=[o.share_after for o in row.outcomes],
                best=None if best is None else best.scenario.interval,
            )
        )
    return block


def present(
    block: WhatIfBlock | dict[str, Any] | None,
    lang: str,
    region_name: str,
    min_cell: int = MIN_CELL,
) -> Any:
    """Head, rows and note of the block for one language (None: no block). Accepts the block
    or its JSON form (``model.json``). Where no row may be shown the block has no table (an
    empty ``head`` and ``rows``), only the note saying why."""
    if block is None:
        return None
    data = block if isinstance(block, dict) else _as_dict(block)
    steps = _t("steps", lang).split("|")
    from lofte.core.period_names import period_name
    from lofte.reports.texts import number

    title = _t(
        "title",
        lang,
        days=data["days"],
        region=region_name,
        period=period_name(data["period"], lang),
    )
    if not data["rows"]:
        note = _t("empty", lang, region=region_name, min_cell=min_cell)
        return {"title": title, "head": [], "rows": [], "note": note}
    notes = [_t("note", lang, days=data["days"])]
    if data["hidden"]:
        notes.append(_t("hidden", lang, n=data["hidden"]))
    return {
        "title": title,
        "head": [_t("pathway", lang), _t("baseline", lang), *steps, _t("best", lang)],
        "rows": [
            [
                row["name_sv"] if lang == "sv" else row["name_en"],
                number(row["share_before"], "percent", lang),
                *(number(s, "percent", lang) for s in row["shares_after"]),
                steps[row["best"]] if row["best"] is not None else _t("none", lang),
            ]
            for row in data["rows"]
        ],
        "note": " ".join(notes),
    }


def _as_dict(block: WhatIfBlock) -> dict[str, Any]:
    from dataclasses import asdict

    return asdict(block)
