"""Every public module, class, method and function of ``lofte.reports`` says what it is for
(issue 17, Build 5): a maintainer reads the docstring, not the body, to learn what a function
promises."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPORTS = Path(__file__).resolve().parents[2] / "src" / "lofte" / "reports"
#: The chart modules are being merged into one chart-spec module (issue 17, Build 1) by other
#: work; they join this test when that lands.
LATER = {"charts.py", "svg.py"}


def undocumented(source: str) -> list[str]:
    """The public definitions of a module without a docstring ("module" for the module)."""
    tree = ast.parse(source)
    missing = [] if ast.get_docstring(tree) else ["module"]
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef | ast.ClassDef) or node.name.startswith("_"):
            continue
        if not ast.get_docstring(node):
            missing.append(node.name)
        if isinstance(node, ast.ClassDef):
            missing += [
                f"{node.name}.{item.name}"
                for item in node.body
                if isinstance(item, ast.FunctionDef)
                and not item.name.startswith("_")
                and not ast.get_docstring(item)
            ]
    return missing


def test_the_check_finds_what_is_missing() -> None:
    source = '"""A module."""\n\ndef shown():\n    pass\n\nclass Kept:\n    """Yes."""\n\n'
    source += "    def method(self):\n        pass\n\ndef _private():\n    pass\n"
    assert undocumented(source) == ["shown", "Kept.method"]
    assert undocumented("x = 1\n") == ["module"]


@pytest.mark.parametrize(
    "path",
    sorted(p for p in REPORTS.glob("*.py") if p.name not in LATER),
    ids=lambda p: p.name,
)
def test_public_definitions_have_docstrings(path: Path) -> None:
    assert undocumented(path.read_text(encoding="utf-8")) == []
