"""The SQL of the engine and its readers, from the ``.sql`` files of ``lofte.svf``, ``lofte.cube``.

No Python module holds an SQL statement (``tests/test_sql_text.py`` checks it; ADR 0735): a
module asks for a *script* (a whole file run as it is, e.g. ``assemble.sql``) or for one
*statement* of a file of named statements, each introduced by a comment line ``-- name: …``::

    -- name: ongoing
    SELECT … FROM instances WHERE start_region = ? AND …

Values are always bound as parameters (``?``), never formatted into the text. What a statement
reads is a table name; :func:`fetch` binds each name to Parquet files (a view) or to an Arrow
table, so the same text runs on DuckDB here and on Trino or Spark against tables of those names.

DuckDB is imported inside the functions that use it: a serving process that never queries does
not pay for it at start.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

_NAME = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


@cache
def script(package: str, name: str) -> str:
    """The whole text of ``sql/<name>`` shipped with ``package`` (e.g. ``lofte.svf``)."""
    return resources.files(package).joinpath("sql", name).read_text(encoding="utf-8")


@cache
def statements(package: str, name: str) -> dict[str, str]:
    """The named statements of ``sql/<name>``: name → text (without its ``-- name:`` line)."""
    text = script(package, name)
    marks = list(_NAME.finditer(text))
    if not marks:
        raise ValueError(f"{package}/sql/{name} has no '-- name:' statements")
    found: dict[str, str] = {}
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        if mark.group(1) in found:
            raise ValueError(f"{package}/sql/{name}: statement {mark.group(1)} twice")
        found[mark.group(1)] = text[mark.end() : end].strip()
    return found


def statement(package: str, name: str, key: str) -> str:
    """One named statement of ``sql/<name>``; KeyError names an unknown one."""
    found = statements(package, name)
    if key not in found:
        raise KeyError(f"{package}/sql/{name} has no statement {key!r}")
    return found[key]


def identifier(name: str) -> str:
    """``name`` if it is a plain lower-case SQL identifier (a table name), else ValueError."""
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not a plain table name: {name!r}")
    return name


def bind(con: duckdb.DuckDBPyConnection, tables: Mapping[str, Any]) -> None:
    """Make each ``name → source`` readable as the table ``name``: Parquet files (one path or a
    list) become a view over them, an Arrow table is registered as it is."""
    import pyarrow as pa

    for name, source in tables.items():
        identifier(name)
        if isinstance(source, pa.Table):
            con.register(name, source)
            continue
        files = [str(source)] if isinstance(source, str | Path) else [str(f) for f in source]
        con.read_parquet(files).create_view(name)


def fetch(
    package: str,
    name: str,
    key: str,
    params: Sequence[Any] = (),
    tables: Mapping[str, Any] | None = None,
) -> pa.Table:
    """Run the statement ``key`` of ``sql/<name>`` on a fresh in-memory DuckDB connection with
    ``tables`` bound (see :func:`bind`) and ``params`` for its ``?``; the result as Arrow."""
    import duckdb

    con = duckdb.connect()
    try:
        bind(con, tables or {})
        return con.sql(statement(package, name, key), params=list(params)).to_arrow_table()
    finally:
        con.close()


def rows(
    package: str,
    name: str,
    key: str,
    params: Sequence[Any] = (),
    tables: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """:func:`fetch` as a list of dicts, one per row."""
    return list(fetch(package, name, key, params, tables).to_pylist())


def packaged(packages: Iterable[str] = ("lofte.svf", "lofte.cube")) -> list[tuple[str, str]]:
    """Every ``(package, file name)`` of the shipped ``.sql`` files (for the portability test)."""
    out = []
    for package in packages:
        folder = resources.files(package).joinpath("sql")
        out += [(package, f.name) for f in folder.iterdir() if f.name.endswith(".sql")]
    return sorted(out)
