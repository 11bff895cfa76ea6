"""The site's trend draws every target level (issue 14, Build 6), as the report does: the low
level dashed and the high level dotted, each with its key entry and value."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from lofte.charts import spec
from lofte.web.results import charts


def _trend(**levels: Any) -> dict[str, Any]:
    points = [
        {"name": "Riket", "full_name": "Riket", "period": p, "period_name": p, "period_long": p,
         "value": v, "label": f"{v} %", "width": 3.5, "segment": "SE#0"}
        for p, v in (("2024H2", 82.0), ("2025H1", 84.0))
    ]  # fmt: skip
    lines = [{"name": "Riket", "colour": spec.SITE_NATION, "width": 3.5}]
    with translation.override("sv"):
        return charts.trend(
            points, lines, ["2024H2", "2025H1"], 80.0, "Låg målnivå: 80,0 %", "percent",
            "Trend", **levels,
        )  # fmt: skip


def _rules(chart: dict[str, Any]) -> dict[str, tuple[float, list[int], str]]:
    """Each horizontal rule's key entry: (level, dash, colour)."""
    out = {}
    for layer in chart["layer"]:
        mark = layer.get("mark", {})
        if not isinstance(mark, dict) or mark.get("type") != "rule" or "y" not in layer["encoding"]:
            continue
        row = layer["data"]["values"][0]
        field = layer["encoding"]["y"]["field"]
        colour = layer["encoding"]["color"]
        assert colour["scale"]["domain"] == [row["key"]]  # one key entry, the words with the value
        out[row["key"]] = (row[field], mark["strokeDash"], colour["scale"]["range"][0])
    return out


def test_a_high_target_level_is_a_dotted_line_with_its_own_key_entry():
    rules = _rules(_trend(target_high=(95.0, "Hög målnivå: 95,0 %")))
    assert rules == {
        "Låg målnivå: 80,0 %": (80.0, [6, 3], spec.GOOD_ZONE),
        "Hög målnivå: 95,0 %": (95.0, [2, 2], spec.GOOD_ZONE),
    }


def test_one_level_is_one_line_and_a_borrowed_pair_two_references():
    assert list(_rules(_trend())) == ["Låg målnivå: 80,0 %"]
    borrowed = _rules(_trend(reference=True, target_high=(99.0, "Referens: 99,0 %")))
    assert {k: v[2] for k, v in borrowed.items()} == {
        "Låg målnivå: 80,0 %": spec.REFERENCE_INK,
        "Referens: 99,0 %": spec.REFERENCE_INK,
    }
