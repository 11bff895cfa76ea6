"""Core's words come from its own gettext catalogue (:mod:`lofte.core.i18n`, ADR 0741): every
word core uses has its English there, the language is the argument (never Django's active
one), and the engine's event flags have one table of labels."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import lofte
from lofte.core import event_flags, i18n, period_names

SRC = Path(lofte.__file__).resolve().parent


def _english() -> dict[str, str]:
    return dict(i18n._catalogue("en")._catalog)  # type: ignore[attr-defined]


def _used() -> list[tuple[str, str]]:
    """Every (context, Swedish message id) core looks up."""
    used = [("month abbreviated", m) for m in period_names._MONTHS]
    used += [("month", m) for m in period_names._MONTHS_LONG]
    used += [("ordinal", o) for o in period_names._ORDINALS]
    used += [("period", p) for p in (period_names._HALF, period_names._QUARTER)]
    used += [("period", period_names._NO_DATA)]
    used += [("event flag", m) for m in event_flags.LABELS.values()]
    return used


def test_every_word_core_uses_has_its_english() -> None:
    english = _english()
    missing = [(c, m) for c, m in _used() if f"{c}\x04{m}" not in english]
    assert not missing
    # and the catalogue holds nothing core no longer uses
    assert {k for k in english if k} == {f"{c}\x04{m}" for c, m in _used()}


def test_patterns_keep_their_placeholders() -> None:
    english = _english()
    for context, message in _used():
        fields = set(re.findall(r"\{(\w+)\}", message))
        assert set(re.findall(r"\{(\w+)\}", english[f"{context}\x04{message}"])) == fields


@pytest.mark.parametrize(
    ("label", "sv", "en"),
    [
        ("2022H2", "andra halvåret 2022", "second half of 2022"),
        ("2025Q1", "första kvartalet 2025", "first quarter of 2025"),
        ("2025-03", "mars 2025", "March 2025"),
        ("2025", "2025", "2025"),
    ],
)
def test_the_language_is_the_argument(label: str, sv: str, en: str) -> None:
    from django.utils import translation

    for active in ("sv", "en"):
        with translation.override(active):
            assert period_names.period_name(label, "sv") == sv
            assert period_names.period_name(label, "en-gb") == en


def test_every_flag_the_engine_raises_has_a_label() -> None:
    """The flags of the reference engine and of the SQL are the table's keys, in both
    languages."""
    reference = (SRC / "svf" / "reference.py").read_text(encoding="utf-8")
    sql = (SRC / "svf" / "sql" / "assemble.sql").read_text(encoding="utf-8")
    raised = {
        word
        for line in sql.splitlines()
        if "AS flag" in line
        for word in re.findall(r"'(\w+)'", line)
    }
    for node in ast.walk(ast.parse(reference)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_flag":
            raised |= {c.value for c in ast.walk(node.args[1]) if isinstance(c, ast.Constant)}
    assert raised == set(event_flags.LABELS)
    for flag, swedish in event_flags.LABELS.items():
        assert event_flags.label(flag) == swedish
        assert event_flags.label(flag, "en") not in ("", swedish)
    assert event_flags.label("something_new", "en") == "something_new"


def test_one_table_of_flag_labels() -> None:
    """No second copy of the labels: their Swedish words appear in no other Python file."""
    found = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if path != SRC / "core" / "event_flags.py"
        and any(m in path.read_text(encoding="utf-8") for m in event_flags.LABELS.values())
    ]
    assert not found


@pytest.mark.parametrize(
    ("label", "sv", "en"),
    [
        ("2026H2", "andra halvåret 2026 (inga uppgifter)", "second half of 2026 (no data)"),
        ("2026", "2026 (jan–mar)", "2026 (Jan–Mar)"),
        ("2026Q1", "första kvartalet 2026", "first quarter of 2026"),
        ("2026Q2", "andra kvartalet 2026 (inga uppgifter)", "second quarter of 2026 (no data)"),
    ],
)
def test_a_period_the_data_do_not_cover_says_so(label: str, sv: str, en: str) -> None:
    import datetime as dt

    end = dt.date(2026, 3, 31)
    assert period_names.period_name(label, "sv", data_end=end) == sv
    assert period_names.period_name(label, "en", data_end=end) == en
