"""Cell-by-cell and instance-by-instance comparison of Löfte's engine with the pandas peer.

Both sides are read from Parquet and joined in DuckDB (a full outer join on the keys), so the
whole data set is compared, not a sample.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

CELL_KEYS = ("indicator", "region_basis", "region", "pathway", "treatment", "period")
INSTANCE_KEYS = ("patient", "pathway", "instance_no")
INSTANCE_COLUMNS = (
    "status",
    "start_date",
    "start_region",
    "residence_region",
    "end_date",
    "end_suffix",
    "end_region",
    "national_end",
    "lead_time_days",
    "target_days",
    "within",
    "has_mdk",
    "extended",
    "first_visit",
    "first_diagnosis",
    "treatment",
    "waiting_days",
)
#: Values (percent, days) agree when they differ by at most this, relatively (floating point
#: sums and interpolation may differ in the last bits between DuckDB and numpy).
REL_TOL = 1e-9
EXAMPLES = 10


def _quote(path: Path) -> str:
    """A file path as an SQL string literal (views cannot take prepared parameters)."""
    return "'" + str(path).replace("'", "''") + "'"


def compare_cells(engine_cube: Path, peer_cells: Path) -> dict:
    """Counts of cells missing on either side and of numerator/denominator/value mismatches."""
    con = duckdb.connect()
    keys = ", ".join(CELL_KEYS)
    columns = f"{keys}, numerator, denominator, value"
    con.execute(f"CREATE VIEW e AS SELECT {columns} FROM read_parquet({_quote(engine_cube)})")
    con.execute(f"CREATE VIEW p AS SELECT {columns} FROM read_parquet({_quote(peer_cells)})")
    con.execute(
        f"""
        CREATE TABLE j AS
        SELECT {", ".join(f"COALESCE(e.{k}, p.{k}) AS {k}" for k in CELL_KEYS)},
               e.indicator IS NOT NULL AS in_engine, p.indicator IS NOT NULL AS in_peer,
               e.numerator AS e_num, p.numerator AS p_num,
               e.denominator AS e_den, p.denominator AS p_den,
               e.value AS e_value, p.value AS p_value
        FROM e FULL OUTER JOIN p USING ({keys})
        """
    )
    con.execute(
        f"""
        CREATE TABLE checked AS
        SELECT *,
               in_engine AND in_peer AND e_num IS DISTINCT FROM p_num AS num_differs,
               in_engine AND in_peer AND e_den IS DISTINCT FROM p_den AS den_differs,
               in_engine AND in_peer AND (
                   (e_value IS NULL) <> (p_value IS NULL)
                   OR abs(e_value - p_value) > {REL_TOL} * greatest(1.0, abs(e_value))
               ) AS value_differs
        FROM j
        """
    )
    totals = con.execute(
        """
        SELECT count(*) FILTER (WHERE in_engine), count(*) FILTER (WHERE in_peer),
               count(*) FILTER (WHERE in_engine AND in_peer),
               count(*) FILTER (WHERE in_engine AND NOT in_peer),
               count(*) FILTER (WHERE in_peer AND NOT in_engine),
               count(*) FILTER (WHERE num_differs), count(*) FILTER (WHERE den_differs),
               count(*) FILTER (WHERE value_differs),
               max(abs(e_value - p_value)) FILTER (WHERE in_engine AND in_peer)
        FROM checked
        """
    ).fetchone()
    names = (
        "engine_cells",
        "peer_cells",
        "matched_keys",
        "only_engine",
        "only_peer",
        "numerator_mismatches",
        "denominator_mismatches",
        "value_mismatches",
        "max_abs_value_difference",
    )
    out: dict = dict(zip(names, totals, strict=True))
    bad = "NOT (in_engine AND in_peer) OR num_differs OR den_differs OR value_differs"
    out["by_indicator"] = {
        row[0]: {"cells": row[1], "problems": row[2]}
        for row in con.execute(
            f"SELECT indicator, count(*), count(*) FILTER (WHERE {bad}) FROM checked "
            "GROUP BY indicator ORDER BY indicator"
        ).fetchall()
    }
    columns = [*CELL_KEYS, "in_engine", "in_peer", "e_num", "p_num", "e_den", "p_den"]
    columns += ["e_value", "p_value"]
    out["examples"] = [
        dict(zip(columns, row, strict=True))
        for row in con.execute(
            f"SELECT {', '.join(columns)} FROM checked WHERE {bad} ORDER BY {keys} LIMIT {EXAMPLES}"
        ).fetchall()
    ]
    out["ok"] = not any(
        out[k]
        for k in (
            "only_engine",
            "only_peer",
            "numerator_mismatches",
            "denominator_mismatches",
            "value_mismatches",
        )
    )
    con.close()
    return out


def compare_instances(engine_instances: Path, peer_instances: Path) -> dict:
    """Instances present on one side only, and per column the number of instances that differ."""
    con = duckdb.connect()
    keys = ", ".join(INSTANCE_KEYS)
    cols = ", ".join(INSTANCE_COLUMNS)
    for view, path in (("e", engine_instances), ("p", peer_instances)):
        con.execute(
            f"CREATE VIEW {view} AS SELECT {keys}, {cols} FROM read_parquet({_quote(path)})"
        )
    differs = ", ".join(
        f"count(*) FILTER (WHERE e.patient IS NOT NULL AND p.patient IS NOT NULL "
        f"AND e.{c} IS DISTINCT FROM p.{c}) AS {c}"
        for c in INSTANCE_COLUMNS
    )
    row = con.execute(
        f"""
        SELECT count(*) FILTER (WHERE e.patient IS NOT NULL),
               count(*) FILTER (WHERE p.patient IS NOT NULL),
               count(*) FILTER (WHERE p.patient IS NULL),
               count(*) FILTER (WHERE e.patient IS NULL),
               {differs}
        FROM e FULL OUTER JOIN p USING ({keys})
        """
    ).fetchone()
    out = {
        "engine_instances": row[0],
        "peer_instances": row[1],
        "only_engine": row[2],
        "only_peer": row[3],
        "column_mismatches": {c: n for c, n in zip(INSTANCE_COLUMNS, row[4:], strict=True) if n},
    }
    out["ok"] = not (out["only_engine"] or out["only_peer"] or out["column_mismatches"])
    con.close()
    return out
