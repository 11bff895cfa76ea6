"""``lofte import svf`` and ``lofte deliveries`` (SPEC §12): exit status 0/1/2, located Swedish
messages on stderr, and never a raw personnummer on screen."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from lofte import config, django_setup
from lofte.svf import cli
from lofte.svf.models import Delivery
from tests.svf.test_reader import HEADER, write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lofte_home")]

BIRTH = dt.date(1951, 4, 23)


@pytest.fixture(autouse=True)
def django_is_set_up(monkeypatch):
    # pytest-django has configured Django and the test database already.
    monkeypatch.setattr(django_setup, "_ready", True)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def pnr(make_personnummer) -> str:
    return make_personnummer(BIRTH, 318)


def good_rows(pnr: str) -> list[list[str]]:
    return [
        [pnr, "VG910", "2024-03-01", "05", "05", "SE1"],
        [pnr, "VG935", "2024-03-10", "05", "05", "SE1"],
        [pnr, "VG950", "2024-03-20", "05", "", ""],
    ]


def import_args(path, *extra: str, region: str = "05") -> list[str]:
    return ["import", "svf", str(path), "--region", region, *extra]


def assert_no_raw_number(pnr: str, *texts: str) -> None:
    ten = f"{pnr[2:8]}-{pnr[8:]}"
    for text in texts:
        assert pnr not in text and pnr[2:] not in text and ten not in text


def test_import_succeeds_with_status_0(tmp_path, runner, pnr):
    path = write_csv(tmp_path / "leverans.csv", good_rows(pnr))
    result = runner.invoke(cli.app, import_args(path))
    assert result.exit_code == 0, result.output
    assert "importerad: 3 händelser, period 2024-03-01–2024-03-20" in result.stdout
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.ACTIVE
    assert (config.home() / delivery.events_path).exists()
    assert_no_raw_number(pnr, result.stdout, result.stderr)


def test_identical_file_exits_0_and_says_so(tmp_path, runner, pnr):
    path = write_csv(tmp_path / "leverans.csv", good_rows(pnr))
    assert runner.invoke(cli.app, import_args(path)).exit_code == 0
    again = runner.invoke(cli.app, import_args(path))
    assert again.exit_code == 0
    assert "identisk med aktiv leverans" in again.stdout
    assert Delivery.objects.count() == 1


def wrong_check_digit(pnr: str) -> str:
    return pnr[:-1] + str((int(pnr[-1]) + 1) % 10)


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("personnummer", "wrong", "'19510423-****' – felaktig kontrollsiffra"),
        ("kva", "VQQ10", "'VQQ10' – okänt KVÅ-prefix VQQ"),
        ("kva", "VG912", "'VG912' – okänd mätpunkt 12"),
        ("datum", "2024-13-01", "'2024-13-01' – datumet kan inte tolkas"),
        ("datum", "2014-06-01", "'2014-06-01' – datum före 2015-01-01"),
        ("datum", "2999-01-01", "'2999-01-01' – datum efter dagens datum"),
        ("rapporterande_region", "98", "'98' – okänd länskod"),
        ("rapporterande_region", "07", "'07' – annan region än leveransens (05)"),
        ("lan", "00", "'00' – okänd länskod"),
    ],
)
def test_each_error_kind_exits_1_with_a_located_message(
    tmp_path, runner, pnr, column, value, expected
):
    rows = good_rows(pnr)
    rows[1][HEADER.index(column)] = wrong_check_digit(pnr) if value == "wrong" else value
    path = write_csv(tmp_path / "leverans.csv", rows)
    result = runner.invoke(cli.app, import_args(path))
    assert result.exit_code == 1
    assert f"leverans.csv, rad 3, kolumn {column}: {expected}" in result.stderr
    assert "Ingenting ur leveransen har lagrats" in result.stderr
    assert list(config.subdir("events").iterdir()) == []
    assert not Delivery.objects.filter(status=Delivery.Status.ACTIVE).exists()
    assert_no_raw_number(pnr, result.stdout, result.stderr)
    assert_no_raw_number(wrong_check_digit(pnr), result.stdout, result.stderr)


def test_window_error_exits_1(tmp_path, runner, pnr):
    path = write_csv(tmp_path / "leverans.csv", good_rows(pnr))
    result = runner.invoke(cli.app, import_args(path, "--from", "2024-03-05", "--to", "20240331"))
    assert result.exit_code == 1
    assert (
        "leverans.csv, rad 2, kolumn datum: '2024-03-01' – datum utanför leveransens period "
        "2024-03-05–2024-03-31"
    ) in result.stderr


def test_missing_column_exits_1(tmp_path, runner, pnr):
    rows = [[r[0], r[1], r[3]] for r in good_rows(pnr)]
    path = write_csv(tmp_path / "leverans.csv", rows, header=["pnr", "kva", "reporting_region"])
    result = runner.invoke(cli.app, import_args(path))
    assert result.exit_code == 1
    assert "leverans.csv, rad 1, kolumn datum: obligatorisk kolumn saknas" in result.stderr


def test_long_error_lists_point_to_the_report(tmp_path, runner, pnr):
    rows = [[pnr, "VG910", "2014-01-01", "05", "", ""] for _ in range(cli.SHOWN_ERRORS + 5)]
    result = runner.invoke(cli.app, import_args(write_csv(tmp_path / "gammal.csv", rows)))
    assert result.exit_code == 1
    delivery = Delivery.objects.get()
    assert f"… och 5 fel till. Hela rapporten: lofte deliveries show {delivery.pk}" in result.stderr


def test_partial_overlap_exits_1(tmp_path, runner, pnr, make_personnummer):
    first = write_csv(tmp_path / "a.csv", good_rows(pnr))
    assert runner.invoke(cli.app, import_args(first, "--from", "2024-03-01", "--to", "2024-03-31"))
    other = make_personnummer(BIRTH, 319)
    second = write_csv(tmp_path / "b.csv", [[other, "VG910", "2024-04-01", "05", "", ""]])
    result = runner.invoke(
        cli.app, import_args(second, "--from", "2024-03-15", "--to", "2024-04-30")
    )
    assert result.exit_code == 1, result.output
    assert "överlappar delvis aktiv leverans" in result.stderr
    assert Delivery.objects.count() == 1


def test_missing_file_exits_1(tmp_path, runner):
    result = runner.invoke(cli.app, import_args(tmp_path / "finns-inte.csv"))
    assert result.exit_code == 1
    assert "finns inte" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--region", "99"],
        ["--region", "05", "--from", "2024-04-01", "--to", "2024-03-01"],
        ["--region", "05", "--from", "1 mars"],
        ["--region", "05", "--from", "2024-01-01", "--to", "2999-12-31"],
        [],
    ],
)
def test_usage_errors_exit_2(tmp_path, runner, pnr, args):
    path = write_csv(tmp_path / "leverans.csv", good_rows(pnr))
    result = runner.invoke(cli.app, ["import", "svf", str(path), *args])
    assert result.exit_code == 2
    assert Delivery.objects.count() == 0


def test_deliveries_list_and_show(tmp_path, runner, pnr):
    ok = write_csv(tmp_path / "ok.csv", good_rows(pnr))
    assert runner.invoke(cli.app, import_args(ok)).exit_code == 0
    bad_rows = good_rows(pnr)
    bad_rows[0][0] = wrong_check_digit(pnr)
    bad = write_csv(tmp_path / "bad.csv", bad_rows)
    assert runner.invoke(cli.app, import_args(bad)).exit_code == 1
    active, rejected = Delivery.objects.order_by("id")

    listing = runner.invoke(cli.app, ["deliveries"])
    assert listing.exit_code == 0
    assert "aktiv" in listing.stdout and "avvisad" in listing.stdout
    assert "2024-03-01–2024-03-20" in listing.stdout

    filtered = runner.invoke(cli.app, ["deliveries", "--region", "08"])
    assert filtered.exit_code == 0 and "Inga leveranser" in filtered.stdout

    shown = runner.invoke(cli.app, ["deliveries", "show", str(rejected.pk)])
    assert shown.exit_code == 0
    assert "Status:      avvisad" in shown.stdout
    assert "bad.csv, rad 2, kolumn personnummer: '19510423-****' – felaktig kontrollsiffra" in (
        shown.stdout
    )
    as_json = runner.invoke(cli.app, ["deliveries", "show", str(active.pk), "--json"])
    data = json.loads(as_json.stdout)
    assert data["status"] == "active" and data["rows_stored"] == 3

    for result in (listing, shown, as_json):
        assert_no_raw_number(pnr, result.stdout, result.stderr)
        assert_no_raw_number(wrong_check_digit(pnr), result.stdout, result.stderr)

    missing = runner.invoke(cli.app, ["deliveries", "show", "9999"])
    assert missing.exit_code == 1
    assert "Leverans 9999 finns inte" in missing.stderr


def test_mount_into_a_main_cli(tmp_path, runner, pnr):
    import typer

    main = typer.Typer()
    main_import = typer.Typer()
    main.add_typer(main_import, name="import")
    cli.mount(main, main_import)
    path = write_csv(tmp_path / "leverans.csv", good_rows(pnr))
    assert runner.invoke(main, import_args(path)).exit_code == 0
    assert runner.invoke(main, ["deliveries"]).exit_code == 0
