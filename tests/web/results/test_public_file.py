"""The public cube file the site and API read in place (lofte.cube.public), and how
lofte.cube.query serves from it: only the public view on disk, one file per cube version, the
disclosure gate kept, nothing of the cube held or derived by a serving process."""

from __future__ import annotations

import os
import shutil

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from lofte.cube import audit, public, query
from lofte.cube.blanking import public_view

from .helpers import key_of

GROUP_FILTERS = ("indicator", "region_basis", "pathway", "treatment", "period_type")
BLANKED = ("numerator", "denominator", "value", "ci_low", "ci_high", "meets_target")


def _public_file(site_home):
    cube = site_home / "cube" / "cube.parquet"
    query.indicators()  # the first query makes sure the file exists
    found = public.find(cube, public.source_key(cube))
    assert found is not None
    return cube, found


def test_the_public_file_holds_exactly_the_public_view(site_home, internal_cube):
    _, path = _public_file(site_home)
    on_disk = pq.read_table(path)  # read independently of the query service
    assert on_disk.column_names == list(query.COLUMNS)
    expected = public_view(internal_cube).select(list(query.COLUMNS)).to_pylist()
    assert sorted(on_disk.to_pylist(), key=key_of) == sorted(expected, key=key_of)
    hidden = on_disk.filter(on_disk.column("suppressed"))
    assert hidden.num_rows > 0
    for name in BLANKED:  # nothing unsuppressed of a hidden cell is even on disk
        assert hidden.column(name).null_count == hidden.num_rows, name
    inner = internal_cube.filter(internal_cube.column("suppressed"))
    assert pc.sum(pc.is_valid(inner.column("numerator"))).as_py() > 0  # the test means something


def test_rows_are_sorted_and_the_index_names_every_group(site_home):
    _, path = _public_file(site_home)
    rows = pq.read_table(path).to_pylist()
    keys = [tuple(r[k] or "" for k in query.SORT_KEYS) for r in rows]
    assert keys == sorted(keys)
    index = public.read_index(path)
    assert index["rows"] == len(rows)
    covered = 0
    for *group, start, length in index["groups"]:
        assert start == covered  # contiguous, in order, nothing left out
        covered += length
        for r in rows[start : start + length]:
            assert [r[k] or "" for k in query.GROUP_KEYS] == group
    assert covered == len(rows)
    assert pq.ParquetFile(path).metadata.num_row_groups == -(-len(rows) // public.ROW_GROUP_ROWS)


def test_small_row_groups_serve_the_same_cells(site_home, public_cube, monkeypatch):
    """With many row groups a group spans several of them: the slices must still be exact."""
    cube, path = _public_file(site_home)
    monkeypatch.setattr(public, "ROW_GROUP_ROWS", 37)
    monkeypatch.setattr(public, "LAYOUT", 999)  # another file name: written afresh
    query.clear_cache()
    try:
        served = query.select(query.Filters())
        assert public.find(cube, public.source_key(cube)).name.startswith("cube-999-")
        assert sorted(served.to_pylist(), key=key_of) == sorted(
            public_cube.select(list(query.COLUMNS)).to_pylist(), key=key_of
        )
        one = query.Filters(
            indicator="svf_andel_inom_ledtid",
            region_basis="bostad",
            pathway="alla",
            treatment="alla",
            period_type="month",
        )
        got = query.cells(one)
        assert len(got) > 37 * 2
        assert all(r["period_type"] == "month" and r["pathway"] == "alla" for r in got)
    finally:
        for extra in path.parent.glob("cube-999-*"):
            extra.unlink()
        query.clear_cache()


def test_a_leaking_cube_gets_no_public_file(tmp_path, monkeypatch):
    from tests.reports import cube_fixture

    monkeypatch.setenv("LOFTE_HOME", str(tmp_path))
    (tmp_path / "cube").mkdir()
    cube = tmp_path / "cube" / "cube.parquet"
    pq.write_table(cube_fixture.table(), cube)
    with pytest.raises(audit.DisclosureError):
        public.ensure(cube)
    assert public.find(cube, public.source_key(cube)) is None
    assert not list((tmp_path / "cube" / "public").glob("cube-*"))


def test_a_new_version_gets_a_new_file_and_the_old_one_goes(site_home, tmp_path, monkeypatch):
    monkeypatch.setenv("LOFTE_HOME", str(tmp_path))
    (tmp_path / "cube").mkdir()
    cube = tmp_path / "cube" / "cube.parquet"
    shutil.copyfile(site_home / "cube" / "cube.parquet", cube)
    first = public.ensure(cube)
    assert public.ensure(cube) == first  # written once per version
    before = query.cells(query.Filters(indicator="svf_antal_avslutade", regions=["SE"]))
    stat = cube.stat()
    os.utime(cube, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    after = query.cells(query.Filters(indicator="svf_antal_avslutade", regions=["SE"]))
    second = public.find(cube, public.source_key(cube))
    assert second is not None and second != first
    assert not first.exists() and not public.index_path(first).exists()
    assert before == after


def test_a_serving_process_reads_no_internal_values(site_home, monkeypatch):
    """Once compute has written the public file, a query neither reads the internal cube's
    cells nor derives anything: only the public file's row groups are read."""
    _public_file(site_home)
    query.clear_cache()

    def refuse(*args, **kwargs):
        raise AssertionError("the serving process read a whole table")

    monkeypatch.setattr(pq, "read_table", refuse)
    monkeypatch.setattr(public, "write", refuse)
    cells = query.cells(
        query.Filters(
            indicator="svf_andel_inom_ledtid",
            region_basis="bostad",
            pathway="alla",
            treatment="alla",
            period_type="half",
            regions=["SE"],
        )
    )
    assert cells and all(c["region"] == "SE" for c in cells)
    served = query._current()
    assert served.path.parent.name == "public"
    # What the process keeps is the index, not cells.
    assert not any(isinstance(v, pa.Table) and v.num_rows for v in vars(served).values())


def test_a_forked_worker_opens_its_own_handle(site_home, monkeypatch):
    before = query.select(query.Filters(indicator="svf_antal_avslutade"))
    parent = query._current()
    monkeypatch.setattr(query.os, "getpid", lambda: parent.pid + 1)
    monkeypatch.setattr(public, "ensure", lambda cube: pytest.fail("gate ran again"))
    after = query.select(query.Filters(indicator="svf_antal_avslutade"))
    child = query._current()
    assert child.pid == parent.pid + 1 and child.file is not parent.file
    assert child.groups is parent.groups  # the parsed index is shared, not rebuilt
    assert after.equals(before)


def test_an_unsuppressed_value_in_the_public_file_is_still_blanked(site_home, monkeypatch):
    """Belt and braces: even a public file that was somehow not blank is served blank."""
    cube, path = _public_file(site_home)
    internal = pq.read_table(cube).select(list(query.COLUMNS))
    assert pc.sum(pc.is_valid(internal.filter(internal.column("suppressed")).column("value")))
    tampered = public.write(cube, path)  # write again, then put the raw values in its place
    order = pq.read_table(path)
    raw = {key_of(r): r for r in internal.to_pylist()}
    pq.write_table(
        pa.Table.from_pylist([raw[key_of(r)] for r in order.to_pylist()], schema=order.schema),
        path,
        row_group_size=public.ROW_GROUP_ROWS,
    )
    assert tampered["rows"] == order.num_rows
    query.clear_cache()
    table = query.select(query.Filters())
    hidden = table.filter(table.column("suppressed"))
    for name in BLANKED:
        assert hidden.column(name).null_count == hidden.num_rows, name
    for key in query._current().groups:  # the site's path: one group's value columns only
        group = query.select(query.Filters(**dict(zip(GROUP_FILTERS, key, strict=True))))
        hidden = group.filter(group.column("suppressed"))
        for name in BLANKED:
            assert hidden.column(name).null_count == hidden.num_rows, (key, name)
    public.write(cube, path)  # restore for the other tests of this session
    query.clear_cache()


def test_the_previous_cube_is_served_while_a_new_one_is_published(site_home, tmp_path, monkeypatch):
    monkeypatch.setenv("LOFTE_HOME", str(tmp_path))
    (tmp_path / "cube").mkdir()
    cube = tmp_path / "cube" / "cube.parquet"
    original = pq.read_table(site_home / "cube" / "cube.parquet")
    pq.write_table(original, cube)
    assert "svf_andel_inom_ledtid" in query.indicators()
    version = query.version()
    with public.publishing(cube):  # what compute holds from writing the cube to its public file
        one = original.filter(pc.equal(original.column("indicator"), "svf_antal_avslutade"))
        pq.write_table(one, cube)
        stat = cube.stat()
        os.utime(cube, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        assert public.busy(cube)
        assert query.version() == version  # still the previous, complete version
        assert "svf_andel_inom_ledtid" in query.indicators()
        public.ensure(cube)  # inside the block: no second lock, no deadlock
    assert not public.busy(cube)
    assert query.indicators() == ["svf_antal_avslutade"]
    assert query.version() != version


def test_recently_read_groups_are_kept_within_the_bound(site_home, monkeypatch):
    monkeypatch.setattr(query, "CACHE_BYTES", 4_000_000)
    filters = [
        query.Filters(
            indicator=indicator,
            region_basis="bostad",
            pathway="alla",
            treatment="alla",
            period_type=ptype,
        )
        for indicator in ("svf_andel_inom_ledtid", "svf_andel_mdk", "svf_antal_avslutade")
        for ptype in ("month", "quarter", "half", "year")
    ]
    first = [query.select(f) for f in filters]
    served = query._current()
    assert served.recent  # something is kept
    assert 0 < served.recent_bytes <= query.CACHE_BYTES
    assert served.recent_bytes == sum(cost for _, cost in served.recent.values())
    again = [query.select(f) for f in filters]  # hits and misses alike give the same cells
    assert all(a.equals(b) for a, b in zip(first, again, strict=True))
