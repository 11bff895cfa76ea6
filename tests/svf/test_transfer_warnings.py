"""A patient transferred from another region is no orphan in the receiving region's report."""

from __future__ import annotations

import datetime as dt

import pytest

from lofte.svf.deliveries import import_delivery
from tests.svf.test_reader import write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lofte_home")]


def test_received_patient_is_not_an_orphan_once_the_sender_has_delivered(
    tmp_path, make_personnummer
):
    pnr = make_personnummer(dt.date(1948, 2, 11), 412)
    sent = write_csv(
        tmp_path / "jonkoping.csv",
        [
            [pnr, "VJ110", "2024-02-01", "06", "06", ""],
            [pnr, "VJ190", "2024-02-20", "06", "06", ""],
        ],
    )
    received = write_csv(
        tmp_path / "ostergotland.csv",
        [
            [pnr, "VJ191", "2024-02-21", "05", "06", ""],
            [pnr, "VJ150", "2024-03-15", "05", "06", ""],
        ],
    )
    alone = import_delivery(received, "05")
    orphan_lines = [w["line"] for w in alone.report["warnings"] if w.get("code") == "orphan"]
    assert orphan_lines == [2, 3]  # without the sender's delivery both events look orphaned

    import_delivery(sent, "06")
    again = write_csv(
        tmp_path / "ostergotland2.csv",
        [
            [pnr, "VJ191", "2024-02-21", "05", "06", ""],
            [pnr, "VJ150", "2024-03-16", "05", "06", ""],
        ],
    )
    later = import_delivery(again, "05")
    assert later.status == "active"
    assert not [w for w in later.report["warnings"] if w.get("code") == "orphan"]
