"""A verified event store (issue 12): hashes recorded at registration, checked before compute,
and ``lofte check [--repair]``."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from lofte import commit, config, django_setup
from lofte.cli import app
from lofte.cube import service
from lofte.svf import integrity, store
from lofte.svf.models import Delivery
from tests.svf.test_deliveries import delivery_file, pathway_rows, run
from tests.svf.test_reader import write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lofte_home")]


@pytest.fixture(autouse=True)
def django_is_set_up(monkeypatch):
    monkeypatch.setattr(django_setup, "_ready", True)


@pytest.fixture
def people(make_personnummer) -> list[str]:
    return [make_personnummer(dt.date(1950 + i, 1 + i % 12, 1 + i), 200 + i) for i in range(6)]


@pytest.fixture
def two(tmp_path, people) -> tuple[Delivery, Delivery]:
    """Two active deliveries of different regions."""
    first = run(delivery_file(tmp_path, people[:3], name="a.csv"), region="05")
    rows = [row for p in people[3:] for row in pathway_rows(p, "2024-02-01", region="06")]
    second = run(write_csv(tmp_path / "b.csv", rows), region="06")
    assert first.outcome == second.outcome == "imported"
    return first, second


def _path(delivery: Delivery):
    return config.home() / delivery.events_path


def test_registration_records_hash_size_and_rows(two):
    for delivery in two:
        delivery.refresh_from_db()
        data = _path(delivery).read_bytes()
        assert delivery.events_sha256 == hashlib.sha256(data).hexdigest()
        assert delivery.events_bytes == len(data)
        assert pq.ParquetFile(_path(delivery)).metadata.num_rows == delivery.rows_stored > 0
    assert integrity.problems(list(two)) == []


def test_file_digest_streams_in_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "_HASH_CHUNK", 7)
    path = tmp_path / "x.bin"
    path.write_bytes(bytes(range(256)) * 3)
    assert store.file_digest(path) == (hashlib.sha256(path.read_bytes()).hexdigest(), 768)


def _flip(path, at: int = -200) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x55
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda a, b: _flip(_path(a)), ("SHA-256 stämmer inte",)),
        (lambda a, b: _path(a).write_bytes(_path(a).read_bytes()[:-100]), ("avkortad",)),
        (lambda a, b: _path(a).unlink(), ("saknas",)),
        # another delivery's file: found by its size, or, where the sizes agree, by its hash
        (
            lambda a, b: shutil.copyfile(_path(b), _path(a)),
            ("registrerades med", "SHA-256 stämmer inte"),
        ),
    ],
    ids=["flipped-byte", "truncated", "missing", "swapped"],
)
def test_compute_refuses_a_damaged_store_and_keeps_the_old_cube(two, damage, reason):
    first, second = two
    service.compute()
    before = service.cube_path().read_bytes()
    runs = service.ComputeRun.objects.count()
    damage(first, second)
    with pytest.raises(integrity.StoreIntegrityError) as caught:
        service.compute()
    message = str(caught.value)
    assert any(text in message for text in reason)
    assert f"leverans {first.pk} (region 05" in message
    assert first.events_path in message
    assert f"leverans {second.pk}" not in message
    assert service.cube_path().read_bytes() == before
    assert service.ComputeRun.objects.count() == runs  # no run recorded for a refused compute


def test_reimporting_the_file_replaces_a_damaged_delivery(tmp_path, people):
    path = delivery_file(tmp_path, people[:3], name="a.csv")
    first = run(path, region="05")
    assert run(path, region="05").outcome == "unchanged"
    _flip(_path(first))
    again = run(path, region="05")
    assert again.outcome == "imported" and again.pk != first.pk
    first.refresh_from_db()
    assert first.status == Delivery.Status.SUPERSEDED
    service.compute()  # the damaged file is no longer active


def test_check_finds_and_repair_removes_litter_but_never_registered_files(two):
    first, _ = two
    events = store.events_dir()
    unregistered = events / "delivery-000099-abcdef012345.parquet"
    unregistered.write_bytes(b"PAR1")
    temp = events / ".tmp-0123-delivery-000100-abcdef012345.parquet"
    temp.write_bytes(b"half")
    cube_tmp = config.subdir("cube") / ".tmp-feed-cube.parquet"
    cube_tmp.write_bytes(b"half")
    report = integrity.check()
    assert report.checked == 2 and report.problems == []
    assert report.unregistered == [unregistered]
    assert set(report.temporary) == {temp, cube_tmp}
    assert not report.ok
    assert temp.exists() and unregistered.exists()  # check alone changes nothing

    done = integrity.repair()
    assert set(done.removed) == {temp, cube_tmp, unregistered}
    assert not temp.exists() and not unregistered.exists() and not cube_tmp.exists()
    assert _path(first).exists()
    assert integrity.check().ok


def test_check_command_exit_status_and_messages(two):
    first, _ = two
    runner = CliRunner()
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    assert "Allt stämmer" in result.output

    litter = store.events_dir() / ".tmp-dead-delivery.parquet"
    litter.write_bytes(b"x")
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    assert "events/.tmp-dead-delivery.parquet" in result.output
    result = runner.invoke(app, ["check", "--repair"])
    assert result.exit_code == 0, result.output
    assert "Tog bort events/.tmp-dead-delivery.parquet" in result.output
    assert not litter.exists()

    _flip(_path(first))
    result = runner.invoke(app, ["check", "--repair"])
    assert result.exit_code == 1
    assert f"FEL: leverans {first.pk} (region 05" in result.output
    assert _path(first).exists()  # a registered file is never removed

    result = runner.invoke(app, ["compute"])
    assert result.exit_code == 1
    assert "beräkningen avbröts" in result.output


def test_a_superseded_delivery_damaged_is_a_warning_only(tmp_path, people):
    path = delivery_file(tmp_path, people[:3], name="a.csv")
    first = run(path, region="05")
    _flip(_path(first))
    run(path, region="05")  # supersedes the damaged one
    result = CliRunner().invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    assert f"Varning: leverans {first.pk}" in result.output


def test_an_interrupted_publish_is_finished(two):
    service.compute()
    cube = service.cube_path()
    instances = service.instances_path()
    new_cube, new_instances = commit.temporary(cube), commit.temporary(instances)
    new_cube.write_bytes(b"new cube")
    new_instances.write_bytes(b"new instances")
    # As if killed after the journal was written and the first rename done.
    journal = commit.journal_path()
    home = config.home()
    moves = [
        [new_instances.relative_to(home).as_posix(), instances.relative_to(home).as_posix()],
        [new_cube.relative_to(home).as_posix(), cube.relative_to(home).as_posix()],
    ]
    journal.write_text(__import__("json").dumps({"moves": moves}))
    new_instances.replace(instances)
    report = integrity.check()
    assert report.interrupted_publish and not report.ok
    assert commit.recover() == [cube.relative_to(home).as_posix()]
    assert cube.read_bytes() == b"new cube" and instances.read_bytes() == b"new instances"
    assert not journal.exists() and integrity.check().ok


def test_compute_leaves_no_temporary_files(two):
    service.compute()
    service.compute()
    leftovers = [
        p.name
        for d in ("cube", "engine", ".")
        for p in (config.home() / d).iterdir()
        if p.name.startswith(commit.TMP_PREFIX) or p.name.endswith(".tmp")
    ]
    assert leftovers == []
    assert not commit.pending()


def test_an_import_stops_on_a_truncated_file_of_another_region(two, tmp_path, people):
    _, second = two
    path = _path(second)
    path.write_bytes(path.read_bytes()[:-50])
    rows = [row for p in people[:2] for row in pathway_rows(p, "2024-05-01", region="05")]
    with pytest.raises(integrity.StoreIntegrityError) as caught:
        run(write_csv(tmp_path / "c.csv", rows), region="05")
    message = str(caught.value)
    assert "importen avbröts och ingenting har lagrats" in message
    assert f"leverans {second.pk} (region 06" in message
    assert Delivery.objects.count() == 2
