"""``reind user add`` and ``reind user token``: accounts for the programme office.

The password is asked for at the prompt (hidden, twice), never taken from
an argument where it would land in the shell history; a token's secret is
printed once and cannot be shown again.
"""

from __future__ import annotations

from typing import Annotated

import typer

from reind.cli import app, console, process_of

user_app = typer.Typer(help="Programme-office user accounts and API tokens.")
app.add_typer(user_app, name="user")


@user_app.command("add")
def add(
    ctx: typer.Context,
    role: Annotated[str, typer.Option("--role", help="applicant, officer, finance ...")],
    email: Annotated[str, typer.Option("--email")],
    name: Annotated[str, typer.Option("--name", help="Display name.")] = "",
    enterprise: Annotated[
        str | None, typer.Option("--enterprise", help="Enterprise id (applicants only).")
    ] = None,
    person: Annotated[
        str | None, typer.Option("--person", help="Committee person id (assessors).")
    ] = None,
    no_password: Annotated[
        bool, typer.Option("--no-password", help="A system account that only uses API tokens.")
    ] = False,
) -> None:
    """Add a user; the password is asked for at the prompt."""
    from reind.programme.accounts.users import add_user
    from reind.programme.actors import SYSTEM, Role
    from reind.programme.enterprises.profile import parse_choice

    chosen = Role(parse_choice(Role, role, "--role").value)
    password = None
    if not no_password:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with process_of(ctx).database().unit_of_work() as session:
        row = add_user(
            session,
            SYSTEM,
            email=email,
            display_name=name or email.split("@", 1)[0],
            role=chosen,
            password=password,
            enterprise_id=enterprise,
            person_id=person,
        )
        console.print(f"added {row.email} ({row.role}) as user {row.id}")


@user_app.command("token")
def token(
    ctx: typer.Context,
    user_id: str,
    name: Annotated[str, typer.Option("--name", help="What will use the token.")],
) -> None:
    """Issue an API token for USER_ID and print its secret (shown only this once)."""
    from reind.programme.accounts.tokens import issue_token
    from reind.programme.actors import SYSTEM

    with process_of(ctx).database().unit_of_work() as session:
        row, secret = issue_token(session, user_id, name, SYSTEM)
        console.print(f"token {row.id} ({row.prefix}...): {secret}", highlight=False)
        console.print("Keep it now: reind stores only its hash and cannot show it again.")
