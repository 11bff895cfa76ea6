"""Every public module, class, method and function of the web, reports and charts layers and of
the grants web app says in its docstring what it is for (issue 17, Build 5): a maintainer reads
the docstring, not the body, to learn what a definition promises. Migrations are generated;
Django's inner ``Meta`` classes are configuration; an empty ``__init__.py`` has nothing to
describe."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "lofte"
PACKAGES = ("web", "reports", "charts", "grants")


def files() -> list[Path]:
    """The checked modules."""
    found = [p for package in PACKAGES for p in sorted((SRC / package).rglob("*.py"))]
    return [p for p in found if "migrations" not in p.parts]


def undocumented(source: str) -> list[str]:
    """The public definitions of a module without a docstring ("module" for the module itself,
    unless it is empty)."""
    tree = ast.parse(source)
    missing = [] if ast.get_docstring(tree) or not tree.body else ["module"]

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            if node.name.startswith("_") or node.name == "Meta":
                continue
            if not ast.get_docstring(node):
                missing.append(f"{node.lineno}: {prefix}{node.name}")
            if isinstance(node, ast.ClassDef):
                visit(node.body, f"{prefix}{node.name}.")

    visit(tree.body, "")
    return missing


def test_the_check_sees_what_is_missing() -> None:
    source = "def f():\n    pass\n\nclass C:\n    def m(self):\n        pass\n"
    assert undocumented(source) == ["module", "1: f", "4: C", "5: C.m"]
    documented = '"""A module."""\n\nclass C:\n    """Yes."""\n\n    class Meta:\n        pass\n'
    assert undocumented(documented + "\n    def _x(self): ...\n") == []
    assert undocumented("") == []


def test_the_check_covers_the_layers() -> None:
    names = {p.relative_to(SRC).as_posix() for p in files()}
    assert {"web/results/views.py", "reports/present.py", "charts/spec.py"} <= names
    assert {"grants/views.py", "grants/models.py", "grants/forms.py"} <= names
    assert not any("/migrations/" in name for name in names)


@pytest.mark.parametrize("package", PACKAGES)
def test_public_definitions_have_docstrings(package: str) -> None:
    found = [
        f"{path.relative_to(SRC)}:{item}"
        for path in files()
        if path.relative_to(SRC).parts[0] == package
        for item in undocumented(path.read_text(encoding="utf-8"))
    ]
    assert not found, "say what these are for:\n" + "\n".join(found)
