"""A damaged event store, a full disk, a full database, a missing key, hostile files and
terminal escapes, through the real command: a Swedish message, exit 1, nothing half-written."""

from __future__ import annotations

import time
import zipfile

import pytest

from tests.faults.conftest import import_args
from tests.svf.test_reader_xlsx import HEADER, package

pytestmark = pytest.mark.faults


@pytest.fixture
def computed(files, new_home):
    home = new_home()
    for region in files:
        home.ok(*import_args(files, region))
    home.ok("compute")
    return home


def events(home):
    return sorted((home.path / "events").glob("delivery-*.parquet"))


@pytest.mark.parametrize("damage", ["flipped-byte", "swapped-file"])
def test_a_damaged_store_never_gives_a_cube(computed, damage):
    home = computed
    cube = (home.path / "cube" / "cube.parquet").read_bytes()
    first, second = events(home)
    if damage == "flipped-byte":
        data = bytearray(first.read_bytes())
        data[len(data) // 2] ^= 0xFF
        first.write_bytes(bytes(data))
    else:
        first.write_bytes(second.read_bytes())
    result = home.run("compute")
    assert result.code == 1, result
    assert "Traceback" not in result.err
    text = " ".join(result.err.split())
    assert "beräkningen avbröts" in text and "region 05" in text and first.name in text
    assert (home.path / "cube" / "cube.parquet").read_bytes() == cube
    assert home.run("check").code == 1


def test_disk_full_while_computing(computed):
    home = computed
    cube = (home.path / "cube" / "cube.parquet").read_bytes()
    result = home.run("compute", inject="wrap('pyarrow.parquet', 'write_table', before=no_space)")
    assert result.code == 1, result
    assert "disken är full" in result.err and "Traceback" not in result.err
    assert (home.path / "cube" / "cube.parquet").read_bytes() == cube
    assert home.litter() == []


def test_disk_full_while_importing(files, new_home):
    home = new_home()
    home.ok(*import_args(files, "05"))
    before = events(home)
    result = home.run(
        *import_args(files, "06"), inject="wrap('pyarrow.parquet', 'write_table', before=no_space)"
    )
    assert result.code == 1, result
    assert "disken är full" in result.err and "Traceback" not in result.err
    assert events(home) == before and home.litter() == []
    assert home.ok("check").code == 0
    home.ok(*import_args(files, "06"))  # and once there is room again, it goes in


def test_database_full_while_registering(files, new_home):
    home = new_home()
    inject = (
        "from lofte.django_setup import setup\nsetup()\n"
        "from django.db import OperationalError\n"
        "def full(): raise OperationalError('database or disk is full')\n"
        "wrap('lofte.svf.deliveries', '_register', before=full)\n"
    )
    result = home.run(*import_args(files, "05"), inject=inject)
    assert result.code == 1, result
    assert "databasen kan inte skriva" in result.err and "Traceback" not in result.err
    assert events(home) == [] and home.litter() == []
    assert "Inga leveranser" in home.ok("deliveries").out


def test_a_missing_pseudonym_key_is_refused(files, new_home):
    home = new_home()
    env_without_key = "os.environ.pop('LOFTE_PSEUDONYM_KEY', None)\n"
    assert home.run(*import_args(files, "05"), inject=env_without_key).code == 0
    (home.path / "secret" / "pseudonym.key").unlink()
    result = home.run(*import_args(files, "06"), inject=env_without_key)
    assert result.code == 1, result
    assert "pseudonymnyckeln saknas" in " ".join(result.err.split())
    assert not (home.path / "secret" / "pseudonym.key").exists()
    assert len(events(home)) == 1


def test_a_zip_bomb_delivery_is_refused_fast(tmp_path, new_home):
    home = new_home()
    path = package(
        tmp_path / "bomb.xlsx",
        '<row r="1">'
        + "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in HEADER)
        + "</row>",
    )
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet2.xml", "A" * (512 << 20))
    started = time.monotonic()
    result = home.run("import", "svf", str(path), "--region", "05")
    assert result.code == 1, result
    assert "zip-bomb" in " ".join(result.err.split())
    assert time.monotonic() - started < 30  # a whole process start included
    assert events(home) == []


def test_terminal_escapes_in_a_file_name_are_shown_escaped(files, new_home, tmp_path):
    home = new_home()
    evil = tmp_path / "\x1b[2J\x1b[31mröd\x07.csv"
    evil.write_bytes(files["05"].read_bytes())
    result = home.run(
        "import", "svf", str(evil), "--region", "05", "--from", "2024-01-01", "--to", "2024-12-31"
    )
    assert result.code == 0, result
    assert "\x1b" not in result.out + result.err
    listed = home.ok("deliveries").out
    assert "\x1b" not in listed and "\x07" not in listed
    assert "\\x1b[31mröd\\x07.csv" in listed
    shown = home.ok("deliveries", "show", "1").out
    assert "\x1b" not in shown and "\\x1b[2J" in shown
