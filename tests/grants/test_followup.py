"""After the decision (SPEC §11): reports with an A3 summary, closing, adjustable due dates,
reminder mails, the decision letter, the public list and the indicator before and after."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from lofte.grants import calls, followup, letter, outcomes
from lofte.grants.models import Application
from lofte.web.audit.models import AuditEvent
from tests.grants.grant_round import PAT_05, PAT_06, Round, submitted
from tests.grants.test_files import PDF, xlsx


def granted(r: Round, amount: int = 150_000, requested: int = 200_000) -> Application:
    application = submitted(r, "Digital patologi", requested, [PAT_05, PAT_06])
    calls.decide(application, amount, username="styrgruppen")
    application.refresh_from_db()
    return application


def test_interim_then_final_report_then_closed(grant_round: Round) -> None:
    r = grant_round
    application = granted(r)
    assert application.status == Application.Status.PARTLY_GRANTED
    with pytest.raises(calls.CallError, match="delrapporten före slutrapporten"):
        followup.submit_report(
            application, "final", "Allt klart i projektet nu.", "a3.pdf", PDF, r.applicant
        )
    with pytest.raises(calls.CallError, match="innehållet är inte en PDF"):
        followup.submit_report(
            application, "interim", "Halvvägs: rutinen är införd.", "a3.pdf", b"nej", r.applicant
        )
    assert not application.reports.exists() and not application.attachments.exists()
    refused = AuditEvent.objects.get(action="attachment_refused")
    assert refused.details["name"] == "a3.pdf"
    followup.submit_report(
        application, "interim", "Halvvägs: rutinen är införd.", "a3.xlsx", xlsx(), r.applicant
    )
    application.refresh_from_db()
    assert application.status == Application.Status.REPORTING
    with pytest.raises(calls.CallError, match="kan inte avslutas innan slutrapporten"):
        followup.close(application, r.applicant)
    with pytest.raises(calls.CallError, match="redan inlämnad"):
        followup.submit_report(
            application, "interim", "En gång till, samma rapport.", "a3.pdf", PDF, r.applicant
        )
    followup.submit_report(
        application, "final", "Klart: ledtiden mäts varje månad.", "a3.pdf", PDF, r.applicant
    )
    followup.close(application, r.applicant)
    assert application.status == Application.Status.CLOSED
    assert [a.kind for a in application.attachments.all()] == ["interim_a3", "final_a3"]
    assert AuditEvent.objects.filter(action="project_reported").count() == 2


def test_a_rejected_application_has_nothing_to_report(grant_round: Round) -> None:
    application = submitted(grant_round, "Avslag", 100_000, [PAT_05, PAT_06])
    calls.decide(application, 0)
    with pytest.raises(calls.CallError, match="bara beviljade projekt"):
        followup.submit_report(
            application, "interim", "Det här ska inte gå alls.", "a.pdf", PDF, grant_round.applicant
        )


def test_reminders_before_the_due_date_once_per_report_and_date(
    grant_round: Round, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    r = grant_round
    application = granted(r)
    due = application.interim_date
    assert due is not None
    assert followup.send_reminders(due - dt.timedelta(days=30), days=14) == 0
    assert followup.send_reminders(due - dt.timedelta(days=10), days=14) == 1
    assert followup.send_reminders(due - dt.timedelta(days=9), days=14) == 0  # once
    (message,) = mail.outbox
    assert message.to == ["sara@example.org"]
    assert "delrapport ska lämnas" in message.subject and str(due) in message.subject
    assert f"/stimulansmedel/ansokningar/{application.pk}/" in message.body
    # A moved due date is a new reminder; an overdue report says so.
    followup.set_due_dates(application, r.applicant, interim=due + dt.timedelta(days=3), final=None)
    assert followup.send_reminders(due + dt.timedelta(days=5), days=14) == 1
    assert "skulle ha lämnats" in mail.outbox[-1].subject
    # Once the interim report is in, the final report is what is reminded of.
    followup.submit_report(
        application, "interim", "Halvvägs: rutinen är införd.", "a3.pdf", PDF, r.applicant
    )
    final = application.final_date
    assert final is not None
    assert followup.send_reminders(final - dt.timedelta(days=1), days=14) == 1
    assert "slutrapport" in mail.outbox[-1].subject
    assert AuditEvent.objects.filter(action="reminder_sent").count() == 3


def test_due_dates_keep_their_order(grant_round: Round) -> None:
    application = granted(grant_round)
    with pytest.raises(calls.CallError, match="före delrapporten"):
        followup.set_due_dates(
            application,
            grant_round.applicant,
            interim=dt.date(2026, 5, 1),
            final=dt.date(2026, 4, 1),
        )


def test_the_decision_letter_states_the_decision_from_the_database(grant_round: Round) -> None:
    r = grant_round
    application = granted(r, amount=150_000, requested=200_000)
    sv = letter.data(application, "sv")
    assert sv["paragraphs"][0] == "Ansökan beviljas delvis: 150 000 kr av sökta 200 000 kr."
    facts = dict(sv["facts"])
    assert facts["Sökande"] == "Patologi Linköping (05); Patologi Jönköping (06)"
    assert facts["Delrapport senast"] == str(application.interim_date)
    en = letter.data(application, "en")
    assert en["heading"] == "Decision on improvement grant"
    # every word from the grants catalogue (context "grant letter"), whatever the active language
    assert en["paragraphs"][0].startswith("The application is partly granted: 150 000 kr of")
    assert dict(en["facts"])["Interim report due"] == str(application.interim_date)
    assert letter.data(application, "sv")["heading"] == "Beslut om stimulansmedel"
    pdf = letter.render(application)
    assert pdf.startswith(b"%PDF-") and len(pdf) > 1000


def test_a_letter_beyond_the_pool_names_the_override(grant_round: Round) -> None:
    r = grant_round  # pool 500 000
    application = submitted(r, "Stort", 600_000, [PAT_05, PAT_06])
    calls.decide(application, 600_000, override_reason="Regionerna skjuter till medel")
    application.refresh_from_db()
    text = " ".join(letter.data(application)["paragraphs"])
    assert "dispens" in text and "Regionerna skjuter till medel" in text


def test_the_public_list_has_funded_projects_only_and_no_names(grant_round: Round) -> None:
    r = grant_round
    kept = granted(r)
    rejected = submitted(r, "Avslag", 100_000, [PAT_05, PAT_06])
    calls.decide(rejected, 0)
    submitted(r, "Väntar", 100_000, [PAT_05, PAT_06])
    (project,) = outcomes.public_projects()
    assert (project.pk, project.amount, project.regions) == (kept.pk, 150_000, ["05", "06"])
    assert project.region_names == ["Region Östergötland", "Region Jönköpings län"]
    text = repr(project)
    assert "sara" not in text and "Patologi Linköping" not in text


def write_cube(home: Path, rows: list[dict[str, Any]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    base = {
        "region_basis": "bostad",
        "pathway": "alla",
        "treatment": "alla",
        "target": 80.0,
        "target_high": None,
        "ci_low": None,
        "ci_high": None,
        "suppressed": False,
    }
    path = home / "cube" / "cube.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist([{**base, **r} for r in rows]), path)


def cell(region: str, period: str, num: int, den: int, **extra: Any) -> dict[str, Any]:
    return {
        "indicator": "svf_andel_inom_ledtid",
        "region": region,
        "period": period,
        "numerator": num,
        "denominator": den,
        "value": 100 * num / den,
        **extra,
    }


def test_before_and_after_a_closed_project_with_the_reports_significance_rule(
    grant_round: Round, lofte_home: Path
) -> None:
    r = grant_round
    application = granted(r)
    application.indicators = ["svf_andel_inom_ledtid"]
    application.decided_at = timezone.make_aware(dt.datetime(2025, 3, 14, 12))
    application.final_due = dt.date(2025, 11, 15)
    application.status = Application.Status.CLOSED
    application.save()
    assert outcomes.project_periods(application) == ("2024H2", "2026H1")
    write_cube(
        lofte_home,
        [
            cell("05", "2024H2", 100, 200),  # 50 % → 80 %: significant, better
            cell("05", "2026H1", 160, 200),
            cell("06", "2024H2", 100, 200),  # 50 % → 52 %: not significant
            cell("06", "2026H1", 104, 200),
        ],
    )
    by_region = {c.region: c for c in outcomes.before_after(application)}
    assert by_region["05"].significant and by_region["05"].better is True
    assert by_region["05"].p_value is not None and by_region["05"].p_value < 0.05
    assert not by_region["06"].significant and by_region["06"].better is True
    assert (by_region["05"].before, by_region["05"].after) == (50.0, 80.0)
    # A suppressed cell is never shown, and nothing is compared with it.
    write_cube(
        lofte_home,
        [cell("05", "2024H2", 100, 200), cell("05", "2026H1", 3, 4, suppressed=True)],
    )
    c = {c.region: c for c in outcomes.before_after(application)}["05"]
    assert (c.after, c.p_value, c.significant) == (None, None, False)
    # Only closed projects are compared.
    application.status = Application.Status.REPORTING
    assert outcomes.before_after(application) == []


def test_lofte_grants_remind_and_the_daily_task_send_the_report_reminders(
    grant_round: Round, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from lofte import django_setup
    from lofte.cli import app
    from lofte.web.plans import tasks

    monkeypatch.setattr(django_setup, "_ready", True)
    monkeypatch.setattr(tasks, "schedule_daily", lambda *a, **k: None)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    application = granted(grant_round)
    assert application.interim_date is not None
    days = (application.interim_date - timezone.localdate()).days
    result = CliRunner().invoke(app, ["grants", "remind", "--days", str(days - 1)])
    assert result.exit_code == 0 and "Skickade 0 påminnelse(r)." in result.stdout
    result = CliRunner().invoke(app, ["grants", "remind", "--days", str(days)])
    assert result.exit_code == 0 and "Skickade 1 påminnelse(r)." in result.stdout
    application.interim_due = application.interim_date + dt.timedelta(days=1)
    application.save()
    assert tasks.daily_reminders.call(days=days + 1) == 1
    assert len(mail.outbox) == 2


def test_payments_to_a_project_never_exceed_what_it_was_granted(
    grant_round: Round, client: Any
) -> None:
    from lofte.grants import ledger
    from tests.web.accounts.fixtures import make_user

    application = granted(grant_round, amount=150_000)
    ledger.pay(2025, "Patologi", 100_000, "Första delen", application=application)
    with pytest.raises(ledger.LedgerError, match=r"större än beviljat \(150 000 kr\)"):
        ledger.pay(2025, "Patologi", 60_000, "För mycket", application=application)
    (row,) = ledger.ledger(2025)
    assert (row.granted, row.paid, row.problems) == (150_000, 100_000, [])
    event = AuditEvent.objects.get(action="grant_paid")
    assert event.details == {
        "pool": "Patologi 2025",
        "amount": 100_000,
        "application": application.pk,
    }

    client.force_login(make_user("admin", ["rcc_admin"]))
    url = f"/stimulansmedel/ansokningar/{application.pk}/utbetalning/"
    refused = client.post(url, {"amount": "50001", "label": ""})
    assert refused.status_code == 400
    assert "större än beviljat" in refused.content.decode()
    assert client.post(url, {"amount": "50000", "label": ""}).status_code == 302
    page = client.get(f"/stimulansmedel/ansokningar/{application.pk}/").content.decode()
    assert "Första delen" in page and "50 000 kr" in page
    assert ledger.ledger(2025)[0].paid == 150_000
