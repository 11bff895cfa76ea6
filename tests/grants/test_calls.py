"""Calls with the seed 004 timeline and eligibility checked on submission (SPEC §11)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from lofte.grants import calls, eligibility
from lofte.grants.eligibility import Applicant as A
from lofte.grants.models import Application, Call
from lofte.web.audit.models import AuditEvent

RULE = calls.SEED_004_RULE


PAT_05, PAT_05B = A("Patologi Linköping", "05", "pathology"), A("Patologi N", "05", "pathology")
PAT_06, PAT_08 = A("Patologi Jönköping", "06", "pathology"), A("Patologi Kalmar", "08", "pathology")
RAD_08, CARE_08 = A("Radiologi Kalmar", "08", "radiology"), A("Hematologi Kalmar", "08", "care")
CARE_05, CARE_06 = A("Onkologi Linköping", "05", "care"), A("Onkologi Jönköping", "06", "care")


@pytest.mark.parametrize(
    ("applicants", "eligible"),
    [
        ([PAT_05, PAT_06], True),  # pathology from two regions
        ([RAD_08, PAT_06], True),  # radiology and pathology from two regions
        ([CARE_08, PAT_08], True),  # a care unit and pathology of the same region
        ([CARE_08, PAT_06], False),  # care and pathology, but of different regions
        ([PAT_05, PAT_05B], False),  # two pathology units of one region
        ([CARE_05, CARE_06], False),  # two regions, but no radiology or pathology
        ([], False),
    ],
)
def test_the_seed_004_rule(applicants: list[A], eligible: bool) -> None:
    assert (eligibility.check(RULE, applicants) is None) is eligible


def test_refusal_says_what_the_call_requires_and_what_the_application_has() -> None:
    message = eligibility.check(RULE, [A("Hematologi Kalmar", "08", "care")])
    assert message == (
        "utlysningen kräver sökande från radiologi eller patologi i minst 2 regioner eller "
        "en vårdande klinik och radiologi eller patologi från samma region; "
        "ansökan har Hematologi Kalmar (vårdande klinik, 08)"
    )


def test_refusal_and_rule_in_english_when_the_user_reads_english() -> None:
    from django.utils import translation

    with translation.override("en"):
        message = eligibility.check(RULE, [A("Hematologi Kalmar", "08", "care")])
        bad = eligibility.check("any", [A("x", "05", "kirurgi")])
        with pytest.raises(eligibility.RuleError, match="unknown eligibility rule"):
            eligibility.parse("regions>2")
        assert eligibility.describe("regions>=2") == "applicants from at least 2 regions"
    assert message == (
        "the call requires applicants from radiology or pathology in at least 2 regions or "
        "a care unit and radiology or pathology from the same region; "
        "the application has Hematologi Kalmar (care unit, 08)"
    )
    assert str(bad).startswith("unknown kind of unit 'kirurgi' for x")
    # Swedish stays the default
    assert "utlysningen kräver" in str(eligibility.check(RULE, [CARE_08]))


def test_other_rules_and_bad_rules() -> None:
    two = [A("x", "05", "other"), A("y", "06", "other")]
    assert eligibility.check("regions>=2", two) is None
    assert eligibility.check("regions>=3", two) is not None
    assert eligibility.check("any", two[:1]) is None
    assert "okänd typ" in str(eligibility.check("any", [A("x", "05", "kirurgi")]))
    with pytest.raises(eligibility.RuleError, match="okänd behörighetsregel"):
        eligibility.parse("regions>2")
    with pytest.raises(eligibility.RuleError, match="minst 1"):
        eligibility.parse("regions>=0")


# --- calls and applications in the database ---------------------------------------------------

db = pytest.mark.django_db


def _call(**kw: object) -> Call:
    return calls.create_call(
        2025,
        "Riktad utlysning: förändrade arbetssätt inom patologi och radiologi",
        ["Patologi", "Radiologi"],
        timeline=calls.SEED_004_TIMELINE,
        eligibility_rule=RULE,
        budget=1_300_000,
        **kw,  # type: ignore[arg-type]
    )


IN_TIME = dt.datetime(2025, 2, 10, 12, tzinfo=dt.UTC)


@db
def test_eligible_application_is_submitted_and_audited() -> None:
    call = _call()
    app = calls.draft(
        call, "Tid i handen", "Patologi",
        [A("Patologi Linköping", "05", "pathology"), A("Patologi Växjö", "07", "pathology")],
        requested=400_000, username="sokande",
    )  # fmt: skip
    calls.submit(app, username="sokande", now=IN_TIME)
    app.refresh_from_db()
    assert app.status == Application.Status.SUBMITTED
    assert AuditEvent.objects.filter(action="application_submitted").count() == 1
    with pytest.raises(calls.CallError, match="redan inskickad"):
        calls.submit(app, now=IN_TIME)


@db
def test_ineligible_application_stays_a_draft_with_a_clear_message() -> None:
    call = _call()
    app = calls.draft(
        call, "Hematologi och patologi", "Patologi",
        [A("Hematologi Kalmar", "08", "care"), A("Patologi Jönköping", "06", "pathology")],
        requested=200_000,
    )  # fmt: skip
    with pytest.raises(calls.CallError, match=r"utlysningen kräver .* ansökan har Hematologi"):
        calls.submit(app, now=IN_TIME)
    app.refresh_from_db()
    assert app.status == Application.Status.DRAFT
    event = AuditEvent.objects.get(action="application_refused")
    assert "utlysningen kräver" in event.details["reason"]


@db
@pytest.mark.parametrize(
    ("when", "area", "requested", "words"),
    [
        (dt.datetime(2025, 1, 26, 12, tzinfo=dt.UTC), "Patologi", 1, "öppnar först 2025-01-27"),
        (dt.datetime(2025, 2, 18, 12, tzinfo=dt.UTC), "Patologi", 1, "sista ansökningsdag var"),
        (IN_TIME, "Barncancer", 1, "ingår inte i utlysningen"),
        (IN_TIME, "Patologi", 0, "ange sökt belopp"),
        (IN_TIME, "Patologi", 1_300_001, "mer än utlysningens 1 300 000 kr"),
    ],
)
def test_submission_checks(when: dt.datetime, area: str, requested: int, words: str) -> None:
    call = _call()
    two = [A("Patologi Linköping", "05", "pathology"), A("Radiologi Växjö", "07", "radiology")]
    app = calls.draft(call, "Projekt", area, two, requested=requested)
    with pytest.raises(calls.CallError, match=words):
        calls.submit(app, now=when)


@db
def test_timeline_dates_are_editable_in_order_and_audited() -> None:
    call = _call()
    assert (call.opens, call.decision) == (dt.date(2025, 1, 27), dt.date(2025, 3, 14))
    calls.set_dates(call, username="rcc", deadline=dt.date(2025, 2, 20))
    call.refresh_from_db()
    assert call.deadline == dt.date(2025, 2, 20)
    event = AuditEvent.objects.get(action="call_dates_changed")
    assert event.details["changes"] == {"deadline": ["2025-02-17", "2025-02-20"]}
    with pytest.raises(calls.CallError, match=r"bedömning från .* kan inte ligga före"):
        calls.set_dates(call, assessment_from=dt.date(2025, 2, 1))
    with pytest.raises(calls.CallError, match="kan inte tas bort"):
        calls.set_dates(call, deadline=None)
    call.refresh_from_db()
    assert call.assessment_from == dt.date(2025, 2, 25)
    late = dt.datetime(2025, 2, 19, 12, tzinfo=dt.UTC)  # after the old deadline, before the new
    app = calls.draft(
        call, "P", "Radiologi",
        [A("Radiologi Linköping", "05", "radiology"), A("Radiologi Kalmar", "08", "radiology")],
        requested=10,
    )  # fmt: skip
    calls.submit(app, now=late)


@db
def test_a_call_with_a_bad_rule_or_dates_is_not_created() -> None:
    with pytest.raises(calls.CallError, match="okänd behörighetsregel"):
        calls.create_call(2025, "X", ["Patologi"], timeline=calls.SEED_004_TIMELINE,
                          eligibility_rule="minst två")  # fmt: skip
    bad = calls.SEED_004_TIMELINE | {"deadline": dt.date(2025, 1, 1)}
    with pytest.raises(calls.CallError, match=r"sista ansökningsdag .* kan inte ligga före"):
        calls.create_call(2025, "X", ["Patologi"], timeline=bad)
    assert Call.objects.count() == 0


# --- decisions against the pool -----------------------------------------------------------------


def _submitted(call: Call, title: str, requested: int) -> Application:
    app = calls.draft(call, title, "Patologi", [PAT_05, PAT_06], requested=requested)
    calls.submit(app, now=IN_TIME)
    return app


@db
def test_decisions_within_and_beyond_the_pool_and_the_ledger_after_each(tmp_path: Path) -> None:
    from lofte.grants import importer, ledger

    path = tmp_path / "pool.csv"
    path.write_text(
        "kind,year,area,group,label,amount,key,source\nbudget,2025,Patologi,,,500000,,test\n",
        encoding="utf-8",
    )
    importer.import_grants(path)
    call = _call()
    first = _submitted(call, "Digital patologi", 300_000)
    second = _submitted(call, "Tid i handen", 250_000)
    third = _submitted(call, "Snabbsvar", 100_000)
    fit = calls.decision_list(call)
    assert [(i.title, i.remaining_after, i.fits) for i in fit] == [
        ("Digital patologi", 200_000, True),
        ("Tid i handen", -50_000, False),
        ("Snabbsvar", -150_000, False),
    ]

    calls.decide(first, 300_000, username="styrgrupp")
    assert first.status == Application.Status.GRANTED
    (row,) = ledger.ledger(2025)
    assert (row.granted, row.remaining, row.problems) == (300_000, 200_000, [])

    with pytest.raises(calls.CallError, match="ryms inte"):
        calls.decide(second, 250_000)
    second.refresh_from_db()
    assert second.status == Application.Status.SUBMITTED  # nothing changed
    assert ledger.ledger(2025)[0].granted == 300_000

    calls.decide(second, 250_000, override_reason="prioriterat av styrgruppen 14/3")
    (row,) = ledger.ledger(2025)
    assert (row.granted, row.remaining) == (550_000, -50_000)
    assert "beslutat med dispens: prioriterat av styrgruppen 14/3" in row.problems[0]
    assert AuditEvent.objects.filter(action="grant_override").count() == 1

    with pytest.raises(calls.CallError, match="mer än det sökta"):
        calls.decide(third, 100_001)
    calls.decide(third, 0)
    assert third.status == Application.Status.REJECTED
    assert ledger.ledger(2025)[0].granted == 550_000
    with pytest.raises(calls.CallError, match="bara inskickade"):
        calls.decide(third, 0)
    assert calls.decision_list(call) == []


@db
def test_a_partial_grant() -> None:
    from lofte.grants.models import Pool

    Pool.objects.create(year=2025, area="Patologi", budget=1000)
    app = _submitted(_call(), "P", 800)
    calls.decide(app, 600)
    assert (app.status, app.decided_amount) == (Application.Status.PARTLY_GRANTED, 600)
    assert app.ledger_entries.get().amount == 600


@db
def test_calls_and_decisions_on_the_command_line() -> None:
    import json

    from typer.testing import CliRunner

    from lofte.cli import app
    from lofte.grants.models import Pool

    Pool.objects.create(year=2025, area="Patologi", budget=1000)
    call = _call()
    _submitted(call, "Projekt", 800)
    runner = CliRunner()
    listed = json.loads(runner.invoke(app, ["grants", "calls", "--format", "json"]).stdout)
    assert listed[0]["timeline"]["opens"] == "2025-01-27"
    assert listed[0]["timeline"]["final_report"] == "2025-09-15"
    assert listed[0]["applications"] == {"submitted": 1}
    assert listed[0]["eligibility_sv"].startswith("sökande från radiologi eller patologi")
    shown = runner.invoke(app, ["grants", "calls"])
    assert "2025-03-14  besked om medelsfördelning" in shown.stdout
    decisions = runner.invoke(app, ["grants", "decisions", str(call.pk), "--format", "json"])
    assert json.loads(decisions.stdout)[0]["remaining_after"] == 200
    assert runner.invoke(app, ["grants", "decisions", "999"]).exit_code == 1


@db
def test_budget_lines_and_indicators_are_checked_on_submission() -> None:
    from lofte import catalog

    call = _call()
    code = next(iter(catalog.load().indicators))
    two = [PAT_05, PAT_06]
    lines = [("Projektledning", 100_000), ("Utbildning", 50_000)]
    wrong_sum = calls.draft(call, "P", "Patologi", two, requested=160_000, budget=lines)
    with pytest.raises(calls.CallError, match="budgetraderna summerar till 150 000 kr"):
        calls.submit(wrong_sum, now=IN_TIME)
    unknown = calls.draft(
        call, "P", "Patologi", two, requested=150_000, budget=lines, indicators=[code, "pavhittad"]
    )
    with pytest.raises(calls.CallError, match="okända indikatorer: pavhittad"):
        calls.submit(unknown, now=IN_TIME)
    good = calls.draft(
        call, "P", "Patologi", two, requested=150_000, budget=lines, indicators=[code]
    )
    calls.submit(good, now=IN_TIME)
    assert good.status == Application.Status.SUBMITTED


@db
def test_calls_are_created_and_their_dates_moved_on_the_command_line() -> None:
    from typer.testing import CliRunner

    from lofte.cli import app

    runner = CliRunner()
    add = ["grants", "call-add", "--year", "2025", "--title", "Riktad", "--area", "Patologi",
           "--area", "Radiologi", "--rule", RULE, "--seed-004-timeline"]  # fmt: skip
    result = runner.invoke(app, add)
    assert result.exit_code == 0, result.output
    call = Call.objects.get()
    assert call.areas == "Patologi; Radiologi"
    assert call.deadline == dt.date(2025, 2, 17)
    moved = runner.invoke(app, ["grants", "call-dates", str(call.pk), "--deadline", "2025-02-21"])
    assert moved.exit_code == 0, moved.output
    call.refresh_from_db()
    assert call.deadline == dt.date(2025, 2, 21)
    cleared = runner.invoke(app, ["grants", "call-dates", str(call.pk), "--publication", "-"])
    assert cleared.exit_code == 0
    call.refresh_from_db()
    assert call.publication is None
    wrong = runner.invoke(app, ["grants", "call-dates", str(call.pk), "--decision", "2025-01-01"])
    assert wrong.exit_code == 1
    assert "besked om medelsfördelning (2025-01-01) kan inte ligga före" in wrong.stderr
    assert (
        runner.invoke(app, ["grants", "call-dates", str(call.pk), "--decision", "14/3"]).exit_code
        == 1
    )
    no_dates = runner.invoke(app, ["grants", "call-add", "--year", "2025", "--title", "X",
                                   "--area", "Patologi"])  # fmt: skip
    assert no_dates.exit_code == 1
    assert "sista ansökningsdag" in no_dates.stderr
    bad_rule = runner.invoke(app, [*add, "--rule", "minst två regioner"])
    assert bad_rule.exit_code == 1
    assert Call.objects.count() == 1
