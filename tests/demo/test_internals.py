"""Building blocks of the generator: personnummer in bulk, lead-time lookup, full-scale speed."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from lofte.catalog import load
from lofte.demo import generate
from lofte.demo.generate import _world
from lofte.demo.personnummer import formatted, luhn_check_digit, make_numbers
from lofte.demo.simulate import EPOCH, simulate, target_days

from .demo_reading import TODAY, luhn_ok, normalise_pnr


def test_check_digit_matches_the_textbook_example():
    # Skatteverket's example: 811218-9876 (check digit 6).
    assert luhn_check_digit(np.array([811218987]))[0] == 6


def test_numbers_are_distinct_valid_and_keep_sex_and_birth_date():
    rng = np.random.default_rng(1)
    n = 50_000
    birth = rng.integers(-20_000, 5_000, n)
    male = rng.random(n) < 0.5
    samordning = rng.random(n) < 0.05
    numbers = make_numbers(birth, male, samordning, rng)
    assert np.unique(numbers).shape[0] == n
    texts = [str(x) for x in numbers.tolist()]
    assert all(luhn_ok(t[2:]) for t in texts)
    for text, b, m, s in list(zip(texts, birth, male, samordning, strict=True))[:2000]:
        day = int(text[6:8])
        assert (day > 60) == s
        born = date(int(text[:4]), int(text[4:6]), day - 60 if s else day)
        assert born == EPOCH + timedelta(days=int(b))
        assert int(text[10]) % 2 == int(m)


def test_every_style_normalises_back_to_the_same_number():
    rng = np.random.default_rng(2)
    birth = np.array([(date(1921, 3, 1) - EPOCH).days, (date(1960, 12, 24) - EPOCH).days])
    numbers = make_numbers(birth, np.array([True, False]), np.array([False, True]), rng)
    styles = formatted(numbers, TODAY)
    for i, number in enumerate(numbers.tolist()):
        for array in styles.values():
            assert normalise_pnr(array[i].as_py()) == str(number)
    assert "+" in styles["10-"][0].as_py(), "born 1921: 100 or older in 2026"
    assert "-" in styles["10-"][1].as_py()


def test_vectorised_targets_agree_with_the_catalogue():
    cat = load()
    world = _world(cat, 3, date(2026, 6, 30), 0.01)
    sim = simulate(world)
    inst = sim.instances
    targets = target_days(world, inst.pathway, inst.end, inst.end_suffix, inst.extended)
    for k in range(0, len(inst), max(1, len(inst) // 3000)):
        pathway = world.pathways[inst.pathway[k]].id
        end = EPOCH + timedelta(days=int(inst.end[k]))
        expected = cat.target_days(pathway, end, int(inst.end_suffix[k]), bool(inst.extended[k]))
        assert targets[k] == (-1 if expected is None else expected)


def test_default_today_is_the_current_date_and_progress_is_reported(tmp_path):
    calls = []
    manifest = generate(tmp_path, quick=True, progress=lambda *args: calls.append(args))
    assert manifest.today == date.today()
    assert manifest.period_to < date.today()
    completed = [c[1] for c in calls]
    assert completed == sorted(completed) and calls[-1][1] == calls[-1][2]
    assert all(isinstance(c[0], str) and c[0] for c in calls)


@pytest.mark.slow
def test_full_scale_has_swedish_volume(tmp_path):
    # Speed is measured by bench/run.py, never by a timed test.
    manifest = generate(tmp_path, today=TODAY)
    assert 480_000 <= manifest.instances <= 560_000
