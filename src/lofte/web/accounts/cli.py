"""``lofte users``: create and list accounts from the command line (the first admin, scripts).

    lofte users create --username NAME --role ROLE [--role …] [--region 05 …] [--password-stdin]
    lofte users list

Without ``--password-stdin`` the password is asked for (hidden). The creation is audited.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

app = typer.Typer(
    help="Användarkonton och roller.", no_args_is_help=True, pretty_exceptions_show_locals=False
)


def _setup() -> None:
    from lofte.django_setup import setup

    setup()


@app.command("create")
def create(
    username: Annotated[str, typer.Option("--username", help="Användarnamn.")],
    role: Annotated[
        list[str], typer.Option("--role", help="Roll (upprepa för flera), t.ex. rcc_admin.")
    ],
    region: Annotated[
        list[str] | None, typer.Option("--region", help="Länskod i omfånget (upprepa).")
    ] = None,
    pathway: Annotated[
        list[str] | None, typer.Option("--pathway", help="Vårdförlopp i omfånget (upprepa).")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Läs lösenordet från standard in.")
    ] = False,
) -> None:
    """Skapa ett konto med roller och regioner."""
    _setup()
    from django.contrib.auth import password_validation
    from django.core.exceptions import ValidationError

    from lofte.web.accounts import services
    from lofte.web.audit.models import AuditEvent
    from lofte.web.audit.service import record

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Lösenord", hide_input=True, confirmation_prompt=True)
    try:
        password_validation.validate_password(password)
    except ValidationError as exc:
        typer.echo("Lösenordet duger inte: " + " ".join(exc.messages), err=True)
        raise typer.Exit(1) from None
    try:
        user = services.save_user(
            username,
            roles=role,
            regions=region or [],
            pathways=pathway or [],
            password=password,
            create=True,
        )
    except services.AccountError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    record(
        AuditEvent.Action.USER_CREATED,
        obj=user,
        username="(kommandoraden)",
        details=services.describe(user) | {"via": "cli"},
    )
    typer.echo(f"Skapade {user.username}: roller {', '.join(sorted(role))}.")


@app.command("list")
def list_users() -> None:
    """Visa alla konton med roller och regioner."""
    _setup()
    from django.contrib.auth import get_user_model

    from lofte.web.accounts import services

    for user in get_user_model().objects.order_by("username"):
        info = services.describe(user)
        state = "aktiv" if info["active"] else "inaktiverad"
        typer.echo(
            f"{info['username']}\t{','.join(info['roles']) or '–'}\t"
            f"{','.join(info['regions']) or '–'}\t{state}"
        )
