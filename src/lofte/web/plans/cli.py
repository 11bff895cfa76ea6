"""``lofte import plan``, ``lofte export plan``, ``lofte plans list`` and ``lofte plans remind``.

    lofte import plan FILE                  check the whole file, then create or replace the plan
    lofte export plan ID --out FILE         YAML (or XLSX for reading when FILE ends .xlsx)
    lofte plans list [--format json]        id, name, organisation, period, goals, actions
    lofte plans remind [--days 14]          reminder mails before due dates and when overdue
    lofte plans remind --daily              queue the daily run for the background worker

Bad input: a Swedish message naming file, line and column on stderr, exit 1, nothing changed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

if TYPE_CHECKING:
    from lofte.web.plans.models import Plan

plans_app = typer.Typer(help="Handlingsplaner (SPEC §10).", no_args_is_help=True)
out = Console()
err = Console(stderr=True)


def _setup() -> None:
    from lofte.django_setup import setup

    setup()


def _fail(lines: list[str]) -> typer.Exit:
    for line in lines:
        err.print(f"[bold red]Fel:[/] {line}", highlight=False, markup=True, soft_wrap=True)
    return typer.Exit(code=1)


def import_plan(
    file: Annotated[Path, typer.Argument(help="Planfil (YAML, se data/README.md).")],
) -> None:
    """Importera en handlingsplan (ersätter en plan med samma id)."""
    _setup()
    from lofte.web.plans import planfile, planread

    try:
        plan = planread.import_plan(file)
    except planfile.PlanFileError as exc:
        raise _fail([_plain(p) for p in exc.problems]) from None
    summary = next(s for s in planfile.summaries() if s["id"] == plan.slug)
    out.print(
        f"Importerade planen {plan.slug} ({summary['goals']} mål, {summary['actions']} åtgärder).",
        highlight=False,
    )


def _plain(text: str) -> str:
    """Untrusted text for the terminal: no escape sequences, no Rich markup."""
    from rich.markup import escape

    cleaned = "".join(ch if ch.isprintable() or ch == "\n" else "?" for ch in text)
    return escape(cleaned)


def _find(plan_id: str) -> Plan:
    from lofte.web.plans.models import Plan

    plan = Plan.objects.filter(slug=plan_id).first()
    if plan is None and plan_id.isdigit():
        plan = Plan.objects.filter(pk=int(plan_id)).first()
    if plan is None:
        known = ", ".join(Plan.objects.order_by("slug").values_list("slug", flat=True)) or "inga"
        raise _fail([f"okänd plan '{_plain(plan_id)}' (finns: {known})"])
    return plan


def export_plan(
    plan_id: Annotated[
        str, typer.Argument(metavar="ID", help="Planens id (se 'lofte plans list').")
    ],
    out_file: Annotated[
        Path, typer.Option("--out", help="Fil: .yaml/.yml, eller .xlsx för läsning.")
    ],
) -> None:
    """Exportera en handlingsplan som YAML (eller XLSX för läsning)."""
    _setup()
    from lofte.web.plans import planfile

    plan = _find(plan_id)
    try:
        written = planfile.export_plan(plan, out_file)
    except OSError as exc:
        raise _fail([f"{out_file}: kan inte skrivas ({exc.strerror})"]) from None
    out.print(f"Skrev {plan.slug} till {written}", highlight=False)


@plans_app.command("list")
def list_plans(
    fmt: Annotated[str, typer.Option("--format", help="table eller json")] = "table",
) -> None:
    """Alla handlingsplaner med antal mål och åtgärder."""
    if fmt not in ("table", "json"):
        err.print("--format måste vara json eller table")
        raise typer.Exit(code=2)
    _setup()
    from lofte.web.plans import planfile

    rows = planfile.summaries()
    if fmt == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    from rich.table import Table

    table = Table(title="Handlingsplaner")
    for column in ("id", "name", "organisation", "period", "goals", "actions"):
        table.add_column(column)
    for row in rows:
        table.add_row(*[_plain(str(row[k])) for k in row])
    out.print(table)


@plans_app.command("remind")
def remind(
    days: Annotated[int, typer.Option("--days", help="Påminn så här många dagar före.")] = 14,
    daily: Annotated[
        bool,
        typer.Option("--daily", help="Lägg en daglig körning i bakgrundskön (kl. 7) i stället."),
    ] = False,
) -> None:
    """Skicka påminnelser om åtgärder som snart ska vara klara eller är försenade."""
    _setup()
    if daily:
        from lofte.web.plans.tasks import next_run, schedule_daily

        result = schedule_daily(days)
        if result is None:
            out.print("En daglig körning väntar redan i kön (eller bakgrundskön kan inte vänta).")
        else:
            when = next_run().strftime("%Y-%m-%d %H:%M")
            out.print(f"Påminnelserna körs dagligen; nästa gång {when} (av 'lofte serve').")
        return
    from lofte.web.plans.reminders import send_reminders

    sent = send_reminders(days=days)
    out.print(f"Skickade {sent} påminnelse(r).")


def mount(
    main_app: typer.Typer, main_import_app: typer.Typer, main_export_app: typer.Typer
) -> None:
    """Register the plan commands on the main CLI (called once from ``lofte.cli``)."""
    main_import_app.command("plan")(import_plan)
    main_export_app.command("plan")(export_plan)
    main_app.add_typer(plans_app, name="plans")
