"""The demo's grants round: the seed 004 tables (sourced) and a synthetic 2025 round on top.

``run_demo_round()`` imports ``stimulansmedel_2025.csv`` (seed 004; its inconsistencies are
listed, never corrected) and then plays, through the same services the web pages use (so every
step is audited), the targeted call for the remaining pathology and radiology funds that seed 004
proposes, with its timeline and eligibility rule: criteria, assessors (one of them a patient
council member), five invented applications – one refused as ineligible, one in conflict for an
assessor – scores, decisions within the pathology pool and one beyond the radiology pool with
an override, and follow-up (one project reporting, one closed, so that its indicator is shown
before and after). Everything invented is marked ``synthetic`` and written "[SYNTETISK]"; the
round is played once per installation (a second demo leaves it as it is).
"""

from __future__ import annotations

import datetime as dt
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import timezone

from lofte.grants import assessment, calls, followup, importer, ledger
from lofte.grants.eligibility import Applicant
from lofte.grants.models import Application, Call

MARK = "[SYNTETISK]"
TITLE = f"Återstående medel 2025 – patologi och radiologi {MARK}"
ROLES = ("applicant", "assessor", "decision_maker")
#: Who sets the round up, as rcc_admin would do it.
ADMIN = "demo"
CRITERIA = (
    ("Nytta för patienterna", 3, 5),
    ("Koppling till handlingsplanen och indikatorerna", 2, 5),
    ("Genomförbarhet och budget", 1, 5),
)

#: (title, area, applicants, requested, indicators, scores, decided amount or None)
APPLICATIONS: tuple[tuple[str, str, list[Applicant], int, list[str], tuple[int, ...], Any], ...] = (
    (
        "Digital patologi i hela Sydöst",
        "Patologi",
        [
            Applicant("Klinisk patologi Linköping", "05", "pathology"),
            Applicant("Klinisk patologi Jönköping", "06", "pathology"),
        ],
        1_200_000,
        ["svf_andel_inom_ledtid"],
        (5, 5, 4),
        1_000_000,
    ),
    (
        "Snabbare PAD-svar för hematologin i Kalmar",
        "Patologi",
        [
            Applicant("Hematologi Kalmar", "08", "care"),
            Applicant("Klinisk patologi Kalmar", "08", "pathology"),
        ],
        800_000,
        ["svf_andel_inom_ledtid"],
        (4, 5, 4),
        800_000,
    ),
    (
        "Utbildningsdag om provhantering",
        "Patologi",
        [
            Applicant("Klinisk patologi Jönköping", "06", "pathology"),
            Applicant("Klinisk patologi Kalmar", "08", "pathology"),
        ],
        150_000,
        [],
        (2, 2, 3),
        0,
    ),
    (
        "Gemensamma MR-protokoll för prostatacancer",
        "Radiologi",
        [
            Applicant("Bild- och funktionsmedicin Linköping", "05", "radiology"),
            Applicant("Röntgen Växjö", "07", "radiology"),
        ],
        300_000,
        ["svf_andel_inom_ledtid"],
        (4, 4, 4),
        300_000,
    ),
    (
        "Radiologisk dubbelgranskning vid en klinik",
        "Radiologi",
        [Applicant("Kirurgiska kliniken Linköping", "05", "care")],
        200_000,
        [],
        (),
        None,  # refused on submission: not eligible
    ),
)
OVERRIDE = f"{MARK} Styrgruppen beviljar MR-protokollen trots att radiologipotten är förbrukad."


#: An application made: the application, its assessors' scores, the amount decided.
Made = tuple[Application, tuple[int, ...], Any]


@dataclass
class DemoRound:
    """What the demo round did, for ``lofte demo`` to print: the call, whether it was played now
    or found from an earlier demo, seed 004's listed problems, why an application was refused,
    and how many applications ended in each status."""

    call: Call | None
    created: bool
    problems: list[str] = field(default_factory=list)
    refused: str = ""
    statuses: dict[str, int] = field(default_factory=dict)


def _users() -> dict[str, Any]:
    from django.contrib.auth import get_user_model

    from lofte.web.accounts.services import DEMO_ACCOUNTS, save_user

    users = {}
    for username, role, regions in DEMO_ACCOUNTS:
        if role not in ROLES:
            continue
        exists = get_user_model().objects.filter(username=username).exists()
        users[role if role != "assessor" else username] = save_user(
            username,
            roles=[role],
            regions=regions,
            password=None if exists else secrets.token_urlsafe(16),
            create=not exists,
        )
    return users


def a3_pdf(title: str) -> bytes:
    """A one-page A3 summary (landscape), made with Typst, marked synthetic."""
    import json

    import typst

    source = (
        '#let d = json("a3.json")\n'
        '#set page(paper: "a3", flipped: true)\n'
        '#set text(font: ("DejaVu Sans",), size: 16pt)\n'
        '#text(size: 28pt, weight: "bold", d.title)\n\n#d.body\n'
    )
    with tempfile.TemporaryDirectory(prefix="lofte-a3-") as tmp:
        root = Path(tmp)
        (root / "a3.typ").write_text(source, encoding="utf-8")
        (root / "a3.json").write_text(
            json.dumps(
                {"title": title, "body": f"{MARK} A3-sammanfattning för demonstrationen."},
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        result = typst.compile(str(root / "a3.typ"), root=str(root))
    assert isinstance(result, bytes)
    return result


def run_demo_round() -> DemoRound:
    """Import seed 004's tables and play the synthetic 2025 round once: a second run leaves an
    existing round as it is and only reports on it."""
    importer.import_grants(importer.example_path(), user="demo")
    existing = Call.objects.filter(title=TITLE).first()
    if existing is not None:
        return _summary(existing, created=False)
    users = _users()
    timeline = dict(calls.SEED_004_TIMELINE)
    call, panel = _open_call(users, timeline)
    submitted_on = timezone.make_aware(dt.datetime.combine(timeline["opens"], dt.time(10)))
    made, refused = _apply(call, users["applicant"], submitted_on)
    assessment.start_assessment(call, ADMIN)
    _assess(call, made, panel)
    decided_on = timezone.make_aware(dt.datetime.combine(timeline["decision"], dt.time(14)))
    _decide(made, users["decision_maker"], decided_on)
    _follow_up([application for application, _scores, _amount in made], users["applicant"])
    result = _summary(call, created=True)
    result.refused = refused
    return result


def _open_call(users: dict[str, Any], timeline: dict[str, Any]) -> tuple[Call, list[Any]]:
    """The targeted call of seed 004 with its criteria and its panel of two assessors (the
    Östergötland assessor, the patient council member)."""
    call = calls.create_call(
        2025,
        TITLE,
        ["Patologi", "Radiologi"],
        timeline=timeline,
        eligibility_rule=calls.SEED_004_RULE,
        budget=1_500_000,
        source="seed 004: Förslag återstående medel inom patologi och radiologi (syntetisk omgång)",
        username="demo",
    )
    for name, weight, scale in CRITERIA:
        assessment.add_criterion(call, name, weight=weight, scale_max=scale, user=ADMIN)
    local = assessment.add_assessor(
        call,
        users["demo-bedomare-ostergotland"],
        unit="Bild- och funktionsmedicin Linköping",
        region="05",
        user=ADMIN,
    )
    council = assessment.add_assessor(
        call, users["demo-bedomare-patientradet"], region="", unit="", patient_council=True
    )
    return call, [local, council]


def _apply(call: Call, applicant: Any, submitted_on: dt.datetime) -> tuple[list[Made], str]:
    """Draft and submit the invented applications: those submitted, and why the ineligible
    one was refused."""
    made: list[Made] = []
    refused = ""
    for title, area, people, requested, indicators, scores, amount in APPLICATIONS:
        application = followup.save_draft(
            call,
            applicant,
            title=f"{title} {MARK}",
            area=area,
            aims=f"{MARK} Påhittat projekt för demonstrationen av stimulansmedlen.",
            requested=requested,
            applicants=people,
            budget=[("Projektledning", requested // 2), ("Utrustning", requested - requested // 2)],
            indicators=indicators,
            actions=[],
        )
        application.synthetic = True
        application.save(update_fields=["synthetic"])
        try:
            calls.submit(application, applicant.get_username(), now=submitted_on)
        except calls.CallError as exc:
            refused = str(exc)
            continue
        made.append((application, scores, amount))
    return made, refused


def _assess(call: Call, made: list[Made], panel: list[Any]) -> None:
    """Every assessor of the panel scores every application she has no conflict with."""
    criteria = list(call.criteria.all())
    for application, scores, _amount in made:
        application.refresh_from_db()
        for assessor in panel:
            if assessment.conflict(application, assessor) is not None:
                continue  # the Linköping assessor does not score Linköping's applications
            assessment.save_assessment(
                application,
                assessor,
                {c.pk: s for c, s in zip(criteria, scores, strict=True)},
                f"{MARK} Motivering för demonstrationen: tydligt patientbehov, rimlig budget.",
                "grant" if sum(scores) >= 12 else "reject",
            )


def _decide(made: list[Made], deciding: Any, decided_on: dt.datetime) -> None:
    """Decide each application; a grant beyond what is left in its pool gives the reason for
    overriding it (``OVERRIDE``)."""
    for application, _scores, amount in made:
        over = amount > 0 and ledger.figures(ledger.pool(2025, application.area)).remaining < amount
        calls.decide(
            application,
            amount,
            username=deciding.get_username(),
            override_reason=OVERRIDE if over else "",
            now=decided_on,
        )


def _follow_up(made: list[Application], applicant: Any) -> None:
    """The first project hands in its interim report; the Kalmar project (the second) reports
    twice and is closed, so that its indicator is shown before and after."""
    first, kalmar = made[0], made[1]
    for project, kinds in ((first, ("interim",)), (kalmar, ("interim", "final"))):
        project.refresh_from_db()
        for kind in kinds:
            followup.submit_report(
                project,
                kind,
                f"{MARK} Läget i projektet, skrivet för demonstrationen.",
                f"a3-{kind}.pdf",
                a3_pdf(project.title),
                applicant,
            )
    kalmar.refresh_from_db()
    followup.close(kalmar, ADMIN)


def _summary(call: Call, created: bool) -> DemoRound:
    from collections import Counter

    statuses = Counter(str(a.get_status_display()) for a in call.applications.all())
    problems = [f"{r.area} {r.year}: {p}" for r in ledger.ledger(call.year) for p in r.problems]
    return DemoRound(call, created, problems, statuses=dict(statuses))
