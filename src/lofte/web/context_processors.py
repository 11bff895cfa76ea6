"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.http import HttpRequest

SYNTHETIC_CACHE_SECONDS = 60


def synthetic_data(request: HttpRequest) -> dict[str, Any]:
    """``synthetic_data``: the installation runs on the demo's synthetic data, so every page says
    so. Looked up in the database at most once a minute per process."""
    flag = cache.get("lofte-synthetic-data")
    if flag is None:
        from lofte.reports.model import synthetic_inputs

        flag = synthetic_inputs()
        cache.set("lofte-synthetic-data", flag, SYNTHETIC_CACHE_SECONDS)
    return {"synthetic_data": flag}
