"""The coordinators' desk through the Django test client: upload (bad, good, supersede),
validation report, history, own-region lists and figures, the CSV export, scope denials, jobs,
and that every view and export of a patient list lands in the audit log."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from lofte import config
from lofte.core.pseudonym import pseudonymise
from lofte.cube import service as cube_service
from lofte.reports import store as report_store
from lofte.svf.models import Delivery
from lofte.web.audit.models import AuditEvent
from lofte.web.desk.models import Job
from tests.svf.test_reader import write_csv
from tests.web.accounts.fixtures import (
    HOME_REGION,
    OTHER_REGION,
    WINDOW,
    bad_file,
    good_file,
    good_rows,
)

pytestmark = [pytest.mark.usefixtures("lofte_home", "immediate_tasks"), pytest.mark.django_db]


def upload(client: Any, path: Path, region: str = HOME_REGION, **extra: str) -> Any:
    with open(path, "rb") as fh:
        return client.post(
            reverse("desk:upload", args=[region]), {"file": fh, **extra}, follow=False
        )


def run_upload(client, capture, path, **extra) -> Job:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        response = upload(client, path, **extra)
    assert response.status_code == 302
    job = Job.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))
    return job


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def test_bad_delivery_is_rejected_with_located_errors_and_nothing_stored(
    client, coordinator, tmp_path, make_personnummer, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    path = bad_file(tmp_path, make_personnummer)
    job = run_upload(client, django_capture_on_commit_callbacks, path, **WINDOW)

    assert job.status == Job.Status.DONE
    delivery = job.delivery
    assert delivery.status == Delivery.Status.REJECTED
    assert delivery.created_by == "anna"
    assert not any(config.subdir("events").iterdir())
    assert not any(p.is_file() for p in config.subdir("uploads").rglob("*"))

    # The job page sends the browser on to the report, which locates every error.
    status = client.get(reverse("desk:job_status", args=[job.pk])).json()
    assert status["next"] == reverse("desk:job", args=[job.pk])
    assert status["delivery"] == reverse("desk:delivery", args=[delivery.pk])
    response = client.get(status["next"], follow=True)
    assert response.redirect_chain == [(status["delivery"], 302)]
    page = response.content.decode()
    assert "Leveransen avvisades" in page
    errors = delivery.report["errors"]
    assert {(e["line"], e["column"]) for e in errors} == {(3, "personnummer"), (4, "kva")}
    masked = next(e["value"] for e in errors if e["column"] == "personnummer")
    assert masked.endswith("-****") and masked in page
    assert "XX999" in page
    bad_pnr = good_rows(make_personnummer)[1][0]
    assert bad_pnr not in page and bad_pnr[:-1] not in page
    assert actions() == ["login", "delivery_uploaded", "delivery_rejected", "delivery_viewed"]


def test_good_delivery_is_imported_and_listed_in_the_history(
    client, coordinator, tmp_path, make_personnummer, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    job = run_upload(
        client, django_capture_on_commit_callbacks, good_file(tmp_path, make_personnummer), **WINDOW
    )
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.percent == 100
    delivery = job.delivery
    assert delivery.status == Delivery.Status.ACTIVE and delivery.rows_stored == 9
    assert delivery.warning_count >= 1  # the orphan treatment event
    history = client.get(reverse("desk:history", args=[HOME_REGION])).content.decode()
    assert reverse("desk:delivery", args=[delivery.pk]) in history
    report = client.get(reverse("desk:delivery", args=[delivery.pk])).content.decode()
    assert "Leveransen är godkänd" in report and 'id="warnings"' in report
    event = AuditEvent.objects.get(action="delivery_imported")
    assert (event.username, event.region, event.object_id) == ("anna", "05", str(delivery.pk))
    assert event.details["rows"] == 9


def test_supersede_waits_for_confirmation(
    client, coordinator, tmp_path, make_personnummer, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    capture = django_capture_on_commit_callbacks
    first = run_upload(client, capture, good_file(tmp_path, make_personnummer), **WINDOW)
    rows = good_rows(make_personnummer)
    second_path = write_csv(tmp_path / "ny.csv", rows[:6])  # a corrected file, same window
    second = run_upload(client, capture, second_path, **WINDOW)
    second.refresh_from_db()

    assert second.status == Job.Status.CONFIRM
    assert [d["id"] for d in second.supersedes] == [first.delivery_id]
    assert Delivery.objects.filter(status="active").count() == 1
    page = client.get(reverse("desk:job", args=[second.pk])).content.decode()
    assert "Ersätt och importera" in page and "bra.csv" in page
    desk = client.get(reverse("desk:region", args=[HOME_REGION])).content.decode()
    assert reverse("desk:job", args=[second.pk]) in desk  # the open upload is findable

    with capture(execute=True):
        client.post(reverse("desk:job_confirm", args=[second.pk]), {"answer": "yes"})
    second.refresh_from_db()
    assert second.status == Job.Status.DONE
    old = Delivery.objects.get(pk=first.delivery_id)
    assert old.status == Delivery.Status.SUPERSEDED and old.superseded_by_id == second.delivery_id
    assert not (config.home() / "uploads").exists() or not any(
        p.is_file() for p in (config.home() / "uploads").rglob("*")
    )


def test_supersede_can_be_cancelled(
    client, coordinator, tmp_path, make_personnummer, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    capture = django_capture_on_commit_callbacks
    run_upload(client, capture, good_file(tmp_path, make_personnummer), **WINDOW)
    second_path = write_csv(tmp_path / "ny.csv", good_rows(make_personnummer)[:3])
    second = run_upload(client, capture, second_path, **WINDOW)
    upload_file = config.home() / Job.objects.get(pk=second.pk).upload_path
    assert upload_file.is_file()
    client.post(reverse("desk:job_confirm", args=[second.pk]), {"answer": "no"})
    second.refresh_from_db()
    assert second.status == Job.Status.CANCELLED and not upload_file.exists()
    assert Delivery.objects.count() == 1


def test_partial_overlap_is_refused_and_audited(
    client, coordinator, tmp_path, make_personnummer, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    capture = django_capture_on_commit_callbacks
    run_upload(client, capture, good_file(tmp_path, make_personnummer), **WINDOW)
    path = write_csv(tmp_path / "overlap.csv", good_rows(make_personnummer)[6:8])
    job = run_upload(client, capture, path, window_from="2024-06-01", window_to="2025-03-31")
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "överlappar delvis" in job.message
    assert AuditEvent.objects.filter(action="delivery_refused", region="05").exists()


def test_upload_form_errors_are_returned(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("desk:upload", args=[HOME_REGION]),
        {"window_from": "2024-05-01", "window_to": "2024-01-01"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"file", "window_to"}
    assert not Job.objects.exists()


@pytest.fixture
def computed(client, coordinator, tmp_path, make_personnummer, django_capture_on_commit_callbacks):
    """Anna's delivery imported and the engine run."""
    client.force_login(coordinator)
    job = run_upload(
        client,
        django_capture_on_commit_callbacks,
        good_file(tmp_path, make_personnummer),
        **WINDOW,
    )
    cube_service.compute()
    return job.delivery


def short(pnr: str) -> str:
    return pseudonymise(pnr, config.pseudonym_key())[:12]


def test_lists_show_pseudonyms_with_file_and_line(client, computed, make_personnummer):
    people = [row[0] for row in good_rows(make_personnummer)]
    pnr_late, pnr_ongoing, pnr_orphan = people[3], people[6], people[8]

    def table(slug: str) -> list[dict[str, str]]:
        response = client.get(reverse("desk:list_csv", args=[HOME_REGION, slug]))
        assert response.status_code == 200
        text = response.content.decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(text), delimiter=";"))

    late = table("utanfor-ledtid")
    assert [(r["Pseudonym"], r["Rad"], r["Ledtid (dagar)"], r["Mål (dagar)"]) for r in late] == [
        (short(pnr_late), "5", "61", "35")
    ]
    assert late[0]["Fil"] == "bra.csv" and late[0]["Leverans"] == str(computed.pk)

    overdue = table("pagaende-over-malet")
    assert [(r["Pseudonym"], r["Rad"], r["Mätt till"]) for r in overdue] == [
        (short(pnr_ongoing), "8", "2024-12-31")
    ]
    assert int(overdue[0]["Väntat (dagar)"]) == 213 > int(overdue[0]["Längsta mål (dagar)"])

    coding = table("kodningsproblem")
    assert [(r["Pseudonym"], r["Rad"], r["KVÅ"]) for r in coding] == [
        (short(pnr_orphan), "10", "VG950")
    ]

    page = client.get(reverse("desk:list", args=[HOME_REGION, "utanfor-ledtid"]))
    html = page.content.decode()
    assert short(pnr_late) in html
    for pnr in people:
        assert pnr not in html and pnr[2:] not in html
    listed = AuditEvent.objects.filter(action__in=["list_viewed", "list_exported"])
    assert sorted(listed.values_list("action", "object_id")) == [
        ("list_exported", "kodningsproblem"),
        ("list_exported", "pagaende-over-malet"),
        ("list_exported", "utanfor-ledtid"),
        ("list_viewed", "utanfor-ledtid"),
    ]
    assert set(listed.values_list("region", "username")) == {("05", "anna")}


def test_internal_figures_are_unsuppressed_and_own_region(client, computed):
    cube = cube_service.read_cube().to_pylist()
    cells = [
        c
        for c in cube
        if c["region"] == HOME_REGION
        and c["indicator"] == "svf_antal_avslutade"
        and c["pathway"] == "alla"
        and c["treatment"] == "alla"
        and c["period_type"] == "year"
        and c["region_basis"] == "avslutande"
    ]
    assert cells and all(c["suppressed"] for c in cells)  # fewer than 5: blank in public
    response = client.get(reverse("desk:figures", args=[HOME_REGION]), {"period": "year"})
    html = response.content.decode()
    row = html.split("Antal avslutade")[1].split("</tr>")[0] if "Antal avslutade" in html else ""
    for c in cells:
        assert (
            f"({c['numerator'] if c['numerator'] is not None else '–'}/{c['denominator']})" in row
        )
        assert f">{round(c['value'])}* <small>" in row  # a count, marked as publicly blanked
    assert AuditEvent.objects.filter(action="figures_viewed", region="05").exists()


def test_other_regions_are_denied(client, computed, other_coordinator, coordinator):
    for name in ("list", "list_csv"):
        url = reverse(f"desk:{name}", args=[OTHER_REGION, "utanfor-ledtid"])
        assert client.get(url).status_code == 403
    for url in (
        reverse("desk:figures", args=[OTHER_REGION]),
        reverse("desk:history", args=[OTHER_REGION]),
        reverse("desk:region", args=[OTHER_REGION]),
    ):
        assert client.get(url).status_code == 403
    assert AuditEvent.objects.filter(action="access_denied", region=OTHER_REGION).count() == 5
    assert not AuditEvent.objects.filter(action__in=["list_viewed", "list_exported"]).exists()

    # The other region's coordinator cannot open Anna's delivery or job either.
    client.force_login(other_coordinator)
    assert client.get(reverse("desk:delivery", args=[computed.pk])).status_code == 404
    job = Job.objects.get(delivery=computed)
    assert client.get(reverse("desk:job_status", args=[job.pk])).status_code == 404
    assert (
        client.get(reverse("desk:list", args=[HOME_REGION, "kodningsproblem"])).status_code == 403
    )


def test_services_enforce_scope_themselves(computed, other_coordinator):
    from django.core.exceptions import PermissionDenied

    from lofte.web.desk import services

    for slug in services.LISTS:
        with pytest.raises(PermissionDenied):
            services.patient_list(other_coordinator, HOME_REGION, slug)
    with pytest.raises(PermissionDenied):
        services.internal_figures(other_coordinator, HOME_REGION)


def test_staff_without_desk_role_is_refused(client, db):
    from tests.web.accounts.fixtures import make_user

    client.force_login(make_user("viggo", ["viewer"]))
    assert client.get(reverse("desk:home")).status_code == 403
    assert client.get(reverse("desk:region", args=[HOME_REGION])).status_code == 403


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("desk:list", args=[HOME_REGION, "utanfor-ledtid"]))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_compute_and_report_jobs_for_rcc_staff(
    client, computed, statistician, coordinator, django_capture_on_commit_callbacks
):
    assert client.get(reverse("desk:operations")).status_code == 403  # Anna
    client.force_login(statistician)
    page = client.get(reverse("desk:operations"))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'name="what" value="compute"' in text and 'name="what" value="report"' in text
    assert "Rapportmodulen finns inte" not in text
    before = cube_service.read_cube().num_rows
    cube_service.cube_path().unlink()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("desk:operations"), {"what": "compute"})
    job = Job.objects.get(kind="compute")
    assert response.url == reverse("desk:job", args=[job.pk])
    assert job.status == Job.Status.DONE and job.done == job.total == 4
    assert cube_service.read_cube().num_rows == before
    assert AuditEvent.objects.filter(action="compute", username="stina").exists()
    # The compute run logs the catalogue in force (the first time: as the baseline).
    assert AuditEvent.objects.filter(action="catalog_changed", username="stina").count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("desk:operations"),
            {"what": "report", "healthcare_region": "sydost", "period": "2024H1"},
        )
    report = Job.objects.get(kind="report")
    assert report.status == Job.Status.DONE, report.message
    written = [(r.healthcare_region, r.period) for r in report_store.list_reports()]
    assert ("sydost", "2024H1") in written
    assert AuditEvent.objects.filter(action="report", username="stina").exists()

    # A half-year without data is a clear failure, and nothing is written.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("desk:operations"),
            {"what": "report", "healthcare_region": "sydost", "period": "2019H1"},
        )
    empty = Job.objects.filter(kind="report").latest("pk")
    assert empty.status == Job.Status.FAILED
    assert empty.message.startswith("Rapporten kunde inte skrivas")
    assert ("sydost", "2019H1") not in [
        (r.healthcare_region, r.period) for r in report_store.list_reports()
    ]

    # The page lists the jobs it started; a bad report request is answered with the form's
    # errors, and no job.
    text = client.get(reverse("desk:operations")).content.decode()
    assert (
        reverse("desk:job", args=[job.pk]) in text and reverse("desk:job", args=[empty.pk]) in text
    )
    jobs = Job.objects.count()
    bad = client.post(
        reverse("desk:operations"),
        {"what": "report", "healthcare_region": "sydost", "period": "2024H3"},
    )
    assert bad.status_code == 400 and 'class="errorlist' in bad.content.decode()
    assert Job.objects.count() == jobs


def test_pathway_scope_limits_the_lists(client, computed, coordinator):
    from lofte.web.accounts.services import save_user

    save_user("anna", roles=["svf_coordinator"], regions=[HOME_REGION], pathways=["lunga"])
    client.force_login(coordinator)
    for slug in ("utanfor-ledtid", "pagaende-over-malet", "kodningsproblem"):
        response = client.get(reverse("desk:list", args=[HOME_REGION, slug]))
        assert response.context["page"].paginator.count == 0
    save_user("anna", roles=["svf_coordinator"], regions=[HOME_REGION], pathways=["brost"])
    response = client.get(reverse("desk:list", args=[HOME_REGION, "utanfor-ledtid"]))
    assert response.context["page"].paginator.count == 1
    assert "Bröstcancer" in response.content.decode()


def test_identical_file_changes_nothing_and_says_so(
    client, coordinator, tmp_path, make_personnummer, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    capture = django_capture_on_commit_callbacks
    path = good_file(tmp_path, make_personnummer)
    first = run_upload(client, capture, path, **WINDOW)
    again = run_upload(client, capture, path, **WINDOW)
    again.refresh_from_db()
    assert again.status == Job.Status.DONE and again.delivery_id == first.delivery_id
    assert Delivery.objects.count() == 1
    response = client.get(reverse("desk:job", args=[again.pk]), follow=True)
    assert "ingenting har ändrats" in response.content.decode()
    assert AuditEvent.objects.filter(action="delivery_unchanged").count() == 1


def test_process_leader_sees_figures_of_own_region_and_pathways_only(client, computed):
    from lofte.web.accounts.services import save_user
    from tests.web.accounts.fixtures import make_user

    make_user("pia", ["process_leader"], [HOME_REGION])
    leader = save_user("pia", roles=["process_leader"], regions=[HOME_REGION], pathways=["brost"])
    client.force_login(leader)
    assert client.get(reverse("desk:home")).url == reverse("desk:figures", args=[HOME_REGION])
    response = client.get(reverse("desk:figures", args=[HOME_REGION]))
    assert response.status_code == 200 and response.context["pathway"] == "brost"
    assert response.context["data"]["rows"]  # breast-cancer cells of the county
    # Another pathway falls back to her own; the service itself refuses it.
    assert (
        client.get(reverse("desk:figures", args=[HOME_REGION]), {"forlopp": "lunga"}).context[
            "pathway"
        ]
        == "brost"
    )
    from django.core.exceptions import PermissionDenied

    from lofte.web.desk import services

    with pytest.raises(PermissionDenied):
        services.internal_figures(leader, HOME_REGION, pathway="alla")
    # No patient lists, no uploads, no other county.
    assert client.get(reverse("desk:list", args=[HOME_REGION, "utanfor-ledtid"])).status_code == 403
    assert client.get(reverse("desk:region", args=[HOME_REGION])).status_code == 403
    assert client.get(reverse("desk:figures", args=[OTHER_REGION])).status_code == 403
