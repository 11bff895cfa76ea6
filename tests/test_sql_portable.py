"""The engine's SQL stays within the portable core: sqlglot must transpile every statement to
Spark and Trino without unsupported constructs (ARCHITECTURE: grow onto a cluster, not a fork)."""

from __future__ import annotations

from importlib import resources

import pytest
import sqlglot
from sqlglot.errors import ErrorLevel

SQL_FILES = [
    ("lofte.svf", "assemble.sql"),
    ("lofte.svf", "instances.sql"),
    ("lofte.cube", "cells.sql"),
    ("lofte.cube", "quantiles.sql"),
]


@pytest.mark.parametrize(("package", "name"), SQL_FILES)
@pytest.mark.parametrize("dialect", ["spark", "trino"])
def test_sql_transpiles(package, name, dialect):
    text = resources.files(package).joinpath("sql", name).read_text(encoding="utf-8")
    statements = sqlglot.parse(text, read="duckdb")
    assert len([s for s in statements if s is not None]) >= 1
    for statement in statements:
        if statement is None:
            continue
        out = statement.sql(dialect=dialect, unsupported_level=ErrorLevel.RAISE)
        assert out
