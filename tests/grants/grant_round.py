"""A grants round's pieces: a pool, a call with criteria, applicants and assessors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from lofte.grants import assessment, calls
from lofte.grants.eligibility import Applicant
from lofte.grants.models import Application, Call, CallAssessor, Pool
from tests.web.accounts.fixtures import make_user

PAT_05 = Applicant("Patologi Linköping", "05", "pathology")
PAT_06 = Applicant("Patologi Jönköping", "06", "pathology")
CARE_08 = Applicant("Hematologi Kalmar", "08", "care")


@dataclass
class Round:
    call: Call
    applicant: Any
    own_region: CallAssessor  # from region 05: conflicted on PAT_05's applications
    outsider: CallAssessor  # from Kalmar (08), patient council member
    pool: Pool


def open_call(year: int = 2025, budget: int = 500_000, rule: str = calls.SEED_004_RULE) -> Call:
    today = dt.date.today()
    Pool.objects.get_or_create(year=year, area="Patologi", defaults={"budget": budget})
    return calls.create_call(
        year,
        "Förbättringsprojekt patologi",
        ["Patologi"],
        timeline={
            "opens": today - dt.timedelta(days=5),
            "deadline": today + dt.timedelta(days=5),
            "interim_report": today + dt.timedelta(days=60),
            "final_report": today + dt.timedelta(days=120),
        },
        eligibility_rule=rule,
    )


@pytest.fixture(name="grant_round")
def grant_round_fixture(db: Any, lofte_home: Any) -> Round:
    call = open_call()
    assessment.add_criterion(call, "Nytta för patienterna", weight=3, scale_max=5)
    assessment.add_criterion(call, "Genomförbarhet", weight=1, scale_max=4)
    applicant = make_user("sara", ["applicant"], ["05"])
    applicant.email = "sara@example.org"
    applicant.save()
    own = assessment.add_assessor(
        call, make_user("bo", ["assessor"]), unit="Onkologi Linköping", region="05"
    )
    outsider = assessment.add_assessor(
        call, make_user("pnr", ["assessor"]), unit="", region="08", patient_council=True
    )
    return Round(call, applicant, own, outsider, Pool.objects.get(year=2025, area="Patologi"))


def submitted(r: Round, title: str, requested: int, applicants: list[Applicant]) -> Application:
    application = calls.draft(
        r.call, title, "Patologi", applicants, requested=requested, budget=[("Lön", requested)]
    )
    application.owner = r.applicant
    application.save()
    calls.submit(application, "sara")
    return application
