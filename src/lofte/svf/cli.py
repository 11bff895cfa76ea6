"""Command line for SVF deliveries (SPEC §12): ``import svf`` and ``deliveries``.

Commands::

    lofte import svf FILE --region CODE [--from D --to D]
    lofte deliveries [--region CODE]
    lofte deliveries show ID [--json]

Exit status: 0 success (also for a file identical to an active delivery: nothing to do), 1 bad
input – a rejected or refused delivery, a missing file, an unknown delivery id – with the reason in
Swedish on stderr and nothing stored, 2 usage error (unknown region code, bad date, ``--from``
after ``--to``).

Mounting in the main ``lofte`` command, which has its own ``import`` group::

    from lofte.svf import cli as svf_cli

    svf_cli.mount(app, import_app)   # lofte import svf …, lofte deliveries [show ID]

which is ``import_app.command("svf")(import_svf)`` plus
``app.add_typer(deliveries_app, name="deliveries")``. ``app`` below is both groups on their own,
which is what the tests drive. Whatever the main Typer
object is, create it with ``pretty_exceptions_show_locals=False``: a traceback that prints local
variables would print rows of the delivery, personnummer included.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from lofte.faults import escape_text

DATE_FORMATS = ["%Y-%m-%d", "%Y%m%d"]
#: Errors printed on stderr for a rejected delivery; the rest are in ``deliveries show``.
SHOWN_ERRORS = 20

app = typer.Typer(
    help="SVF-leveranser: import och historik.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
import_app = typer.Typer(
    help="Importera data.", no_args_is_help=True, pretty_exceptions_show_locals=False
)
deliveries_app = typer.Typer(
    help="Leveranshistorik och valideringsrapporter.", pretty_exceptions_show_locals=False
)


def _setup() -> None:
    from lofte.django_setup import setup

    setup()


def _fail(message: str) -> typer.Exit:
    """Print ``message`` on stderr; the caller raises the returned exit (status 1)."""
    typer.echo(message, err=True)
    return typer.Exit(1)


def _current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return ""


def _counties() -> set[str]:
    from lofte.catalog import load

    return {str(region.code) for region in load().counties()}


def import_svf(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FIL", help="Leveransfilen: CSV, XLSX eller Parquet.", dir_okay=False
        ),
    ],
    region: Annotated[
        str,
        typer.Option(
            "--region", metavar="LÄNSKOD", help="Länskod för regionen som levererar, t.ex. 05."
        ),
    ],
    from_: Annotated[
        dt.datetime | None,
        typer.Option(
            "--from",
            formats=DATE_FORMATS,
            metavar="DATUM",
            help="Leveransens period från, ÅÅÅÅ-MM-DD.",
        ),
    ] = None,
    to: Annotated[
        dt.datetime | None,
        typer.Option(
            "--to",
            formats=DATE_FORMATS,
            metavar="DATUM",
            help="Leveransens period till, ÅÅÅÅ-MM-DD.",
        ),
    ] = None,
) -> None:
    """Importera en SVF-leverans (en regions händelser för en period)."""
    _setup()
    from lofte.faults import OperatorError
    from lofte.svf.deliveries import STEP_LABELS, DeliveryError, import_delivery

    region = region.strip()
    if region not in _counties():
        raise typer.BadParameter(
            f"okänd länskod {region!r} (ange regionens länskod, t.ex. 05)", param_hint="--region"
        )
    window_from = from_.date() if from_ else None
    window_to = to.date() if to else None
    if window_from and window_to and window_from > window_to:
        raise typer.BadParameter("--from är efter --to", param_hint="--from")

    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as bar:
        task = bar.add_task(STEP_LABELS[0], total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=STEP_LABELS.get(done, ""))

        try:
            delivery = import_delivery(
                file,
                region,
                window_from=window_from,
                window_to=window_to,
                user=_current_user(),
                progress=progress,
                on_wait=lambda text: typer.echo(text, err=True),
            )
        except (DeliveryError, OperatorError) as exc:
            raise _fail(str(exc)) from None
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from None

    if delivery.outcome == "rejected":
        errors = delivery.report.get("errors", [])
        lines = [escape_text(delivery.message)]
        lines += [f"  {escape_text(str(issue['message']))}" for issue in errors[:SHOWN_ERRORS]]
        if delivery.error_count > SHOWN_ERRORS:
            lines.append(
                f"  … och {delivery.error_count - SHOWN_ERRORS} fel till. Hela rapporten: "
                f"lofte deliveries show {delivery.pk}"
            )
        raise _fail("\n".join(lines))
    typer.echo(escape_text(delivery.message))
    if delivery.outcome == "imported" and delivery.warning_count:
        typer.echo(f"Varningar finns i rapporten: lofte deliveries show {delivery.pk}")


def _window(delivery: Any) -> str:
    if delivery.window_from is None or delivery.window_to is None:
        return "–"
    return f"{delivery.window_from.isoformat()}–{delivery.window_to.isoformat()}"


def _local(moment: dt.datetime) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _status(delivery: Any) -> str:
    label = str(delivery.get_status_display())
    if delivery.superseded_by_id:
        label += f" (av {delivery.superseded_by_id})"
    return label


def list_deliveries(region: str | None = None) -> None:
    """Print the delivery history, newest first."""
    _setup()
    from lofte.svf.models import Delivery

    deliveries = Delivery.objects.all()
    if region:
        deliveries = deliveries.filter(region=region.strip())
    table = Table(title="SVF-leveranser")
    for header, justify in (
        ("ID", "right"),
        ("Region", "left"),
        ("Period", "left"),
        ("Status", "left"),
        ("Rader", "right"),
        ("Varningar", "right"),
        ("Fel", "right"),
        ("Fil", "left"),
        ("Importerad", "left"),
    ):
        table.add_column(header, justify=justify)  # type: ignore[arg-type]
    count = 0
    for delivery in deliveries:
        count += 1
        created = _local(delivery.created_at)
        table.add_row(
            str(delivery.pk),
            delivery.region,
            _window(delivery),
            _status(delivery),
            str(delivery.rows_stored),
            str(delivery.warning_count),
            str(delivery.error_count),
            Text(escape_text(delivery.file_name)),
            created,
        )
    if not count:
        typer.echo("Inga leveranser.")
        return
    console = Console()
    if not console.is_terminal:
        # Piped or redirected: no terminal width to respect, so do not wrap the rows.
        console = Console(width=200)
    console.print(table)


def show_delivery(delivery_id: int, as_json: bool = False) -> None:
    """Print one delivery's validation report (exit 1 if there is no such delivery)."""
    _setup()
    from lofte.svf.models import Delivery

    delivery = Delivery.objects.filter(pk=delivery_id).first()
    if delivery is None:
        raise _fail(f"Leverans {delivery_id} finns inte.")
    report: dict[str, Any] = delivery.report or {}
    if as_json:
        data = {
            "id": delivery.pk,
            "region": delivery.region,
            "window_from": delivery.window_from.isoformat() if delivery.window_from else None,
            "window_to": delivery.window_to.isoformat() if delivery.window_to else None,
            "status": delivery.status,
            "superseded_by": delivery.superseded_by_id,
            "file_name": delivery.file_name,
            "sha256": delivery.sha256,
            "events_sha256": delivery.events_sha256,
            "events_bytes": delivery.events_bytes,
            "rows_read": delivery.rows_read,
            "rows_stored": delivery.rows_stored,
            "duplicates_dropped": delivery.duplicates_dropped,
            "error_count": delivery.error_count,
            "warning_count": delivery.warning_count,
            "created_by": delivery.created_by,
            "created_at": delivery.created_at.isoformat(),
            "report": report,
        }
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return

    out = [
        f"Leverans {delivery.pk}: {escape_text(delivery.file_name)}",
        f"  Region:      {delivery.region}",
        f"  Period:      {_window(delivery)}",
        f"  Status:      {_status(delivery)}",
        f"  Rader:       {delivery.rows_read} lästa, {delivery.rows_stored} lagrade, "
        f"{delivery.duplicates_dropped} dubbletter borttagna",
        f"  Importerad:  {_local(delivery.created_at)}"
        + (f" av {delivery.created_by}" if delivery.created_by else ""),
        f"  SHA-256:     {delivery.sha256}",
    ]
    for key, title, total in (
        ("errors", "Fel", delivery.error_count),
        ("warnings", "Varningar", delivery.warning_count),
    ):
        issues = report.get(key, [])
        out.append("")
        out.append(f"{title}: {total}")
        out += [f"  {escape_text(str(issue['message']))}" for issue in issues]
        if total > len(issues):
            out.append(f"  … och {total - len(issues)} till (visas inte)")
    typer.echo("\n".join(out))


@deliveries_app.callback(invoke_without_command=True)
def deliveries(
    ctx: typer.Context,
    region: Annotated[
        str | None, typer.Option("--region", help="Bara leveranser från denna länskod.")
    ] = None,
) -> None:
    """Visa leveranshistoriken (id, region, period, status, rader, varningar)."""
    if ctx.invoked_subcommand is None:
        list_deliveries(region)


@deliveries_app.command("show")
def show(
    delivery_id: Annotated[int, typer.Argument(metavar="ID", help="Leveransens id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Rapporten som JSON.")] = False,
) -> None:
    """Visa en leverans valideringsrapport."""
    show_delivery(delivery_id, as_json=as_json)


def mount(main_app: typer.Typer, main_import_app: typer.Typer) -> None:
    """Add ``svf`` to the main CLI's ``import`` group and ``deliveries`` to the main CLI."""
    main_import_app.command("svf")(import_svf)
    main_app.add_typer(deliveries_app, name="deliveries")


mount(app, import_app)
app.add_typer(import_app, name="import")
