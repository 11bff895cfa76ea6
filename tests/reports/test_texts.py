"""The report's words come from gettext (ADR 0725): Swedish message ids in ``texts.py``, their
English in the catalogue of ``lofte.reports``, and the compiled ``.mo`` is what Django reads."""

from __future__ import annotations

import ast
import gettext
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

from lofte.catalog import load
from lofte.reports import texts

REPORTS = Path(texts.__file__).resolve().parent
MESSAGES = REPORTS / "locale" / "en" / "LC_MESSAGES"


def marked() -> list[tuple[str, str]]:
    """(context, message id) of every text ``texts.py`` marks, as ``makemessages`` finds them."""
    tree = ast.parse((REPORTS / "texts.py").read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "pgettext_lazy":
            context, message = (ast.literal_eval(arg) for arg in node.args)
            found.append((context, message))
    return found


def compiled(path: Path) -> dict[str, str]:
    with path.open("rb") as fh:
        return dict(gettext.GNUTranslations(fh)._catalog)  # type: ignore[attr-defined]


def test_every_text_has_its_english_in_the_compiled_catalogue() -> None:
    catalogue = compiled(MESSAGES / "django.mo")
    texts_marked = marked()
    assert len(texts_marked) >= len(texts.TEXTS) + len(texts.SHEET_NAMES)
    missing = [m for c, m in texts_marked if not catalogue.get(f"{c}\x04{m}")]
    assert not missing


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs msgfmt (Debian: gettext)")
def test_the_committed_mo_is_the_compiled_po(tmp_path: Path) -> None:
    out = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(out), str(MESSAGES / "django.po")], check=True)
    assert compiled(out) == compiled(MESSAGES / "django.mo")


def test_texts_follow_the_language_asked_for() -> None:
    assert texts.t("status_met", "sv") == "Uppfyllt"
    assert texts.t("status_met", "en") == "Met"
    assert texts.t("promise", "en", n=3) == "Promise 3"
    # the language given wins over the active one, and the active one is left as it was
    with translation.override("en"):
        assert texts.t("status_met", "sv") == "Uppfyllt"
        assert translation.get_language() == "en"
    # a sheet name and its context: the same Swedish words are a title elsewhere
    assert texts.t("sheet_mdk", "en") == "Two MDT measures"
    assert texts.t("mdk_pair_title", "en") == "Two measures of MDT conferences"
    assert texts.sheet_name("svf_inklusion", "en") == "Inclusion in SVF"
    assert texts.sheet_name("no_such_indicator", "en") == ""


def test_region_names_are_the_regions_own_in_english() -> None:
    catalog = load()
    regions = {code: catalog.region(code).name for code in ("05", "06", "sydost", "SE")}
    english = texts.region_names(regions, "en")
    assert english == {
        "05": "Region Östergötland",  # English already
        "06": "Region Jönköping County",
        "sydost": "South East Healthcare Region",
        "SE": "Sweden",
    }
    swedish = texts.region_names(regions, "sv")
    assert swedish == {**regions, "SE": "Riket"}


def test_every_translated_region_name_is_a_name_in_the_catalogue() -> None:
    # a region renamed in regions.yaml would otherwise lose its English name silently
    names = {region.name for region in load().regions.values()}
    translated = [m for c, m in marked() if c == "region"]
    assert len(translated) == len(texts.REGION_NAMES)
    assert set(translated) <= names


def test_the_number_format_is_one_function_per_language() -> None:
    assert texts.number(1234.56, "percent", "sv") == "1234,6\u00a0%"
    assert texts.number(1234.56, "percent", "en") == "1234.6\u00a0%"
    assert texts.number(12, "days", "sv") == "12\u00a0dagar"
    assert texts.number(12, "days", "en") == "12\u00a0days"
    assert texts.number(12345, "count", "sv") == "12\u00a0345"
    assert texts.number(None, "percent", "en") == "–"
