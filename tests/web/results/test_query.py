"""The public cube query service: the same cells as public_view of the stored cube, filtered."""

from __future__ import annotations

import os

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lofte.cube import query
from lofte.cube.service import cube_path

from .helpers import key_of, rows_where


def test_every_public_cell_is_served_unchanged(public_cube):
    served = query.select(query.Filters())
    assert served.num_rows == public_cube.num_rows
    expected = {key_of(r): r for r in public_cube.select(list(query.COLUMNS)).to_pylist()}
    got = {key_of(r): r for r in served.to_pylist()}
    assert got == expected


def test_a_whole_group_is_served_as_its_full_rows(public_cube):
    """The site's queries name one whole group and read only its value columns from the file;
    the key columns put back must be the stored ones (a null basis stays null), in order."""
    groups = query._current().groups
    assert len(groups) > 50
    for key in groups:
        filters = query.Filters(**dict(zip(FILTER_NAMES, key, strict=True)))
        served = query.select(filters)
        expected = rows_where(public_cube.select(list(query.COLUMNS)), **_where(key))
        assert served.column_names == list(query.COLUMNS)
        assert sorted(served.to_pylist(), key=key_of) == sorted(expected, key=key_of), key
        assert query.cells(filters) == served.to_pylist()
        assert query.count(filters) == len(expected)


def test_an_aggregate_without_a_basis_keeps_a_null_basis(public_cube):
    values = public_cube.select(list(query.VALUE_COLUMNS)).slice(0, 3)
    group = ("register_x", "", "alla", "alla", "year")  # "" in the index: null in the cube
    served = query._with_keys(values, group)
    assert served.column("region_basis").null_count == 3
    assert [r["region_basis"] for r in query.rows(values, group)] == [None] * 3
    assert query.rows(values, group) == served.to_pylist()


FILTER_NAMES = ("indicator", "region_basis", "pathway", "treatment", "period_type")


def _where(key):
    return {
        name: (None if value == "" else value)
        for name, value in zip(query.GROUP_KEYS, key, strict=True)
    }


def test_nothing_hidden_is_kept_in_memory(site_home, internal_cube):
    table = query.select(query.Filters())
    hidden = table.filter(table.column("suppressed"))
    assert hidden.num_rows > 0  # the fixture has small counties
    for name in ("numerator", "denominator", "value", "ci_low", "ci_high", "meets_target"):
        assert hidden.column(name).null_count == hidden.num_rows, name
    inner_hidden = internal_cube.filter(internal_cube.column("suppressed"))
    assert pc.sum(pc.is_valid(inner_hidden.column("value"))).as_py() > 0  # the test means something


@pytest.mark.parametrize("ptype", ["half", "year", "quarter"])
def test_filters_select_exactly_the_matching_cells(public_cube, ptype):
    filters = query.Filters(
        indicator="svf_andel_inom_ledtid",
        region_basis="bostad",
        pathway="alla",
        treatment="alla",
        period_type=ptype,
        regions=["SE", "05", "sydost"],
        period_from="2024",
        period_to="2025Q2",
    )
    got = query.cells(filters)
    expected = [
        r
        for r in rows_where(
            public_cube,
            indicator="svf_andel_inom_ledtid",
            region_basis="bostad",
            pathway="alla",
            treatment="alla",
            period_type=ptype,
        )
        if r["region"] in {"SE", "05", "sydost"} and "2024" <= r["period"] <= "2025Q2"
    ]
    assert got
    assert sorted(map(key_of, got)) == sorted(map(key_of, expected))
    periods = [r["period"] for r in got if r["region"] == "SE"]
    assert periods == sorted(periods)


def test_partial_filters_and_pages(public_cube):
    filters = query.Filters(indicator="svf_antal_avslutade", regions=["SE"])
    expected = rows_where(public_cube, indicator="svf_antal_avslutade", region="SE")
    assert query.count(filters) == len(expected) > 20
    first = query.cells(filters, limit=10)
    second = query.cells(filters, limit=10, offset=10)
    everything = query.cells(filters)
    assert first + second == everything[:20]
    assert query.cells(filters, limit=10, offset=len(expected)) == []


def test_dims_list_what_exists(public_cube):
    dims = query.dims("svf_andel_inom_ledtid")
    assert dims is not None
    rows = rows_where(public_cube, indicator="svf_andel_inom_ledtid")
    assert set(dims.pathways) == {r["pathway"] for r in rows}
    assert dims.pathways[0] == "alla" and dims.treatments[0] == "alla"
    assert set(dims.bases) == {r["region_basis"] for r in rows}
    halves = {r["period"] for r in rows if r["period_type"] == "half"}
    assert dims.periods["half"] == sorted(halves)
    assert list(dims.periods) == [t for t in query.PERIOD_TYPES if t in dims.periods]
    assert query.dims("no_such_indicator") is None


def test_a_recomputed_cube_is_picked_up(site_home, tmp_path, monkeypatch):
    monkeypatch.setenv("LOFTE_HOME", str(tmp_path))
    with pytest.raises(query.CubeMissing):
        query.cells(query.Filters())
    assert not query.available()
    original = pq.read_table(site_home / "cube" / "cube.parquet")
    target = cube_path()
    one = original.filter(pc.equal(original.column("indicator"), "svf_antal_avslutade"))
    pq.write_table(one, target)
    assert query.indicators() == ["svf_antal_avslutade"]
    version = query.version()
    pq.write_table(original, target)
    stat = target.stat()
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert "svf_andel_inom_ledtid" in query.indicators()
    assert query.version() != version


def test_a_leaking_cube_is_withheld_from_site_and_api(tmp_path, monkeypatch, client):
    """The publication gate: a cube whose hidden cell can be worked out is not served at all."""
    import pyarrow.parquet as pq

    from tests.reports import cube_fixture

    monkeypatch.setenv("LOFTE_HOME", str(tmp_path))
    (tmp_path / "cube").mkdir()
    pq.write_table(cube_fixture.table(), tmp_path / "cube" / "cube.parquet")
    query.clear_cache()
    with pytest.raises(query.CubeWithheld, match="röjandekontrollen"):
        query.indicators()
    assert not query.available()
    # The verdict is kept beside the cube, so the audit is not run again for the same file.
    assert (tmp_path / "cube" / "cube.parquet.granskning.json").is_file()
    response = client.get("/api/v1/cube?indicator=svf_andel_inom_ledtid")
    assert response.status_code in (404, 503)
    assert b"66" not in response.content


# --- pages of several groups: read a chunk at a time ---------------------------------------


def _page_filters(public_cube):
    """Filters over several groups (as an API caller may send), with and without row filters."""
    some = public_cube.column("period").unique().to_pylist()
    return st.builds(
        query.Filters,
        indicator=st.sampled_from([None, "svf_andel_inom_ledtid", "svf_antal_avslutade"]),
        regions=st.sampled_from([None, ["SE"], ["05", "sydost"], ["no_such_region"]]),
        region_level=st.sampled_from([None, "county", "nation"]),
        period_type=st.sampled_from([None, "year", "half"]),
        periods=st.sampled_from([None, sorted(some)[:3]]),
        period_from=st.sampled_from([None, "2024"]),
        period_to=st.sampled_from([None, "2025H1"]),
    )


def _matches(f: query.Filters, row: dict) -> bool:
    """The filters' meaning, row by row: the plain reference for the chunked reader."""
    period = row["period"]
    return (
        (f.indicator is None or row["indicator"] == f.indicator)
        and (f.period_type is None or row["period_type"] == f.period_type)
        and (f.regions is None or row["region"] in f.regions)
        and (f.region_level is None or row["region_level"] == f.region_level)
        and (f.periods is None or period in f.periods)
        and (f.period_from is None or (period is not None and period >= f.period_from))
        and (f.period_to is None or (period is not None and period <= f.period_to))
    )


def test_a_page_of_several_groups_is_the_slice_of_the_whole_selection(public_cube, monkeypatch):
    """Whatever the chunk size (one not dividing a row group among them), the count and the
    page equal those of every public cell filtered row by row and sliced."""
    every = query.select(query.Filters()).to_pylist()  # the whole public file, in its order

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        filters=_page_filters(public_cube),
        offset=st.integers(0, 400),
        limit=st.integers(1, 300),
        chunk=st.sampled_from([300, 2048, query.CHUNK_ROWS]),
    )
    def check(filters, offset, limit, chunk):
        monkeypatch.setattr(query, "CHUNK_ROWS", chunk)
        expected = [r for r in every if _matches(filters, r)]
        total, page = query.counted_cells(filters, limit, offset)
        assert total == len(expected)
        assert page == expected[offset : offset + limit]

    check()


def test_a_page_without_an_indicator_reads_only_its_own_rows(public_cube, monkeypatch):
    """``/api/v1/cube`` with no filter once read the whole cube into one process (10 s and
    2.4 GB on the national demo) to return 1 000 rows."""
    monkeypatch.setattr(query, "CHUNK_ROWS", 2048)
    served = query._current()
    expected = query.select(query.Filters()).slice(25, 10).to_pylist()
    read: list[tuple[int, int]] = []  # (rows, columns) of each read from the file
    real = served.file.read_row_groups

    def counting(groups, *args, **kwargs):
        table = real(groups, *args, **kwargs)
        read.append((table.num_rows, table.num_columns))
        return table

    monkeypatch.setattr(served.file, "read_row_groups", counting)
    total, page = query.counted_cells(query.Filters(), 10, 25)
    assert total == public_cube.num_rows > 3 * 2048  # the cube has several chunks
    assert page == expected
    assert sum(rows for rows, _ in read) <= 2048  # one row group, not the cube

    # With a row filter every chunk is counted on the key column it filters; whole rows are read
    # only where the page lies.
    read.clear()
    filters = query.Filters(regions=["SE"])
    total, page = query.counted_cells(filters, 10, 0)
    assert total == len(rows_where(public_cube, region="SE")) and len(page) == 10
    assert {columns for _, columns in read} == {1, len(query.COLUMNS)}
    whole = [rows for rows, columns in read if columns > 1]
    assert len(whole) == 1 and whole[0] <= 2048
    assert sum(rows for rows, _ in read) >= public_cube.num_rows  # every row was counted
