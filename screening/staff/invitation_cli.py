"""`flask --app screening invitations ...`: make a patient's personal link, list invitations, revoke one.

The same checks as the staff page (screening.catalogue.formats), so a name or date the page refuses is
refused here too, with exit 2 and the reason. The link is printed once and never kept. Every command is
recorded in the audit trail with no actor and 'cli' as its source; the detail names the invitation by its
id, never by the patient's name or date of birth. `list` prints names and dates of birth, since this is the
clinic's own command line, but nothing here logs them.
"""
from __future__ import annotations

from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup

from screening.catalogue.formats import birth_date_problem, parse_iso, text_problem
from screening.clock import utcnow
from screening.records import database, invitations
from screening.records.db_cli import needs_current_database
from screening.staff.audit import record

invitations_cli = AppGroup("invitations", help="Personal links a clinic sends its patients.")


def _name(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    # Line breaks and runs of spaces become one space, as the staff page's box does.
    value = " ".join(value.split())
    problem = text_problem("name", value)
    if problem:
        raise click.BadParameter(problem)
    return value


def _record_number(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    problem = text_problem("record_number", value.strip())
    if problem:
        raise click.BadParameter(problem)
    return value.strip()


def _iso(value: str) -> date:
    day = parse_iso(value.strip())
    if day is None:
        raise click.BadParameter(f"must be a real date written YYYY-MM-DD, like 1990-04-02, not {value!r}")
    return day


def _birth_date(_ctx: click.Context, _param: click.Parameter, value: str) -> date:
    born = _iso(value)
    problem = birth_date_problem(born, utcnow().date())
    if problem:
        raise click.BadParameter(problem)
    return born


def _appointment(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    day = _iso(value)
    if day < utcnow().date():
        raise click.BadParameter("must be today or in the future")
    return day


@invitations_cli.command("create")
@needs_current_database
@click.option("--first-name", required=True, callback=_name, help="The patient's first name.")
@click.option("--last-name", required=True, callback=_name, help="The patient's last name.")
@click.option("--dob", required=True, callback=_birth_date, metavar="YYYY-MM-DD", help="Date of birth.")
@click.option("--mrn", callback=_record_number, help="The clinic's record number (optional).")
@click.option("--appointment", callback=_appointment, metavar="YYYY-MM-DD", help="Appointment date (optional).")
@click.option("--days", type=click.IntRange(1, invitations.MAX_DAYS), metavar="DAYS",
              help="Days the link works; by default SCREENING_INVITATION_DAYS (14).")
def create(first_name: str, last_name: str, dob: date, mrn: str | None, appointment: date | None,
           days: int | None) -> None:
    """Make a personal link for one patient and print it, once. To send a patient a new link in place of
    one they have, use `invitations renew ID`."""
    base_url = _base_url()
    days = days or current_app.config["INVITATION_DAYS"]
    invitation, token = invitations.create(database.session(), first_name=first_name, last_name=last_name,
                                           date_of_birth=dob, record_number=mrn, appointment_on=appointment,
                                           days=days)
    record("invitation_created", detail=f"{invitation.id}; valid {days} days")  # commits it with its record
    _print_link(invitation, token, base_url)


def _base_url() -> str:
    base_url = current_app.config["BASE_URL"]
    if not base_url:
        click.echo("Error: SCREENING_BASE_URL is not set, so the link cannot be written. Set it to the address "
                   "patients open the site at, like https://screening.example-clinic.com, and run this again.",
                   err=True)
        raise SystemExit(2)
    return base_url


def _print_link(invitation, token: str, base_url: str) -> None:
    click.echo(f"Invitation {invitation.id} for {invitation.first_name} {invitation.last_name}, born "
               f"{invitation.date_of_birth.isoformat()}; the link works until "
               f"{invitation.expires_at:%Y-%m-%d %H:%M} UTC.")
    click.echo("Send this link to the patient. It is shown only this once: the link itself is not kept.")
    click.echo(invitations.link(base_url, token))


@invitations_cli.command("renew")
@needs_current_database
@click.argument("invitation_id", metavar="ID", type=int)
@click.option("--days", type=click.IntRange(1, invitations.MAX_DAYS), metavar="DAYS",
              help="Days the new link works; by default SCREENING_INVITATION_DAYS (14).")
def renew(invitation_id: int, days: int | None) -> None:
    """Send a patient a new link in place of invitation ID: the old link stops working, and a questionnaire
    begun from it carries on from the new one."""
    base_url = _base_url()
    old = invitations.by_id(database.session(), invitation_id)
    if old is None:
        raise click.ClickException(f"there is no invitation {invitation_id}; `invitations list` shows them")
    if old.completed_at is not None or old.revoked_at is not None:
        raise click.ClickException(f"invitation {invitation_id} is {invitations.state_of(old)}: make a new one "
                                   "with `invitations create` instead")
    days = days or current_app.config["INVITATION_DAYS"]
    invitation, token = invitations.renew(database.session(), old, days)
    record("invitation_created", detail=f"{invitation.id}; valid {days} days; new link for {old.id}")
    _print_link(invitation, token, base_url)


@invitations_cli.command("list")
@needs_current_database
@click.option("--state", type=click.Choice(invitations.STATES), help="Only invitations in this state.")
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True,
              help="How many to show, newest first.")
def list_invitations(state: str | None, limit: int) -> None:
    """List invitations, newest first: id, state, made, expires, name and date of birth (times UTC)."""
    rows, total = invitations.newest(database.session(), state, limit)
    record("invitations_viewed", detail=f"state={state or 'any'} shown={len(rows)}")
    if not rows:
        click.echo("No invitations" + (f" are {state}." if state else " yet. Make one with: flask --app screening "
                                       "invitations create --first-name NAME --last-name NAME --dob YYYY-MM-DD"))
        return
    click.echo(f"{'ID':>6}  {'STATE':<9}  {'MADE':<16}  {'EXPIRES':<16}  {'DOB':<10}  NAME")
    for invitation, row_state in rows:
        click.echo(f"{invitation.id:>6}  {row_state:<9}  {invitation.created_at:%Y-%m-%d %H:%M}  "
                   f"{invitation.expires_at:%Y-%m-%d %H:%M}  {invitation.date_of_birth.isoformat()}  "
                   f"{invitation.first_name} {invitation.last_name}")
    if total > len(rows):
        click.echo(f"Showing the newest {len(rows)} of {total}; use --limit or --state for others.")


@invitations_cli.command("revoke")
@needs_current_database
@click.argument("invitation_id", metavar="ID", type=int)
def revoke(invitation_id: int) -> None:
    """Stop an invitation's link working, and delete any questionnaire begun from it."""
    invitation = invitations.by_id(database.session(), invitation_id)
    if invitation is None:
        raise click.ClickException(f"there is no invitation {invitation_id}; `invitations list` shows them")
    if not invitations.revoke(database.session(), invitation):
        raise click.ClickException(f"invitation {invitation_id} is already {invitations.state_of(invitation)}; "
                                   "nothing changed")
    record("invitation_revoked", detail=str(invitation.id))  # commits the revocation with its record
    click.echo(f"Revoked invitation {invitation.id}: its link no longer works.")
