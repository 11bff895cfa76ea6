"""Pools and ledger (SPEC §11): the seed 004 import, located rejections, overrides, payments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lofte.cli import app
from lofte.grants import importer, ledger
from lofte.grants.importer import GrantsFileError, import_grants
from lofte.grants.models import FundingSource, GrantImport, LedgerEntry, Pool, SpecificationLine
from lofte.web.audit.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lofte_home")]

HEADER = "kind,year,area,group,label,amount,key,source\n"
RADIOLOGY = "Radiologi"
REHAB = "Cancerrehabilitering och palliation"


def write(tmp_path: Path, body: str, name: str = "grants.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count()
        for m in (GrantImport, FundingSource, Pool, LedgerEntry, SpecificationLine)
    )


def cli(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args))


# --- the shipped seed 004 tables ------------------------------------------------------------------


def test_seed_004_imports_with_every_inconsistency_listed() -> None:
    result = import_grants(importer.example_path())
    rows = {r.area: r for r in result.pools}
    assert list(rows) == [RADIOLOGY, "Patologi", REHAB]
    radiology = rows[RADIOLOGY]
    # As written in the source, not corrected: granted is above budget, remaining below zero.
    assert (radiology.budget, radiology.granted, radiology.remaining) == (
        6_171_570,
        6_207_992,
        6_171_570 - 6_207_992,
    )
    assert radiology.problems[0] == (
        "beviljat 6 207 992 kr överstiger budgeten 6 171 570 kr med 36 422 kr"
    )
    assert "återstående enligt källan är 0 kr" in radiology.problems[1]
    assert rows["Patologi"].problems == []  # 6 171 570 − 2 259 933 = 3 911 637, as stated
    rehab = rows[REHAB].problems
    assert len(rehab) == 2
    assert rehab[0].startswith("RJL: delbeloppen summerar till 987 500 kr")
    assert "645 000 kr" in rehab[0]
    assert rehab[1].startswith("RÖ: delbeloppen summerar till 1 137 975 kr")
    assert "1 039 850 kr" in rehab[1]
    assert len(result.problems) == 4
    assert FundingSource.objects.get(year=2025).amount == 5_000_000
    event = AuditEvent.objects.get(action="grants_imported")
    assert event.details["problems"] == result.problems


def test_stated_figures_are_kept_as_written() -> None:
    import_grants(importer.example_path())
    # The specification lines are in the database exactly as in the seed (sums and subtotals).
    spec = SpecificationLine.objects.filter(pool__area=REHAB)
    parts = sum(s.amount for s in spec if not s.is_total)
    totals = sum(s.amount for s in spec if s.is_total)
    assert parts == 550_000 + 987_500 + 1_440_000 + 1_137_975
    assert totals == 550_000 + 645_000 + 1_440_000 + 1_039_850
    assert Pool.objects.get(area=RADIOLOGY).stated_remaining == 0


def test_the_same_file_twice_changes_nothing() -> None:
    import_grants(importer.example_path())
    before = counts()
    again = import_grants(importer.example_path())
    assert again.unchanged
    assert counts() == before
    assert len(again.problems) == 4


def test_ledger_command_json_has_the_spec_keys() -> None:
    assert cli("import", "grants", str(importer.example_path())).exit_code == 0
    result = cli("grants", "ledger", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [list(d) for d in data] == [
        ["area", "year", "budget", "granted", "paid", "remaining", "problems"]
    ] * 3
    assert data[0]["problems"][0].startswith("beviljat 6 207 992 kr överstiger")
    assert json.loads(cli("grants", "ledger", "--year", "2024", "--format", "json").stdout) == []
    table = cli("grants", "ledger")
    assert "36 422 kr" in table.stdout


def test_import_command_lists_the_findings() -> None:
    result = cli("import", "grants", str(importer.example_path()))
    assert result.exit_code == 0
    assert "4 avvikelser" in result.stdout
    assert "överstiger budgeten" in result.stdout


# --- bad files --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "located"),
    [
        ("budget,2025,Radiologi,,,12 34,,s\n", "rad 2, kolumn amount: '12 34'"),
        ("budget,2025,Radiologi,,,-5,,s\n", "rad 2, kolumn amount"),
        ("budgte,2025,Radiologi,,,5,,s\n", "rad 2, kolumn kind: 'budgte'"),
        ("budget,25,Radiologi,,,5,,s\n", "rad 2, kolumn year: '25'"),
        ("budget,2025,,,,5,,s\n", "rad 2, kolumn area"),
        ("grant,2025,Radiologi,,x,5,,s\n", "rad 2, kolumn area: 'Radiologi' – ingen budgetrad"),
        ("funding,2025,,,ÖK,5,05=2;05=1,s\n", "rad 2, kolumn key"),
        ("budget,2025,A,,,5,,s\nbudget,2025,A,,,6,,s\n", "rad 3, kolumn area: 'A' – budget för A"),
        ("budget,2025,A,,,5,,s\npart,2025,A,,x,5,,s\n", "rad 3, kolumn group"),
    ],
)
def test_bad_rows_are_located_and_nothing_is_imported(
    tmp_path: Path, body: str, located: str
) -> None:
    good = "funding,2025,,,ÖK 2025,5000000,,s\nbudget,2025,Patologi,,,100,,s\n"
    path = write(tmp_path, good + body.replace("rad 2", "rad 4"))
    with pytest.raises(GrantsFileError) as exc:
        import_grants(path)
    located = located.replace("rad 2", "rad 4").replace("rad 3", "rad 5")
    assert f"grants.csv, {located}" in str(exc.value)
    assert counts() == (0, 0, 0, 0, 0)


def test_bad_file_on_the_command_line_exits_1_with_the_location(tmp_path: Path) -> None:
    path = write(tmp_path, "# kommentar\nbudget,2025,Radiologi,,,sex miljoner,,s\n")
    result = cli("import", "grants", str(path))
    assert result.exit_code == 1
    assert "grants.csv, rad 3, kolumn amount: 'sex miljoner'" in result.stderr
    assert "Traceback" not in result.output
    assert counts() == (0, 0, 0, 0, 0)
    assert cli("import", "grants", str(tmp_path / "saknas.csv")).exit_code == 1


def test_header_and_encoding_faults(tmp_path: Path) -> None:
    bad_header = tmp_path / "h.csv"
    bad_header.write_text("kind,year,area,amount\n", encoding="utf-8")
    with pytest.raises(GrantsFileError, match=r"h.csv, rad 1: .*saknas: group, label, key"):
        import_grants(bad_header)
    latin = tmp_path / "l.csv"
    latin.write_bytes((HEADER + "budget,2025,Område,,,5,,s\n").encode("latin-1"))
    with pytest.raises(GrantsFileError, match=r"l.csv, rad 2: filen är inte UTF-8"):
        import_grants(latin)
    short = write(tmp_path, "budget,2025,A,5\n", name="s.csv")
    with pytest.raises(GrantsFileError, match=r"s.csv, rad 2: 4 kolumner"):
        import_grants(short)


def test_a_pool_already_imported_is_refused(tmp_path: Path) -> None:
    import_grants(importer.example_path())
    before = counts()
    path = write(tmp_path, "budget,2025,Radiologi,,,1,,annan fil\n")
    with pytest.raises(GrantsFileError, match="potten Radiologi 2025 är redan importerad"):
        import_grants(path)
    assert counts() == before


def test_control_characters_never_reach_the_terminal(tmp_path: Path) -> None:
    path = write(tmp_path, "budget,2025,Rad\x1b[31mio,,,5,,s\n")
    import_grants(path)
    assert Pool.objects.get().area == "Rad[31mio"


def test_imported_payments_above_granted_are_listed(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "budget,2025,Barncancer,,,1000,,s\n"
        "grant,2025,Barncancer,05,Projekt A,600,,s\n"
        "payment,2025,Barncancer,05,Utbetalning A,700,,s\n"
        "stated_total,2025,Barncancer,05,,600,,s\n",
    )
    (r,) = import_grants(path).pools
    assert (r.granted, r.paid, r.remaining) == (600, 700, 400)
    assert r.problems == [
        "utbetalt 700 kr överstiger beviljat 600 kr med 100 kr",
        "05: angiven totalsumma 600 kr saknar specificerade belopp",
    ]


# --- changes through the ledger ---------------------------------------------------------------


def _pool(tmp_path: Path, budget: int = 1000) -> None:
    import_grants(write(tmp_path, f"budget,2025,Patologi,,,{budget},,s\n"))


def test_grant_within_budget_and_refused_beyond_it(tmp_path: Path) -> None:
    _pool(tmp_path)
    ledger.grant(2025, "Patologi", 900, "Snabbare PAD", region="05", username="anna")
    with pytest.raises(
        ledger.LedgerError, match=r"ryms inte .*: återstår 100 kr, beslutet går 50 kr över"
    ):
        ledger.grant(2025, "Patologi", 150, "Digital patologi", username="anna")
    (r,) = ledger.ledger(2025)
    assert (r.granted, r.remaining, r.problems) == (900, 100, [])
    assert LedgerEntry.objects.count() == 1
    assert AuditEvent.objects.filter(action="grant_recorded").count() == 1


def test_override_beyond_budget_needs_a_reason_and_is_audited(tmp_path: Path) -> None:
    _pool(tmp_path)
    ledger.grant(2025, "Patologi", 1000, "Projekt A")
    with pytest.raises(ledger.LedgerError):
        ledger.grant(2025, "Patologi", 10, "Projekt B", override_reason="   ")
    entry = ledger.grant(
        2025, "Patologi", 10, "Projekt B", username="beslut", override_reason="styrgruppen 14/3"
    )
    assert entry.override_reason == "styrgruppen 14/3"
    event = AuditEvent.objects.get(action="grant_override")
    assert event.username == "beslut"
    assert event.details["reason"] == "styrgruppen 14/3"
    assert event.details["over_budget"] == 10
    (r,) = ledger.ledger()
    assert r.remaining == -10
    assert r.problems == [
        "beviljat 1 010 kr överstiger budgeten 1 000 kr med 10 kr "
        "(beslutat med dispens: styrgruppen 14/3)"
    ]


def test_grant_and_pay_on_the_command_line(tmp_path: Path) -> None:
    _pool(tmp_path)
    args = ["grants", "grant", "--year", "2025", "--area", "Patologi", "--title", "X"]
    refused = cli(*args, "--amount", "1001")
    assert refused.exit_code == 1
    assert "--override-reason" in refused.stderr
    ok = cli(*args, "--amount", "1001", "--override-reason", "beslut i styrgruppen")
    assert ok.exit_code == 0, ok.output
    assert "överstiger budgeten" in ok.stdout
    pay = ["grants", "pay", "--year", "2025", "--area", "Patologi", "--amount"]
    assert cli(*pay, "1002").exit_code == 1
    assert cli(*pay, "1001").exit_code == 0
    (r,) = ledger.ledger()
    assert (r.granted, r.paid) == (1001, 1001)
    unknown = cli("grants", "grant", "--year", "2025", "--area", "Okänd", "--title", "X",
                  "--amount", "1")  # fmt: skip
    assert unknown.exit_code == 1
    assert "ingen pott 'Okänd' för 2025 (finns: Patologi 2025)" in unknown.stderr


def test_funds_are_allocated_by_their_key() -> None:
    import_grants(importer.example_path())
    data = json.loads(cli("grants", "funds", "--year", "2025", "--format", "json").stdout)
    assert data[0]["allocation"] == {"05": 2_291_667, "06": 1_562_500, "08": 1_145_833}


def test_allocate_command() -> None:
    by_key = cli("grants", "allocate", "100", "--key", "a=1;b=1;c=1", "--format", "json")
    assert json.loads(by_key.stdout)["allocation"] == {"a": 34, "b": 33, "c": 33}
    by_population = cli("grants", "allocate", "22000000", "--population", "sydost",
                        "--format", "json")  # fmt: skip
    parts = json.loads(by_population.stdout)["allocation"]
    assert set(parts) == {"05", "06", "08"}
    assert sum(parts.values()) == 22_000_000
    assert cli("grants", "allocate", "100").exit_code == 2
    assert cli("grants", "allocate", "100", "--population", "xx").exit_code == 1
    assert cli("grants", "allocate", "100", "--key", "a=0").exit_code == 1
