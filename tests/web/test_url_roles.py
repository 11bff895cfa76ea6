"""Every named URL of the site × every role: the expected status, never a 500.

The URL resolver is walked, so a new named URL fails :func:`test_every_named_url_has_cases`
until its expected statuses are written into :data:`CASES`. Path parameters are filled with
real objects of a small world: a delivery and a job of the coordinator's own county (05), the
same of another county (06), a compute job (no county), a written report, and ids that do not
exist. Each role's requests run in one test, which reports every mismatch at once.

Every response under the staff prefixes must also carry ``Cache-Control: no-store``, and each
403 or 404 there must be written to the audit log once, with its path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from lofte.web.audit.models import AuditEvent
from tests.web.accounts.fixtures import HOME_REGION, OTHER_REGION
from tests.web.world import World, world_fixture  # noqa: F401

ANONYMOUS = "anonymous"
#: Role key → (roles, counties, pathways) of the user who plays it.
USERS: dict[str, tuple[list[str], list[str], list[str]]] = {
    "viewer": (["viewer"], [], []),
    "coordinator": (["svf_coordinator"], [HOME_REGION], []),
    "coordinator_unscoped": (["svf_coordinator"], [], []),
    "process_leader": (["process_leader"], [HOME_REGION], ["brost"]),
    "statistician": (["statistician"], [], []),
    "rcc_admin": (["rcc_admin"], [], []),
    "applicant": (["applicant"], [HOME_REGION], []),
    "assessor": (["assessor"], [], []),
    "decision_maker": (["decision_maker"], [], []),
}
ROLES = (ANONYMOUS, *USERS)
NATIONAL = ("statistician", "rcc_admin")
STAFF_PREFIXES = (
    "/skrivbord/",
    "/konto/",
    "/granskningslogg/",
    "/handlingsplaner/",
    "/stimulansmedel/",
)


def expect(default: int, **override: int) -> dict[str, int]:
    """A status for every role: ``default`` unless overridden."""
    unknown = set(override) - set(ROLES)
    assert not unknown, unknown
    return {role: override.get(role, default) for role in ROLES}


def staff(*allowed: str, ok: int = 200, denied: int = 403, **override: int) -> dict[str, int]:
    """A page behind the login: anonymous users are sent to it, ``allowed`` roles get ``ok``."""
    return expect(denied, anonymous=302, **{r: ok for r in allowed}, **override)


PUBLIC = expect(200)
DESK = ("coordinator", *NATIONAL)  # a county page of the coordinator's own county
#: Desk objects (jobs, deliveries) of the coordinator's own county, another county's, none.
OWN_OBJECT = staff(*DESK, coordinator_unscoped=404)
OTHER_OBJECT = staff(*NATIONAL, coordinator=404, coordinator_unscoped=404)
MISSING_OBJECT = staff(
    ok=404, denied=403, coordinator=404, coordinator_unscoped=404, statistician=404, rcc_admin=404
)
POST_ONLY = expect(405, anonymous=302)


Param = Any  # a value, or a function of the World that gives one


@dataclass
class Case:
    kwargs: dict[str, Param]
    expected: dict[str, int]
    method: str = "get"
    data: dict[str, str] = field(default_factory=dict)
    note: str = ""


def _w(name: str) -> Callable[[World], int]:
    return lambda world: getattr(world, name)


def _region_cases(ok: dict[str, int], extra: dict[str, str] | None = None) -> list[Case]:
    extra = extra or {}
    return [
        Case({"region": HOME_REGION, **extra}, ok, note="own county"),
        Case({"region": OTHER_REGION, **extra}, staff(*NATIONAL), note="other county"),
        Case({"region": "99", **extra}, staff(), note="no such county"),
    ]


FIGURES = staff(*DESK, "process_leader")
#: Every staff role reads the action plans (SPEC §1: "viewer: + plans"); applicants do not.
PLAN_READERS = tuple(role for role in USERS if role != "applicant")
PLANS = staff(*PLAN_READERS)
#: A refused change (403 for readers who may not edit it), or the form's errors (400).
PLAN_EDIT = {**staff(*PLAN_READERS, ok=403), "rcc_admin": 400}

#: Grants (SPEC §11): who works with them, and who sees every submitted application.
GRANT_ROLES = ("applicant", "assessor", "decision_maker", "statistician", "rcc_admin")
OVERSEERS = ("decision_maker", "statistician", "rcc_admin")
GRANTS = staff(*GRANT_ROLES)
GRANT_ADMIN_FORM = staff("rcc_admin", ok=400)  # an empty form: its errors
NOBODY = staff()  # a change no role may make to someone else's application
GRANT_CASES: dict[str, list[Case]] = {
    "grants:home": [Case({}, GRANTS)],
    "grants:call_create": [Case({}, POST_ONLY), Case({}, GRANT_ADMIN_FORM, method="post")],
    "grants:call": [
        Case({"pk": _w("call")}, GRANTS),
        Case({"pk": 999_999}, staff(*GRANT_ROLES, ok=404), note="no such call"),
    ],
    **{
        f"grants:call_{what}": [
            Case({"pk": _w("call")}, POST_ONLY),
            Case({"pk": _w("call")}, GRANT_ADMIN_FORM, method="post"),
        ]
        for what in ("dates", "criterion", "assessor")
    },
    "grants:call_start": [Case({"pk": _w("call")}, staff("rcc_admin", ok=302), method="post")],
    "grants:application_create": [
        Case({"pk": _w("call")}, staff("applicant")),
        Case({"pk": _w("call")}, staff("applicant", ok=400), method="post"),
    ],
    "grants:meeting": [Case({"pk": _w("call")}, staff(*OVERSEERS))],
    "grants:application": [
        Case({"pk": _w("submitted")}, staff(*OVERSEERS), note="another's application"),
        Case({"pk": _w("submitted")}, NOBODY, method="post"),
        Case({"pk": 999_999}, staff(*GRANT_ROLES, ok=404), note="no such application"),
    ],
    **{
        f"grants:{what}": [
            Case({"pk": _w("submitted")}, POST_ONLY),
            Case({"pk": _w("submitted")}, NOBODY, method="post"),
        ]
        for what in ("submit", "attach", "assess", "report")
    },
    "grants:decide": [
        Case({"pk": _w("submitted")}, POST_ONLY),
        Case({"pk": _w("submitted")}, staff("decision_maker", ok=400), method="post"),
    ],
    "grants:letter": [
        Case({"pk": _w("granted")}, staff(*OVERSEERS)),
        Case({"pk": _w("submitted")}, staff(*OVERSEERS, ok=404), note="not decided"),
    ],
    "grants:due_dates": [
        Case({"pk": _w("granted")}, POST_ONLY),
        Case({"pk": _w("granted")}, staff("rcc_admin", ok=302), method="post"),
    ],
    "grants:close": [
        Case({"pk": _w("granted")}, POST_ONLY),
        # Not reporting yet: refused with a message, back to the application.
        Case({"pk": _w("granted")}, staff("rcc_admin", ok=302), method="post"),
    ],
    "grants:pay": [
        Case({"pk": _w("granted")}, POST_ONLY),
        Case({"pk": _w("granted")}, GRANT_ADMIN_FORM, method="post"),
    ],
    "grants:attachment": [
        Case({"pk": _w("attachment")}, staff(*OVERSEERS)),
        Case({"pk": 999_999}, staff(*GRANT_ROLES, ok=404), note="no such file"),
    ],
    "grants:ledger": [Case({}, staff(*OVERSEERS)), Case({}, staff(*OVERSEERS), data={"ar": "x"})],
    "grants:summary": [Case({"year": 2025}, staff(*OVERSEERS))],
    "grants_public:projects": [Case({}, PUBLIC)],
}

CASES: dict[str, list[Case]] = {
    **GRANT_CASES,
    "health": [Case({}, PUBLIC)],
    "set_language": [
        Case({}, expect(302)),
        Case({}, expect(302), method="post", data={"language": "en", "next": "/"}),
    ],
    "accounts:login": [Case({}, expect(302, anonymous=200))],
    "accounts:logout": [
        Case({}, expect(405)),
        Case({}, expect(302), method="post"),
    ],
    "accounts:home": [Case({}, expect(200, anonymous=302))],
    "accounts:users": [Case({}, staff("rcc_admin"))],
    "accounts:user_create": [Case({}, staff("rcc_admin"))],
    "accounts:user_edit": [
        Case({"pk": _w("user")}, staff("rcc_admin")),
        Case({"pk": 999_999}, staff("rcc_admin", ok=404), note="no such user"),
    ],
    "audit:list": [Case({}, staff("rcc_admin", "coordinator", "coordinator_unscoped"))],
    "desk:home": [
        # One county: straight to it (the process leader to its figures); none: an empty list.
        Case({}, staff(*NATIONAL, coordinator=302, process_leader=302, coordinator_unscoped=200))
    ],
    "desk:operations": [
        Case({}, staff(*NATIONAL)),
        Case({}, staff(*NATIONAL, ok=400), method="post", data={"what": "report"}),
    ],
    **{
        name: [
            Case({"pk": _w("own_job")}, OWN_OBJECT, note="own county's job"),
            Case({"pk": _w("other_job")}, OTHER_OBJECT, note="other county's job"),
            Case({"pk": _w("compute_job")}, OTHER_OBJECT, note="compute job"),
            Case({"pk": 999_999}, MISSING_OBJECT, note="no such job"),
        ]
        for name in ("desk:job", "desk:job_status")
    },
    "desk:job_confirm": [
        Case({"pk": _w("own_job")}, POST_ONLY),
        # The job is not waiting for an answer: back to its page.
        Case(
            {"pk": _w("own_job")},
            staff(*DESK, ok=302, coordinator_unscoped=404),
            method="post",
            data={"answer": "no"},
        ),
        Case(
            {"pk": _w("other_job")},
            staff(*NATIONAL, ok=302, coordinator=404, coordinator_unscoped=404),
            method="post",
            data={"answer": "no"},
        ),
    ],
    "desk:delivery": [
        Case({"pk": _w("own_delivery")}, OWN_OBJECT, note="own county's delivery"),
        Case({"pk": _w("other_delivery")}, OTHER_OBJECT, note="other county's delivery"),
        Case({"pk": 999_999}, MISSING_OBJECT, note="no such delivery"),
    ],
    "desk:region": _region_cases(staff(*DESK)),
    "desk:upload": [
        Case({"region": HOME_REGION}, POST_ONLY),
        # No file: the form's errors.
        Case({"region": HOME_REGION}, staff(*DESK, ok=400), method="post"),
        Case({"region": OTHER_REGION}, staff(*NATIONAL, ok=400), method="post"),
    ],
    "desk:history": _region_cases(staff(*DESK)),
    "desk:figures": [
        *_region_cases(FIGURES),
        Case({"region": HOME_REGION}, FIGURES, data={"forlopp": "prostata", "period": "x"}),
    ],
    "whatif:page": [
        *_region_cases(FIGURES),
        Case(
            {"region": HOME_REGION},
            FIGURES,
            data={"forlopp": "x", "period": "<b>", "typ": "y", "varde": "-9", "omrade": "SE"},
            note="hostile selection",
        ),
    ],
    "whatif:cite": [
        Case({"region": HOME_REGION}, POST_ONLY),
        Case(
            {"region": HOME_REGION},
            staff(*DESK, "process_leader", ok=404),
            method="post",
            data={"atgard": "999999"},
            note="no such action",
        ),
        Case(
            {"region": OTHER_REGION},
            staff(*NATIONAL, ok=404),
            method="post",
            data={"atgard": "999999"},
            note="other county",
        ),
    ],
    **{
        name: [
            *(
                case
                for slug in ("utanfor-ledtid", "pagaende-over-malet", "kodningsproblem")
                for case in _region_cases(staff(*DESK), {"slug": slug})
            ),
            # The early warning (issue 16) is open to process leaders too, for their pathways.
            *_region_cases(FIGURES, {"slug": "snart-over-malet"}),
            Case({"region": HOME_REGION, "slug": "snart-over-malet"}, FIGURES, data={"dagar": "7"}),
            Case({"region": HOME_REGION, "slug": "snart-over-malet"}, FIGURES, data={"dagar": "x"}),
            Case({"region": HOME_REGION, "slug": "finns-inte"}, staff(*DESK, ok=404)),
        ]
        for name in ("desk:list", "desk:list_csv")
    },
    "whatif_public:page": [
        Case({}, PUBLIC),
        Case({}, PUBLIC, data={"region": "sydost", "forlopp": "brost", "period": "2024H1"}),
        Case({}, PUBLIC, data={"region": "05", "forlopp": "<b>", "period": "2024"}, note="hostile"),
    ],
    "results:results": [
        Case({}, PUBLIC),
        Case({}, PUBLIC, data={"vy": "karta", "omrade": "sydost"}),
        # "/" with a selection is an indicator's page; without one, the start page
        Case({}, PUBLIC, data={"view": "karta", "region": "sydost"}),
        Case({}, PUBLIC, data={"indicator": "svf_ledtid_median", "chart": "tratt"}),
    ],
    "results:download": [Case({"ext": "csv"}, PUBLIC), Case({"ext": "xlsx"}, PUBLIC)],
    "results:reports": [Case({}, PUBLIC)],
    "results:about": [Case({}, PUBLIC)],
    "results:report_file": [
        Case({"region": "sydost", "period": "2024H1", "name": "report.html"}, PUBLIC),
        Case({"region": "sydost", "period": "2024H1", "name": "report.en.pdf"}, PUBLIC),
        Case({"region": "sydost", "period": "2019H1", "name": "report.pdf"}, expect(404)),
    ],
    "results:api_docs": [Case({}, PUBLIC)],
    "api:cube": [
        Case({}, PUBLIC),
        Case({}, PUBLIC, data={"indicator": "svf_andel_inom_ledtid", "region": "SE,sydost"}),
        Case({}, expect(400), data={"period": "2024H3"}),
    ],
    **{
        f"api:catalog_{what}": [Case({}, PUBLIC), Case({}, expect(400), data={"x": "1"})]
        for what in ("pathways", "indicators", "regions", "promises")
    },
    "api:reports": [Case({}, PUBLIC)],
    "plans:home": [Case({}, PLANS)],
    "plans:plan_create": [
        Case({}, POST_ONLY),
        Case({}, PLAN_EDIT, method="post", note="empty form"),
    ],
    "plans:plan": [
        Case({"slug": _w("plan")}, PLANS),
        Case({"slug": "finns-inte"}, staff(*PLAN_READERS, ok=404), note="no such plan"),
    ],
    "plans:actions": [
        Case({}, PLANS),
        Case({}, PLANS, data={"status": "pagaende", "due": "overdue", "region": "05"}),
        Case({}, PLANS, data={"status": "okänd", "plan": "x"}, note="bad filters: no rows"),
    ],
    "plans:action": [
        Case({"pk": _w("own_action")}, PLANS),
        Case({"pk": _w("own_action")}, {**PLAN_EDIT, "process_leader": 400}, method="post"),
        Case({"pk": _w("other_action")}, PLAN_EDIT, method="post", note="another region's"),
        Case({"pk": 999_999}, staff(*PLAN_READERS, ok=404), note="no such action"),
    ],
    "plans:action_create": [
        Case({}, POST_ONLY),
        Case(
            {},
            {**staff(*PLAN_READERS, ok=403), "rcc_admin": 302},
            method="post",
            note="empty form",
        ),
    ],
    "plans:mine": [Case({}, PLANS)],
    "plans:followup": [Case({}, PLANS), Case({}, PLANS, data={"kvartal": "x"})],
    "plans:followup_xlsx": [Case({}, PLANS)],
    "plans:board": [
        Case({}, PLANS),
        Case({}, staff(*PLAN_READERS, ok=400), data={"region": "sydost", "period": "2024Q1"}),
    ],
    "plans:board_xlsx": [Case({}, PLANS)],
    "plans:gap": [
        Case({}, PLANS, data={"indicator": "svf_andel_inom_ledtid", "region": "05"}),
        Case({}, staff(), data={"indicator": "x"}, note="no such gap"),
    ],
    "plans:gap_link": [
        Case({}, POST_ONLY),
        Case({}, staff(*PLAN_READERS, ok=404), method="post", note="no such action"),
    ],
    "api:api-root": [Case({}, expect(404), note="django-ninja's root: a JSON 404")],
    "api:openapi": [Case({}, PUBLIC)],
}


def named_urls() -> dict[str, set[str]]:
    """Every named URL pattern of the site (``namespace:name``) → its parameter names."""
    found: dict[str, set[str]] = {}

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                params = set(pattern.pattern.regex.groupindex)
                found[f"{namespace}{pattern.name}"] = params

    walk(get_resolver().url_patterns, "")
    return found


def test_every_named_url_has_cases() -> None:
    urls = named_urls()
    missing = sorted(set(urls) - set(CASES))
    assert not missing, f"URLs without expected statuses in CASES: {missing}"
    assert not sorted(set(CASES) - set(urls)), "CASES names URLs that no longer exist"
    for name, cases in CASES.items():
        for case in cases:
            assert set(case.kwargs) == urls[name], (name, case.kwargs)


def _request(client: Any, method: str, url: str, data: dict[str, str]) -> tuple[int, Any]:
    try:
        response = getattr(client, method)(url, data)
    except Exception as exc:  # an unhandled exception is the 500 this test is about
        return 500, exc
    return response.status_code, response


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_expected(client: Any, world: World, role: str) -> None:
    if role != ANONYMOUS:
        roles, regions, pathways = USERS[role]
        from lofte.web.accounts.services import save_user

        user = save_user(
            f"u_{role}",
            roles=roles,
            regions=regions,
            pathways=pathways,
            password="x-Lösen-123456",
            create=True,
        )
    login = reverse("accounts:login")
    wrong: list[str] = []
    for name, cases in CASES.items():
        for case in cases:
            if role != ANONYMOUS:
                client.force_login(user)  # a logout case ends the session
            kwargs = {k: v(world) if callable(v) else v for k, v in case.kwargs.items()}
            url = reverse(name, kwargs=kwargs)
            last_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
            status, response = _request(client, case.method, url, case.data)
            want = case.expected[role]
            where = f"{case.method.upper()} {url} {case.note}".strip()
            if status != want:
                wrong.append(f"{where}: {status}, expected {want} ({response!r})")
            if status == 500 or not url.startswith(STAFF_PREFIXES):
                continue
            # Internal pages are never stored by a browser or proxy, whatever the answer.
            if "no-store" not in response.get("Cache-Control", ""):
                wrong.append(f"{where}: no Cache-Control: no-store")
            if status in (403, 404):
                action = "access_denied" if status == 403 else "not_found"
                new = AuditEvent.objects.filter(id__gt=last_event or 0, action=action)
                if [e.details.get("path") for e in new] != [url]:
                    wrong.append(f"{where}: {status} not audited once as {action}")
            if (
                status == 302
                and role == ANONYMOUS
                and url.startswith((*STAFF_PREFIXES, "/konto/"))
                and name != "accounts:logout"
            ):
                assert response.url.startswith(login + "?next="), where
    assert not wrong, f"{role}:\n" + "\n".join(wrong)
