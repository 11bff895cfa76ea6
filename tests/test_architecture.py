"""No import cycle anywhere in lofte (issue 17): between modules, and between the packages and
modules that are siblings at any depth (what import-linter's ``acyclic_siblings`` contract in
``pyproject.toml`` checks). Function-level and ``TYPE_CHECKING`` imports count: they tie the
modules together as much as any other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

import grimp
import pytest


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("lofte", cache_dir=None)


def cycles(nodes: Iterable[str], edges: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(nodes):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles("abcd", edges) == [["a", "b", "c"]]
    assert cycles("ab", {"a": {"b"}}) == []


def child_of(package: str, module: str) -> str | None:
    """The child of ``package`` that is or contains ``module`` (None outside ``package``)."""
    prefix = package + "."
    if not module.startswith(prefix):
        return None
    return prefix + module[len(prefix) :].split(".")[0]


def test_no_module_imports_itself_back(graph: grimp.ImportGraph):
    edges = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    assert cycles(graph.modules, edges) == []


def test_no_two_siblings_import_each_other(graph: grimp.ImportGraph):
    found = {}
    for package in sorted(m for m in graph.modules if graph.find_children(m)):
        edges: dict[str, set[str]] = defaultdict(set)
        for module in graph.find_descendants(package):
            for imported in graph.find_modules_directly_imported_by(module):
                a, b = child_of(package, module), child_of(package, imported)
                if a and b and a != b:
                    edges[a].add(b)
        if cyc := cycles(graph.find_children(package), edges):
            found[package] = cyc
    assert found == {}
