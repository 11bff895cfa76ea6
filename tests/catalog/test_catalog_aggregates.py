"""The aggregate indicators of promises 2–6 (SPEC §2, §6): sourced targets only."""

import re

from lofte.catalog import load
from lofte.catalog.model import TARGET_KINDS

AGGREGATE = {
    "mdk_andel": (2, "percent", {"low": 90, "high": 99}),
    "kontaktsjukskoterska_andel": (3, "percent", {"low": 95, "high": 99}),
    "min_vardplan_andel": (3, "percent", {"low": 95, "high": 99}),
    "npe_delaktighet": (3, "score", None),
    "pal_munhalsobedomning": (4, "percent", {"value": 90}),
    "pal_smartskattning": (4, "percent", {"value": 100}),
    "pal_vidbehov_opioid": (4, "percent", {"value": 98}),
    "pal_vidbehov_angestdampande": (4, "percent", {"value": 98}),
    "pal_utan_trycksar": (4, "percent", {"value": 90}),
    "pal_brytpunktssamtal": (4, "percent", {"value": 98}),
    "pal_tackningsgrad": (4, "percent", {"value": 70}),
    "screening_cervix_tackning": (5, "percent", {"value": 85}),
    "screening_mammografi_deltagande": (5, "percent", None),
    "screening_tarm_deltagande": (5, "percent", None),
    "hpv_catch_up": (5, "percent", {"value": 70}),
    "cancerregister_tackning": (None, "percent", None),
    "overlevnad_tjocktarm_5ar": (2, "percent", {"value": 67}),
    "studier_oppna": (6, "count", None),
    "studier_andel_inkluderade": (6, "percent", None),
}


def test_aggregate_indicators():
    cat = load()
    found = {i.code: i for i in cat.indicators.values() if i.source == "aggregate"}
    assert set(found) == set(AGGREGATE)
    for code, (promise, unit, target) in AGGREGATE.items():
        ind = found[code]
        got = None if ind.target is None else ind.target.as_json()
        assert (ind.promise, ind.unit, got) == (promise, unit, target), code
        assert ind.direction == "higher_better", code
        assert ind.target_source.strip(), code
        assert ind.name_sv and ind.name_en and ind.description_sv and ind.description_en, code


def test_every_promise_2_to_6_has_an_indicator():
    promises = {i.promise for i in load().indicators.values() if i.source == "aggregate"}
    assert {2, 3, 4, 5, 6} <= promises


def test_targets_have_a_kind_and_a_source_in_words():
    cat = load()
    codes = set(cat.indicators)
    for ind in cat.indicators.values():
        if ind.target is not None:
            assert ind.target_kind in TARGET_KINDS, ind.code
            assert ind.target.source == ind.target_source, ind.code
        for text in (ind.target_source, ind.target_source_en, ind.description_sv):
            assert text.strip(), ind.code
            # Words a reader understands: no notes files, seed numbers, script links or codes.
            for word in ("seed", "research/", ".md", "§", "github", ".R "):
                assert word not in text, (ind.code, word)
            assert not codes & set(re.findall(r"[a-z0-9_]+", text)), ind.code


def test_borrowed_targets_are_references():
    cat = load()
    # Annex 1 itself says the other registers' MDK, contact-nurse and care-plan levels are
    # unknown: the breast-cancer register's levels are only a reference for them.
    for code in ("mdk_andel", "kontaktsjukskoterska_andel", "min_vardplan_andel"):
        target = cat.target_for(code, "sydost", "2025")
        assert target is not None and target.kind == "reference" and not target.judged
    assert cat.target_for("pal_tackningsgrad").kind == "register_level"
    assert cat.target_for("svf_inklusion").judged


def test_score_scale_and_json():
    cat = load()
    assert cat.indicator("npe_delaktighet").scale == (0, 100)
    data = {i["code"]: i for i in cat.as_json("indicators")}
    assert data["mdk_andel"]["target"] == {"low": 90, "high": 99}
    assert data["studier_oppna"]["min_cell"] == 1
