"""SQL lives only in ``.sql`` files (issue 17, ADR 0735): no Python module under ``src`` holds
an SQL statement as a string, and only the SQL loader and the engine's connection import DuckDB
(any other module that talked to DuckDB would sooner or later write SQL of its own)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lofte.svf import queries

SRC = Path(__file__).resolve().parents[1] / "src"
#: The modules that may import DuckDB: the loader that runs statements and the engine's connection.
DUCKDB_IMPORTERS = {"lofte/svf/queries.py", "lofte/svf/engine.py"}
#: The start of a statement, in either case.
STATEMENT = re.compile(
    r"^\s*(SELECT\s.*\sFROM\s|WITH\s+\w+\s+AS\s*\(|INSERT\s+INTO\s|"
    r"CREATE\s+(OR\s+REPLACE\s+)?(TEMP\w*\s+)?(TABLE|VIEW|INDEX|MACRO)\s|COPY\s.*\sTO\s|"
    r"UPDATE\s+\w+\s+SET\s|DELETE\s+FROM\s|DROP\s+(TABLE|VIEW)\s|ALTER\s+TABLE\s|"
    r"PRAGMA\s+\w+|ATTACH\s+'|SET\s+\w+\s*=)",
    re.IGNORECASE | re.DOTALL,
)
#: Clauses of a query built piece by piece (a condition handed to a relation's filter), upper
#: case as this code base writes SQL.
FRAGMENT = re.compile(
    r"\b(WHERE|ORDER BY|GROUP BY|UNION ALL|JOIN \w+ (AS \w+ )?(ON|USING)|IS NULL|IS NOT NULL)\b"
    r"|\bread_parquet\(|\b\w+ IN \(|\w+ = '\w+' (AND|OR) "
)
#: SQL that is no query of the engine's data: path → the pattern allowed there, and why.
ALLOWED = {
    # Django's own SQLite connection options (write-ahead log, full sync), not engine SQL.
    "lofte/web/settings.py": re.compile(r"^PRAGMA journal_mode=WAL; PRAGMA synchronous=\w+;$"),
}


def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append((node.lineno, node.value))
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "x" for v in node.values)
            found.append((node.lineno, text))
    return found


def _docstrings(tree: ast.AST) -> set[int]:
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                lines.add(body[0].value.lineno)
    return lines


def sql_strings(source: str) -> list[tuple[int, str]]:
    """(line, text) of every string constant of ``source`` that looks like SQL (docstrings,
    which may show an example, excepted)."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    return [
        (line, text)
        for line, text in _strings(tree)
        if line not in docs and (STATEMENT.match(text) or FRAGMENT.search(text))
    ]


def _type_checking_only(tree: ast.AST) -> set[int]:
    """Lines of the imports under ``if TYPE_CHECKING:`` (never run)."""
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            lines |= {n.lineno for stmt in node.body for n in ast.walk(stmt)}
    return lines


def duckdb_imports(source: str) -> list[int]:
    """Lines that import DuckDB when run (type-checking imports excepted)."""
    tree = ast.parse(source)
    lines = []
    skip = _type_checking_only(tree)
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            continue
        if any(n.split(".")[0] == "duckdb" for n in names):
            lines.append(node.lineno)
    return lines


def _python_files() -> list[Path]:
    return sorted(p for p in (SRC / "lofte").rglob("*.py") if "migrations" not in p.parts)


def test_the_scan_finds_sql():
    # The checks below would pass vacuously if the patterns missed the SQL they are meant for.
    assert sql_strings('q = "SELECT a FROM t WHERE b = ?"')
    assert sql_strings('q = (\n  "select a "\n  "from t")')
    assert sql_strings("con.execute(f'SET threads = {n}')")
    assert sql_strings("rel.filter(f\"treatment = 'alla' AND region IN ({wanted})\")")
    assert sql_strings('q = "DROP TABLE sequenced"')
    assert not sql_strings('"""SELECT in a docstring is an example."""\nx = "Select a region"')
    assert duckdb_imports("def f():\n    import duckdb\n")
    assert duckdb_imports("from duckdb import connect")
    assert not duckdb_imports("if TYPE_CHECKING:\n    import duckdb\n")
    for word in ["select", "with", "create", "attach", "Select the region", "with a target"]:
        assert not sql_strings(f"x = {word!r}"), word


def test_no_sql_in_python():
    found = []
    for path in _python_files():
        name = path.relative_to(SRC).as_posix()
        for line, text in sql_strings(path.read_text(encoding="utf-8")):
            if name in ALLOWED and ALLOWED[name].match(text):
                continue
            found.append(f"{name}:{line}: {text[:60]!r}")
    assert not found, "SQL belongs in a .sql file (lofte.svf.queries):\n" + "\n".join(found)


def test_only_the_loader_and_engine_import_duckdb():
    found = [
        f"{path.relative_to(SRC)}:{line}"
        for path in _python_files()
        if path.relative_to(SRC).as_posix() not in DUCKDB_IMPORTERS
        for line in duckdb_imports(path.read_text(encoding="utf-8"))
    ]
    assert not found, "run SQL through lofte.svf.queries:\n" + "\n".join(found)


def test_named_statements_are_split_at_their_markers():
    found = queries.statements("lofte.cube", "desk.sql")
    assert set(found) == {"closed_outside_target", "ongoing", "flagged_events"}
    assert found["ongoing"].lstrip().startswith("--")  # its comment stays with it
    assert "-- name:" not in found["ongoing"]
    assert "status = 'ongoing'" in found["ongoing"]
    assert "status = 'closed'" not in found["ongoing"]
    with pytest.raises(KeyError, match="no_such"):
        queries.statement("lofte.cube", "desk.sql", "no_such")


@pytest.mark.parametrize("name", ["cube; DROP TABLE x", "Cube", "a-b", "", "1a"])
def test_table_names_are_plain_identifiers(name):
    with pytest.raises(ValueError):
        queries.identifier(name)


def test_fetch_binds_parquet_files_and_values(tmp_path):
    instances = pa.table(
        {
            "patient": ["p1", "p2", "p3"],
            "pathway": ["lunga", "lunga", "brost"],
            "instance_no": [1, 1, 1],
            "start_date": pa.array([None, None, None], pa.date32()),
            "cutoff": pa.array([None, None, None], pa.date32()),
            "waiting_days": [5, 6, 7],
            "extended_date": pa.array([None, None, None], pa.date32()),
            "start_delivery_id": [1, 1, 2],
            "start_line": [2, 3, 4],
            "start_region": ["01", "01", "03"],
            "status": ["ongoing", "closed", "ongoing"],
        }
    )
    instances = instances.set_column(
        4, "cutoff", pa.array([pa.scalar(1, pa.date32()).as_py()] * 3, pa.date32())
    )
    # Two files: a view over both, read as one table.
    pq.write_table(instances.slice(0, 2), tmp_path / "a.parquet")
    pq.write_table(instances.slice(2), tmp_path / "b.parquet")
    files = [tmp_path / "a.parquet", tmp_path / "b.parquet"]
    rows = queries.rows("lofte.cube", "desk.sql", "ongoing", ["01"], {"instances": files})
    assert [(r["patient"], r["delivery_id"], r["line"]) for r in rows] == [("p1", 1, 2)]
    quoted = "01' OR '1'='1"  # bound as a value, never text of the statement
    assert queries.rows("lofte.cube", "desk.sql", "ongoing", [quoted], {"instances": files}) == []
    with pytest.raises(ValueError):
        queries.rows("lofte.cube", "desk.sql", "ongoing", ["01"], {"instances; --": files})


def _module_level_duckdb(source: str) -> list[int]:
    """Lines of ``import duckdb`` run when the module is imported (not inside a function)."""
    tree = ast.parse(source)
    inside = {
        n.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for n in ast.walk(node)
        if hasattr(n, "lineno")
    }
    return [line for line in duckdb_imports(source) if line not in inside]


def test_duckdb_is_imported_when_a_query_runs():
    """A serving process that never queries must not load DuckDB at start (issue 11)."""
    assert _module_level_duckdb("import duckdb\n")
    assert not _module_level_duckdb("def f():\n    import duckdb\n")
    found = [
        f"{path.relative_to(SRC)}:{line}"
        for path in _python_files()
        for line in _module_level_duckdb(path.read_text(encoding="utf-8"))
    ]
    assert not found, "import duckdb inside the function that connects:\n" + "\n".join(found)
