"""Fixtures for the accounts, audit and desk tests: users of each role and delivery files.

Delivery files are built from ``make_personnummer`` (synthetic, checksum-valid numbers made in
code); nothing real-looking is committed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.svf.test_reader import write_csv

PASSWORD = "Testlösen-för-skrivbordet-1"
HOME_REGION = "05"  # Östergötland
OTHER_REGION = "06"  # Jönköpings län
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def make_user(username: str, roles: list[str], regions: list[str] = ()) -> Any:  # type: ignore[assignment]
    from lofte.web.accounts.services import save_user

    return save_user(username, roles=roles, regions=regions, password=PASSWORD, create=True)


@pytest.fixture
def coordinator(db: Any) -> Any:
    return make_user("anna", ["svf_coordinator"], [HOME_REGION])


@pytest.fixture
def other_coordinator(db: Any) -> Any:
    return make_user("bo", ["svf_coordinator"], [OTHER_REGION])


@pytest.fixture
def admin(db: Any) -> Any:
    return make_user("admin", ["rcc_admin"])


@pytest.fixture
def statistician(db: Any) -> Any:
    return make_user("stina", ["statistician"])


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    """Run django-tasks in the request (no worker)."""
    settings.TASKS = IMMEDIATE


def _event(pnr: str, suffix: int, day: dt.date, region: str) -> list[str]:
    return [pnr, f"VG9{suffix:02d}", day.isoformat(), region, region, ""]


def good_rows(make_personnummer: Callable[..., str], region: str = HOME_REGION) -> list[list[str]]:
    """Breast-cancer pathways of ``region`` in 2024 (target 35 days from 2024-01-24):

    - patient 1: 10 → 50 in 20 days (within the lead time);
    - patient 2: 10 → 50 in 61 days (outside the lead time);
    - patient 3: 10 and 25, no end (ongoing; past the target at the 2024-12-31 cut-off);
    - patient 4: an orphan treatment event (50 without a start): a coding problem.
    """
    p = [make_personnummer(dt.date(1950 + i, 2 + i, 3 + i), 200 + i) for i in range(4)]
    rows = [
        _event(p[0], 10, dt.date(2024, 3, 1), region),
        _event(p[0], 25, dt.date(2024, 3, 5), region),
        _event(p[0], 50, dt.date(2024, 3, 21), region),
        _event(p[1], 10, dt.date(2024, 3, 1), region),
        _event(p[1], 25, dt.date(2024, 3, 10), region),
        _event(p[1], 50, dt.date(2024, 5, 1), region),
        _event(p[2], 10, dt.date(2024, 6, 1), region),
        _event(p[2], 25, dt.date(2024, 6, 10), region),
        _event(p[3], 50, dt.date(2024, 9, 2), region),
    ]
    return rows


def good_file(tmp_path: Path, make_personnummer: Callable[..., str], name: str = "bra.csv") -> Path:
    return write_csv(tmp_path / name, good_rows(make_personnummer))


def bad_file(
    tmp_path: Path, make_personnummer: Callable[..., str], name: str = "dalig.csv"
) -> Path:
    """Line 3 has a wrong check digit, line 4 an unknown KVÅ code."""
    rows = good_rows(make_personnummer)
    pnr = rows[1][0]
    rows[1][0] = pnr[:-1] + str((int(pnr[-1]) + 1) % 10)
    rows[2][1] = "XX999"
    return write_csv(tmp_path / name, rows)


WINDOW = {"window_from": "2024-01-01", "window_to": "2024-12-31"}
