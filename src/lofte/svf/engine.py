"""The SVF engine: pathway assembly (SPEC §4) in DuckDB over the Parquet event store.

The SQL lives in ``sql/assemble.sql``; this module only registers its inputs (events, the pathway
catalogue as small relations, the delivery cut-offs) and reads its outputs. The same rules are
implemented slowly and plainly in :mod:`lofte.svf.reference`; property tests require both to agree.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from lofte.catalog import Catalog, load
from lofte.catalog.model import EXIT_SUFFIXES

#: Flags of :func:`flag_events`, with their Swedish wording for quality reports.
FLAG_LABELS_SV: dict[str, str] = {
    "duplicate_start": "dubbel start (tidigaste start behålls)",
    "orphan": "händelse utan start (ignoreras)",
    "after_end": "händelse efter avslut (ignoreras)",
    "end_before_start": "slut före start – trolig kodningsfel",
}

EVENT_SCHEMA = pa.schema(
    [
        ("delivery_id", pa.int64()),
        ("line", pa.int32()),
        ("patient", pa.string()),
        ("pathway", pa.string()),
        ("suffix", pa.int16()),
        ("event_date", pa.date32()),
        ("reporting_region", pa.string()),
        ("residence_region", pa.string()),
        ("unit", pa.string()),
    ]
)

_FAR_FUTURE = dt.date(9999, 12, 31)


@cache
def sql(package: str, name: str) -> str:
    """The text of a ``.sql`` file shipped next to the module that runs it."""
    return resources.files(package).joinpath("sql", name).read_text(encoding="utf-8")


def catalog_relations(catalog: Catalog) -> dict[str, pa.Table]:
    """The pathway catalogue as the small relations the SQL joins against."""
    end_rows: list[tuple[str, int, bool]] = []
    info_rows: list[tuple[str, bool, int | None]] = []
    version_rows: list[tuple[str, dt.date, dt.date]] = []
    day_rows: list[tuple[str, dt.date, int, int | None, int | None]] = []
    for p in catalog.pathways.values():
        national = set(p.end_suffixes)
        for suffix in sorted(national | set(EXIT_SUFFIXES)):
            end_rows.append((p.id, suffix, suffix in national))
        info_rows.append((p.id, p.mdk_measured, p.extended_marker))
        versions = sorted(p.lead_times, key=lambda v: v.valid_from)
        for i, v in enumerate(versions):
            valid_to = versions[i + 1].valid_from if i + 1 < len(versions) else _FAR_FUTURE
            version_rows.append((p.id, v.valid_from, valid_to))
            extended = v.extended or {}
            for suffix in sorted(set(v.basic) | set(extended)):
                day_rows.append(
                    (p.id, v.valid_from, suffix, v.basic.get(suffix), extended.get(suffix))
                )

    def table(rows: Sequence[tuple], schema: pa.Schema) -> pa.Table:
        columns = list(zip(*rows, strict=True)) if rows else [()] * len(schema)
        return pa.table(
            [pa.array(list(c), f.type) for c, f in zip(columns, schema, strict=True)], schema=schema
        )

    return {
        "end_suffixes": table(
            end_rows,
            pa.schema(
                [("pathway", pa.string()), ("suffix", pa.int16()), ("is_national", pa.bool_())]
            ),
        ),
        "pathway_info": table(
            info_rows,
            pa.schema(
                [
                    ("pathway", pa.string()),
                    ("mdk_measured", pa.bool_()),
                    ("extended_marker", pa.int16()),
                ]
            ),
        ),
        "versions": table(
            version_rows,
            pa.schema(
                [("pathway", pa.string()), ("valid_from", pa.date32()), ("valid_to", pa.date32())]
            ),
        ),
        "version_days": table(
            day_rows,
            pa.schema(
                [
                    ("pathway", pa.string()),
                    ("valid_from", pa.date32()),
                    ("suffix", pa.int16()),
                    ("basic_days", pa.int32()),
                    ("extended_days", pa.int32()),
                ]
            ),
        ),
    }


def cutoff_table(cutoffs: Mapping[str, dt.date]) -> pa.Table:
    """Region → cut-off date (latest window end of its active deliveries), SPEC §4 rule 7."""
    return pa.table(
        {
            "region": pa.array(list(cutoffs), pa.string()),
            "cutoff": pa.array(list(cutoffs.values()), pa.date32()),
        }
    )


def connect(
    threads: int | None = None, memory_limit: str | None = None
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection for one engine run.

    ``memory_limit`` (or ``LOFTE_DUCKDB_MEMORY_LIMIT``, e.g. ``3GB``) caps DuckDB's memory; above
    it DuckDB spills to ``LOFTE_HOME/tmp``.
    """
    con = duckdb.connect(":memory:")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    memory_limit = memory_limit or os.environ.get("LOFTE_DUCKDB_MEMORY_LIMIT")
    if memory_limit:
        from lofte import config

        con.execute("SET memory_limit = ?", [memory_limit])
        con.execute("SET temp_directory = ?", [str(config.subdir("tmp"))])
    con.execute("SET preserve_insertion_order = false")
    return con


def register_events(
    con: duckdb.DuckDBPyConnection, events: pa.Table | Iterable[Path] | None
) -> None:
    """Expose events as the relation ``events``: an Arrow table, or the event-store files."""
    if isinstance(events, pa.Table):
        con.register(
            "events_arrow", events.cast(EVENT_SCHEMA) if events.schema != EVENT_SCHEMA else events
        )
        con.execute("CREATE OR REPLACE TEMP VIEW events AS SELECT * FROM events_arrow")
        return
    files = [str(p) for p in (events or [])]
    if not files:
        con.register("events_arrow", EVENT_SCHEMA.empty_table())
        con.execute("CREATE OR REPLACE TEMP VIEW events AS SELECT * FROM events_arrow")
        return
    # A view cannot take prepared parameters; the paths are our own, quoted as SQL literals.
    listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
    con.execute(
        "CREATE OR REPLACE TEMP VIEW events AS SELECT delivery_id, line, patient, pathway, "
        "CAST(suffix AS SMALLINT) AS suffix, event_date, reporting_region, residence_region, unit "
        f"FROM read_parquet([{listed}])"
    )


def assemble(
    con: duckdb.DuckDBPyConnection,
    events: pa.Table | Iterable[Path] | None,
    cutoffs: Mapping[str, dt.date] | None = None,
    catalog: Catalog | None = None,
    instances: bool = True,
) -> None:
    """Run SPEC §4 on ``events``; leaves the temp tables ``event_flags`` and ``instances``.

    With ``instances=False`` only the ordering and the warnings are computed (the import's
    quality check needs no more).
    """
    catalog = catalog or load()
    for name, table in catalog_relations(catalog).items():
        con.register(name, table)
    con.register("cutoffs", cutoff_table(cutoffs or {}))
    register_events(con, events)
    con.execute(sql("lofte.svf", "assemble.sql"))
    if instances:
        con.execute(sql("lofte.svf", "instances.sql"))


def build_instances(
    events: pa.Table | Iterable[Path] | None,
    cutoffs: Mapping[str, dt.date] | None = None,
    catalog: Catalog | None = None,
) -> pa.Table:
    """Pathway instances of the given events, one row each, sorted by patient and pathway."""
    con = connect()
    assemble(con, events, cutoffs, catalog)
    return _instances(con)


def instances_and_flags(
    events: pa.Table | Iterable[Path] | None,
    cutoffs: Mapping[str, dt.date] | None = None,
    catalog: Catalog | None = None,
) -> tuple[pa.Table, pa.Table]:
    """Both outputs of one assembly run: (instances, event flags)."""
    con = connect()
    assemble(con, events, cutoffs, catalog)
    return _instances(con), _flags(con)


def _instances(con: duckdb.DuckDBPyConnection) -> pa.Table:
    return con.sql(
        "SELECT * FROM instances ORDER BY patient, pathway, instance_no"
    ).to_arrow_table()


def _flags(con: duckdb.DuckDBPyConnection) -> pa.Table:
    return con.sql(
        """
        SELECT CAST(line AS INTEGER) AS line, delivery_id, flag,
               pathway || ' ' || CAST(suffix AS VARCHAR) || ' ' || CAST(event_date AS VARCHAR)
                   AS detail
        FROM event_flags ORDER BY delivery_id, line, flag
        """
    ).to_arrow_table()


def flag_events(
    events: pa.Table, catalog: Catalog | None = None, context: Iterable[Path] = ()
) -> pa.Table:
    """Warnings of SPEC §3/§4 for a set of events: ``line``, ``delivery_id``, ``flag``, ``detail``.

    Flags: ``duplicate_start``, ``orphan``, ``after_end`` and ``end_before_start`` (an unmatched
    end followed later by a start of the same pathway: *slut före start*). ``detail`` names the
    pathway, suffix and date, never the patient.

    ``context`` are event-store files of other regions' active deliveries: their events of the
    same patients and pathways take part in the assembly (a patient transferred from another
    region is no orphan), but only flags on ``events`` themselves are returned.
    """
    con = connect()
    files = [str(p) for p in context]
    if files:
        con.register("own_events", events.cast(EVENT_SCHEMA))
        listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
        combined = con.sql(
            "SELECT * FROM own_events UNION ALL "
            f"SELECT c.* FROM read_parquet([{listed}]) AS c "
            "WHERE EXISTS (SELECT 1 FROM own_events AS o "
            "WHERE o.patient = c.patient AND o.pathway = c.pathway)"
        ).to_arrow_table()
        own_ids = set(pc.unique(events.column("delivery_id")).to_pylist())
        assemble(con, combined, None, catalog, instances=False)
        flags = _flags(con)
        keep = pc.is_in(
            flags.column("delivery_id"), value_set=pa.array(sorted(own_ids), pa.int64())
        )
        return flags.filter(keep)
    assemble(con, events, None, catalog, instances=False)
    return _flags(con)
