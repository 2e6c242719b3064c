"""The clinic's invitations page: make a patient's personal link, see each link's state, revoke one or send
a new one.

The link is shown once, on the page that made it: only its token's sha256 is kept, so it cannot be shown
again (a lost link is replaced with "New link"). The list shows names and dates of birth, so every page of it
is recorded in the audit trail (`invitations_viewed`); the audit detail names an invitation by its id only.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from flask import current_app, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response
from wtforms import Form
from wtforms.validators import StopValidation

from screening.catalogue import CATALOGUE
from screening.catalogue.formats import parts_problem
from screening.catalogue.types import DATE, NUMBER, Question
from screening.clock import utcnow
from screening.records import database, invitations
from screening.records.models import Invitation
from screening.staff.accounts import ADMIN, CLINICIAN
from screening.staff.audit import record
from screening.staff.auth import role_required
from screening.staff.views import bp
from screening.wizard.fields import (Answered, BirthDate, DateField, Formatted, InRange, NumberOrUnknownField,
                                     OneLineField)

LIST_SIZE = 50
STATE_LABELS = {"sent": "Sent", "opened": "Opened", "completed": "Completed", "expired": "Expired",
                "revoked": "Revoked", "replaced": "Replaced"}
# The catalogue's identity questions, worded for the staff member typing them: the same boxes and checks, and
# no autofill, which would offer the staff member's own name.
FIRST = replace(CATALOGUE["first_name"], label="First name", hint=None, autocomplete="off")
LAST = replace(CATALOGUE["last_name"], label="Last name", hint=None, autocomplete="off")
BORN = replace(CATALOGUE["date_of_birth"], label="Date of birth", hint="For example, 4 27 1990.")
RECORD = replace(CATALOGUE["record_number"], label="Clinic record number (optional)",
                 hint="Shown to the patient, who cannot change it.", autocomplete="off")
APPOINTMENT = Question("appointment_on", "Appointment date (optional)", DATE, short="Appointment date",
                       hint="For example, 12 3 2026. For the clinic's list only; the patient does not see it.")
DAYS = Question("days", "Days the link works", NUMBER, short="Days the link works", min=1,
                max=invitations.MAX_DAYS, unit="days", hint="After that, make a new link.")
QUESTIONS = (FIRST, LAST, BORN, RECORD, APPOINTMENT, DAYS)


class AppointmentDate:
    """Optional; when given, a real date, today or later, with the messages of the GOV.UK date input."""

    def __call__(self, form: Form, field: DateField) -> None:
        if not field.raw:
            field.data = None
            raise StopValidation()
        day, problem = parts_problem(field.parts["month"], field.parts["day"], field.parts["year"])
        if day is not None and day < utcnow().date():
            problem = "must be today or in the future"
        if problem:
            raise StopValidation(problem if problem[0].isupper() else f"{APPOINTMENT.short} {problem}")
        field.data = day.isoformat()


class InvitationForm(Form):
    first_name = OneLineField(FIRST.label, validators=[Answered("Enter the patient's first name"), Formatted(FIRST)])
    last_name = OneLineField(LAST.label, validators=[Answered("Enter the patient's last name"), Formatted(LAST)])
    date_of_birth = DateField(BORN.label, validators=[Answered("Enter the patient's date of birth"), BirthDate(BORN)])
    record_number = OneLineField(RECORD.label, validators=[Formatted(RECORD)])
    appointment_on = DateField(APPOINTMENT.label, validators=[AppointmentDate()])
    days = NumberOrUnknownField(DAYS.label, validators=[
        Answered(f"Enter “{DAYS.label}” as a whole number, like 14"), InRange(DAYS)])


def _new_form() -> Form:
    return InvitationForm(data={"days": current_app.config["INVITATION_DAYS"]})


def _base_url() -> str:
    return current_app.config["BASE_URL"] or request.host_url


def _state_filter() -> tuple[str | None, bool]:
    state = request.values.get("state") or None
    return (state, True) if state is None or state in invitations.STATES else (None, False)


def _page(status: int, form: Form, created: dict | None = None) -> tuple[str, int]:
    """The page, with the list: recorded as a view, since the list shows names and dates of birth."""
    state, known = _state_filter()
    rows, total = invitations.newest(database.session(), state, LIST_SIZE)
    record("invitations_viewed", detail=f"state={state or 'any'} shown={len(rows)}")
    return render_template("staff/invitations.html", form=form, questions=QUESTIONS, created=created,
                           rows=rows, total=total, state=state, bad_state=not known, states=invitations.STATES,
                           state_labels=STATE_LABELS, list_size=LIST_SIZE), status if known else 400


def _made(invitation: Invitation, token: str, renewed: int | None = None) -> tuple[str, int]:
    record("invitation_created", detail=f"{invitation.id}; valid {_days_of(invitation)} days"
                                        + (f"; new link for {renewed}" if renewed else ""))
    created = {"invitation": invitation, "link": invitations.link(_base_url(), token)}
    return _page(200, _new_form(), created)


def _days_of(invitation: Invitation) -> int:
    return round((invitation.expires_at - invitation.created_at).total_seconds() / 86400)


@bp.get("/invitations")
@role_required(CLINICIAN, ADMIN)
def invitations_page() -> tuple[str, int]:
    return _page(200, _new_form())


@bp.post("/invitations")
@role_required(CLINICIAN, ADMIN)
def create_invitation() -> tuple[str, int]:
    form = InvitationForm(formdata=request.form)
    if not form.validate():
        return _page(400, form)
    invitation, token = invitations.create(
        database.session(), first_name=form.first_name.data, last_name=form.last_name.data,
        date_of_birth=_date(form.date_of_birth.data), record_number=form.record_number.data or None,
        appointment_on=_date(form.appointment_on.data), days=form.days.data, created_by=g.staff.email)
    return _made(invitation, token)


def _date(iso: str | None) -> date | None:
    return date.fromisoformat(iso) if iso else None


def _existing(invitation_id: int) -> Invitation | None:
    invitation = invitations.by_id(database.session(), invitation_id)
    if invitation is None:
        flash(f"There is no invitation {invitation_id}. It may have been deleted after the retention period.",
              "info")
    return invitation


@bp.post("/invitations/<int:invitation_id>/revoke")
@role_required(CLINICIAN, ADMIN)
def revoke_invitation(invitation_id: int) -> Response:
    invitation = _existing(invitation_id)
    if invitation is not None:
        if invitations.revoke(database.session(), invitation):
            record("invitation_revoked", detail=str(invitation.id))  # commits the revocation with its record
            flash(f"Invitation {invitation.id} is revoked: its link no longer works.", "success")
        else:
            flash(f"Invitation {invitation.id} is already {invitations.state_of(invitation)}; nothing changed.",
                  "info")
    return redirect(url_for("staff.invitations_page"), 303)


@bp.post("/invitations/<int:invitation_id>/renew")
@role_required(CLINICIAN, ADMIN)
def renew_invitation(invitation_id: int) -> Response | tuple[str, int]:
    """A new link for the same patient; the old one stops working, and a questionnaire begun carries on."""
    old = _existing(invitation_id)
    if old is None:
        return redirect(url_for("staff.invitations_page"), 303)
    if old.completed_at is not None:
        flash(f"Invitation {old.id} is completed: the patient has sent their answers.", "info")
        return redirect(url_for("staff.invitations_page"), 303)
    if old.revoked_at is not None:
        flash(f"Invitation {old.id} is {invitations.state_of(old)}: make a new invitation instead.", "info")
        return redirect(url_for("staff.invitations_page"), 303)
    invitation, token = invitations.renew(database.session(), old, current_app.config["INVITATION_DAYS"],
                                          created_by=g.staff.email)
    return _made(invitation, token, renewed=old.id)
