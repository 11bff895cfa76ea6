"""``lofte.core`` imports only the standard library and python-stdnum (ARCHITECTURE.md)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import lofte.core

CORE = Path(lofte.core.__file__).parent
# _typeshed exists only for the type checker (imported under TYPE_CHECKING)
ALLOWED = set(sys.stdlib_module_names) | {"stdnum", "_typeshed", "lofte"}


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_core_imports_only_the_standard_library_and_stdnum() -> None:
    files = sorted(CORE.rglob("*.py"))
    assert files
    for path in files:
        for name in imported_modules(path):
            top = name.split(".")[0]
            assert top in ALLOWED, f"{path.name} imports {name}"
            if top == "lofte":
                assert name.startswith("lofte.core"), f"{path.name} imports {name}"
