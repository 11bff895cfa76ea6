"""The ``lofte`` command (SPEC §12). Thin: every command calls a service function.

Exit status: 0 success; 1 bad input (message on stderr, nothing changed); 2 usage error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from lofte import config

app = typer.Typer(
    name="lofte",
    help="Löfte – uppföljning av cancerlöftena (RCC). Alla data under LOFTE_HOME (standard ./var).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
import_app = typer.Typer(help="Importera leveranser och aggregat.", no_args_is_help=True)
export_app = typer.Typer(help="Exportera indikatorkuben och handlingsplaner.", no_args_is_help=True)
catalog_app = typer.Typer(help="Visa katalogerna (regioner, vårdförlopp, indikatorer).")
audit_app = typer.Typer(help="Granska en kub som en inkräktare skulle.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")
app.add_typer(catalog_app, name="catalog")

T = TypeVar("T")

out = Console()
err = Console(stderr=True)


def fail(message: str) -> typer.Exit:
    """Print a user-facing message on stderr and return the exit for bad input (status 1)."""
    err.print(f"[bold red]Fel:[/] {message}", highlight=False)
    return typer.Exit(code=1)


def _django() -> None:
    from lofte.django_setup import setup

    setup()


def _stage_progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


STAGES_SV = {
    "assemble": "Bygger vårdförlopp",
    "cells": "Beräknar indikatorer",
    "suppression": "Röjandekontroll",
    "write": "Sparar kuben",
    "audit": "Granskar röjandeskyddet",
}


def run_compute() -> None:
    """Rebuild instances and cube with a stage bar; prints a one-line summary."""
    _django()
    from lofte.cube import service
    from lofte.faults import OperatorError

    with _stage_progress() as bar:
        task = bar.add_task("Beräknar", total=len(STAGES_SV))

        def step(stage: str) -> None:
            bar.update(task, description=STAGES_SV.get(stage, stage), advance=1)

        try:
            run = service.compute(progress=step, on_wait=lambda text: err.print(text))
        except OperatorError as exc:
            raise fail(str(exc)) from None
    out.print(
        f"Beräknat: {run.instances} vårdförlopp, {run.cells} celler → "
        f"{config.home() / run.cube_path}"
    )
    from lofte.cube import audit

    found = audit.audit_stored(service.cube_path())  # kept beside the cube by compute
    if found.ok:
        out.print(
            f"Röjandekontroll: ingen population på 1–4 personer kan härledas ur den publika "
            f"kuben ({found.suppressed} av {found.cells} celler undertryckta; granskad på "
            f"{found.seconds:.1f} s)"
        )
    else:
        raise fail(
            f"den publika kuben läcker: {found.leak_count} undertryckta antal på 1–4 personer "
            f"kan härledas (först: {found.leaks[0].describe()}); inget publiceras – "
            "kör 'lofte audit disclosure' på en export för detaljer"
        )


@app.command()
def compute() -> None:
    """Bygg om vårdförlopp och indikatorkub från aktiva leveranser."""
    run_compute()


def _import_file(file: Path, run: Callable[..., T], error: type[Exception]) -> T:
    """Run one validated file import; its rejection becomes a Swedish message and exit 1."""
    if not file.is_file():
        raise fail(f"filen {file} finns inte")
    try:
        return run(file, user=_user())
    except error as exc:
        raise fail(str(exc)) from None


@import_app.command("register")
def import_register(
    file: Annotated[Path, typer.Argument(help="CSV: region,period,pathway,new_cases")],
) -> None:
    """Importera cancerregistrets nya fall (nämnare för inklusion)."""
    _django()
    from lofte.cube import register_import

    batch = _import_file(file, register_import.import_register, register_import.RegisterFileError)
    out.print(f"Importerade {batch.rows} registerceller från {file.name}. Kör 'lofte compute'.")


@import_app.command("indicators")
def import_indicators(
    file: Annotated[Path, typer.Argument(help="CSV: indicator,region,period,numerator,…")],
) -> None:
    """Importera aggregerade indikatorer (palliativregistret, screening, patientenkät …)."""
    _django()
    from lofte.cube import aggregates

    batch = _import_file(file, aggregates.import_indicators, aggregates.AggregateFileError)
    out.print(f"Importerade {file.name}: {batch.rows} värden. Kör 'lofte compute'.")


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except OSError:
        return ""


@app.command()
def demo(
    quick: Annotated[bool, typer.Option("--quick", help="Litet dataset (för tester)")] = False,
) -> None:
    """Generera syntetiska data för hela landet, importera, beräkna och exportera."""
    _django()
    from lofte.cube import export, service
    from lofte.cube.register_import import import_register as run_register
    from lofte.demo import NOTICE, generate
    from lofte.svf.deliveries import DeliveryError, import_delivery

    home = config.home()
    out.print(f"[bold]{NOTICE}[/]")
    with _stage_progress() as bar:
        task = bar.add_task("Genererar syntetiska leveranser", total=None)
        manifest = generate(home / "demo", quick=quick)
        bar.update(task, total=1, completed=1)
    out.print(
        f"Genererade {manifest.instances} vårdförlopp ({manifest.events} händelser) i "
        f"{len(manifest.deliveries)} leveransfiler, {manifest.period_from}–{manifest.period_to}."
    )
    rejected: list[str] = []
    rows_total = sum(d.rows for d in manifest.deliveries)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,.0f}/{task.total:,.0f} rader"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("Importerar leveranser", total=rows_total)
        done_before = 0
        for item in manifest.deliveries:
            bar.update(task, description=f"Importerar {item.path.name}")
            if _already_imported(item.path, item.region):
                # A second demo in the same LOFTE_HOME: the generator wrote the same bytes.
                done_before += item.rows
                continue

            def step(done: int, total: int, base: int = done_before, rows: int = item.rows) -> None:
                bar.update(task, completed=base + (rows * done // total if total else 0))

            try:
                delivery = import_delivery(
                    item.path,
                    item.region,
                    item.window_from,
                    item.window_to,
                    user="demo",
                    progress=step,
                    today=manifest.today,
                )
            except DeliveryError as exc:
                raise fail(
                    f"demoleveransen {item.path.name} kunde inte importeras: {exc}"
                ) from None
            if delivery.status == "rejected":
                if item.expected_valid:
                    raise fail(f"demoleveransen {item.path.name} avvisades oväntat")
                rejected.append(
                    f"{item.path.name} (leverans {delivery.pk}, {delivery.error_count} fel)"
                )
            done_before += item.rows
            bar.update(task, completed=done_before)
    run_register(manifest.register_path, user="demo")
    from lofte.cube.aggregates import example_path, import_indicators

    # The figures quoted in the seed documents (sourced, not synthetic).
    import_indicators(example_path(), user="demo")
    # Invented values for the other regions and years, labelled synthetic, through the same path.
    from lofte.demo import aggregates as demo_aggregates

    synthetic = demo_aggregates.write(manifest.out_dir, manifest.period_to, manifest.seed)
    import_indicators(synthetic, user="demo")
    run_compute()
    exports = config.subdir("export")
    public = exports / "SYNTETISK_kub_publik.csv"
    internal = exports / "SYNTETISK_kub_intern.parquet"
    cube = service.read_cube()
    from lofte.cube import audit

    export.write(cube, public, public=True, verdict=audit.audit_stored(service.cube_path()))
    export.write(cube, internal, public=False)
    from lofte.core.periods import labels_for
    from lofte.reports.service import write_report
    from lofte.web.plans.demo import import_demo_plans

    # The seed plans (sourced) and a few synthetic status updates, before the report lists them.
    demo_plans = import_demo_plans(manifest.today)
    from lofte.grants.demo import run_demo_round

    grants_round = run_demo_round()  # seed 004's tables and a synthetic 2025 round

    half = labels_for(manifest.period_to)[1]
    with _stage_progress() as bar:
        bar.add_task(f"Skriver resultatredovisningen för Sydöst {half}", total=None)
        written = write_report("sydost", half)
    out.print()
    out.print(f"[bold green]Klart.[/] {NOTICE}")
    for name in rejected:
        out.print(f"Avvisad som väntat (kodningsfel): {name} – se 'lofte deliveries show ID'")
    out.print(f"  Databas:          {home / 'lofte.sqlite3'}")
    out.print(f"  Leveransfiler:    {manifest.out_dir}")
    out.print(f"  Händelselager:    {home / 'events'}")
    out.print(f"  Kuben (intern):   {service.cube_path()}")
    out.print(f"  Publik kub (CSV): {public}")
    out.print(f"  Intern export:    {internal}")
    out.print(f"  Rapport Sydöst:   {written.directory} ({half}, sv och en: html, pdf, xlsx)")
    plans = ", ".join(f"{p['id']} ({p['actions']} åtgärder)" for p in demo_plans.plans)
    out.print(f"  Handlingsplaner:  {plans}; {demo_plans.updates} syntetiska statusuppdateringar")
    rounds = ", ".join(f"{n} {s.lower()}" for s, n in grants_round.statuses.items())
    out.print(f"  Stimulansmedel:   seed 004 + syntetisk omgång 2025 ({rounds}); avvikelser:")
    for text in grants_round.problems:
        out.print(f"    • {escape(text)}", highlight=False)
    _demo_accounts()


def _already_imported(path: Path, region: str) -> bool:
    """The same file was imported before (active or since superseded): nothing to do."""
    from lofte.svf.models import Delivery
    from lofte.svf.reader import sha256_of

    return (
        Delivery.objects.filter(region=region, sha256=sha256_of(path))
        .exclude(status=Delivery.Status.REJECTED)
        .exists()
    )


def _demo_accounts() -> None:
    """Demo log-ins for the desk, audit log and user administration (synthetic installation)."""
    import os

    from lofte import config
    from lofte.web.accounts.services import create_demo_accounts

    accounts = create_demo_accounts()
    path = config.subdir("secret") / "demo-konton.txt"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.writelines(f"{user}\t{role}\t{password}\n" for user, role, password in accounts)
    out.print(f"  Demokonton (nya lösenord vid varje demo, sparade i {path}):")
    for user, role, password in accounts:
        out.print(f"    {user:<30} {role:<18} {password}")


@app.command()
def report(
    healthcare_region: Annotated[
        str, typer.Option("--healthcare-region", help="Sjukvårdsregion, t.ex. sydost")
    ],
    period: Annotated[str, typer.Option("--period", help="Halvår, t.ex. 2025H1")],
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Katalog (standard: LOFTE_HOME/reports/…)")
    ] = None,
) -> None:
    """Skriv resultatredovisningen (HTML, PDF, XLSX på svenska och engelska)."""
    _django()
    from lofte.reports.service import ReportError, write_report

    try:
        with _stage_progress() as bar:
            bar.add_task(f"Skriver resultatredovisningen {healthcare_region} {period}", total=None)
            written = write_report(healthcare_region, period, out_dir)
    except ReportError as exc:
        raise fail(str(exc)) from None
    out.print(
        f"Skrev resultatredovisningen för {healthcare_region} {period} till {written.directory}:"
    )
    for path in written.files:
        out.print(f"  {path.name}")


@export_app.command("cube")
def export_cube(
    out_file: Annotated[Path, typer.Option("--out", help="Fil att skriva")],
    public: Annotated[
        bool, typer.Option("--public", help="Publik fil: undertryckta celler tomma")
    ] = False,
    fmt: Annotated[
        str | None, typer.Option("--format", help="csv, parquet eller xlsx (standard: filändelsen)")
    ] = None,
) -> None:
    """Skriv indikatorkuben (SPEC §8)."""
    _django()
    from lofte.cube import export, service

    if fmt is not None and fmt.lower() not in export.FORMATS:
        raise fail(f"okänt format '{fmt}' – välj csv, parquet eller xlsx")
    try:
        cube = service.read_cube()
    except FileNotFoundError:
        raise fail("det finns ingen kub ännu – kör 'lofte compute' först") from None
    from lofte.cube import audit
    from lofte.cube.audit import DisclosureError

    # The stored cube's verdict, kept beside it by compute (audited again if it is missing).
    verdict = audit.audit_stored(service.cube_path()) if public else None
    try:
        rows = export.write(cube, out_file, public=public, fmt=fmt, verdict=verdict)
    except DisclosureError as refused:
        raise fail(f"{refused}; ingen fil skrevs") from None
    kind = "publik" if public else "intern (innehåller undertryckta värden – lämna inte ut)"
    out.print(f"Skrev {rows} celler ({kind}) till {out_file}")


@audit_app.command("disclosure")
def audit_disclosure(
    file: Annotated[Path, typer.Argument(help="En kub som CSV eller Parquet (SPEC §8)")],
    show: Annotated[int, typer.Option("--show", help="Antal härledda celler att lista")] = 20,
    fmt: Annotated[str, typer.Option("--format", help="text eller json")] = "text",
) -> None:
    """Röjandekontroll av en publicerad kub: vad kan en inkräktare räkna ut? (SPEC §7)

    Härleder undertryckta antal genom subtraktion i varje additiv grupp (geografi, period,
    behandling, vårdförlopp, per regiontillhörighet) och genom länkade serier, och listar varje
    population på 1–4 personer som går att räkna ut. Exit 1 när någon finns."""
    import json

    from lofte.cube import audit
    from lofte.faults import escape_text

    if not file.is_file():
        raise fail(f"filen {escape_text(str(file))} finns inte")
    try:
        found = audit.audit_file(file, limit=max(show, 0))
    except (audit.CubeFileError, ValueError, OSError) as bad:
        raise fail(f"{escape_text(str(file))} kan inte läsas som en kub: {bad}") from None
    if fmt == "json":
        print(
            json.dumps(
                {
                    "file": file.name,
                    "cells": found.cells,
                    "suppressed": found.suppressed,
                    "derived": found.derived,
                    "leaks": found.leak_count,
                    "first_leaks": [vars(leak) for leak in found.leaks],
                    "seconds": round(found.seconds, 3),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        out.print(
            f"{found.cells} celler, {found.suppressed} undertryckta; en inkräktare kan räkna ut "
            f"{found.derived} undertryckta antal, varav {found.leak_count} populationer på "
            f"1–4 personer ({found.seconds:.1f} s).",
            highlight=False,
        )
        for leak in found.leaks:
            out.print(f"  {leak.describe()}", highlight=False, markup=False)
    if not found.ok:
        raise typer.Exit(code=1)


@catalog_app.command("show")
def catalog_show(
    what: Annotated[str, typer.Argument(help="pathways, indicators eller regions")],
    fmt: Annotated[str, typer.Option("--format", help="json eller table")] = "table",
) -> None:
    """Visa katalogen som gäller."""
    from lofte.catalog import CatalogError, load

    if what not in ("pathways", "indicators", "regions"):
        err.print(f"Okänd katalog '{what}': välj pathways, indicators eller regions")
        raise typer.Exit(code=2)
    try:
        data = load().as_json(what)
    except CatalogError as exc:
        raise fail(str(exc)) from None
    if fmt == "json":
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    if fmt != "table":
        err.print("--format måste vara json eller table")
        raise typer.Exit(code=2)
    from rich.table import Table

    table = Table(title=what)
    keys = [k for k in data[0] if not isinstance(data[0][k], list | dict)] if data else []
    for k in keys:
        table.add_column(k)
    for row in data:
        table.add_row(*["" if row[k] is None else str(row[k]) for k in keys])
    out.print(table)


def _mount_optional() -> None:
    """Commands that live with their packages."""
    from lofte import serve
    from lofte.grants import cli as grants_cli
    from lofte.svf import check_cli
    from lofte.svf import cli as svf_cli
    from lofte.web.plans import cli as plans_cli

    svf_cli.mount(app, import_app)
    grants_cli.mount(app, import_app)
    plans_cli.mount(app, import_app, export_app)
    serve.mount(app)
    check_cli.mount(app)


_mount_optional()


def main() -> None:
    from lofte.faults import guarded

    # Operator faults (full disk, read-only home, busy home, missing key) end in a Swedish
    # message and exit 1 instead of a traceback.
    guarded(app)


if __name__ == "__main__":
    main()
