"""The import's vectorised personnummer check (``validate._check_personnummer``) decides every
value as the core module's checker does, and agrees with python-stdnum, the oracle, wherever
stdnum's rules are SPEC §3's (see ``tests/core/test_personnummer.py`` for the differences)."""

from __future__ import annotations

import datetime

import numpy as np
import pyarrow as pa
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lofte.core.personnummer import REASON_CHECKSUM, REASON_DATE, REASON_FUTURE, normalize_many
from lofte.svf import validate
from tests.core.test_personnummer import (
    CANONICAL,
    almost_canonical,
    century_by_age,
    generated_numbers,
    random_strings,
    same_two_digit_year,
    stdnum_verdict,
    todays,
    with_check_digit,
)

TODAY = datetime.date(2025, 3, 15)


def vectorised(values: list[str], today: datetime.date) -> list[tuple[str | None, str | None]]:
    """(normalised, reason) per value through the import's column check."""
    normalised, reasons, _ = validate._check_personnummer(pa.array(values, pa.string()), today)
    return list(zip(normalised.to_pylist(), reasons.to_pylist(), strict=True))


def core(values: list[str], today: datetime.date) -> list[tuple[str | None, str | None]]:
    """The same through the core module, with the import's reason for an empty value."""
    normalised, reasons = normalize_many(values, today)
    return [
        (n, validate.MISSING_VALUE if not v else r)
        for v, n, r in zip(values, normalised, reasons, strict=True)
    ]


def decided_by_the_vector(values: list[str], today: datetime.date) -> np.ndarray:
    code, _ = validate._personnummer_codes(pa.array(values, pa.string()), today)
    return code >= 0


@settings(max_examples=200, deadline=None)
@given(st.lists(generated_numbers(), min_size=1, max_size=20), todays)
def test_agrees_with_the_core_checker_and_stdnum(cases, today):
    # the same numbers as written (padded ones go to the core checker) and trimmed, as the
    # reader delivers them (all of them decided by the vectorised check)
    raw = [number for number, _ in cases]
    trimmed = [number.strip() for number in raw]
    values = raw + trimmed
    assert vectorised(values, today) == core(values, today)
    assert decided_by_the_vector(trimmed, today).all()
    for number, verdict in zip(trimmed, vectorised(trimmed, today), strict=True):
        if not same_two_digit_year(number, today):
            assert verdict == stdnum_verdict(number, today)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(random_strings, almost_canonical), min_size=1, max_size=20), todays)
def test_random_strings_get_the_core_checkers_verdict(values, today):
    assert vectorised(values, today) == core(values, today)
    for value, (normalised, reason) in zip(values, vectorised(values, today), strict=True):
        if CANONICAL.fullmatch(value.strip()) and not same_two_digit_year(value, today):
            assert (normalised, reason) == stdnum_verdict(value, today)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 99),
    st.integers(1, 12),
    st.integers(1, 28),
    st.integers(0, 999),
    st.sampled_from(["", "-", "+"]),
    todays,
)
@example(25, 3, 15, 123, "-", TODAY)  # born today
@example(25, 3, 16, 123, "-", TODAY)  # a birthday still to come this year: a century earlier
@example(25, 3, 16, 123, "+", TODAY)
def test_century_of_ten_digits_by_age(yy, month, day, serial, separator, today):
    ten = with_check_digit(f"{yy:02d}{month:02d}{day:02d}{serial:03d}")
    raw = ten[:6] + separator + ten[6:]
    [(normalised, reason)] = vectorised([raw], today)
    expected_year = century_by_age(yy, month, day, separator == "+", today)
    if expected_year < 1:
        assert (normalised, reason) == (None, REASON_DATE)
        return
    assert reason is None
    assert normalised == f"{expected_year:04d}"[:2] + ten


def test_reasons_codes_and_positions(make_personnummer):
    good = make_personnummer(datetime.date(1950, 3, 1), 12)  # 12 digits
    bad_check = good[:-1] + str((int(good[-1]) + 1) % 10)
    future = with_check_digit("20990101123")
    values = [
        good,
        good[:8] + "-" + good[8:],
        "19500230-1234",  # 30 February
        bad_check,
        future[:8] + "-" + future[8:],
        " " + good,  # padded: decided by the core checker, same result
        "",
        good[:8] + "\u2212" + good[8:],  # a minus sign, as spreadsheets write it
        "abc",
        good[2:],  # ten digits: 1950, not 2050, on 2025-03-15
        good,
    ]
    normalised, reasons, codes = validate._check_personnummer(pa.array(values), TODAY)
    valid = [True, True, False, False, False, True, False, True, False, True, True]
    assert normalised.to_pylist() == [good if ok else None for ok in valid]
    assert reasons.to_pylist()[2:5] == [REASON_DATE, REASON_CHECKSUM, REASON_FUTURE]
    assert reasons.to_pylist()[6] == validate.MISSING_VALUE
    assert codes.to_pylist() == [
        *(None, None),
        *["personnummer"] * 3,
        *(None, "missing", None, "personnummer", None, None),
    ]
    assert decided_by_the_vector(values, TODAY).tolist() == [
        True,
        True,
        True,
        True,
        True,
        False,
        False,
        False,
        False,
        True,
        True,
    ]
    assert vectorised(values, TODAY) == core(values, TODAY)


def test_all_shapes_in_one_column_keep_their_positions():
    numbers = [with_check_digit(f"{y:02d}0101{s:03d}") for y in range(0, 100, 7) for s in (1, 2)]
    values = []
    for i, ten in enumerate(numbers):
        century = "19" if i % 2 else "20"
        values += [ten, ten[:6] + "-" + ten[6:], century + ten, century + ten[:6] + "-" + ten[6:]]
    values += ["", "x" * 12, "12345"]
    assert vectorised(values, TODAY) == core(values, TODAY)
