"""Synthetic personnummer, made in bulk with numpy and never stored anywhere but in the files.

The numbers are valid by construction (Luhn check digit over the last ten digits); a share of
them are *samordningsnummer* (day of birth + 60). Each patient gets a distinct number.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

STYLES = ("12", "12-", "10", "10-")  # YYYYMMDDNNNC, YYYYMMDD-NNNC, YYMMDDNNNC, YYMMDD-NNNC


def luhn_check_digit(nine: np.ndarray) -> np.ndarray:
    """Check digit of nine-digit numbers YYMMDDNNN (weights 2,1,2,… from the left)."""
    total = np.zeros(nine.shape, dtype=np.int64)
    rest = nine.astype(np.int64)
    # Digits from the right: positions 9..1; the weight is 2 on odd positions from the left,
    # i.e. on even positions from the right (counting the rightmost as 1).
    for position_from_right in range(1, 10):
        digit = rest % 10
        rest //= 10
        weight = 2 if position_from_right % 2 == 1 else 1
        product = digit * weight
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def make_numbers(
    birth_day: np.ndarray, male: np.ndarray, samordning: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Twelve-digit numbers as int64, distinct per patient.

    ``birth_day`` are days since 1970-01-01. The birth-number serial (three digits, the last of
    them odd for men) is given out per birth date in a shuffled order, so two patients never
    share a number.
    """
    n = birth_day.shape[0]
    births = birth_day.astype("datetime64[D]")
    year = births.astype("datetime64[Y]").astype(np.int64) + 1970
    month = births.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (births - births.astype("datetime64[M]")).astype(np.int64) + 1
    day = np.where(samordning, day + 60, day)
    sex = male.astype(np.int64)

    # Rank within (birth date, sex, samordning): distinct serials in each group.
    group = (birth_day.astype(np.int64) * 2 + sex) * 2 + samordning.astype(np.int64)
    order = np.lexsort((np.asarray(rng.random(n)), group))
    sorted_group = group[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_group)) + 1]
    sizes = np.diff(np.r_[starts, n])
    if sizes.max(initial=0) > 499:
        raise ValueError("too many patients share a birth date for distinct serial numbers")
    rank = np.arange(n) - np.repeat(starts, sizes)
    offset = np.repeat(rng.integers(0, 499, size=starts.shape[0]), sizes)
    k_sorted = 1 + (rank * 7 + offset) % 499  # 7 is coprime to 499: a permutation per group
    k = np.empty(n, dtype=np.int64)
    k[order] = k_sorted
    serial = np.where(sex == 1, 2 * k - 1, 2 * k)  # odd for men, even for women (1..998)

    nine = (year % 100) * 10_000_000 + month * 100_000 + day * 1_000 + serial
    check = luhn_check_digit(nine)
    return year * 100_000_000 + month * 1_000_000 + day * 10_000 + serial * 10 + check


def formatted(numbers: np.ndarray, today: date) -> dict[str, pa.Array]:
    """The numbers as strings in every style of :data:`STYLES`.

    Ten-digit forms take ``+`` instead of ``-`` for people who are 100 or older on ``today``,
    as the Swedish rules say; a ten-digit form without separator cannot show that, so those
    people keep the ``+`` form there too.
    """
    twelve = pa.array(numbers.astype(np.int64)).cast(pa.string())
    date_part = pc.utf8_slice_codeunits(twelve, 0, 8)
    tail = pc.utf8_slice_codeunits(twelve, 8, 12)
    short_date = pc.utf8_slice_codeunits(twelve, 2, 8)
    year = numbers // 100_000_000
    month_day = (numbers // 10_000) % 10_000
    day = month_day % 100
    month_day = np.where(day > 60, month_day - 60, month_day)
    # 100 or older on `today`: born on or before the same day 100 years earlier.
    centenarian = (year < today.year - 100) | (
        (year == today.year - 100) & (month_day <= today.month * 100 + today.day)
    )
    separator = pa.array(np.where(centenarian, "+", "-"))
    ten_dash = pc.binary_join_element_wise(short_date, separator, tail, "")
    ten = pc.if_else(pa.array(centenarian), ten_dash, pc.utf8_slice_codeunits(twelve, 2, 12))
    return {
        "12": twelve,
        "12-": pc.binary_join_element_wise(date_part, tail, "-"),
        "10": ten,
        "10-": ten_dash,
    }
