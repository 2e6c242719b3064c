"""The patient's side of a clinic invitation: open the personal link, confirm the date of birth, carry on.

    GET  /invite?t=TOKEN   a link that works puts its token's sha256 in the cookie and sends the browser to
                           /invite, so the token leaves the address bar (and the history); one that does not
                           gets a page saying why and what to do (404 unknown, 410 otherwise). The token is in
                           the query string, which no log line of the app or of gunicorn.conf.py keeps
                           (screening/request_log.py).
    GET  /invite           asks for the date of birth, and nothing else: a forwarded link shows nobody anything
    POST /invite           the date of birth matches: the questionnaire, with the clinic's identity answers
                           filled in and locked; it does not: 400, audited; too many tries: 429, audited

Tries are limited per link (5 a day) and per address, counted in the database (screening.records.limits); a
right date gives its tries back, so a patient opening the link again and again is never locked out.
No resume code is needed: opening the link again carries on. A new questionnaire still gets one (a second
way back once the link has expired); one carried on from an earlier visit has none to show, since only its
sha256 is kept and a new one would stop the code the patient may have written down.
Audit events have no actor and name the invitation by its id only; nothing here logs.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from screening.language import N_
from screening.language.choose import _, current
from screening.questionnaire import QUESTIONNAIRE
from screening.records import database, drafts, invitations, limits
from screening.records.models import Invitation
from screening.staff.audit import append
from screening.wizard.fields import form_for
# The wizard's own session handling, so a questionnaire opened here is the wizard's in every way.
from screening.wizard.views import _clinic, _days, _draft, _switch_patient, _where_to_resume

bp = Blueprint("invite", __name__)

# The cookie's key for the link being confirmed: the token's sha256, never the token.
SESSION_KEY = "invitation"
DOB_TRIES, DOB_WINDOW = 5, timedelta(days=1)
DOB_KIND, ADDRESS_KIND = "invitation_dob", "invitation_dob_ip"
DOB_HINT = N_("The date the clinic has for you. For example, 4 27 1990.")
NOT_MATCHING = N_("The date of birth does not match the one the clinic gave us")

# Why a link cannot be used: status, title and what to do. None of them says anything about the patient.
GONE = {
    "unknown": (404, N_("We could not find this link"),
                N_("Check that you opened the whole link from the message %(clinic)s sent you. If it still does not "
                   "work, contact %(clinic)s and ask for a new link.")),
    "expired": (410, N_("This link has expired"),
                N_("Links work for a limited time. Contact %(clinic)s and ask for a new link.")),
    "revoked": (410, N_("This link no longer works"),
                N_("%(Clinic)s has stopped this link. If you still need to fill in the questionnaire, contact "
                   "%(clinic)s.")),
    "replaced": (410, N_("This link has been replaced"),
                 N_("%(Clinic)s has sent you a newer link. Use the link in their most recent message, or contact "
                    "%(clinic)s. Answers you saved are kept.")),
    "completed": (410, N_("Your answers were already sent"),
                  N_("The answers for this link were sent to %(clinic)s. You do not need to fill in the questionnaire "
                     "again. If something has changed, contact %(clinic)s.")),
    "missing": (400, N_("Open the link from your message"),
                N_("To fill in the questionnaire, open the personal link in the message %(clinic)s sent you.")),
}


def _dob():
    """The date of birth question in the patient's language, with this page's own hint."""
    return replace(QUESTIONNAIRE.in_language(current()).catalogue["date_of_birth"], hint=_(DOB_HINT))


def _gone(why: str) -> tuple[str, int]:
    status, title, message = GONE[why]
    names = _clinic()
    words = {"clinic": names["clinic"], "Clinic": names["clinic_sentence"]}
    return render_template("invite_gone.html", title=_(title), message=_(message, **words), why=why), status


def _open_link(token: str) -> Response | tuple[str, int]:
    invitation, state = invitations.by_token(database.session(), token)
    if invitation is None or state != "open":
        return _gone(state)
    session[SESSION_KEY] = invitation.token_hash
    return redirect(url_for("invite.confirm"), 303)


def _confirm_page(form, status: int = 200, error: str | None = None) -> tuple[str, int]:
    dob = _dob()
    return render_template("invite_confirm.html", form=form, questions=[dob], question=dob, error=error), status


def _audit(action: str, invitation: Invitation) -> None:
    db = database.session()
    append(db, action, actor_email=None, source_ip=request.remote_addr, detail=str(invitation.id))
    db.commit()


@bp.route("/invite", methods=["GET", "POST"])
def confirm() -> Response | tuple[str, int]:
    if request.method == "GET" and "t" in request.args:
        return _open_link(request.args["t"])
    db = database.session()
    invitation, state = invitations.by_hash(db, session.get(SESSION_KEY))
    if invitation is None:
        in_progress = _draft()
        if in_progress is not None and request.method == "GET":
            return redirect(_where_to_resume(in_progress), 303)  # Back after confirming: carry on
        return _gone("missing")
    if state != "open":
        session.pop(SESSION_KEY, None)
        return _gone(state)
    if request.method == "GET":
        return _confirm_page(form_for([_dob()]))

    dob = _dob()
    form = form_for([dob], formdata=request.form)
    if not form.validate():
        return _confirm_page(form, 400)  # not a real date of birth: not a guess at this one, so not a try
    config = current_app.config
    by_address = limits.take(db, ADDRESS_KIND, request.remote_addr or "?", config["RESUME_ATTEMPTS_PER_HOUR"],
                             timedelta(hours=1))
    by_link = limits.take(db, DOB_KIND, invitation.token_hash, DOB_TRIES, DOB_WINDOW) if by_address.allowed else None
    if by_link is None or not by_link.allowed:
        _audit("invitation_dob_locked", invitation)
        message = (_("Too many dates of birth have been tried. Please wait an hour and try again, or contact "
                     "%(clinic)s.", clinic=_clinic()["clinic"]) if by_link is None else
                   _("Too many dates of birth have been tried. Please wait a day and try again, or contact "
                     "%(clinic)s.", clinic=_clinic()["clinic"]))
        return _confirm_page(form, 429, message)
    if form[dob.id].data != invitation.date_of_birth.isoformat():
        _audit("invitation_dob_wrong", invitation)
        form[dob.id].errors = [_(NOT_MATCHING)]
        return _confirm_page(form, 400)
    limits.give_back(db, by_link)
    limits.give_back(db, by_address)
    draft, code = invitations.begin(db, invitation, _days())
    if draft.language != current():
        drafts.set_language(db, draft, current())
    _switch_patient(draft=draft.id, **({"resume_code": code} if code else {}))
    session.pop(SESSION_KEY, None)
    return redirect(_where_to_resume(draft), 303)
