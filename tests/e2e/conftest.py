"""Browser tests: real Chromium (Debian's ``/usr/bin/chromium``) driven by Playwright.

No browser is downloaded: ``make test`` installs Debian's chromium through ``.ci/system-deps``.
The tests fail (not skip) when it is missing, so CI cannot pass without running them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("LOFTE_CHROMIUM", "/usr/bin/chromium"))

# Chromium on a closed network: no background traffic, no sandbox when running as root in CI.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

# Django's live server runs in a thread; Playwright's sync API runs its own event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run .ci/system-deps (installs Debian's chromium)")
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="sv-SE")
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()
