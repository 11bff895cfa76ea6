"""Command line for grants (SPEC §11, §12).

Commands::

    lofte import grants FILE
    lofte grants ledger [--year Y] [--format table|json]
    lofte grants funds [--year Y] [--format table|json]
    lofte grants allocate TOTAL (--key "05=2,2; 06=1,5; 08=1,1" | --population sydost)
    lofte grants grant --year Y --area A --amount N --title T [--region R] [--override-reason R]
    lofte grants pay --year Y --area A --amount N [--title T] [--region R]
    lofte grants calls [--year Y] [--format table|json]
    lofte grants decisions CALL_ID [--format table|json]
    lofte grants summary --year Y --out FILE.xlsx
    lofte grants call-add --year Y --title T --area A [--area B] [--rule R] [--budget N]
        [--seed-004-timeline] [--opens D --deadline D]
    lofte grants call-dates ID [--deadline D] [--decision D] …
    lofte grants remind [--days 14]     reminder mails before interim and final reports are due

Mounted by ``lofte.cli`` with ``mount(app, import_app)``. Exit status: 0 success, 1 bad input or
a refused change (Swedish message on stderr, nothing changed), 2 usage error.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TypedDict

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

grants_app = typer.Typer(
    help="Stimulansmedel: medel, fördelningsnycklar, potter och huvudbok.", no_args_is_help=True
)
out = Console()
err = Console(stderr=True)


class Format(StrEnum):
    """Output of the listing commands: a table for people, JSON (the SPEC §12 keys) for scripts."""

    table = "table"
    json = "json"


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]Fel:[/] {escape(message)}", highlight=False)
    return typer.Exit(code=1)


def _django() -> None:
    from lofte.django_setup import setup

    setup()


def _user() -> str:
    try:
        return getpass.getuser()
    except OSError:
        return ""


def import_grants(
    file: Annotated[Path, typer.Argument(help="CSV: kind,year,area,group,label,amount,key,source")],
) -> None:
    """Importera stimulansmedel: medel, potter, beviljat och källans summor (avvikelser listas)."""
    if not file.is_file():
        raise _fail(f"filen {file} finns inte")
    _django()
    from lofte.grants import importer

    try:
        result = importer.import_grants(file, user=_user())
    except importer.GrantsFileError as exc:
        raise _fail(str(exc)) from None
    if result.unchanged:
        out.print(f"{escape(file.name)} är redan importerad; inget ändrat.", highlight=False)
    else:
        out.print(
            f"Importerade {escape(file.name)}: {result.funding} medel, {len(result.pools)} potter.",
            highlight=False,
        )
    problems = result.problems
    if problems:
        out.print(f"[bold yellow]{len(problems)} avvikelser i källans siffror (ej rättade):[/]")
        for text in problems:
            out.print(f"  • {escape(text)}", highlight=False)
    else:
        out.print("Alla summor stämmer.")


@grants_app.command("ledger")
def ledger_command(
    year: Annotated[int | None, typer.Option("--year", help="Bara detta år")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table eller json")] = Format.table,
) -> None:
    """Huvudboken: varje pott med budget, beviljat, utbetalt, återstående och avvikelser."""
    _django()
    from lofte.grants import ledger
    from lofte.grants.reconcile import kr

    rows = ledger.ledger(year)
    if fmt is Format.json:
        out.print_json(json.dumps([r.as_dict() for r in rows], ensure_ascii=False))
        return
    if not rows:
        out.print(
            "Inga potter" + (f" för {year}" if year else "") + ". Kör 'lofte import grants FILE'."
        )
        return
    table = Table("Område", "År")
    for name in ("Budget, kr", "Beviljat, kr", "Utbetalt, kr", "Återstår, kr"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("Avvikelser")
    for r in rows:
        table.add_row(
            escape(r.area),
            str(r.year),
            *(kr(n).removesuffix(" kr") for n in (r.budget, r.granted, r.paid, r.remaining)),
            str(len(r.problems)) if r.problems else "–",
        )
    out.print(table)
    for r in rows:
        for text in r.problems:
            out.print(f"• {escape(r.area)} {r.year}: {escape(text)}", highlight=False)


class _FundRow(TypedDict):
    """One funding source of ``lofte grants funds`` (also its JSON output)."""

    year: int
    name: str
    amount: int
    key: str
    allocation: dict[str, int]


@grants_app.command("funds")
def funds_command(
    year: Annotated[int | None, typer.Option("--year", help="Bara detta år")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table eller json")] = Format.table,
) -> None:
    """Medel per år och deras fördelning på regioner enligt nyckeln (hela kronor)."""
    _django()
    from lofte.grants import allocation
    from lofte.grants.models import FundingSource
    from lofte.grants.reconcile import kr

    sources = FundingSource.objects.all()
    if year is not None:
        sources = sources.filter(year=year)
    data: list[_FundRow] = []
    for s in sources.order_by("year", "id"):
        parts = allocation.allocate(s.amount, allocation.parse_key(s.key)) if s.key else {}
        data.append(
            {"year": s.year, "name": s.name, "amount": s.amount, "key": s.key, "allocation": parts}
        )
    if fmt is Format.json:
        out.print_json(json.dumps(data, ensure_ascii=False))
        return
    table = Table("År", "Medel", "Belopp", "Nyckel", "Fördelning")
    for d in data:
        parts_text = ", ".join(f"{k}: {kr(v)}" for k, v in d["allocation"].items()) or "–"
        table.add_row(
            str(d["year"]), escape(d["name"]), kr(d["amount"]), escape(d["key"]) or "–", parts_text
        )
    out.print(table)


@grants_app.command("allocate")
def allocate_command(
    total: Annotated[int, typer.Argument(help="Belopp i hela kronor")],
    key: Annotated[str | None, typer.Option("--key", help="'05=2,2; 06=1,5; 08=1,1'")] = None,
    population: Annotated[
        str | None, typer.Option("--population", help="Fördela på regionerna under denna kod")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table eller json")] = Format.table,
) -> None:
    """Fördela ett belopp efter vikter eller folkmängd (största rest, hela kronor)."""
    from lofte.grants import allocation

    if (key is None) == (population is None):
        err.print("Ange antingen --key eller --population.")
        raise typer.Exit(code=2)
    try:
        if key is not None:
            weights: dict[str, object] = dict(allocation.parse_key(key))
        else:
            from lofte import catalog

            cat = catalog.load()
            try:
                codes = cat.children(str(population))
            except KeyError:
                raise _fail(f"okänd regionkod {population}") from None
            weights = dict(allocation.population_key((c, cat.region(c).population) for c in codes))
        parts = allocation.allocate(total, weights)  # type: ignore[arg-type]
    except allocation.AllocationError as exc:
        raise _fail(str(exc)) from None
    if fmt is Format.json:
        out.print_json(
            json.dumps(
                {
                    "total": total,
                    "key": {k: str(v) for k, v in weights.items()},
                    "allocation": parts,
                }
            )
        )
        return
    from lofte import catalog
    from lofte.grants.reconcile import kr

    regions = catalog.load().regions
    table = Table("Del", "Vikt", "Belopp")
    for code, amount in parts.items():
        name = f"{code} {regions[code].name}" if code in regions else code
        weight = str(weights[code]).replace(".", ",")
        table.add_row(escape(name), escape(weight), kr(amount))
    table.add_row("Summa", "", kr(sum(parts.values())))
    out.print(table)


@grants_app.command("grant")
def grant_command(
    year: Annotated[int, typer.Option("--year")],
    area: Annotated[str, typer.Option("--area")],
    amount: Annotated[int, typer.Option("--amount", help="Hela kronor")],
    title: Annotated[str, typer.Option("--title", help="Projektets titel")],
    region: Annotated[str, typer.Option("--region")] = "",
    override_reason: Annotated[
        str, typer.Option("--override-reason", help="Skäl för att bevilja över budget (loggas)")
    ] = "",
) -> None:
    """Bevilja ur en pott; över budget bara med --override-reason (granskningsloggas)."""
    _django()
    from lofte.grants import ledger

    try:
        entry = ledger.grant(
            year,
            area,
            amount,
            title,
            region=region,
            username=_user(),
            override_reason=override_reason,
        )
    except ledger.LedgerError as exc:
        raise _fail(str(exc)) from None
    _after_change(entry.pool)


@grants_app.command("pay")
def pay_command(
    year: Annotated[int, typer.Option("--year")],
    area: Annotated[str, typer.Option("--area")],
    amount: Annotated[int, typer.Option("--amount", help="Hela kronor")],
    title: Annotated[str, typer.Option("--title")] = "Utbetalning",
    region: Annotated[str, typer.Option("--region")] = "",
) -> None:
    """Registrera en utbetalning ur en pott (aldrig mer än beviljat)."""
    _django()
    from lofte.grants import ledger

    try:
        entry = ledger.pay(year, area, amount, title, region=region, username=_user())
    except ledger.LedgerError as exc:
        raise _fail(str(exc)) from None
    _after_change(entry.pool)


class _CallRow(TypedDict):
    """One call of ``lofte grants calls`` (also its JSON output)."""

    id: int
    year: int
    title: str
    areas: list[str]
    budget: int | None
    eligibility: str
    eligibility_sv: str
    timeline: dict[str, str | None]
    applications: dict[str, int]


def _describe_sv(rule: str) -> str:
    """The call's eligibility rule in Swedish words, whatever language is active."""
    from django.utils import translation

    from lofte.grants import eligibility

    with translation.override("sv"):
        return eligibility.describe(rule)


@grants_app.command("calls")
def calls_command(
    year: Annotated[int | None, typer.Option("--year", help="Bara detta år")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table eller json")] = Format.table,
) -> None:
    """Utlysningar med tidsplan, behörighetsregel och ansökningar per status."""
    _django()
    from lofte.grants import calls
    from lofte.grants.models import Call

    found = Call.objects.all() if year is None else Call.objects.filter(year=year)
    data: list[_CallRow] = []
    for call in found.order_by("year", "id"):
        statuses: dict[str, int] = {}
        for status in call.applications.values_list("status", flat=True):
            statuses[status] = statuses.get(status, 0) + 1
        data.append(
            {
                "id": call.pk,
                "year": call.year,
                "title": call.title,
                "areas": [a.strip() for a in call.areas.split(";") if a.strip()],
                "budget": call.budget,
                "eligibility": call.eligibility,
                "eligibility_sv": _describe_sv(call.eligibility),
                "timeline": {
                    f: (d.isoformat() if (d := getattr(call, f)) else None)
                    for f, _ in calls.TIMELINE
                },
                "applications": statuses,
            }
        )
    if fmt is Format.json:
        out.print_json(json.dumps(data, ensure_ascii=False))
        return
    names = dict(calls.TIMELINE)
    for d in data:
        out.print(f"[bold]{d['id']}. {escape(d['title'])}[/] ({d['year']})", highlight=False)
        out.print(f"  Krav: {escape(d['eligibility_sv'])}", highlight=False)
        for field, day in d["timeline"].items():
            if day:
                out.print(f"  {day}  {names[field]}", highlight=False)
        if d["applications"]:
            out.print(
                "  Ansökningar: " + ", ".join(f"{k} {v}" for k, v in d["applications"].items())
            )


def _dates(values: dict[str, str | None]) -> dict[str, dt.date | None]:
    """``--deadline 2025-02-20`` style options as dates; ``-`` clears an optional date."""
    from lofte.grants import calls

    names = dict(calls.TIMELINE)
    parsed: dict[str, dt.date | None] = {}
    for field, text in values.items():
        if text is None:
            continue
        if text == "-":
            parsed[field] = None
            continue
        try:
            parsed[field] = dt.date.fromisoformat(text)
        except ValueError:
            raise _fail(f"{names[field]}: ogiltigt datum {text!r} (ÅÅÅÅ-MM-DD)") from None
    return parsed


_DateOption = Annotated[str | None, typer.Option(help="ÅÅÅÅ-MM-DD")]


@grants_app.command("call-add")
def call_add_command(
    year: Annotated[int, typer.Option("--year")],
    title: Annotated[str, typer.Option("--title")],
    area: Annotated[list[str], typer.Option("--area", help="Område (flera tillåtna)")],
    rule: Annotated[
        str, typer.Option("--rule", help="Behörighetsregel, t.ex. 'regions>=2'")
    ] = "any",
    budget: Annotated[int | None, typer.Option("--budget", help="Hela kronor")] = None,
    seed_004: Annotated[
        bool, typer.Option("--seed-004-timeline", help="Tidsplanen ur seed 004 (2025)")
    ] = False,
    opens: _DateOption = None,
    deadline: _DateOption = None,
) -> None:
    """Skapa en utlysning med tidsplan (ändras med 'grants call-dates')."""
    _django()
    from lofte.grants import calls

    timeline = dict(calls.SEED_004_TIMELINE) if seed_004 else {}
    timeline |= {k: v for k, v in _dates({"opens": opens, "deadline": deadline}).items() if v}
    try:
        call = calls.create_call(
            year,
            title,
            area,
            timeline=timeline,
            eligibility_rule=rule,
            budget=budget,
            username=_user(),
        )
    except calls.CallError as exc:
        raise _fail(str(exc)) from None
    out.print(f"Utlysning {call.pk} skapad: {escape(call.title)}", highlight=False)


@grants_app.command("call-dates")
def call_dates_command(
    call_id: Annotated[int, typer.Argument(help="Utlysningens id")],
    opens: _DateOption = None,
    deadline: _DateOption = None,
    assessment_from: _DateOption = None,
    assessment_to: _DateOption = None,
    proposal: _DateOption = None,
    decision: _DateOption = None,
    publication: _DateOption = None,
    interim_report: _DateOption = None,
    final_report: _DateOption = None,
) -> None:
    """Flytta datum i en utlysnings tidsplan (ordningen hålls; ändringen loggas)."""
    _django()
    from lofte.grants import calls
    from lofte.grants.models import Call

    call = Call.objects.filter(pk=call_id).first()
    if call is None:
        raise _fail(f"det finns ingen utlysning med id {call_id}")
    given = {k: v for k, v in locals().items() if k in dict(calls.TIMELINE)}
    try:
        calls.set_dates(call, username=_user(), **_dates(given))
    except calls.CallError as exc:
        raise _fail(str(exc)) from None
    out.print(f"Tidsplanen för utlysning {call.pk} är uppdaterad.")


@grants_app.command("decisions")
def decisions_command(
    call_id: Annotated[int, typer.Argument(help="Utlysningens id (se 'lofte grants calls')")],
    fmt: Annotated[Format, typer.Option("--format", help="table eller json")] = Format.table,
) -> None:
    """Beslutsunderlag: inskickade ansökningar med sökt belopp och pottens löpande utrymme."""
    _django()
    from dataclasses import asdict

    from lofte.grants import calls
    from lofte.grants.models import Call
    from lofte.grants.reconcile import kr

    call = Call.objects.filter(pk=call_id).first()
    if call is None:
        raise _fail(f"det finns ingen utlysning med id {call_id}")
    items = calls.decision_list(call)
    if fmt is Format.json:
        out.print_json(json.dumps([asdict(i) for i in items], ensure_ascii=False))
        return
    table = Table("Ansökan", "Område", "Sökt, kr", "Kvar i potten efter, kr", "Ryms")
    for i in items:
        after = "ingen pott" if i.remaining_after is None else kr(i.remaining_after)
        table.add_row(
            escape(f"{i.application}. {i.title}"),
            escape(i.area),
            kr(i.requested).removesuffix(" kr"),
            after.removesuffix(" kr"),
            "ja" if i.fits else "nej",
        )
    out.print(table)


@grants_app.command("summary")
def summary_command(
    year: Annotated[int, typer.Option("--year", help="Året som sammanställs")],
    out_file: Annotated[Path, typer.Option("--out", help="XLSX-fil att skriva")],
) -> None:
    """Sammanställning för Socialstyrelsen: potter, beviljat per region, ansökningar (XLSX)."""
    if out_file.suffix.lower() != ".xlsx":
        raise _fail(f"{out_file.name}: sammanställningen skrivs som .xlsx")
    if not out_file.parent.is_dir():
        raise _fail(f"katalogen {out_file.parent} finns inte")
    _django()
    from lofte.grants import summary

    counts = summary.write_xlsx(year, out_file)
    parts = ", ".join(f"{name}: {n} rader" for name, n in counts.items())
    out.print(f"Skrev {escape(str(out_file))} ({parts}).", highlight=False)


@grants_app.command("remind")
def remind_command(
    days: Annotated[int, typer.Option("--days", help="Påminn så här många dagar före.")] = 14,
) -> None:
    """Skicka påminnelser om delrapporter och slutrapporter som snart ska lämnas eller är sena.

    Körs även av den dagliga påminnelsen för handlingsplaner ('lofte plans remind --daily')."""
    _django()
    from lofte.grants.followup import send_reminders

    out.print(f"Skickade {send_reminders(days=days)} påminnelse(r).")


def _after_change(pool: object) -> None:
    """Reconcile the changed pool at once and show its line of the ledger."""
    from lofte.grants import ledger
    from lofte.grants.models import Pool
    from lofte.grants.reconcile import kr

    assert isinstance(pool, Pool)
    r = ledger.row(pool)
    out.print(
        f"{escape(r.area)} {r.year}: budget {kr(r.budget)}, beviljat {kr(r.granted)}, "
        f"utbetalt {kr(r.paid)}, återstår {kr(r.remaining)}",
        highlight=False,
    )
    for text in r.problems:
        out.print(f"  • {escape(text)}", highlight=False)


def mount(app: typer.Typer, import_app: typer.Typer) -> None:
    """``lofte import grants FILE`` and the ``lofte grants …`` group."""
    import_app.command("grants")(import_grants)
    app.add_typer(grants_app, name="grants")
