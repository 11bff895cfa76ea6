"""``lofte check [--repair]`` (SPEC §12): verify the home, and clear up after interrupted writers.

Exit status 0 when the home is consistent (after ``--repair``: when nothing is left that repair
cannot fix), 1 when a problem remains – a registered event file missing or changed (import that
delivery again), or, without ``--repair``, temporary or unregistered files.
"""

from __future__ import annotations

from typing import Annotated

import typer


def check(
    repair: Annotated[
        bool,
        typer.Option(
            "--repair",
            help="Ta bort temporära och oregistrerade filer (efter att ha listat dem) och "
            "slutför en avbruten publicering av beräkningsresultat.",
        ),
    ] = False,
) -> None:
    """Kontrollera LOFTE_HOME: databas ↔ händelsefiler, oregistrerade och temporära filer."""
    from lofte.django_setup import setup

    setup()
    from lofte import locking
    from lofte.svf import integrity

    busy = locking.holder()
    if busy and not repair:
        typer.echo(
            f"Obs: LOFTE_HOME används just nu av {busy}; temporära filer kan höra till den.",
            err=True,
        )
    report = integrity.check()
    lines = [f"Kontrollerade {report.checked} registrerade händelsefiler."]
    for problem in report.problems:
        if problem.status == "active":
            lines.append(f"FEL: {problem.message()}")
        else:
            lines.append(
                f"Varning: {problem.message()} (ersatt leverans – påverkar inte beräkningen)"
            )
    if report.interrupted_publish:
        lines.append(
            "En beräkning avbröts medan resultaten flyttades på plats (commit.json finns kvar)."
        )
    for label, paths in (
        ("Temporär fil från ett avbrutet skrivande", report.temporary),
        ("Oregistrerad fil i händelselagret", report.unregistered),
    ):
        lines += [f"{label}: {shown}" for shown in integrity.describe(paths)]
    typer.echo("\n".join(lines))
    if repair and not report.ok:
        typer.echo("Reparerar …")
        done = integrity.repair()
        for target in done.recovered:
            typer.echo(f"Slutförde publiceringen av {target}")
        for shown in integrity.describe(done.removed):
            typer.echo(f"Tog bort {shown}")
        report = done
    active = [p for p in report.problems if p.status == "active"]
    if active:
        typer.echo(
            f"Aktiva leveransers filer som inte stämmer: {len(active)}. Importera de berörda "
            "leveranserna på nytt; --repair ändrar aldrig registrerade filer.",
            err=True,
        )
        raise typer.Exit(1)
    if not report.ok:
        typer.echo("Kör 'lofte check --repair' för att städa bort filerna ovan.", err=True)
        raise typer.Exit(1)
    typer.echo("Inga fel som påverkar beräkningen." if report.problems else "Allt stämmer.")


def mount(app: typer.Typer) -> None:
    app.command("check")(check)
