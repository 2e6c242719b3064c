"""`flask --app screening staff ...`: add, list, disable, enable and reset staff accounts, and change roles.

Every change is recorded in the audit trail with no actor and 'cli' as its source.
"""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from screening.records import database
from screening.records.db_cli import needs_current_database
from screening.clock import utcnow
from screening.staff import accounts
from screening.staff.accounts import AccountError
from screening.staff.audit import record
from screening.records.models import StaffUser

staff_cli = AppGroup("staff", help="Staff accounts.")

password_stdin = click.option("--password-stdin", is_flag=True,
                              help="Read the password from the first line of standard input instead of asking.")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        return accounts.check_password(password)
    except AccountError as error:
        raise click.ClickException(str(error)) from None


def _existing(email: str) -> StaffUser:
    try:
        return accounts.existing(database.session(), email)
    except AccountError as error:
        raise click.ClickException(str(error)) from None


@staff_cli.command("add")
@needs_current_database
@click.argument("email")
@click.option("--role", "roles", multiple=True, required=True, metavar="ROLE",
              help=f"One of {', '.join(accounts.ROLES)}; repeat for several.")
@password_stdin
def add(email: str, roles: tuple[str, ...], password_stdin: bool) -> None:
    """Add a staff account with one or more roles."""
    try:
        # Checked before asking for a password, so a typo does not cost typing it twice.
        accounts.check_new(database.session(), email, roles)
        user = accounts.create(database.session(), email, _password(password_stdin), roles)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    record("staff_added", detail=f"{user.email}; roles: {', '.join(sorted(user.roles))}")
    click.echo(f"Added {user.email} ({', '.join(sorted(user.roles))}).")


@staff_cli.command("list")
@needs_current_database
def list_staff() -> None:
    """List staff accounts: email, roles, active, locked."""
    users = database.session().scalars(select(StaffUser).order_by(StaffUser.email)).all()
    if not users:
        click.echo("No staff accounts yet. Add one with: flask --app screening staff add EMAIL --role admin")
        return
    now = utcnow()
    width = max(len(u.email) for u in users)
    click.echo(f"{'EMAIL':<{width}}  {'ROLES':<24}  {'ACTIVE':<6}  LOCKED")
    for user in users:
        click.echo(f"{user.email:<{width}}  {','.join(sorted(user.roles)):<24}  "
                   f"{'yes' if user.active else 'no':<6}  {'yes' if user.locked(now) else 'no'}")


def _set_active(email: str, active: bool) -> None:
    user = _existing(email)
    accounts.set_active(database.session(), user, active)
    record("staff_enabled" if active else "staff_disabled", detail=user.email)
    click.echo(f"{'Enabled' if active else 'Disabled'} {user.email}.")


@staff_cli.command("disable")
@needs_current_database
@click.argument("email")
def disable(email: str) -> None:
    """Stop an account signing in; its open sessions end at once."""
    _set_active(email, False)


@staff_cli.command("enable")
@needs_current_database
@click.argument("email")
def enable(email: str) -> None:
    """Let a disabled account sign in again."""
    _set_active(email, True)


@staff_cli.command("reset-password")
@needs_current_database
@click.argument("email")
@password_stdin
def reset_password(email: str, password_stdin: bool) -> None:
    """Set a new password, unlock the account and end its open sessions."""
    user = _existing(email)
    accounts.reset_password(database.session(), user, _password(password_stdin))
    record("password_reset", detail=user.email)
    click.echo(f"New password set for {user.email}; the account is unlocked.")


def _roles(given: tuple[str, ...]) -> frozenset[str]:
    return accounts.check_roles(given) if given else frozenset()


@staff_cli.command("roles")
@needs_current_database
@click.argument("email")
@click.option("--add", "to_add", multiple=True, metavar="ROLE",
              help=f"Give the account this role ({', '.join(accounts.ROLES)}); repeat for several.")
@click.option("--remove", "to_remove", multiple=True, metavar="ROLE",
              help="Take this role from the account; repeat for several.")
def roles(email: str, to_add: tuple[str, ...], to_remove: tuple[str, ...]) -> None:
    """Print an account's roles, or add and remove some.

    Roles are read on every request, so a signed-in session has the new ones from its next page.
    """
    user = _existing(email)
    if not to_add and not to_remove:
        click.echo(f"{user.email}: {', '.join(sorted(user.roles))}")
        return
    try:
        to_add, to_remove = _roles(to_add), _roles(to_remove)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    both = sorted(to_add & to_remove)
    if both:
        raise click.ClickException(f"{both[0]!r} is given to both --add and --remove; give it to one of them")
    after = (user.roles | to_add) - to_remove
    if not after:
        raise click.ClickException("an account needs at least one role; disable it instead with "
                                   f"`flask --app screening staff disable {user.email}`")
    for role in sorted(to_add & user.roles):
        click.echo(f"{user.email} already has {role}; nothing to add.")
    for role in sorted(to_remove - user.roles):
        click.echo(f"{user.email} does not have {role}; nothing to remove.")
    added, removed = sorted(to_add - user.roles), sorted(to_remove & user.roles)
    if not added and not removed:
        click.echo(f"No change: {user.email}: {', '.join(sorted(user.roles))}")
        return
    user.roles = after
    changes = [f"{verb} {', '.join(names)}" for verb, names in (("added", added), ("removed", removed)) if names]
    detail = f"{user.email}: {'; '.join(changes)}; now {', '.join(sorted(after))}"
    # record() commits, so the roles and the event that tells of them are saved together.
    record("roles_changed", detail=detail)
    click.echo(f"Changed {detail}")
