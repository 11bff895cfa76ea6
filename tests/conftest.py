"""Fixtures shared by all test packages.

- ``lofte_home``: a private, empty ``LOFTE_HOME`` for the test (event store, keys, catalogue
  overrides), with the catalogue cache cleared around it. Opt in per module with
  ``pytestmark = pytest.mark.usefixtures("lofte_home")``.
- ``make_personnummer``: synthetic, checksum-valid personnummer built in code, so that no
  real-looking numbers need to be committed as fixtures.
- ``engine_config``: the tuned and the plain engine configuration in turn, in force for the
  test (``tests/engine_configs.py``); the engine property tests take it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from lofte.svf import tuning
from lofte.svf.tuning import EngineConfig
from tests.engine_configs import CONFIGS


def luhn_digit(nine_digits: str) -> str:
    """The check digit of a personnummer from its nine digits ``YYMMDDNNN``."""
    total = 0
    for position, char in enumerate(nine_digits):
        product = int(char) * (2 if position % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return str((10 - total % 10) % 10)


def personnummer(birth: dt.date, serial: int = 1, *, coordination: bool = False) -> str:
    """A valid 12-digit number ``YYYYMMDDNNNC`` (a *samordningsnummer* when ``coordination``)."""
    day = birth.day + (60 if coordination else 0)
    nine = f"{birth:%y%m}{day:02d}{serial % 1000:03d}"
    return f"{birth.year // 100:02d}{nine}{luhn_digit(nine)}"


@pytest.fixture
def make_personnummer() -> Callable[..., str]:
    """``make_personnummer(birth_date, serial=1, coordination=False)`` → 12 digits."""
    return personnummer


@pytest.fixture(autouse=True)
def _no_language_leaks() -> Iterator[None]:
    """Every test starts and ends in the default language: a test client request in English
    leaves English active in the thread (LocaleMiddleware does not switch back), and a later
    test in the same worker would then get English messages."""
    yield
    import sys

    if "django.utils.translation" in sys.modules:
        from django.conf import settings

        if settings.configured:
            from django.utils import translation

            translation.deactivate()


def _clear_catalog_cache() -> None:
    try:
        from lofte.catalog import load
    except ImportError:  # pragma: no cover - the catalogue package is optional here
        return
    cache_clear = getattr(load, "cache_clear", None)
    if cache_clear is not None:
        cache_clear()


@pytest.fixture
def lofte_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty ``LOFTE_HOME`` of the test's own, with its own pseudonym key."""
    home = tmp_path / "lofte_home"
    home.mkdir()
    monkeypatch.setenv("LOFTE_HOME", str(home))
    monkeypatch.delenv("LOFTE_PSEUDONYM_KEY", raising=False)
    _clear_catalog_cache()
    yield home
    _clear_catalog_cache()


@pytest.fixture(params=[c for c, _ in CONFIGS], ids=[name for _, name in CONFIGS])
def engine_config(request: pytest.FixtureRequest) -> Iterator[EngineConfig]:
    """Each engine configuration in turn (tuned, plain), in force for the test
    (``tests/engine_configs.py``)."""
    with tuning.using(request.param) as config:
        yield config
