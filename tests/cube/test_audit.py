"""The intruder's audit finds every way of working out a small population that SPEC §7 names.

Each test plants one leak in a small public cube written by hand (the hidden cell's true count is
known) and checks that the audit works it out, with the right value; a cube where every group
holds two hidden cells gives nothing. So the audit cannot be a no-op, and what it reports is
true.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from lofte.cli import app
from lofte.cube import audit

MEDIAN = "svf_ledtid_median"


def cube(*rows: tuple) -> pa.Table:
    """Rows (indicator, basis, region, pathway, treatment, period, numerator, denominator,
    hidden) as a public cube: hidden cells lose their numbers."""
    out = []
    for ind, basis, region, pathway, treatment, period, num, den, hidden in rows:
        out.append(
            {
                "indicator": ind,
                "region": region,
                "region_basis": basis,
                "pathway": pathway,
                "treatment": treatment,
                "period": period,
                "numerator": None if hidden else num,
                "denominator": None if hidden else den,
                "value": None if hidden else 1.0,
                "suppressed": int(hidden),
            }
        )
    return pa.Table.from_pylist(out)


def geo(ind: str, counts: dict[str, tuple[int | None, int, bool]], period: str = "2026H1"):
    return [
        (ind, "avslutande", region, "alla", "alla", period, num, den, hidden)
        for region, (num, den, hidden) in counts.items()
    ]


def found(table: pa.Table) -> dict[tuple, int]:
    result = audit.audit_table(table, limit=100)
    return {
        (leak.indicator, leak.region_basis, leak.region, leak.period, leak.role): leak.value
        for leak in result.leaks
    }


def test_median_n_by_geography():
    # Sydöst 21 = Jönköping 9 + Kalmar 8 + Östergötland (hidden) 4
    table = cube(
        *geo(
            MEDIAN,
            {
                "sydost": (None, 21, False),
                "06": (None, 9, False),
                "08": (None, 8, False),
                "05": (None, 4, True),
            },
        )
    )
    assert found(table) == {(MEDIAN, "avslutande", "05", "2026H1", "denominator"): 4}


def test_period_hierarchy_a_month_from_its_quarter():
    rows = [
        ("svf_antal_avslutade", "bostad", "05", "brost", "alla", p, n, n, h)
        for p, n, h in (
            ("2025H2", 21, False),
            ("2025Q3", 10, False),
            ("2025-07", 3, False),
            ("2025-08", 3, False),
            ("2025-09", 4, False),
            ("2025Q4", 11, False),
            ("2025-10", 3, True),
            ("2025-11", 4, True),
            ("2025-12", 4, False),
        )
    ]
    # Q4 11 = Oct + Nov + Dec: two unknowns, nothing follows ...
    assert found(cube(*rows)) == {}
    # ... until November is shown: then October = 11 - 4 - 4 = 3.
    rows[7] = ("svf_antal_avslutade", "bostad", "05", "brost", "alla", "2025-11", 4, 4, False)
    assert found(cube(*rows)) == {
        ("svf_antal_avslutade", "bostad", "05", "2025-10", "denominator"): 3,
        ("svf_antal_avslutade", "bostad", "05", "2025-10", "numerator"): 3,
    }


def test_skipping_a_level_of_the_period_hierarchy():
    # The halves are hidden, but the year is the sum of its quarters too.
    rows = [
        ("svf_andel_mdk", "avslutande", "06", "brost", "alla", p, n, d, h)
        for p, n, d, h in (
            ("2024", 30, 33, False),
            ("2024H1", 14, 15, True),
            ("2024H2", 16, 18, True),
            ("2024Q1", 6, 7, False),
            ("2024Q2", 8, 8, False),
            ("2024Q3", 2, 2, True),
            ("2024Q4", 14, 16, False),
        )
    ]
    leaks = found(cube(*rows))
    assert leaks[("svf_andel_mdk", "avslutande", "06", "2024Q3", "denominator")] == 2


def test_treatment_and_pathway_groups():
    rows = [
        ("svf_ledtid_median", "avslutande", "08", "alla", t, "2025", None, n, h)
        for t, n, h in (("alla", 30, False), ("kirurgi", 26, False), ("stralning", 4, True))
    ] + [
        ("svf_median_start_till_besok", "bostad", "08", p, "alla", "2025", None, n, h)
        for p, n, h in (("alla", 12, False), ("brost", 10, False), ("prostata", 2, True))
    ]
    leaks = audit.audit_table(cube(*rows)).leaks
    assert {(leak.treatment, leak.pathway, leak.value) for leak in leaks} == {
        ("stralning", "alla", 4),
        ("alla", "prostata", 2),
    }


def test_linked_indicators_inclusion_numerator_is_the_mdk_denominator():
    # In 2019-02 and 2019-03 both are shown and equal; in 2019-01 the MDK cell is hidden while
    # inclusion shows its numerator 4 (inside a population of 30 new cases, allowed on its own).
    rows = []
    for period, n, hidden in (("2019-01", 4, True), ("2019-02", 11, False), ("2019-03", 9, False)):
        rows.append(
            ("svf_andel_mdk", "bostad", "01", "matstrupe-magsack", "alla", period, n, n, hidden)
        )
        rows.append(
            ("svf_inklusion", "bostad", "01", "matstrupe-magsack", "alla", period, n, 30, False)
        )
    leaks = audit.audit_table(cube(*rows)).leaks
    assert [(leak.indicator, leak.period, leak.role, leak.value, leak.how) for leak in leaks] == [
        ("svf_andel_mdk", "2019-01", "denominator", 4, "link"),
        ("svf_andel_mdk", "2019-01", "numerator", 4, "link"),
    ]


def test_the_nation_in_both_region_bases_is_one_population():
    rows = []
    for period, n, hidden_b in (("2024-01", 3, True), ("2024-02", 12, False)):
        rows.append((MEDIAN, "avslutande", "SE", "lunga", "alla", period, None, n, False))
        rows.append((MEDIAN, "bostad", "SE", "lunga", "alla", period, None, n, hidden_b))
    # A shown nation of 3 would be primary-suppressed; here the intruder reads the other basis.
    rows[0] = (MEDIAN, "avslutande", "SE", "lunga", "alla", "2024-01", None, 3, False)
    assert found(cube(*rows)) == {(MEDIAN, "bostad", "SE", "2024-01", "denominator"): 3}


def test_parent_with_a_single_child_gives_the_child_away():
    # 2026 so far is only its first half: the year shows what the hidden half hides.
    rows = [
        ("svf_antal_avslutade", "avslutande", "07", "alla", "alla", "2026", 3, 3, False),
        ("svf_antal_avslutade", "avslutande", "07", "alla", "alla", "2026H1", 3, 3, True),
    ]
    assert ("svf_antal_avslutade", "avslutande", "07", "2026H1", "denominator") in found(
        cube(*rows)
    )


def test_chains_of_derivations_are_followed():
    # Kalmar's half-year follows from the region, its first quarter from the half-year, and
    # February from the quarter.
    rows = geo(
        "svf_antal_avslutade",
        {"sydost": (20, 20, False), "06": (9, 9, False), "05": (7, 7, False), "08": (4, 4, True)},
        period="2025H1",
    ) + [
        ("svf_antal_avslutade", "avslutande", "08", "alla", "alla", p, n, n, h)
        for p, n, h in (
            ("2025Q1", 1, True),
            ("2025Q2", 3, False),
            ("2025-02", 1, True),
            ("2025-04", 1, False),
            ("2025-05", 2, False),
        )
    ]
    leaks = found(cube(*rows))
    assert leaks[("svf_antal_avslutade", "avslutande", "08", "2025H1", "denominator")] == 4
    assert leaks[("svf_antal_avslutade", "avslutande", "08", "2025Q1", "denominator")] == 1
    assert leaks[("svf_antal_avslutade", "avslutande", "08", "2025-02", "denominator")] == 1


def test_two_hidden_cells_in_every_group_give_nothing():
    table = cube(
        *geo(
            MEDIAN,
            {
                "sydost": (None, 21, False),
                "06": (None, 9, False),
                "08": (None, 8, True),
                "05": (None, 4, True),
            },
        )
    )
    result = audit.audit_table(table)
    assert (result.derived, result.leak_count, result.ok) == (0, 0, True)


def test_a_large_hidden_count_is_derived_but_is_no_leak():
    table = cube(
        *geo(
            MEDIAN,
            {
                "sydost": (None, 40, False),
                "06": (None, 9, False),
                "08": (None, 8, False),
                "05": (None, 23, True),
            },
        )
    )
    result = audit.audit_table(table)
    assert (result.derived, result.ok) == (1, True)


def test_counts_that_are_not_persons_take_no_part():
    # Open studies: one study can be open in several regions, so nothing adds up.
    rows = geo(
        "studier_oppna",
        {
            "sydost": (None, 21, False),
            "06": (None, 9, False),
            "08": (None, 8, False),
            "05": (None, 0, True),
        },
    )
    assert audit.audit_table(cube(*rows)).derived == 0


def test_shown_cells_without_counts_block_subtraction():
    # An imported value without counts is shown but says nothing about its population.
    rows = geo(
        "pal_brytpunktssamtal",
        {
            "sydost": (80, 100, False),
            "06": (None, None, False),
            "08": (30, 40, False),
            "05": (3, 4, True),
        },
    )
    assert audit.audit_table(cube(*rows)).derived == 0


LEAKY = cube(
    *geo(
        MEDIAN,
        {
            "sydost": (None, 21, False),
            "06": (None, 9, False),
            "08": (None, 8, False),
            "05": (None, 4, True),
        },
    )
)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_command_line_audit_of_a_file(tmp_path, suffix):
    path = tmp_path / f"kub{suffix}"
    if suffix == ".parquet":
        pq.write_table(LEAKY, path)
    else:
        import pyarrow.csv as pv

        pv.write_csv(LEAKY, path)
    result = CliRunner().invoke(app, ["audit", "disclosure", str(path)])
    assert result.exit_code == 1, result.output
    assert "1 populationer på 1–4" in result.output
    assert "svf_ledtid_median 05, avslutande alla/alla 2026H1: denominator = 4" in result.output

    safe = tmp_path / f"saker{suffix}"
    table = LEAKY.set_column(
        LEAKY.column_names.index("suppressed"), "suppressed", pa.array([0, 0, 1, 1])
    )
    table = table.set_column(
        table.column_names.index("denominator"), "denominator", pa.array([21, 9, None, None])
    )
    if suffix == ".parquet":
        pq.write_table(table, safe)
    else:
        import pyarrow.csv as pv

        pv.write_csv(table, safe)
    ok = CliRunner().invoke(app, ["audit", "disclosure", str(safe), "--format", "json"])
    assert ok.exit_code == 0, ok.output
    assert '"leaks": 0' in ok.output


def test_command_line_audit_of_a_bad_file(tmp_path):
    path = tmp_path / "inte-en-kub.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["audit", "disclosure", str(path)])
    assert result.exit_code == 1
    assert "kolumner saknas" in result.output
    missing = CliRunner().invoke(app, ["audit", "disclosure", str(tmp_path / "finns-inte.csv")])
    assert missing.exit_code == 1 and "finns inte" in missing.output


def test_public_export_refuses_a_leaking_cube_and_writes_nothing(tmp_path):
    from lofte.cube import export

    # Closed pathways: Sydöst 21 = Jönköping 9 + Kalmar 8 + Östergötland (hidden) 4.
    internal = LEAKY.set_column(
        LEAKY.column_names.index("denominator"), "denominator", pa.array([21, 9, 8, 4])
    )
    internal = internal.set_column(
        internal.column_names.index("indicator"),
        "indicator",
        pa.array(["svf_antal_avslutade"] * 4),
    )
    for name, _default in (
        ("ci_low", None),
        ("ci_high", None),
        ("target", None),
        ("meets_target", None),
    ):
        internal = internal.append_column(name, pa.nulls(internal.num_rows, pa.float64()))
    internal = internal.set_column(
        internal.column_names.index("suppressed"),
        "suppressed",
        pa.array([False, False, False, True]),
    )
    out = tmp_path / "publik.csv"
    with pytest.raises(audit.DisclosureError, match="svf_antal_avslutade 05"):
        export.write(internal, out, public=True)
    assert not out.exists() and not list(tmp_path.iterdir())
    # The internal file is not a publication: it is written as before.
    assert export.write(internal, tmp_path / "intern.csv", public=False) == 4
    # A median publishes no n (SPEC §7): the same numbers as a median are no leak.
    medians = internal.set_column(
        internal.column_names.index("indicator"), "indicator", pa.array([MEDIAN] * 4)
    )
    assert export.write(medians, tmp_path / "medianer.csv", public=True) == 4


def test_a_leaking_cell_with_a_terminal_escape_in_its_key_is_printed_escaped(tmp_path):
    # Someone else's file: its keys are untrusted text and must not reach the terminal raw. (An
    # indicator outside the catalogue is audited as persons that add up.)
    hostile = "\x1b[2Jegen_indikator"
    table = cube(
        *geo(
            hostile,
            {
                "sydost": (21, 21, False),
                "06": (9, 9, False),
                "08": (8, 8, False),
                "05": (4, 4, True),
            },
        )
    )
    path = tmp_path / "kub.parquet"
    pq.write_table(table, path)
    result = CliRunner().invoke(app, ["audit", "disclosure", str(path)])
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\\x1b[2Jegen_indikator 05" in result.output
