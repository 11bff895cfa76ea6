"""The import service (SPEC §3): all or nothing, supersede, refuse partial overlaps, no-op on an
identical file, duplicates dropped, pseudonyms only, and the event file registered only after it
is completely written."""

from __future__ import annotations

import datetime as dt
import logging

import pyarrow.parquet as pq
import pytest

from lofte import config
from lofte.svf import deliveries, store
from lofte.svf.deliveries import DeliveryRefused, import_delivery
from lofte.svf.models import Delivery
from tests.svf.test_reader import HEADER, write_csv, write_parquet, write_xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lofte_home")]

TODAY = dt.date(2025, 6, 30)


@pytest.fixture
def people(make_personnummer) -> list[str]:
    return [make_personnummer(dt.date(1940 + i, 1 + i % 12, 1 + i), 100 + i) for i in range(4)]


def pathway_rows(pnr: str, start: str, region: str = "05") -> list[list[str]]:
    """A complete breast-cancer pathway: start, first visit, MDK, treatment."""
    day = dt.date.fromisoformat(start)
    return [
        [pnr, f"VG9{suffix:02d}", (day + dt.timedelta(days=offset)).isoformat(), region, region, ""]
        for suffix, offset in ((10, 0), (25, 5), (35, 12), (50, 20))
    ]


def delivery_file(tmp_path, people, name="leverans.csv", start="2024-01-10", extra=()):
    rows = [row for i, p in enumerate(people) for row in pathway_rows(p, start)]
    rows[4:4] = [list(r) for r in extra]
    return write_csv(tmp_path / name, rows)


def event_files() -> list:
    return sorted(config.subdir("events").iterdir())


def run(path, region="05", **kwargs):
    kwargs.setdefault("today", TODAY)
    return import_delivery(path, region, **kwargs)


def test_import_stores_pseudonymised_sorted_events(tmp_path, people):
    path = delivery_file(tmp_path, people)
    delivery = run(path, user="anna")
    assert delivery.outcome == "imported"
    assert delivery.status == Delivery.Status.ACTIVE
    assert (delivery.window_from, delivery.window_to) == (
        dt.date(2024, 1, 10),
        dt.date(2024, 1, 30),
    )
    assert (delivery.rows_read, delivery.rows_stored, delivery.error_count) == (16, 16, 0)
    assert delivery.created_by == "anna"
    assert delivery.report["file"]["name"] == "leverans.csv"

    files = store.active_event_files()
    assert files == [config.home() / delivery.events_path]
    assert event_files() == files
    table = pq.read_table(files[0])
    assert table.schema.equals(store.EVENT_SCHEMA, check_metadata=False)
    rows = table.to_pylist()
    assert {r["delivery_id"] for r in rows} == {delivery.pk}
    keys = [(r["patient"], r["pathway"], r["event_date"]) for r in rows]
    assert keys == sorted(keys)
    assert sorted(r["line"] for r in rows) == list(range(2, 18))
    assert {len(r["patient"]) for r in rows} == {64}
    assert len({r["patient"] for r in rows}) == 4
    first = next(r for r in rows if r["line"] == 2)
    assert (first["pathway"], first["suffix"], first["event_date"]) == (
        "brost",
        10,
        dt.date(2024, 1, 10),
    )
    assert (first["reporting_region"], first["residence_region"], first["unit"]) == (
        "05",
        "05",
        None,
    )

    raw = files[0].read_bytes()
    for pnr in people:
        assert pnr.encode() not in raw and pnr[2:].encode() not in raw


def test_every_format_gives_the_same_events(tmp_path, people):
    rows = [row for p in people[:2] for row in pathway_rows(p, "2024-02-01")]
    pseudonyms = []
    for region, path in (
        ("05", write_csv(tmp_path / "a.csv", rows, delimiter="\t", encoding="cp1252")),
        ("06", write_xlsx(tmp_path / "a.xlsx", [[*r[:3], "06", "06", r[5]] for r in rows])),
        ("07", write_parquet(tmp_path / "a.parquet", [[*r[:3], "07", "07", r[5]] for r in rows])),
    ):
        delivery = run(path, region)
        assert delivery.outcome == "imported", delivery.report
        table = pq.read_table(config.home() / delivery.events_path)
        pseudonyms.append(table.column("patient").to_pylist())
    assert pseudonyms[0] == pseudonyms[1] == pseudonyms[2]


def test_one_bad_row_rejects_the_whole_delivery(tmp_path, people):
    bad = [people[0][:-1] + str((int(people[0][-1]) + 1) % 10), "VG940", "2024-01-20", "05", "", ""]
    path = delivery_file(tmp_path, people, extra=[bad])
    delivery = run(path)
    assert delivery.outcome == "rejected"
    assert delivery.status == Delivery.Status.REJECTED
    assert delivery.error_count == 1 and delivery.rows_stored == 0
    assert delivery.events_path == ""
    (error,) = delivery.report["errors"]
    assert error["line"] == 6 and error["column"] == "personnummer"
    assert error["message"].startswith("leverans.csv, rad 6, kolumn personnummer: '")
    assert error["message"].endswith("-****' – felaktig kontrollsiffra")
    assert event_files() == []
    assert store.active_event_files() == []
    assert not Delivery.objects.filter(status=Delivery.Status.ACTIVE).exists()


def test_rejected_report_caps_errors_but_counts_all(tmp_path, people, monkeypatch):
    monkeypatch.setattr(deliveries, "MAX_ISSUES", 5)
    rows = [[people[0], "VG910", "2014-01-01", "05", "", ""] for _ in range(12)]
    delivery = run(write_csv(tmp_path / "old.csv", rows))
    assert delivery.error_count == 12
    assert len(delivery.report["errors"]) == 5
    assert delivery.report["truncated"] is True


def test_unreadable_file_is_rejected_with_its_reason(tmp_path):
    path = tmp_path / "gammal.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    delivery = run(path)
    assert delivery.outcome == "rejected"
    assert ".xls" in delivery.report["errors"][0]["message"]
    assert event_files() == []


def test_header_only_needs_a_window(tmp_path):
    empty = write_csv(tmp_path / "tom.csv", [])
    assert run(empty).outcome == "rejected"
    delivery = run(empty, window_from=dt.date(2024, 1, 1), window_to=dt.date(2024, 1, 31))
    assert delivery.outcome == "imported" and delivery.rows_stored == 0
    assert pq.read_table(config.home() / delivery.events_path).num_rows == 0


def test_given_window_is_stored_and_enforced(tmp_path, people):
    path = delivery_file(tmp_path, people)
    window = {"window_from": dt.date(2024, 1, 1), "window_to": dt.date(2024, 3, 31)}
    delivery = run(path, **window)
    assert (delivery.window_from, delivery.window_to) == (dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    narrow = run(
        delivery_file(tmp_path, people, name="b.csv"),
        window_from=dt.date(2024, 1, 15),
        window_to=dt.date(2024, 12, 31),
    )
    assert narrow.outcome == "rejected"
    assert {e["code"] for e in narrow.report["errors"]} == {"date_window"}


def test_covering_delivery_supersedes(tmp_path, people):
    first = run(
        delivery_file(tmp_path, people, name="h1.csv"),
        window_from=dt.date(2024, 1, 1),
        window_to=dt.date(2024, 6, 30),
    )
    other_region = run(
        write_csv(tmp_path / "kalmar.csv", pathway_rows(people[0], "2024-02-01", "08")), "08"
    )
    second = run(
        delivery_file(tmp_path, people[:2], name="year.csv"),
        window_from=dt.date(2024, 1, 1),
        window_to=dt.date(2024, 12, 31),
    )
    first.refresh_from_db()
    other_region.refresh_from_db()
    assert second.outcome == "imported"
    assert first.status == Delivery.Status.SUPERSEDED and first.superseded_by_id == second.pk
    assert other_region.status == Delivery.Status.ACTIVE
    assert second.report["superseded"] == [first.pk]
    assert "Ersätter leverans" in second.message
    assert set(store.active_event_files()) == {
        config.home() / other_region.events_path,
        config.home() / second.events_path,
    }
    # The superseded file stays in the store (history), it is just no longer active.
    assert (config.home() / first.events_path).exists()


def test_disjoint_windows_stay_active(tmp_path, people):
    a = run(delivery_file(tmp_path, people, name="jan.csv", start="2024-01-02"))
    b = run(delivery_file(tmp_path, people, name="mar.csv", start="2024-03-02"))
    a.refresh_from_db()
    assert a.status == b.status == Delivery.Status.ACTIVE
    assert len(store.active_event_files()) == 2


@pytest.mark.parametrize(
    ("new_from", "new_to"),
    [
        (dt.date(2024, 3, 1), dt.date(2024, 9, 30)),  # overlaps the end
        (dt.date(2023, 10, 1), dt.date(2024, 2, 29)),  # overlaps the start
        (dt.date(2024, 2, 1), dt.date(2024, 4, 30)),  # inside the old window
        (None, None),  # window from the events, inside the old window
    ],
)
def test_partial_overlap_is_refused_and_nothing_stored(tmp_path, people, new_from, new_to):
    old = run(
        delivery_file(tmp_path, people, name="old.csv", start="2024-03-02"),
        window_from=dt.date(2024, 1, 1),
        window_to=dt.date(2024, 6, 30),
    )
    files_before = event_files()
    count_before = Delivery.objects.count()
    start = (new_from or dt.date(2024, 2, 1)) + dt.timedelta(days=10)
    new = write_csv(tmp_path / "new.csv", pathway_rows(people[0], start.isoformat()))
    with pytest.raises(DeliveryRefused, match="överlappar delvis aktiv leverans") as info:
        run(new, window_from=new_from, window_to=new_to)
    assert f"leverans {old.pk}" in str(info.value)
    assert event_files() == files_before
    assert Delivery.objects.count() == count_before
    old.refresh_from_db()
    assert old.status == Delivery.Status.ACTIVE


def test_identical_file_is_a_no_op(tmp_path, people):
    path = delivery_file(tmp_path, people)
    first = run(path)
    files = event_files()
    again = run(path)
    assert again.pk == first.pk
    assert again.outcome == "unchanged"
    assert "identisk med aktiv leverans" in again.message
    assert Delivery.objects.count() == 1
    assert event_files() == files


def test_exact_duplicate_rows_are_dropped_with_a_warning(tmp_path, people):
    rows = pathway_rows(people[0], "2024-01-10")
    ten_digits = f"{people[0][2:8]}-{people[0][8:]}"
    rows.append(list(rows[1]))  # line 6 repeats line 3
    rows.append([ten_digits, *rows[2][1:]])  # line 7: same event, other spelling of the number
    delivery = run(write_csv(tmp_path / "dup.csv", rows))
    assert delivery.outcome == "imported"
    assert (delivery.rows_read, delivery.rows_stored, delivery.duplicates_dropped) == (6, 4, 2)
    dups = [w for w in delivery.report["warnings"] if w["code"] == "duplicate_row"]
    assert [(w["line"], w["reason"]) for w in dups] == [
        (6, "dubblettrad, identisk med rad 3 – borttagen"),
        (7, "dubblettrad, identisk med rad 4 – borttagen"),
    ]
    lines = pq.read_table(config.home() / delivery.events_path).column("line").to_pylist()
    assert sorted(lines) == [2, 3, 4, 5]


def test_quality_warnings_are_stored_with_lines(tmp_path, people):
    rows = pathway_rows(people[0], "2024-01-10")
    rows.append([people[1], "VG950", "2024-02-01", "05", "", ""])  # line 6: no start → orphan
    delivery = run(write_csv(tmp_path / "orphan.csv", rows))
    assert delivery.outcome == "imported"
    flagged = [(w["line"], w["code"]) for w in delivery.report["warnings"]]
    assert (6, "orphan") in flagged
    assert delivery.warning_count == len(delivery.report["warnings"])


def test_ignored_columns_are_a_warning(tmp_path, people):
    rows = [[*r, "anteckning"] for r in pathway_rows(people[0], "2024-01-10")]
    delivery = run(write_csv(tmp_path / "extra.csv", rows, header=[*HEADER, "kommentar"]))
    assert {"line": 1, "column": "kommentar", "code": "ignored_column"}.items() <= (
        delivery.report["warnings"][0].items()
    )


def test_db_failure_after_writing_removes_the_file(tmp_path, people, monkeypatch):
    def broken(*args, **kwargs):
        assert len(event_files()) == 1  # written and renamed into place …
        raise RuntimeError("database is gone")

    monkeypatch.setattr(deliveries, "_register", broken)
    with pytest.raises(RuntimeError, match="database is gone"):
        run(delivery_file(tmp_path, people))
    assert event_files() == []  # … and removed again
    assert Delivery.objects.count() == 0
    assert store.active_event_files() == []


def test_failed_write_leaves_nothing(tmp_path, people, monkeypatch):
    def broken_write(table, where, **kwargs):
        where.write(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(store.pq, "write_table", broken_write)
    with pytest.raises(OSError, match="disk full"):
        run(delivery_file(tmp_path, people))
    assert event_files() == []
    assert Delivery.objects.count() == 0


def test_progress_is_reported(tmp_path, people):
    calls = []
    run(delivery_file(tmp_path, people), progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (deliveries.PROGRESS_STEPS, deliveries.PROGRESS_STEPS)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_no_raw_personnummer_in_logs_or_reports(tmp_path, people, caplog):
    caplog.set_level(logging.DEBUG)
    wrong = people[1][:-1] + str((int(people[1][-1]) + 1) % 10)
    bad = [wrong, "VG910", "2024-01-11", "06", "", ""]
    rejected = run(delivery_file(tmp_path, people, name="bad.csv", extra=[bad]))
    accepted = run(delivery_file(tmp_path, people, name="good.csv"))
    texts = [caplog.text, str(rejected.report), str(accepted.report), rejected.message]
    for number in [*people, wrong]:
        for text in texts:
            assert number not in text
            assert number[2:] not in text
            assert f"{number[2:8]}-{number[8:]}" not in text


def test_unexpected_errors_do_not_quote_the_data(tmp_path, people, monkeypatch):
    def explode(values, key):
        raise ValueError(f"cannot handle {values[0]}")

    monkeypatch.setattr("lofte.core.pseudonym.pseudonymise_many", explode)
    with pytest.raises(deliveries.DeliveryError) as info:
        run(delivery_file(tmp_path, people))
    assert "pseudonymisering" in str(info.value)
    assert info.value.__context__ is None and info.value.__cause__ is None
    assert all(p not in str(info.value) for p in people)
    assert event_files() == []


def test_bad_arguments(tmp_path, people):
    path = delivery_file(tmp_path, people)
    with pytest.raises(ValueError, match="okänd region"):
        run(path, "99")
    with pytest.raises(ValueError, match="efter dess slut"):
        run(path, window_from=dt.date(2024, 2, 1), window_to=dt.date(2024, 1, 1))
    with pytest.raises(ValueError, match="efter dagens datum"):
        run(path, window_from=dt.date(2024, 1, 1), window_to=dt.date(2025, 7, 1))
    with pytest.raises(deliveries.DeliveryError, match="finns inte"):
        run(tmp_path / "saknas.csv")
    assert Delivery.objects.count() == 0
