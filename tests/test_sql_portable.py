"""The engine's SQL stays within the portable core: sqlglot must transpile every statement to
Spark and Trino without unsupported constructs (ARCHITECTURE: grow onto a cluster, not a fork;
ADR 0735). Every ``.sql`` file shipped with ``lofte.svf`` and ``lofte.cube`` is checked, so a new
file is covered without being listed here."""

from __future__ import annotations

import pytest
import sqlglot
from sqlglot.errors import ErrorLevel

from lofte.svf import queries

SQL_FILES = queries.packaged()
#: Table functions that read files: DuckDB's own, tables of the same names elsewhere.
FILE_READERS = ("read_parquet", "read_csv", "parquet_scan")


def test_every_known_file_is_found():
    # The scripts the engine runs must be among the checked files (a wrong folder finds none).
    for expected in [("lofte.svf", "assemble.sql"), ("lofte.cube", "cells.sql")]:
        assert expected in SQL_FILES
    assert len(SQL_FILES) >= 8


@pytest.mark.parametrize(("package", "name"), SQL_FILES)
@pytest.mark.parametrize("dialect", ["spark", "trino"])
def test_sql_transpiles(package, name, dialect):
    text = queries.script(package, name)
    statements = [s for s in sqlglot.parse(text, read="duckdb") if s is not None]
    assert statements
    for statement in statements:
        out = statement.sql(dialect=dialect, unsupported_level=ErrorLevel.RAISE)
        assert out


@pytest.mark.parametrize(("package", "name"), SQL_FILES)
def test_statements_read_tables_not_files(package, name):
    """What a statement reads is a table name bound by the caller, never a file path: the same
    text then runs against Trino or Spark tables of those names."""
    text = queries.script(package, name).lower()
    for reader in FILE_READERS:
        assert f"{reader}(" not in text


@pytest.mark.parametrize(
    ("package", "name"), [f for f in SQL_FILES if "-- name:" in queries.script(*f)]
)
def test_named_statements_parse_one_by_one(package, name):
    for key, text in queries.statements(package, name).items():
        parsed = [s for s in sqlglot.parse(text, read="duckdb") if s is not None]
        assert parsed, key
