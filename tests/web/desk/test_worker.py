"""The production path: the database task backend queues the job and ``db_worker`` runs it."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from lofte.svf.models import Delivery
from lofte.web.desk.models import Job
from tests.web.accounts.fixtures import HOME_REGION, WINDOW, good_file

pytestmark = [pytest.mark.usefixtures("lofte_home"), pytest.mark.django_db(transaction=True)]


def test_upload_is_queued_then_run_by_the_database_worker(
    client, coordinator, settings, tmp_path, make_personnummer
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    client.force_login(coordinator)
    with open(good_file(tmp_path, make_personnummer), "rb") as fh:
        response = client.post(
            reverse("desk:upload", args=[HOME_REGION]),
            {"file": fh, **WINDOW},
            HTTP_ACCEPT="application/json",
        )
    assert response.status_code == 202
    job = Job.objects.get(pk=response.json()["job"])
    assert job.status == Job.Status.QUEUED and not Delivery.objects.exists()
    queued = DBTaskResult.objects.get()
    assert str(queued.id) == job.task_id and queued.status == "READY"

    # The page shows the queued job with its progress bar and polls the status endpoint.
    page = client.get(response.json()["url"]).content.decode()
    assert 'id="job-progress"' in page and reverse("desk:job_status", args=[job.pk]) in page
    assert client.get(reverse("desk:job_status", args=[job.pk])).json()["status"] == "queued"

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    queued.refresh_from_db()
    job.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    assert job.status == Job.Status.DONE and job.done == job.total == 6
    assert job.delivery.status == Delivery.Status.ACTIVE and job.delivery.rows_stored == 9
    status = client.get(reverse("desk:job_status", args=[job.pk])).json()
    assert status["percent"] == 100 and status["finished"]
    assert status["delivery"].endswith(f"/leveranser/{job.delivery_id}/")
