"""The early warning of a demo coordinator in real Chromium (issue 16, *Done when*).

The demo generator writes the quick synthetic data set; Östergötland's last delivery is
imported as ``lofte demo`` imports it, the cube computed, and the demo accounts created as the
demo creates them. The demo coordinator of Östergötland signs in with her demo password and
opens the list of pathways about to pass their target: every row must point to the delivery,
the file and the line of the pathway's start (10) in that file — checked by reading that line
of the file back: the KVÅ code of the row's pathway with suffix 10, the row's start date, and
the person whose pseudonym the row shows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from lofte import config
from lofte.catalog import load
from lofte.core.pseudonym import pseudonymise
from lofte.cube import service as cube_service
from lofte.demo import generate
from lofte.svf.deliveries import import_delivery
from lofte.web.accounts.services import create_demo_accounts
from tests.demo.demo_reading import ALIASES, TODAY, normalise_pnr, parse_date
from tests.demo.demo_reading import sniff as sniff_file

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("lofte_home"),
]

COUNTY = "05"
COORDINATOR = "demo-samordnare-ostergotland"


def cells(row) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.strip() for c in row.locator("td, th").all_text_contents()]


def file_lines(path) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    """The delivery's rows by file line (line 1 is the header), keys in lower case."""
    found = sniff_file(path)
    text = path.read_bytes().decode(found.encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=found.delimiter)
    rows = list(reader)
    header = [ALIASES.get(h.strip().lower(), h.strip().lower()) for h in rows[0]]
    return [{}, {}, *(dict(zip(header, r, strict=False)) for r in rows[1:])]


def test_the_demo_coordinators_early_warning_points_to_file_and_line(live_server, page, tmp_path):
    manifest = generate(tmp_path / "demo", quick=True, today=TODAY)
    item = [d for d in manifest.deliveries if d.region == COUNTY and d.expected_valid][-1]
    delivery = import_delivery(
        item.path, item.region, item.window_from, item.window_to, user="demo", today=TODAY
    )
    assert delivery.outcome == "imported", delivery
    cube_service.compute()
    password = next(p for user, _, p in create_demo_accounts() if user == COORDINATOR)
    base = live_server.url

    page.goto(f"{base}/konto/logga-in/")
    page.fill("#id_username", COORDINATOR)
    page.fill("#id_password", password)
    page.click("button[type=submit]:has-text('Logga in')")
    page.wait_for_url(f"{base}/konto/")
    page.goto(f"{base}/skrivbord/")
    page.wait_for_url(f"{base}/skrivbord/{COUNTY}/")
    counts = page.locator("#warning-counts tbody tr")
    within_14 = sum(int(cells(counts.nth(i))[2]) for i in range(counts.count()))
    assert within_14 > 0, "the quick demo has pathways about to pass their target"

    page.click("#warning-counts thead a:has-text('Inom 14 dagar')")
    page.wait_for_url(f"{base}/skrivbord/{COUNTY}/listor/snart-over-malet/?dagar=14")
    headers = [h.strip() for h in page.locator("#patient-list thead th").all_text_contents()]
    table = page.locator("#patient-list tbody tr")
    rows = [dict(zip(headers, cells(table.nth(i)), strict=True)) for i in range(table.count())]
    assert len(rows) == within_14
    assert [int(r["Dagar kvar"]) for r in rows] == sorted(int(r["Dagar kvar"]) for r in rows)

    lines = file_lines(item.path)
    catalog = load()
    prefixes = {p.name_sv: p.kva_prefix for p in catalog.pathways.values()}
    key = config.pseudonym_key()
    for row in rows:
        assert row["Leverans"] == str(delivery.pk) and row["Fil"] == item.path.name
        source = lines[int(row["Rad"])]
        assert source["kva"] == f"{prefixes[row['Vårdförlopp']]}10", row
        assert parse_date(source["datum"]) == dt.date.fromisoformat(row["Start"]), row
        pnr = normalise_pnr(source["personnummer"])
        assert pnr is not None and pseudonymise(pnr, key).startswith(row["Pseudonym"]), row
        # no personnummer reaches the page
        assert source["personnummer"] not in page.text_content("main")
