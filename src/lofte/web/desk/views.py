"""The coordinators' desk (SPEC §1, §3): deliveries, reports, own-region lists and figures.

Region scope is enforced by :mod:`lofte.web.roles` (views) and again by the services
(lists, figures): a region outside the user's scope is HTTP 403, a delivery or job of another
region is HTTP 404. Every view and export of a patient list is written to the audit log.
"""

from __future__ import annotations

import csv
import uuid
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lofte import config
from lofte.core.spreadsheet import neutralise
from lofte.svf import waiting
from lofte.svf.models import Delivery
from lofte.web.audit.models import AuditEvent
from lofte.web.audit.service import record
from lofte.web.desk import services, tasks
from lofte.web.desk.forms import ReportForm, UploadForm
from lofte.web.desk.models import Job
from lofte.web.roles import (
    DESK_ROLES,
    INTERNAL_ROLES,
    NATIONAL_ROLES,
    has_role,
    pathways_of,
    regions_of,
    require_region,
    require_role,
    signed_in_user,
)

LIST_PAGE_SIZE = 100
#: Who may see a region's internal, unsuppressed figures.
FIGURES_ROLES = INTERNAL_ROLES


def _desk_user(request: HttpRequest) -> None:
    require_role(request.user, DESK_ROLES)


def _region_name(code: str) -> str:
    from lofte.catalog import load

    return load().region(code).name


def _region(request: HttpRequest, region: str, roles: Any = DESK_ROLES) -> str:
    """``region`` if the user may work with it; else 403 (audited by lofte.web.middleware)."""
    require_role(request.user, roles)
    return require_region(request.user, region)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The desk's start: the user's regions (straight to the one region she has)."""
    require_role(request.user, FIGURES_ROLES)
    regions = regions_of(request.user)
    desk = has_role(request.user, *DESK_ROLES)
    if len(regions) == 1:
        return redirect("desk:region" if desk else "desk:figures", region=regions[0])
    from lofte.catalog import load

    catalog = load()
    return render(
        request,
        "desk/index.html",
        {
            "regions": [(code, catalog.region(code).name) for code in regions],
            "national": has_role(request.user, *NATIONAL_ROLES),
            "desk": desk,
        },
    )


def _open_jobs(region: str) -> Any:
    """Uploads of the region that are queued, running, awaiting confirmation or failed."""
    return Job.objects.filter(
        region=region,
        kind=Job.Kind.IMPORT,
        status__in=[Job.Status.QUEUED, Job.Status.RUNNING, Job.Status.CONFIRM, Job.Status.FAILED],
    )[:10]


@login_required
def region_home(request: HttpRequest, region: str) -> HttpResponse:
    """A region's desk: upload form, latest deliveries, jobs and early warnings."""
    region = _region(request, region)
    return render(
        request,
        "desk/region.html",
        {
            "region": region,
            "region_name": _region_name(region),
            "form": UploadForm(),
            "deliveries": Delivery.objects.filter(region=region)[:5],
            "jobs": _open_jobs(region),
            "lists": services.LISTS.values(),
            "warnings": _warning_counts(request, region),
            "horizons": waiting.HORIZONS,
        },
    )


def _warning_counts(request: HttpRequest, region: str) -> list[services.WarningCount] | None:
    """The early warning per pathway for the start page (None before the first compute)."""
    try:
        return services.warning_counts(request.user, region)
    except services.NotComputed:
        return None


@login_required
@require_POST
def upload(request: HttpRequest, region: str) -> HttpResponse:
    """Receive a delivery file and queue its import (JSON answer for scripts)."""
    region = _region(request, region)
    form = UploadForm(request.POST, request.FILES)
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    if not form.is_valid():
        if wants_json:
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        return render(
            request,
            "desk/region.html",
            {
                "region": region,
                "region_name": _region_name(region),
                "form": form,
                "deliveries": Delivery.objects.filter(region=region)[:5],
                "jobs": _open_jobs(region),
                "lists": services.LISTS.values(),
            },
            status=400,
        )
    upload_file = form.cleaned_data["file"]
    name = get_valid_filename(Path(upload_file.name).name) or "leverans"
    folder = config.subdir("uploads") / uuid.uuid4().hex
    folder.mkdir(parents=True)
    target = folder / name
    with open(target, "wb") as fh:
        for chunk in upload_file.chunks():
            fh.write(chunk)
    job = Job.objects.create(
        kind=Job.Kind.IMPORT,
        user=signed_in_user(request),
        region=region,
        upload_path=target.relative_to(config.home()).as_posix(),
        file_name=name[:255],
        window_from=form.cleaned_data["window_from"],
        window_to=form.cleaned_data["window_to"],
    )
    record(
        AuditEvent.Action.DELIVERY_UPLOADED,
        request=request,
        obj=job,
        region=region,
        details={"file": name, "bytes": upload_file.size},
    )
    tasks.enqueue(job)
    url = reverse("desk:job", args=[job.pk])
    if wants_json:
        return JsonResponse({"job": job.pk, "url": url}, status=202)
    return redirect(url)


def _job_for(request: HttpRequest, pk: int) -> Job:
    _desk_user(request)
    job = get_object_or_404(Job, pk=pk)
    national = has_role(request.user, *NATIONAL_ROLES)
    if not national and (job.region not in regions_of(request.user) or not job.region):
        raise Http404()
    return job


def _job_json(job: Job) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "step": job.step,
        "message": job.message,
        "finished": job.finished,
        "delivery": reverse("desk:delivery", args=[job.delivery_id]) if job.delivery_id else None,
        # Where the polling page goes once the job needs the user or is over: the job page,
        # which shows the outcome (or, for a finished import, sends on to its report).
        "next": None,
    }
    if job.status == Job.Status.CONFIRM or job.finished:
        data["next"] = reverse("desk:job", args=[job.pk])
    return data


@login_required
def job_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A job's progress page; a finished import goes to its validation report."""
    job = _job_for(request, pk)
    if job.status == Job.Status.DONE and job.delivery_id:
        # A finished import's result is its validation report.
        if job.message:
            messages.info(request, job.message)
        return redirect("desk:delivery", pk=job.delivery_id)
    return render(request, "desk/job.html", {"job": job, "status": _job_json(job)})


@login_required
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    """A job's progress as JSON (polled by the job page)."""
    return JsonResponse(_job_json(_job_for(request, pk)))


@login_required
@require_POST
def job_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer a job that waits for confirmation (replace overlapping deliveries)."""
    job = _job_for(request, pk)
    if job.status != Job.Status.CONFIRM:
        return redirect("desk:job", pk=job.pk)
    if request.POST.get("answer") == "yes":
        Job.objects.filter(pk=job.pk).update(confirmed=True, status=Job.Status.QUEUED, message="")
        job.refresh_from_db()
        tasks.enqueue(job)
    else:
        tasks.discard_upload(job)
        messages.info(request, _("Uppladdningen är avbruten; ingenting har importerats."))
    return redirect("desk:job", pk=job.pk)


@login_required
def delivery_history(request: HttpRequest, region: str) -> HttpResponse:
    """Every delivery of a region, newest first, 50 a page."""
    region = _region(request, region)
    page = Paginator(Delivery.objects.filter(region=region), 50).get_page(request.GET.get("sida"))
    return render(
        request,
        "desk/history.html",
        {"region": region, "region_name": _region_name(region), "page": page},
    )


@login_required
def delivery_report(request: HttpRequest, pk: int) -> HttpResponse:
    """A delivery's validation report; audited."""
    _desk_user(request)
    delivery = get_object_or_404(Delivery, pk=pk)
    if delivery.region not in regions_of(request.user):
        raise Http404()
    report = delivery.report or {}
    record(AuditEvent.Action.DELIVERY_VIEWED, request=request, obj=delivery, region=delivery.region)
    return render(
        request,
        "desk/delivery.html",
        {
            "delivery": delivery,
            "region_name": _region_name(delivery.region),
            "errors": report.get("errors", []),
            "warnings": report.get("warnings", []),
            "hidden_errors": max(delivery.error_count - len(report.get("errors", [])), 0),
            "hidden_warnings": max(delivery.warning_count - len(report.get("warnings", [])), 0),
            "superseded": report.get("superseded", []),
        },
    )


def _list(
    request: HttpRequest, region: str, slug: str
) -> tuple[Any, list[dict[str, Any]], int | None]:
    kind = services.LISTS.get(slug)
    # Process leaders see the early warning of their pathways; the other lists are the desk's.
    region = _region(
        request, region, FIGURES_ROLES if kind and kind.process_leaders else DESK_ROLES
    )
    if kind is None:
        raise Http404()
    horizon = _horizon(request) if kind.horizon else None
    try:
        rows = services.patient_list(request.user, region, slug, horizon)
    except services.NotComputed:
        return kind, [], horizon
    return kind, rows, horizon


def _horizon(request: HttpRequest) -> int:
    """The early warning's horizon from ``?dagar=`` (7 or 14; anything else: 14)."""
    try:
        days = int(request.GET.get("dagar", ""))
    except ValueError:
        days = 0
    return days if days in waiting.HORIZONS else waiting.HORIZONS[-1]


def _columns(kind: Any) -> list[tuple[str, str]]:
    return [(c.key, str(c.label)) for c in kind.columns]


@login_required
def patient_list(request: HttpRequest, region: str, slug: str) -> HttpResponse:
    """One patient list of a region, a page at a time; audited."""
    kind, rows, horizon = _list(request, region, slug)
    page = Paginator(rows, LIST_PAGE_SIZE).get_page(request.GET.get("sida"))
    details: dict[str, Any] = {"rows": len(rows), "page": page.number}
    if horizon is not None:
        details["days"] = horizon
    record(
        AuditEvent.Action.LIST_VIEWED,
        request=request,
        region=region,
        object_type="list",
        object_id=slug,
        details=details,
    )
    columns = _columns(kind)
    return render(
        request,
        "desk/list.html",
        {
            "region": region,
            "region_name": _region_name(region),
            "kind": kind,
            "title": kind.title,
            "description": kind.description,
            "columns": columns,
            "page": page,
            "table": [[services.cell(row.get(key)) for key, _ in columns] for row in page],
            "computed": services.computed(),
            "desk": has_role(request.user, *DESK_ROLES),
            "horizon": horizon,
            "horizons": waiting.HORIZONS,
            "query": f"?dagar={horizon}" if horizon is not None else "",
        },
    )


@login_required
def patient_list_csv(request: HttpRequest, region: str, slug: str) -> HttpResponse:
    """One patient list of a region as CSV; audited."""
    kind, rows, horizon = _list(request, region, slug)
    details: dict[str, Any] = {"rows": len(rows), "format": "csv"}
    if horizon is not None:
        details["days"] = horizon
    record(
        AuditEvent.Action.LIST_EXPORTED,
        request=request,
        region=region,
        object_type="list",
        object_id=slug,
        details=details,
    )
    columns = _columns(kind)
    name = f"{slug}_{region}" if horizon is None else f"{slug}_{horizon}d_{region}"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 with a BOM
    writer = csv.writer(response, delimiter=";")
    writer.writerow([label for _, label in columns])
    for row in rows:
        # File names and units come from the deliveries: never a live formula in Excel.
        writer.writerow([neutralise(services.cell(row.get(key))) for key, _ in columns])
    return response


@login_required
def figures(request: HttpRequest, region: str) -> HttpResponse:
    """Unsuppressed figures of the region: coordinators, RCC staff and process leaders (SPEC §1),
    a process leader scoped to pathways only for those."""
    region = _region(request, region, FIGURES_ROLES)
    from lofte.catalog import load

    catalog = load()
    allowed = pathways_of(request.user)
    choices = [p for p in catalog.pathways.values() if allowed is None or p.id in allowed]
    pathway = request.GET.get("forlopp", "alla" if allowed is None else choices[0].id)
    if not any(p.id == pathway for p in choices) and not (allowed is None and pathway == "alla"):
        pathway = "alla" if allowed is None else choices[0].id
    period_type = request.GET.get("period", "half")
    if period_type not in services.PERIOD_TYPES:
        period_type = "half"
    basis = request.GET.get("bas", "avslutande")
    if basis not in services.BASES:
        basis = "avslutande"
    try:
        data = services.internal_figures(
            request.user, region, pathway=pathway, period_type=period_type, basis=basis
        )
    except services.NotComputed:
        data = None
    record(
        AuditEvent.Action.FIGURES_VIEWED,
        request=request,
        region=region,
        details={"pathway": pathway, "period_type": period_type, "basis": basis},
    )
    return render(
        request,
        "desk/figures.html",
        {
            "region": region,
            "region_name": _region_name(region),
            "data": data,
            "pathway": pathway,
            "pathways": [(p.id, p.name_sv) for p in choices],
            "all_pathways": allowed is None,
            "desk": has_role(request.user, *DESK_ROLES),
            "period_type": period_type,
            "period_types": services.PERIOD_TYPES.items(),
            "basis": basis,
            "bases": services.BASES.items(),
            # A process leader's start page: her pathways' early warning.
            "warnings": None
            if has_role(request.user, *DESK_ROLES)
            else _warning_counts(request, region),
            "horizons": waiting.HORIZONS,
        },
    )


@login_required
def operations(request: HttpRequest) -> HttpResponse:
    """Compute and report jobs, for RCC staff."""
    require_role(request.user, NATIONAL_ROLES)
    user = signed_in_user(request)
    report_form = ReportForm(request.POST or None)
    if request.method == "POST":
        what = request.POST.get("what")
        if what == "compute":
            job = Job.objects.create(kind=Job.Kind.COMPUTE, user=user)
        elif what == "report" and report_form.is_valid():
            job = Job.objects.create(
                kind=Job.Kind.REPORT,
                user=user,
                params={
                    "healthcare_region": report_form.cleaned_data["healthcare_region"],
                    "period": report_form.cleaned_data["period"],
                },
            )
        else:
            job = None
        if job is not None:
            tasks.enqueue(job)
            return redirect("desk:job", pk=job.pk)
    return render(
        request,
        "desk/operations.html",
        {
            # Only a report request is validated: the compute button's empty form stays quiet.
            "report_form": report_form if request.POST.get("what") == "report" else ReportForm(),
            "jobs": Job.objects.exclude(kind=Job.Kind.IMPORT).select_related("user")[:20],
        },
        status=400 if request.method == "POST" else 200,
    )
