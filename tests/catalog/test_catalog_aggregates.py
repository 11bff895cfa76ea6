"""The aggregate indicators of promises 2–6 (SPEC §2, §6): sourced targets only."""

from lofte.catalog import load

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


def test_targets_name_their_source():
    cat = load()
    for ind in cat.indicators.values():
        if ind.source == "aggregate" and ind.target is not None:
            text = ind.target_source
            assert "http" in text or "seed 00" in text, ind.code


def test_score_scale_and_json():
    cat = load()
    assert cat.indicator("npe_delaktighet").scale == (0, 100)
    data = {i["code"]: i for i in cat.as_json("indicators")}
    assert data["mdk_andel"]["target"] == {"low": 90, "high": 99}
    assert data["studier_oppna"]["min_cell"] == 1
