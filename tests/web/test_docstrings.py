"""Every public function and class of the staff apps and the web project's own modules says in
its docstring what it is (issue 17, Build 5): the desk, accounts, audit and plans apps and the
modules directly in ``lofte.web``. Django's inner ``Meta`` classes are configuration, not API."""

from __future__ import annotations

import ast
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "src" / "lofte" / "web"
APPS = ("desk", "accounts", "audit", "plans")


def _files() -> list[Path]:
    files = [p for app in APPS for p in sorted((WEB / app).rglob("*.py"))]
    return [p for p in files + sorted(WEB.glob("*.py")) if "migrations" not in p.parts]


def undocumented(source: str) -> list[str]:
    """Public functions, methods and classes of ``source`` without a docstring."""
    missing = []

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

    visit(ast.parse(source).body, "")
    return missing


def test_the_check_sees_a_missing_docstring():
    source = "def f():\n    pass\n\nclass C:\n    def m(self):\n        '''Yes.'''\n"
    assert undocumented(source) == ["1: f", "4: C"]
    assert undocumented("class C:\n    class Meta:\n        pass\n    def _x(self): ...\n") == [
        "1: C"
    ]


def test_public_definitions_have_docstrings():
    assert len(_files()) > 30
    found = [
        f"{path.relative_to(WEB)}:{item}"
        for path in _files()
        for item in undocumented(path.read_text(encoding="utf-8"))
    ]
    assert not found, "say in one line what these are:\n" + "\n".join(found)
