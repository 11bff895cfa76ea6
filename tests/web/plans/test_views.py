"""Staff pages of the action plans: reading, filters, who may change what (403 logged), every
change audited and kept in the history, Mina åtgärder, reminder mails, the gap board pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from openpyxl import load_workbook

from lofte import django_setup
from lofte.cube.service import cube_path
from lofte.web.audit.models import AuditEvent
from lofte.web.plans import gaps, planfile, planread
from lofte.web.plans.models import Action, ActionLink, Plan, ReminderSent, StatusUpdate
from lofte.web.plans.reminders import send_reminders
from lofte.web.plans.services import quarter_bounds, set_links
from tests.reports import cube_fixture as cf
from tests.web.accounts.fixtures import PASSWORD, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lofte_home")]

DATA = planfile.__file__.rsplit("/", 1)[0] + "/data/"


@pytest.fixture(autouse=True)
def django_is_set_up(monkeypatch):
    monkeypatch.setattr(django_setup, "_ready", True)


@pytest.fixture
def plans():
    sydost = planread.import_plan(DATA + "rcc-sydost-handlingsplan-2025.yaml")
    kronoberg = planread.import_plan(DATA + "region-kronoberg-handlingsplan-cancer.yaml")
    return sydost, kronoberg


@pytest.fixture
def leader(db):
    user = make_user("pia", ["process_leader"], ["05"])
    user.email = "pia@example.org"
    user.save()
    return user


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def action(plan, ref):
    return Action.objects.get(goal__area__plan=plan, ref=ref)


def test_pages_need_a_staff_login(client, plans, leader):
    page = client.get("/handlingsplaner/")
    assert page.status_code == 302 and "/konto/logga-in/" in page["Location"]
    applicant = make_user("sam", ["applicant"])
    login(client, applicant)
    assert client.get("/handlingsplaner/atgarder/").status_code == 403
    viewer = make_user("vera", ["viewer"])
    login(client, viewer)
    urls = ["/handlingsplaner/", "/handlingsplaner/atgarder/", "/handlingsplaner/mina/",
            f"/handlingsplaner/plan/{plans[1].slug}/", "/handlingsplaner/uppfoljning/"]  # fmt: skip
    for url in urls:
        assert client.get(url).status_code == 200, url
    detail = client.get(f"/handlingsplaner/atgarder/{action(plans[1], 'MB21.1').pk}/")
    assert "I patientprocesserna pågår fortlöpande" in detail.content.decode()
    assert 'id="update-form"' not in detail.content.decode()  # a viewer cannot edit


def test_english_page(client, plans, leader):
    login(client, leader)
    page = client.get("/handlingsplaner/atgarder/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Actions" in page and "Responsible" in page


def test_filters(client, plans, leader):
    login(client, leader)
    sydost, kronoberg = plans

    def refs(query):
        page = client.get("/handlingsplaner/atgarder/?" + query)
        assert page.status_code == 200
        return {a.ref for a in page.context["page"].paginator.object_list}

    assert len(refs(f"plan={kronoberg.pk}")) == 79
    assert refs("indicator=pal_tackningsgrad") == {"2.2.3", "MB31.1"}
    assert refs("indicator=pal_tackningsgrad&region=07") == {"MB31.1"}
    assert refs("pathway=prostata") == {"1.6.1", "MB13.1"}
    assert refs("status=planeras&plan=" + str(kronoberg.pk)) == {
        "MB4.2", "MB15.1", "MB19.2", "MB20.1", "MB25.1", "MB40.1", "MB40.2",
    }  # fmt: skip
    assert "MB1.1" in refs("responsible=processteamen") or refs("responsible=Kirurgkliniken") == {
        "MB12.1"
    }
    area = action(sydost, "3.2.3").goal.area
    assert refs(f"plan={sydost.pk}&area={area.pk}") == {f"3.{g}.{n}" for g, n in
        [(1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (2, 1), (2, 2), (2, 3), (2, 4)]}  # fmt: skip
    today = dt.date.today()
    start, end = quarter_bounds(today)
    due_now = action(sydost, "4.1.1")
    due_now.due_date = end
    due_now.save()
    assert "4.1.1" in refs("due=quarter")
    assert all(
        start <= a.due_date <= end for a in Action.objects.filter(ref__in=refs("due=quarter"))
    )
    overdue = refs("due=overdue")
    assert overdue and all(
        a.due_date < today and a.status not in ("klar", "installd")
        for a in Action.objects.filter(ref__in=overdue)
    )


def test_process_leader_updates_own_and_in_scope_actions_and_is_refused_elsewhere(
    client, plans, leader
):
    sydost, kronoberg = plans
    own = action(kronoberg, "MB7.1")  # Kronoberg: not her region, but she is the owner
    own.responsible_users.add(leader)
    in_scope = action(sydost, "3.2.3")  # linked to sydost, which contains her county 05
    other = action(kronoberg, "MB9.1")  # county 07, not hers
    login(client, leader)
    page = client.post(
        f"/handlingsplaner/atgarder/{own.pk}/",
        {"status": "klar", "date": "2025-10-01", "comment": "Anslutet till registret",
         "start_date": "", "due_date": "2025-12-31"},
    )  # fmt: skip
    assert page.status_code == 302
    own.refresh_from_db()
    assert own.status == "klar" and own.due_date == dt.date(2025, 12, 31)
    update = own.updates.get()
    assert (update.date, update.user, update.comment) == (
        dt.date(2025, 10, 1),
        leader,
        "Anslutet till registret",
    )
    assert update.changes["status"] == ["pagaende", "klar"]
    assert update.changes["start_date"][1] is None
    changed = AuditEvent.objects.get(action="action_changed", object_id=str(own.pk))
    assert changed.username == "pia" and changed.details["changes"]["status"] == [
        "pagaende", "klar"
    ]  # fmt: skip
    page = client.post(
        f"/handlingsplaner/atgarder/{in_scope.pk}/",
        {"status": "pagaende", "date": "2025-10-02", "comment": "", "start_date": "",
         "due_date": ""},
    )  # fmt: skip
    assert page.status_code == 302
    before = (other.status, other.due_date)
    page = client.post(
        f"/handlingsplaner/atgarder/{other.pk}/",
        {"status": "installd", "date": "2025-10-01", "comment": "x", "due_date": ""},
    )
    assert page.status_code == 403
    other.refresh_from_db()
    assert (other.status, other.due_date) == before and not other.updates.exists()
    denied = AuditEvent.objects.get(action="access_denied", object_id=str(other.pk))
    assert denied.username == "pia"
    assert denied.details["path"] == f"/handlingsplaner/atgarder/{other.pk}/"
    # The page shows the history, newest first, and who changed what.
    page = client.get(f"/handlingsplaner/atgarder/{own.pk}/").content.decode()
    assert "Anslutet till registret" in page and "pagaende → klar" in page


def test_pathway_scope_limits_region_wide_actions(client, plans):
    sydost, _ = plans
    leader = make_user("per", ["process_leader"], ["05"])
    leader.scope.pathways = ["prostata"]
    leader.scope.save()
    login(client, leader)
    allowed = action(sydost, "1.6.1")  # sydost + prostata
    refused = action(sydost, "1.4.1")  # sydost + brost
    form = {"status": "pagaende", "date": "2025-10-01", "comment": "", "due_date": ""}
    assert client.post(f"/handlingsplaner/atgarder/{allowed.pk}/", form).status_code == 302
    assert client.post(f"/handlingsplaner/atgarder/{refused.pk}/", form).status_code == 403


def test_admin_edits_everything_and_creates_plans(client, plans, admin):
    login(client, admin)
    other = action(plans[1], "MB9.1")
    form = {"status": "pausad", "date": "2025-10-01", "comment": "Vilar", "due_date": ""}
    assert client.post(f"/handlingsplaner/atgarder/{other.pk}/", form).status_code == 302
    page = client.post(
        "/handlingsplaner/ny/",
        {"slug": "kalmar-2026", "name": "Kalmars plan", "organisation": "Region Kalmar län",
         "period": "2026", "region": "08", "area": "Ledtider", "goal": "Fler i tid"},
    )  # fmt: skip
    assert page.status_code == 302
    plan = Plan.objects.get(slug="kalmar-2026")
    assert (plan.period_start, plan.period_end) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert plan.areas.get().goals.get().text == "Fler i tid"
    assert AuditEvent.objects.filter(action="plan_created", object_id="kalmar-2026").exists()
    again = client.post(
        "/handlingsplaner/ny/",
        {"slug": "kalmar-2026", "name": "x", "organisation": "y", "area": "a", "goal": "g"},
    )
    assert again.status_code == 400 and Plan.objects.filter(slug="kalmar-2026").count() == 1


def test_process_leader_cannot_create_plans(client, plans, leader):
    login(client, leader)
    page = client.post(
        "/handlingsplaner/ny/",
        {"slug": "egen", "name": "x", "organisation": "y", "area": "a", "goal": "g"},
    )
    assert page.status_code == 403 and not Plan.objects.filter(slug="egen").exists()


def test_my_actions(client, plans, leader):
    sydost = plans[0]
    today = dt.date.today()
    late, soon, done = action(sydost, "1.1.1"), action(sydost, "1.1.2"), action(sydost, "1.1.3")
    for item, due, status in ((late, today - dt.timedelta(days=3), "pagaende"),
                              (soon, today + dt.timedelta(days=10), "planeras"),
                              (done, today - dt.timedelta(days=3), "klar")):  # fmt: skip
        item.due_date, item.status = due, status
        item.save()
        item.responsible_users.add(leader)
    login(client, leader)
    page = client.get("/handlingsplaner/mina/")
    groups = {key: [a.ref for a in actions] for key, _, actions in page.context["groups"]}
    assert groups == {"overdue": ["1.1.1"], "soon": ["1.1.2"], "later": []}


def test_reminder_mail_before_due_and_when_overdue(plans, leader, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    sydost, _ = plans
    today = dt.date(2026, 3, 1)
    Action.objects.update(due_date=None)
    soon = action(sydost, "3.2.3")
    soon.due_date = today + dt.timedelta(days=14)
    soon.save()
    soon.responsible_users.add(leader)
    later = action(sydost, "3.2.2")
    later.due_date = today + dt.timedelta(days=15)
    later.save()
    later.responsible_users.add(leader)
    assert send_reminders(today=today, days=14) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["pia@example.org"]
    assert "ska vara klar 2026-03-15" in message.subject
    assert f"/handlingsplaner/atgarder/{soon.pk}/" in message.body
    assert "\n" not in message.subject
    # Once per due date: running again sends nothing; after the date an overdue reminder.
    assert send_reminders(today=today, days=14) == 0
    assert send_reminders(today=today + dt.timedelta(days=16), days=14) == 2  # overdue + later
    kinds = set(ReminderSent.objects.filter(action=soon).values_list("kind", flat=True))
    assert kinds == {"due_soon", "overdue"}
    assert any("försenad" in m.subject for m in mail.outbox)
    assert AuditEvent.objects.filter(action="reminder_sent").count() == 3
    # Done actions get no reminder.
    soon.status = "klar"
    soon.due_date = today + dt.timedelta(days=40)
    soon.save()
    assert send_reminders(today=today + dt.timedelta(days=30), days=14) == 0


def test_reminder_command(plans, leader, settings):
    from typer.testing import CliRunner

    from lofte import cli

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    item = action(plans[0], "3.2.3")
    item.due_date = dt.date.today() + dt.timedelta(days=3)
    item.save()
    item.responsible_users.add(leader)
    result = CliRunner().invoke(cli.app, ["plans", "remind"])
    assert result.exit_code == 0 and "1 påminnelse" in result.output
    assert len(mail.outbox) == 1


@pytest.fixture
def cube():
    gaps._cache.clear()
    cf.write(cube_path())
    yield
    gaps._cache.clear()


def test_gap_board_page_and_export(client, plans, leader, cube):
    sydost, _ = plans
    linked = action(sydost, "3.2.3")  # linked to svf_andel_inom_ledtid and sydost
    Action.objects.filter(ref="8.2.1").update(status="klar")  # kontaktsjuksköterska: none left
    login(client, leader)
    page = client.get(f"/handlingsplaner/avvikelser/?region={cf.HR}&period={cf.PERIOD}")
    assert page.status_code == 200
    text = page.content.decode()
    rows = page.context["rows"]
    report_gaps = gaps.report_model(cf.HR, cf.PERIOD).gaps
    assert [(r.indicator, r.region) for r in rows] == [(g.indicator, g.region) for g in report_gaps]
    hr_row = next(r for r in rows if (r.indicator, r.region) == ("svf_andel_inom_ledtid", "05"))
    assert linked.pk in [a.pk for a in hr_row.actions]
    assert "Ingen åtgärd registrerad" in text and 'class="gap--none' in text
    only = client.get(f"/handlingsplaner/avvikelser/?region={cf.HR}&period={cf.PERIOD}&utan=1")
    assert all(r.without_action for r in only.context["rows"])
    export = client.get(f"/handlingsplaner/avvikelser/xlsx/?region={cf.HR}&period={cf.PERIOD}")
    assert export.status_code == 200
    path = cube_path().parent / "board.xlsx"
    path.write_bytes(export.content)
    sheet = load_workbook(path).active
    codes = [(row[1], row[2]) for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert len(codes) == len(rows)
    bad = client.get("/handlingsplaner/avvikelser/?region=sydost&period=2025Q1")
    assert bad.status_code == 400 and "halvår" in bad.content.decode()


def test_link_and_create_from_a_gap(client, plans, leader, cube):
    sydost, kronoberg = plans
    login(client, leader)
    page = client.get("/handlingsplaner/avvikelser/avvikelse/?indicator=mdk_andel&region=05")
    assert page.status_code == 200 and page.context["allowed"]
    candidate = action(sydost, "3.1.1")
    assert candidate in page.context["candidates"]
    assert (
        client.post(
            "/handlingsplaner/avvikelser/koppla/",
            {"action": candidate.pk, "indicator": "mdk_andel", "region": "05"},
        ).status_code
        == 302
    )
    assert ActionLink.objects.filter(action=candidate, kind="indicator", code="mdk_andel").exists()
    assert [a.pk for a in gaps.gap_actions("mdk_andel", "05")] == [candidate.pk]
    # Kronoberg's action is not hers: linking is refused and logged.
    foreign = action(kronoberg, "MB24.1")
    refused = client.post(
        "/handlingsplaner/avvikelser/koppla/",
        {"action": foreign.pk, "indicator": "mdk_andel", "region": "07"},
    )
    assert refused.status_code == 403
    assert AuditEvent.objects.filter(
        action="access_denied", details__path="/handlingsplaner/avvikelser/koppla/"
    ).exists()
    goal = action(sydost, "3.2.3").goal
    created = client.post(
        "/handlingsplaner/atgarder/ny/",
        {"goal": goal.pk, "title": "Genomgång av MDK-rutiner", "responsible": "Processledare",
         "status": "planeras", "due_date": "2026-06-30", "indicator": "mdk_andel",
         "region": "05"},
    )  # fmt: skip
    assert created.status_code == 302
    new = Action.objects.get(title="Genomgång av MDK-rutiner")
    assert list(new.responsible_users.all()) == [leader]
    assert new.codes("indicator") == ["mdk_andel"] and new.codes("region") == ["05"]
    assert StatusUpdate.objects.filter(action=new).count() == 1
    assert AuditEvent.objects.filter(action="action_created", object_id=str(new.pk)).exists()
    assert new.pk in [a.pk for a in gaps.gap_actions("mdk_andel", "05")]
    set_links(new, [], ["08"], [])
    # A coordinator (not a process leader) cannot create actions.
    client.logout()
    make_user("cora", ["svf_coordinator"], ["05"])
    client.login(username="cora", password=PASSWORD)
    denied = client.post(
        "/handlingsplaner/atgarder/ny/",
        {"goal": goal.pk, "title": "x", "status": "planeras", "region": "05"},
    )
    assert denied.status_code == 403


def test_quarterly_follow_up_and_export(client, plans, leader, tmp_path):
    sydost = plans[0]
    updated, silent = action(sydost, "3.2.3"), action(sydost, "3.2.2")
    for item in (updated, silent):
        item.responsible_users.add(leader)
    login(client, leader)
    form = {"status": "pagaende", "date": "2026-02-10", "comment": "Halva vägen", "due_date": ""}
    assert client.post(f"/handlingsplaner/atgarder/{updated.pk}/", form).status_code == 302
    page = client.get("/handlingsplaner/uppfoljning/?kvartal=2026Q1")
    assert page.status_code == 200 and page.context["quarter"] == "2026Q1"
    (block,) = page.context["blocks"]
    rows = {a.ref: u for a, u in block["rows"]}
    assert rows["3.2.3"].comment == "Halva vägen" and rows["3.2.2"] is None
    assert "Ingen uppdatering" in page.content.decode()
    export = client.get("/handlingsplaner/uppfoljning/xlsx/?kvartal=2026Q1")
    path = tmp_path / "f.xlsx"
    path.write_bytes(export.content)
    sheet = load_workbook(path).active
    got = {row[2]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert got["3.2.3"][0] == "pia" and got["3.2.3"][8] == "2026-02-10"
    assert got["3.2.2"][8] is None


def test_daily_reminder_task_keeps_itself_scheduled(plans, leader, settings):
    from django_tasks_db.models import DBTaskResult
    from typer.testing import CliRunner

    from lofte import cli
    from lofte.web.plans import tasks

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    runner = CliRunner()
    result = runner.invoke(cli.app, ["plans", "remind", "--daily"])
    assert result.exit_code == 0 and "dagligen" in result.output

    def waiting():
        return DBTaskResult.objects.filter(task_path=tasks.daily_reminders.module_path)

    (first,) = waiting()
    local = dt.datetime.fromisoformat(str(first.run_after)).astimezone(
        tasks.timezone.get_current_timezone()
    )
    assert (local.hour, local.minute) == (tasks.REMINDER_HOUR, 0)
    again = runner.invoke(cli.app, ["plans", "remind", "--daily"])
    assert "väntar redan" in again.output and waiting().count() == 1
    # A run sends what is due and queues the next day's run.
    item = action(plans[0], "3.2.3")
    item.due_date = dt.date.today() + dt.timedelta(days=2)
    item.save()
    item.responsible_users.add(leader)
    assert tasks.daily_reminders.call(days=14) == 1
    assert len(mail.outbox) == 1 and waiting().count() == 2
    noon = dt.datetime(2026, 3, 1, 12, 0, tzinfo=tasks.timezone.get_current_timezone())
    assert tasks.next_run(noon).isoformat().startswith("2026-03-02T07:00")
    early = noon.replace(hour=6)
    assert tasks.next_run(early).isoformat().startswith("2026-03-01T07:00")
