"""One definition of period naming (issue 17): :func:`lofte.core.period_names.period_name`.

The site, the report's text, its charts and tables all name a period with it, so the same period
reads the same everywhere in both languages; and no module writes the words itself.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.utils import translation

from lofte.core import period_names
from lofte.reports import charts, narrative, present
from lofte.reports.types import Sentence
from lofte.web.results import presentation

SRC = Path(__file__).resolve().parents[1] / "src" / "lofte"
LABELS = ["2025", "2025H1", "2025H2", "2024Q3", "2024Q4", "2025-03", "2019-12"]
#: The words of a period that only the one definition writes: an ordinal with its half or
#: quarter, in either language, or a run of month abbreviations.
WORDS = re.compile(
    r"\b(första|andra|tredje|fjärde)\s+(halvåret|kvartalet)\b"
    r"|\b(first|second|third|fourth)\s+(half|quarter)\s+of\b"
    r"|\bhalvåret\s+\{|\bhalf of\s+\{"
    r"|\b(jan|Jan)[–-](jun|Jun)\b|\b(jul|Jul)[–-](dec|Dec)\b",
)


@pytest.mark.parametrize("label", LABELS)
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_site_and_report_name_a_period_alike(label, lang):
    with translation.override(lang):
        site = presentation.period_text(label)
        site_short = presentation.period_text(label, short=True)
    assert site != label or label.isdigit()  # a year is its own name; other kinds are words
    sentence = Sentence(
        "n_series_break",
        {
            "regions": {"kind": "regions", "codes": ["01"]},
            "period": {"kind": "period", "label": label},
            "before": {"kind": "raw", "text": "a"},
            "after": {"kind": "raw", "text": "b"},
        },
    )
    assert site in narrative.render(sentence, {"01": "Stockholm"}, lang)
    assert present.period_name(label, lang) == site
    assert charts.period_name(label, lang) == site
    assert period_names.period_name(label, lang, short=True) == site_short


def test_the_report_modules_use_the_one_definition():
    for module in (narrative, present, charts):
        assert module.period_name is period_names.period_name, module.__name__


def _period_words(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and re.search(r"period_(name|text|words)", node.name):
            found.append(f"{node.lineno}: def {node.name}")
        text = None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        if text is not None and WORDS.search(text):
            found.append(f"{node.lineno}: {text[:50]!r}")
    return found


def test_the_scan_finds_a_copy(tmp_path):
    copy = tmp_path / "copy.py"
    copy.write_text(
        "def half_words(label, lang):\n"
        "    year, half = label[:4], label[5]\n"
        "    return f\"{'första' if half == '1' else 'andra'} halvåret {year}\"\n",
        encoding="utf-8",
    )
    assert _period_words(copy)
    copy.write_text('AXIS = {"2025H1": "jan–jun 2025"}\n', encoding="utf-8")
    assert _period_words(copy)
    copy.write_text("def period_name(label):\n    return label\n", encoding="utf-8")
    assert _period_words(copy)


def test_no_other_module_names_periods():
    allowed = {
        SRC / "core" / "period_names.py",  # the definition
        # The site's one wrapper: the definition in the visitor's language.
        SRC / "web" / "results" / "presentation.py",
    }
    found = [
        f"{path.relative_to(SRC)}:{hit}"
        for path in sorted(SRC.rglob("*.py"))
        if path not in allowed and "migrations" not in path.parts
        for hit in _period_words(path)
    ]
    assert not found, "name periods with lofte.core.period_names:\n" + "\n".join(found)
