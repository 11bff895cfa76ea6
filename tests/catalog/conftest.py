"""Each catalogue test starts from a fresh cache and an empty LOFTE_HOME of its own."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from lofte.catalog import load


@pytest.fixture(autouse=True)
def lofte_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("LOFTE_HOME", str(home))
    load.cache_clear()
    yield home
    load.cache_clear()
