"""A small world for tests that request every page: real deliveries, a cube, a report, jobs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from lofte.cube import service as cube_service
from lofte.web.desk.models import Job
from tests.svf.test_reader import write_csv
from tests.web.accounts.fixtures import HOME_REGION, OTHER_REGION, good_rows, make_user


@dataclass
class World:
    """The objects the URL parameters point at."""

    own_delivery: int
    other_delivery: int
    own_job: int
    other_job: int
    compute_job: int
    user: int
    plan: str  # an action plan's slug
    own_action: int  # linked to sydost and brost: in the process leader's scope (05, brost)
    other_action: int  # linked to Kronoberg (07) only
    call: int  # a grants call, open for applications
    submitted: int  # an application of another applicant, submitted
    granted: int  # an application granted (decided), with an attachment
    attachment: int


@pytest.fixture(name="world")
def world_fixture(
    db: Any, lofte_home: Path, tmp_path: Path, make_personnummer: Callable[..., str]
) -> Iterator[World]:
    """A delivery of 05 and one of 06, the cube computed from them, a report and some jobs."""
    from lofte.reports.service import write_report
    from lofte.svf.deliveries import import_delivery

    window = {"window_from": dt.date(2024, 1, 1), "window_to": dt.date(2024, 12, 31)}
    deliveries = {}
    for region in (HOME_REGION, OTHER_REGION):
        path = write_csv(tmp_path / f"{region}.csv", good_rows(make_personnummer, region))
        deliveries[region] = import_delivery(path, region, **window, user="test")
        assert deliveries[region].outcome == "imported"
    cube_service.compute()
    write_report("sydost", "2024H1")
    owner = make_user("owner", ["svf_coordinator"], [HOME_REGION])

    def job(kind: str, region: str) -> int:
        return Job.objects.create(
            kind=kind, region=region, user=owner, status=Job.Status.FAILED, message="Avbruten."
        ).pk

    from lofte.web.plans.models import Action, Area, Goal, Plan
    from lofte.web.plans.services import set_links

    plan = Plan.objects.create(slug="varldsplan", name="Plan", organisation="RCC", period="2024")
    goal = Goal.objects.create(area=Area.objects.create(plan=plan, name="Område"), text="Mål")
    own_action = Action.objects.create(goal=goal, ref="1", title="Ledtider", status="pagaende")
    set_links(own_action, ["svf_andel_inom_ledtid"], ["sydost"], ["brost"])
    other_action = Action.objects.create(goal=goal, ref="2", title="Kronoberg", status="planeras")
    set_links(other_action, ["svf_andel_inom_ledtid"], ["07"], [])

    grants = grant_world()
    yield World(
        own_delivery=deliveries[HOME_REGION].pk,
        other_delivery=deliveries[OTHER_REGION].pk,
        own_job=job(Job.Kind.IMPORT, HOME_REGION),
        other_job=job(Job.Kind.IMPORT, OTHER_REGION),
        compute_job=job(Job.Kind.COMPUTE, ""),
        user=owner.pk,
        plan=plan.slug,
        own_action=own_action.pk,
        other_action=other_action.pk,
        **grants,
    )


def grant_world() -> dict[str, int]:
    """A call with a criterion and a pool; one application submitted, one granted."""
    from lofte.grants import assessment, calls, followup
    from lofte.grants.eligibility import Applicant
    from lofte.grants.models import Application, Pool
    from tests.grants.test_files import PDF

    Pool.objects.create(year=2025, area="Radiologi", budget=1_000_000)
    today = dt.date.today()
    call = calls.create_call(
        2025,
        "Världens utlysning",
        ["Radiologi"],
        timeline={
            "opens": today - dt.timedelta(days=10),
            "deadline": today + dt.timedelta(days=30),
        },
    )
    assessment.add_criterion(call, "Nytta för patienterna", weight=2, scale_max=5)
    owner = make_user("sokande", ["applicant"], [HOME_REGION])
    ids = {}
    for name in ("submitted", "granted"):
        application = calls.draft(
            call,
            f"Projekt {name}",
            "Radiologi",
            [Applicant("Radiologi Linköping", HOME_REGION, "radiology")],
            requested=100_000,
            budget=[("Lön", 100_000)],
        )
        application.owner = owner
        application.save()
        calls.submit(application)
        ids[name] = application.pk
    granted = Application.objects.get(pk=ids["granted"])
    attachment = followup.attach(granted, "application", "plan.pdf", PDF, owner)
    calls.decide(granted, 80_000)
    return {"call": call.pk, **ids, "attachment": attachment.pk}
