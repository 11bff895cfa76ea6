"""Functions of the web and reports layers stay small enough to read (issue 17).

Every function or method under ``lofte.web``, ``lofte.reports``, ``lofte.charts`` and
``lofte.grants`` (the grants web app) has at most 60 lines and a cyclomatic complexity of at
most 15 (radon's measure). The 28 functions that were larger when the rule came in
(``_page_context`` 365 lines and complexity 86, ``present`` 269 and 48 among them), and the
seven of grants when it joined (``_application_page`` 92 and 39), have all been split, so there
are no exceptions.
"""

from __future__ import annotations

from pathlib import Path

from radon.complexity import cc_visit
from radon.visitors import Function

SRC = Path(__file__).resolve().parents[1] / "src" / "lofte"
PACKAGES = ("web", "reports", "charts", "grants")
MAX_LINES = 60
MAX_COMPLEXITY = 15


def measured() -> dict[tuple[str, str], tuple[int, int]]:
    """Lines and complexity of every function and method in the checked packages."""
    sizes: dict[tuple[str, str], tuple[int, int]] = {}
    for package in PACKAGES:
        for path in sorted((SRC / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            module = path.relative_to(SRC).with_suffix("").as_posix().replace("/", ".")
            for block in cc_visit(path.read_text(encoding="utf-8")):
                for item in [block, *getattr(block, "methods", [])]:
                    if isinstance(item, Function):
                        lines = item.endline - item.lineno + 1
                        sizes[(module, item.fullname)] = (lines, item.complexity)
    return sizes


SIZES = measured()


def test_the_measure_sees_functions() -> None:
    assert len(SIZES) > 300
    assert ("web.results.views", "indicator_page") in SIZES
    assert ("grants.views", "_application_page") in SIZES


def test_every_function_meets_the_limits() -> None:
    over = {
        key: size
        for key, size in SIZES.items()
        if (size[0] > MAX_LINES or size[1] > MAX_COMPLEXITY)
    }
    assert not over, f"split these functions (lines, complexity): {over}"
