"""A whole grants round in real Chromium (issue 15, "done when").

rcc_admin opens a call and moves a date of its timeline, adds criteria and two assessors; an
applicant writes two applications – the second is refused on submission with the call's
eligibility rule in words, is corrected and submitted; the assessment starts; the assessor from
an applicant's region is refused (403, audited as a conflict of interest) while the patient
council member scores both; the decision maker sees the running budget fit, grants the first
within the pool and the second beyond it only with an override reason, and downloads a decision
letter; the applicant hands in the interim report with an A3 summary. After every step the
ledger is asserted to reconcile: granted is exactly the decided amounts, remaining is budget
less granted, and the only finding is the overrun with its reason once it has been decided.
No page breaks the Content-Security-Policy.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.e2e.test_csp import Watcher
from tests.grants.test_files import PDF
from tests.web.accounts.fixtures import PASSWORD, make_user

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("lofte_home"),
]

BUDGET = 300_000


def assert_ledger_reconciles(over_reason: str | None = None) -> None:
    from lofte.grants import ledger
    from lofte.grants.models import Application, LedgerEntry
    from lofte.grants.reconcile import kr

    (row,) = ledger.ledger(2025)
    decided = sum(
        a.decided_amount or 0
        for a in Application.objects.filter(call__year=2025, decided_amount__isnull=False)
    )
    entries = sum(
        LedgerEntry.objects.filter(pool__year=2025, kind="grant").values_list("amount", flat=True)
    )
    assert row.granted == decided == entries
    assert row.remaining == BUDGET - row.granted
    payments = LedgerEntry.objects.filter(pool__year=2025, kind="payment")
    assert row.paid == sum(payments.values_list("amount", flat=True)) <= row.granted
    if over_reason is None:
        assert row.problems == [], row.problems
    else:
        (finding,) = row.problems
        over = row.granted - BUDGET
        assert finding.startswith(f"beviljat {kr(row.granted)} överstiger budgeten"), finding
        assert f"med {kr(over)} (beslutat med dispens: " in finding, finding
        assert over_reason in finding


def open_as(browser: Any, base: str, username: str) -> tuple[Any, Watcher]:
    context = browser.new_context(locale="sv-SE", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    watch = Watcher(page)
    page.goto(f"{base}/konto/logga-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click(".login__form button[type=submit]")
    page.wait_for_url(f"{base}/konto/")
    return page, watch


def submit(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(f"{selector} button[type=submit]")


def fill_application(
    page: Any,
    title: str,
    requested: int,
    units: list[tuple[str, str, str]],
    lines: list[tuple[str, int]],
) -> None:
    page.fill("#id_title", title)
    page.select_option("#id_area", "Patologi")
    page.fill("#id_aims", "Kortare tid från provtagning till PAD-svar genom digital granskning.")
    page.fill("#id_requested", str(requested))
    page.select_option("#id_indicators", ["svf_andel_inom_ledtid"])
    for i, (unit, region, kind) in enumerate(units):
        page.fill(f"#id_sokande-{i}-unit", unit)
        page.select_option(f"#id_sokande-{i}-region", region)
        page.select_option(f"#id_sokande-{i}-kind", kind)
    for i, (label, amount) in enumerate(lines):
        page.fill(f"#id_budget-{i}-label", label)
        page.fill(f"#id_budget-{i}-amount", str(amount))
    submit(page, "#application-form")


def test_a_whole_grants_round_in_the_browser(live_server: Any, browser: Any, tmp_path: Any) -> None:
    from lofte.grants.models import Application, Call, Pool
    from lofte.web.audit.models import AuditEvent

    Pool.objects.create(year=2025, area="Patologi", budget=BUDGET, source="E2E-pott")
    make_user("admin", ["rcc_admin"])
    make_user("sara", ["applicant"], ["05"])
    make_user("bo", ["assessor"])
    make_user("pnr", ["assessor"])
    make_user("styr", ["decision_maker"])
    base = live_server.url
    today = dt.date.today()
    watchers = []
    assert_ledger_reconciles()

    # 1. The call, its timeline moved, criteria and assessors (rcc_admin).
    admin, watch = open_as(browser, base, "admin")
    watchers.append(watch)
    admin.click("nav a:has-text('Stimulansmedel')")
    admin.wait_for_url(f"{base}/stimulansmedel/")
    admin.fill("#id_title", "Förbättringsprojekt patologi 2025")
    admin.fill("#id_year", "2025")
    admin.fill("#id_areas", "Patologi")
    admin.fill("#id_budget", "250000")
    admin.fill("#id_eligibility", "diagnostics_regions>=2 | care_and_diagnostics_same_region")
    admin.select_option("#id_conflict_rule", "region")
    admin.fill("#id_opens", str(today - dt.timedelta(days=1)))
    admin.fill("#id_deadline", str(today + dt.timedelta(days=14)))
    admin.fill("#id_interim_report", str(today + dt.timedelta(days=120)))
    admin.fill("#id_final_report", str(today + dt.timedelta(days=240)))
    submit(admin, "#call-form")
    call = Call.objects.get()
    assert admin.url == f"{base}/stimulansmedel/utlysningar/{call.pk}/"
    # Dates out of order are refused with both dates named; then the interim report moves.
    admin.fill("#id_final_report", str(today + dt.timedelta(days=100)))
    submit(admin, "#timeline-form")
    assert "kan inte ligga före" in admin.text_content("#timeline-form")
    interim = today + dt.timedelta(days=90)
    admin.fill("#id_interim_report", str(interim))
    admin.fill("#id_final_report", str(today + dt.timedelta(days=240)))
    submit(admin, "#timeline-form")
    assert "Tidsplanen sparades." in admin.text_content("main")
    call.refresh_from_db()
    assert call.interim_report == interim
    assert AuditEvent.objects.filter(action="call_dates_changed").exists()
    for name, weight in (("Nytta för patienterna", "3"), ("Genomförbarhet", "1")):
        admin.fill("#id_name", name)
        admin.fill("#id_weight", weight)
        admin.fill("#id_scale_max", "5")
        submit(admin, "#criterion-form")
    assert admin.locator("#criteria tbody tr").count() == 2
    for username, unit, region, council in (
        ("bo", "Onkologi Linköping", "05", False),
        ("pnr", "", "08", True),
    ):
        admin.fill("#id_username", username)
        admin.fill("#id_unit", unit)
        admin.select_option("#id_region", region)
        if council:
            admin.check("#id_patient_council")
        submit(admin, "#assessor-form")
    assert admin.locator("#assessors tbody tr").count() == 2
    assert_ledger_reconciles()

    # 2. Two applications; the second is refused on submission, corrected and submitted.
    sara, watch = open_as(browser, base, "sara")
    watchers.append(watch)
    sara.goto(f"{base}/stimulansmedel/utlysningar/{call.pk}/")
    sara.click("#apply")
    fill_application(
        sara,
        "Digital patologi i Sydöst",
        200_000,
        [("Patologi Linköping", "05", "pathology"), ("Patologi Jönköping", "06", "pathology")],
        [("Lön, projektledare", 120_000), ("Skannrar", 80_000)],
    )
    first = Application.objects.get(title="Digital patologi i Sydöst")
    attachment = tmp_path / "projektplan.pdf"
    attachment.write_bytes(PDF)
    fake = tmp_path / "budget.xlsx"
    fake.write_bytes(PDF)  # a PDF named .xlsx: refused by its content
    sara.set_input_files("#id_file", str(fake))
    submit(sara, "#attach-form")
    assert "filen heter .xlsx men är inte en Excel-arbetsbok" in sara.text_content("#attach-form")
    sara.set_input_files("#id_file", str(attachment))
    submit(sara, "#attach-form")
    assert "projektplan.pdf" in sara.text_content("#attachments")
    submit(sara, "#submit-form")
    assert sara.get_attribute("#application-status", "data-status") == "submitted"

    sara.goto(f"{base}/stimulansmedel/utlysningar/{call.pk}/ansok/")
    fill_application(
        sara,
        "Rehabilitering efter PAD-svar",
        150_000,
        [("Onkologi Linköping", "05", "care"), ("Patologi Jönköping", "06", "pathology")],
        [("Kurator", 150_000)],
    )
    second = Application.objects.get(title="Rehabilitering efter PAD-svar")
    submit(sara, "#submit-form")
    refusal = sara.text_content(".messages")
    assert (
        "Ansökan kunde inte skickas in: utlysningen kräver sökande från radiologi eller "
        "patologi i minst 2 regioner eller en vårdande klinik och radiologi eller patologi "
        "från samma region; ansökan har Onkologi Linköping (vårdande klinik, 05)" in refusal
    )
    assert sara.get_attribute("#application-status", "data-status") == "draft"
    assert AuditEvent.objects.filter(
        action="application_refused", object_id=str(second.pk)
    ).exists()
    sara.click("#edit-link")
    sara.fill("#id_sokande-2-unit", "Patologi Linköping")
    sara.select_option("#id_sokande-2-region", "05")
    sara.select_option("#id_sokande-2-kind", "pathology")
    submit(sara, "#application-form")
    submit(sara, "#submit-form")
    assert sara.get_attribute("#application-status", "data-status") == "submitted"
    assert_ledger_reconciles()

    # 3. The assessment starts (rcc_admin).
    admin.goto(f"{base}/stimulansmedel/utlysningar/{call.pk}/")
    submit(admin, "#start-form")
    assert "2 ansökningar gick till bedömning." in admin.text_content(".messages")

    # 4. The assessor from Östergötland: both applications have a 05 applicant – refused.
    bo, watch = open_as(browser, base, "bo")
    watchers.append(watch)
    bo.goto(f"{base}/stimulansmedel/utlysningar/{call.pk}/")
    assert "jäv" in bo.text_content(f"tr[data-application='{first.pk}']")
    assert bo.locator(f"tr[data-application='{first.pk}'] a").count() == 0
    watch.expected_status = 403
    response = bo.goto(f"{base}/stimulansmedel/ansokningar/{first.pk}/")
    assert response is not None and response.status == 403
    assert "Digital patologi i Sydöst" not in bo.text_content("main")
    watch.collect()
    watch.expected_status = None
    conflict = AuditEvent.objects.get(action="conflict_refused", username="bo")
    assert conflict.object_id == str(first.pk) and "region 05" in conflict.details["reason"]

    # 5. The patient council member scores both, with a justification.
    pnr, watch = open_as(browser, base, "pnr")
    watchers.append(watch)
    criteria = list(call.criteria.all())
    for application, marks, advice in (
        (first, ("5", "4"), "grant"),
        (second, ("3", "3"), "partly"),
    ):
        pnr.goto(f"{base}/stimulansmedel/ansokningar/{application.pk}/")
        for criterion, mark in zip(criteria, marks, strict=True):
            pnr.select_option(f"#id_score_{criterion.pk}", mark)
        pnr.fill("#id_justification", "Kort")
        pnr.select_option("#id_recommendation", advice)
        # Too short a justification: the browser holds the form back (minlength); so does the
        # server (tests/grants/test_assessment.py).
        pnr.click("#assessment-form button[type=submit]")
        assert pnr.eval_on_selector("#id_justification", "e => e.validity.tooShort")
        assert not application.assessments.exists()
        pnr.fill("#id_justification", "Tydlig nytta för patienterna och en rimlig budget.")
        submit(pnr, "#assessment-form")
        assert "Bedömningen sparades." in pnr.text_content(".messages")
    assert_ledger_reconciles()

    # 6. The decision meeting: the budget fit, a grant within the pool and one beyond it.
    styr, watch = open_as(browser, base, "styr")
    watchers.append(watch)
    styr.goto(f"{base}/stimulansmedel/utlysningar/{call.pk}/beslutsmote/")
    rows = styr.locator("#meeting tbody tr")
    assert rows.nth(0).get_attribute("data-application") == str(first.pk)  # best score first
    assert "100 000 kr" in rows.nth(0).text_content() and "ja" in rows.nth(0).text_content()
    assert "−50 000 kr" in rows.nth(1).text_content() and "nej" in rows.nth(1).text_content()
    styr.click(f"#meeting a[href$='/ansokningar/{first.pk}/']")
    styr.wait_for_url(f"{base}/stimulansmedel/ansokningar/{first.pk}/")
    assert "Viktad poäng (0–100): 95" in styr.text_content("#score-summary")
    assert "återstår 300 000 kr" in styr.text_content("#pool-fit")
    styr.fill("#id_amount", "200000")
    submit(styr, "#decision-form")
    assert styr.url == f"{base}/stimulansmedel/utlysningar/{call.pk}/beslutsmote/"
    assert_ledger_reconciles()

    styr.goto(f"{base}/stimulansmedel/ansokningar/{second.pk}/")
    styr.fill("#id_amount", "150000")
    submit(styr, "#decision-form")
    assert "ryms inte i potten" in styr.text_content("#decision-form")
    assert_ledger_reconciles()  # refused: nothing booked
    reason = "Styrgruppen prioriterar rehabilitering 2025"
    styr.fill("#id_amount", "150000")
    styr.fill("#id_override_reason", reason)
    submit(styr, "#decision-form")
    assert "Beslutet registrerades." in styr.text_content(".messages")
    assert_ledger_reconciles(over_reason=reason)
    override = AuditEvent.objects.get(action="grant_override")
    assert override.details["reason"] == reason and override.details["over_budget"] == 50_000
    assert styr.locator("#decided tbody tr").count() == 2

    styr.goto(f"{base}/stimulansmedel/ansokningar/{second.pk}/")
    with styr.expect_download() as download:
        styr.click("#letter-link")
    letter = download.value.path().read_bytes()
    assert letter.startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action="letter_created").count() == 1

    # 7. The interim report with its A3 summary (the applicant).
    sara.goto(f"{base}/stimulansmedel/ansokningar/{first.pk}/")
    assert sara.get_attribute("#application-status", "data-status") == "granted"
    assert str(interim) in sara.text_content("#interim-due")
    a3 = tmp_path / "a3-delrapport.pdf"
    a3.write_bytes(PDF)
    sara.select_option("#id_kind", "interim")
    sara.fill("#id_summary", "Skannrarna är på plats; PAD-svaren kommer fyra dagar snabbare.")
    sara.set_input_files("#id_a3", str(a3))
    submit(sara, "#report-form")
    assert sara.get_attribute("#application-status", "data-status") == "reporting"
    assert "a3-delrapport.pdf" in sara.text_content("#reports")
    assert_ledger_reconciles(over_reason=reason)

    # A first payment to the project (rcc_admin); the ledger's paid follows.
    admin.goto(f"{base}/stimulansmedel/ansokningar/{first.pk}/")
    admin.fill("#id_amount", "100000")
    submit(admin, "#payment-form")
    assert "100 000 kr" in admin.text_content("#payments")
    assert_ledger_reconciles(over_reason=reason)

    # The ledger page shows the overrun with its reason; the summary downloads.
    admin.goto(f"{base}/stimulansmedel/huvudbok/?ar=2025")
    assert reason in admin.text_content("#ledger")
    with admin.expect_download() as download:
        admin.click("#summary-link")
    assert download.value.path().read_bytes()[:2] == b"PK"
    # The public list: both projects, regions and amounts, no person.
    admin.goto(f"{base}/beviljade-projekt/")
    public = admin.text_content("main")
    assert "Digital patologi i Sydöst" in public and "150 000 kr" in public
    assert "sara" not in public and "Patologi Linköping" not in public

    for w in watchers:
        w.collect()
    # A form shown again with its errors answers 400, which Chromium logs; anything else counts.
    problems = [p for w in watchers for p in w.problems if "status of 400" not in p]
    assert not problems, "\n".join(problems)
