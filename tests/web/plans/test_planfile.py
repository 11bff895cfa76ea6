"""The plan file: the shipped seed plans are complete and faithful, import → export → import gives
the same plan, bad files are refused with located messages and change nothing, and the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook
from typer.testing import CliRunner

from lofte import cli, django_setup
from lofte.web.plans import planfile, planread
from lofte.web.plans.models import Action, ActionLink, Plan, StatusUpdate

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lofte_home")]

DATA = Path(planfile.__file__).parent / "data"
SYDOST = DATA / "rcc-sydost-handlingsplan-2025.yaml"
KRONOBERG = DATA / "region-kronoberg-handlingsplan-cancer.yaml"
SEEDS = Path(__file__).resolve().parents[4] / "shared" / "seeds"

#: VAD per målområde of Handlingsplan 2025, counted in the seed text (seed 001).
SYDOST_ACTIONS_PER_AREA = {
    "1": 13, "2": 16, "3": 9, "4": 3, "5": 37, "6": 4, "7": 3, "8": 8, "9": 8, "10": 11,
}  # fmt: skip
#: Activities (bullets or paragraphs of "Planerade/pågående aktiviteter") per målbild, seed 003.
KRONOBERG_ACTIONS_PER_MALBILD = {
    1: 3, 2: 3, 3: 1, 4: 2, 5: 1, 6: 1, 7: 1, 8: 1, 9: 1, 10: 1, 11: 2, 12: 1, 13: 1, 14: 1,
    15: 3, 16: 1, 17: 1, 18: 1, 19: 2, 20: 2, 21: 2, 22: 1, 23: 1, 24: 1, 25: 1, 26: 1, 27: 2,
    28: 1, 29: 2, 30: 8, 31: 1, 32: 2, 33: 1, 34: 1, 35: 1, 36: 2, 37: 1, 38: 2, 39: 1, 40: 2,
    41: 1, 42: 1, 43: 4, 44: 1, 45: 1, 46: 2, 47: 2, 48: 1, 49: 2,
}  # fmt: skip


@pytest.fixture(autouse=True)
def django_is_set_up(monkeypatch):
    monkeypatch.setattr(django_setup, "_ready", True)


def _letters(text: str) -> str:
    """Letters and digits only, lower case: the PDF's line breaks, hyphens and quotes gone."""
    return re.sub(r"[^0-9a-zåäöéü]", "", text.lower())


def _seed(name_start: str) -> str:
    found = sorted(SEEDS.glob(f"{name_start}_*.txt"))
    assert found, f"seed {name_start} missing under {SEEDS}"
    return found[0].read_text(encoding="utf-8")


def test_every_vad_of_handlingsplan_2025_is_in_the_file_as_written():
    data = planread.read(SYDOST)
    per_area = {a["number"]: sum(len(g["actions"]) for g in a["goals"]) for a in data["areas"]}
    assert per_area == SYDOST_ACTIONS_PER_AREA
    assert sum(per_area.values()) == 112
    seed = _letters(_seed("001"))
    for area in data["areas"]:
        for goal in area["goals"]:
            assert _letters(goal["text"]) in seed, goal["text"]
            for action in goal["actions"]:
                assert _letters(action["what"]) in seed, action["id"]
                for activity in action["activities"]:
                    assert activity["how"]


def test_all_49_malbilder_of_kronoberg_with_their_activities():
    data = planread.read(KRONOBERG)
    goals = [g for a in data["areas"] for g in a["goals"]]
    assert all(g["kind"] == "malbild" for g in goals)
    numbers = [int(g["number"]) for g in goals]
    assert numbers == list(range(1, 50))
    seed_text = _seed("003")
    # The seed numbers its målbilder "N." at the start of the first column.
    in_seed = {int(n) for n in re.findall(r"(?m)^\s*(\d{1,2})\.\s?[A-ZÅÄÖa-zåäö]", seed_text)}
    assert in_seed == set(range(1, 50))
    assert {int(g["number"]): len(g["actions"]) for g in goals} == KRONOBERG_ACTIONS_PER_MALBILD
    seed = _letters(seed_text)
    for goal in goals:
        # The PDF breaks a few målbild texts around the next column: their start must be there.
        assert _letters(goal["text"])[:60] in seed, goal["number"]
        for action in goal["actions"]:
            assert _letters(action["what"]) in seed, action["id"]
            if action["status_text"]:
                assert _letters(action["status_text"]) in seed, action["id"]


def test_status_words_of_the_seeds_are_mapped():
    data = planread.read(KRONOBERG)
    by_id = {x["id"]: x for a in data["areas"] for g in a["goals"] for x in g["actions"]}
    assert by_id["MB1.1"]["status"] == "pagaende"  # "Pågår"
    assert by_id["MB40.1"]["status"] == "planeras"  # "Planerad"
    assert by_id["MB20.1"]["status"] == "planeras"  # "Planeras"
    assert by_id["MB30.2"]["status"] == "pagaende"  # "påbörjat"
    assert by_id["MB14.1"]["status"] == "klar"  # given explicitly: "har deltagit"
    assert by_id["MB5.1"]["status"] == "ej_paborjad"  # no status word in the source
    assert by_id["MB15.1"]["who"] == "Sjukhusledning"  # Ansvar kept as written


@pytest.mark.parametrize(
    ("word", "code"),
    [("Pågår", "pagaende"), ("Pågår.", "pagaende"), ("Planeras", "planeras"),
     ("Planerad.", "planeras"), ("Planering pågår.", "planeras"), ("Klar", "klar"),
     ("Genomförd 2024", "klar"), ("Ej påbörjad", "ej_paborjad"), ("Pausad", "pausad"),
     ("Inställd", "installd"), ("Avbruten", "installd"), ("okänt ord", None)],
)  # fmt: skip
def test_status_from_text(word: str, code: str | None):
    assert planfile.status_from_text(word) == code


def test_dates_come_from_the_nar_texts():
    plan = planread.import_plan(SYDOST)
    action = Action.objects.get(goal__area__plan=plan, ref="3.1.5")
    # "21 mars 2025" and "Q3 2025" on the activities.
    assert (action.start_date.isoformat(), action.due_date.isoformat()) == (
        "2025-03-01",
        "2025-09-30",
    )
    recurring = Action.objects.get(goal__area__plan=plan, ref="2.1.2")  # "Kontinuerligt"
    assert recurring.recurring and recurring.due_date is None
    assert ActionLink.objects.filter(
        action__goal__area__plan=plan, kind="indicator", code="pal_tackningsgrad"
    ).exists()


@pytest.mark.parametrize("path", [SYDOST, KRONOBERG], ids=["sydost", "kronoberg"])
def test_export_then_import_gives_the_same_plan(path: Path, tmp_path: Path):
    plan = planread.import_plan(path)
    first = planfile.plan_to_data(plan)
    out = planfile.export_plan(plan, tmp_path / "plan.yaml")
    # Change the stored plan, then import the export: it replaces the plan with what was exported.
    Action.objects.filter(goal__area__plan=plan).update(status="klar", responsible="x")
    again = planread.import_plan(out)
    assert Plan.objects.count() == 1
    assert planfile.plan_to_data(again) == first
    assert planfile.export_plan(again, tmp_path / "again.yaml").read_text() == out.read_text()


def test_round_trip_keeps_history_users_and_links(tmp_path: Path, admin):
    text = SYDOST.read_text(encoding="utf-8").replace(
        "            what: Fortsatt processarbete\n",
        "            what: Fortsatt processarbete\n"
        "            users: [admin]\n"
        "            status: pagaende\n"
        "            history:\n"
        "              - {date: 2025-02-01, status: planeras, comment: Start, by: admin}\n"
        "              - {date: 2025-05-01, status: pagaende, comment: '=1+1', synthetic: true,\n"
        "                 changes: {due_date: ['2025-06-30', '2025-12-31']}}\n",
    )
    source = tmp_path / "in.yaml"
    source.write_text(text, encoding="utf-8")
    plan = planread.import_plan(source)
    action = Action.objects.get(goal__area__plan=plan, ref="1.4.1")
    assert list(action.responsible_users.values_list("username", flat=True)) == ["admin"]
    updates = list(action.updates.all())
    assert [u.status for u in updates] == ["planeras", "pagaende"]
    assert updates[0].user == admin and updates[1].synthetic
    first = planfile.plan_to_data(plan)
    out = planfile.export_plan(plan, tmp_path / "out.yaml")
    again = planread.import_plan(out)
    assert planfile.plan_to_data(again) == first
    xlsx = planfile.export_plan(again, tmp_path / "plan.xlsx")
    wb = load_workbook(xlsx)
    history = [row for row in wb["Historik"].iter_rows(min_row=2, values_only=True)]
    assert ("1.4.1", "2025-05-01", "Pågående", "'=1+1", None, "ja") in history
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"


def _bad(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "dalig.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD_HEAD = "format: lofte-plan\nversion: 1\nid: rcc-sydost-handlingsplan-2025\nname: X\n"


ACTION_HEAD = (
    "organisation: O\nareas:\n  - name: A\n    goals:\n      - text: G\n        actions:\n"
)


def _where(text: str, token: str) -> str:
    """ "rad L, kolumn C" of the first occurrence of ``token`` in ``text`` (1-based)."""
    before = text[: text.index(token)]
    return f"rad {before.count(chr(10)) + 1}, kolumn {len(before) - before.rfind(chr(10))}"


@pytest.mark.parametrize(
    ("body", "token", "what"),
    [
        ("organisation: O\nareas: [1\n", None, "ogiltig YAML"),
        (ACTION_HEAD + "          - {id: a, what: W, status: klart}\n", "klart", "okänd status"),
        (ACTION_HEAD + "          - id: a\n            what: W\n            due: 2025-13-01\n",
         "2025-13-01", "ogiltigt datum"),
        (ACTION_HEAD + "          - {id: a, what: W, regions: ['99']}\n", "'99'", "okänd region"),
        (ACTION_HEAD + "          - {id: a, what: W}\n          - {id: a, what: V}\n", "a, what: V",
         "finns redan"),
        (ACTION_HEAD + "          - {id: a, what: W, users: [nobody]}\n", "[nobody]",
         "okänt användarkonto"),
        ("organisation: O\nareas:\n  - name: A\n    golas: []\n", "[]", "okänt fält"),
        ("areas:\n  - name: A\n", None, "'organisation' saknas"),
        (ACTION_HEAD + "          - bara text\n", "bara text", "ska vara en mappning"),
    ],
)  # fmt: skip
def test_bad_file_is_located_and_changes_nothing(
    tmp_path: Path, body: str, token: str | None, what: str
):
    before = planread.import_plan(SYDOST)
    snapshot = planfile.plan_to_data(before)
    text = GOOD_HEAD + body
    path = _bad(tmp_path, text)
    with pytest.raises(planfile.PlanFileError) as caught:
        planread.import_plan(path)
    message = str(caught.value)
    assert message.startswith("dalig.yaml, rad "), message
    assert what in message, message
    if token is not None:
        assert _where(text, token) in message, message
    assert Plan.objects.count() == 1
    assert planfile.plan_to_data(Plan.objects.get()) == snapshot


def test_cli_import_list_export(tmp_path: Path):
    runner = CliRunner()
    result = runner.invoke(cli.app, ["import", "plan", str(KRONOBERG)])
    assert result.exit_code == 0, result.output
    assert "49 mål, 79 åtgärder" in result.output
    runner.invoke(cli.app, ["import", "plan", str(SYDOST)])
    result = runner.invoke(cli.app, ["plans", "list", "--format", "json"])
    assert result.exit_code == 0
    rows = {r["id"]: r for r in json.loads(result.output)}
    assert rows["kronoberg-handlingsplan-cancer"] == {
        "id": "kronoberg-handlingsplan-cancer",
        "name": "Handlingsplan cancer för Region Kronoberg",
        "organisation": "Region Kronoberg",
        "period": "2024-2025",
        "goals": 49,
        "actions": 79,
    }
    assert rows["rcc-sydost-handlingsplan-2025"]["actions"] == 112
    out = tmp_path / "k.yaml"
    result = runner.invoke(
        cli.app, ["export", "plan", "kronoberg-handlingsplan-cancer", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(out.read_text())["id"] == "kronoberg-handlingsplan-cancer"
    result = runner.invoke(cli.app, ["export", "plan", "finns-inte", "--out", str(out)])
    assert result.exit_code == 1
    result = runner.invoke(cli.app, ["plans", "list", "--format", "csv"])
    assert result.exit_code == 2


def test_cli_bad_file_exit_1_located_and_no_escape(tmp_path: Path):
    path = _bad(tmp_path, GOOD_HEAD + "organisation: O\nareas:\n  - name: A\n    x\x1b[31m: 1\n")
    result = CliRunner().invoke(cli.app, ["import", "plan", str(path)])
    assert result.exit_code == 1
    assert "dalig.yaml" in result.output
    assert "\x1b[31m" not in result.output
    assert Plan.objects.count() == 0
    assert StatusUpdate.objects.count() == 0


CSV = (
    "plan_id;plan_name;organisation;plan_region;plan_period;area;goal;id;what;status;who;due;"
    "indicators;regions;how\n"
    "kalmar-2026;Kalmars plan;Region Kalmar län;08;2026;Ledtider;Fler i tid;K1;Veckovis "
    'genomgång;pagaende;Processledare;2026-06-30;svf_andel_inom_ledtid;08;"Varje måndag\n'
    'Rapport till styrgruppen"\n'
    ";;;;;Ledtider;Fler i tid;K2;MDK för alla;planeras;;2026-09-30;mdk_andel svf_andel_mdk;08;\n"
    ";;;;;Palliativ vård;Fler samtal;K3;Utbildning;{status};;;pal_brytpunktssamtal;08;\n"
)


def test_csv_plan_is_grouped_and_imported(tmp_path: Path):
    path = tmp_path / "plan.csv"
    path.write_text(CSV.format(status="klar"), encoding="utf-8-sig")
    plan = planread.import_plan(path)
    data = planfile.plan_to_data(plan)
    assert (data["id"], data["region"], data["period"]) == ("kalmar-2026", "08", "2026")
    assert [(a["name"], [g["text"] for g in a["goals"]]) for a in data["areas"]] == [
        ("Ledtider", ["Fler i tid"]),
        ("Palliativ vård", ["Fler samtal"]),
    ]
    k1, k2 = data["areas"][0]["goals"][0]["actions"]
    assert [a["how"] for a in k1["activities"]] == ["Varje måndag", "Rapport till styrgruppen"]
    assert k2["indicators"] == ["mdk_andel", "svf_andel_mdk"] and k2["due"] == "2026-09-30"
    assert data["areas"][1]["goals"][0]["actions"][0]["status"] == "klar"


def test_csv_errors_name_the_row_and_column(tmp_path: Path):
    path = tmp_path / "plan.csv"
    # The first row's quoted cell spans two lines, so the third action is on line 5.
    path.write_text(CSV.format(status="klart"), encoding="utf-8")
    with pytest.raises(planfile.PlanFileError) as caught:
        planread.import_plan(path)
    assert str(caught.value) == (
        "plan.csv, rad 5, kolumn 10: okänd status 'klart' "
        "(tillåtna: ej_paborjad, planeras, pagaende, klar, pausad, installd)"
    )
    path.write_text("plan_id,plan_name,färg\nx,y,z\n", encoding="utf-8")
    with pytest.raises(planfile.PlanFileError) as caught:
        planread.import_plan(path)
    assert "plan.csv, rad 1, kolumn 3: okänd kolumn 'färg'" in caught.value.problems
    assert "plan.csv, rad 1: kolumnen 'organisation' saknas" in caught.value.problems
    conflicting = CSV.format(status="klar").replace(";;;;;Palliativ", "annan;;;;;Palliativ")
    path.write_text(conflicting, encoding="utf-8")
    with pytest.raises(planfile.PlanFileError) as caught:
        planread.import_plan(path)
    assert "rad 5, kolumn 1: 'plan_id' skiljer sig från första raden" in str(caught.value)
    assert Plan.objects.count() == 0
