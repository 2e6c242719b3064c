"""Staff pages: sign-in and sign-out, the landing page, and the audit trail."""
from __future__ import annotations

from datetime import timedelta
from typing import NamedTuple

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from screening.records import database, limits
from screening.staff import accounts, auth, trail
from screening.staff.accounts import ADMIN, CLINICIAN, ROLES, RULES, Outcome
from screening.staff.audit import ACTIONS, append, record
from screening.staff.auth import role_required

bp = Blueprint("staff", __name__, url_prefix="/staff")

NOT_RIGHT = "Email or password is not right"


class Section(NamedTuple):
    role: str
    label: str
    path: str
    description: str
    # Other roles that open the section too.
    also: tuple[str, ...] = ()

    def open_to(self, roles: frozenset[str]) -> bool:
        return self.role in roles or any(r in roles for r in self.also)


# Paths, not endpoints: a section's page may be built after this list, and the nav must not break meanwhile.
SECTIONS = (
    Section(CLINICIAN, "Submissions", "/staff/submissions", "Patients' screening answers and their summaries."),
    Section(CLINICIAN, "Invitations", "/staff/invitations",
            "Personal links that send a patient straight to their own questionnaire.", also=(ADMIN,)),
    Section(RULES, "Rules", "/staff/rules", "The rules that make the summary, and a sandbox to try them."),
    Section(ADMIN, "Audit trail", "/staff/audit", "Who signed in, and who viewed, printed or exported what."),
    Section(ADMIN, "Alerts", "/staff/alerts",
            "Alerts sent to the clinic about urgent answers: each channel, delivery and attempt, and sending again."),
)


@bp.app_context_processor
def _staff_sections() -> dict[str, list[Section]]:
    staff = g.get("staff")
    return {"staff_sections": [s for s in SECTIONS if staff and s.open_to(staff.roles)]}


def _sign_in_page(status: int, target: str | None, email: str = "", error: str = "") -> tuple[str, int]:
    config = current_app.config
    return render_template("staff/sign_in.html", next=target, email=email, error=error,
                           max_failed=config["STAFF_MAX_FAILED"], lock_minutes=config["STAFF_LOCK_MINUTES"]), status


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Response | tuple[str, int]:
    target = auth.safe_next(request.values.get("next"))
    if request.method == "GET":
        if auth.current_staff() is not None:
            return redirect(target or url_for("staff.index"), 303)
        return _sign_in_page(200, target)

    email, password = request.form.get("email", "")[:254], request.form.get("password", "")
    config, db, source = current_app.config, database.session(), request.remote_addr
    lock_for = timedelta(minutes=config["STAFF_LOCK_MINUTES"])
    tried = limits.take(db, limits.SIGN_IN_ADDRESS, source or "?", config["STAFF_IP_MAX_FAILED"], lock_for)
    if not tried.allowed:
        append(db, "sign_in_failed", actor_email=None, source_ip=source, detail="too many failures from this address")
        db.commit()
        return _sign_in_page(429, target, email, f"Too many failed sign-ins from here. Please wait "
                                                 f"{config['STAFF_LOCK_MINUTES']} minutes and try again.")

    attempt = accounts.authenticate(db, email, password, max_failed=config["STAFF_MAX_FAILED"], lock_for=lock_for)
    if attempt.signed_in:
        limits.give_back(db, tried)  # the address limit counts failures only
        auth.sign_in(attempt.user)
        record("sign_in")
        return redirect(target or url_for("staff.index"), 303)
    # The typed email is kept only when it names an account: people type passwords into email boxes.
    actor = attempt.user.email if attempt.user else None
    append(db, "sign_in_failed", actor_email=actor, source_ip=source, detail=attempt.outcome.value)
    if attempt.outcome is Outcome.NOW_LOCKED:
        append(db, "account_locked", actor_email=actor, source_ip=source,
               detail=f"{config['STAFF_MAX_FAILED']} failed sign-ins; "
                      f"locked for {config['STAFF_LOCK_MINUTES']} minutes")
    db.commit()
    return _sign_in_page(400, target, email, NOT_RIGHT)


@bp.post("/sign-out")
def sign_out() -> Response:
    # Not behind role_required: signing out must work for anyone, even with an expired session.
    signed_in = auth.current_staff() is not None
    if signed_in:
        record("sign_out")
    auth.sign_out()
    if signed_in:
        flash("You have signed out.", "success")
    return redirect(url_for("staff.sign_in"), 303)


@bp.get("/")
@role_required(*ROLES)
def index() -> str:
    return render_template("staff/index.html")


@bp.get("/audit")
@role_required(ADMIN)
def audit_trail() -> tuple[str, int]:
    try:
        trail_filter, page = trail.parse(request.args)
    except trail.BadFilter as bad:
        record("view_audit", detail="filter refused")
        return render_template("staff/audit.html", problems=bad.problems, form=request.args, actions=_actions(),
                               result=None, trail_filter=None), 400
    result = trail.search(database.session(), trail_filter, page)
    record("view_audit", detail=f"{trail_filter.describe()} page={page}")
    return render_template("staff/audit.html", problems=[], form=request.args, actions=_actions(),
                           result=result, trail_filter=trail_filter), 200


def _actions() -> list[str]:
    return sorted(ACTIONS)
