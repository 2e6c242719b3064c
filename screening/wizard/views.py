"""The patient's path: start, one page per step, check answers, send, summary; and resume.

Views stay thin: the catalogue decides what is asked, the Questionnaire decides what is
shown, drafts store, the rules engine judges. Nothing here logs an answer.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request, session,
                   url_for)
from werkzeug.wrappers import Response

from screening.alerts import channels
from screening.language import N_, supported
from screening.language.choose import SESSION_KEY as LANGUAGE_KEY, _, clinic_name, ngettext
from screening.language.choose import choose as choose_language, current as current_language
from screening.clock import age_day, aware, utcnow
from screening.kept import Kept
from screening.records import database, drafts, invitations, limits, outbox, submissions
from screening.questionnaire import QUESTIONNAIRE as Q, display_value
from screening.catalogue.types import Step
from screening.records.models import Draft, Invitation, Submission
from screening.rules.engine import evaluate
from screening.wizard import check_answers, page_frames
from screening.wizard.fields import form_for, posted_choices, shown_choices

bp = Blueprint("wizard", __name__)
STEPS = Q.catalogue.steps


def how_long(days: int) -> str:
    """A retention period as a patient would say it: "7 years", "1 year", "90 days"."""
    if days % 365 == 0:
        return ngettext("%(num)d year", "%(num)d years", days // 365)
    return ngettext("%(num)d day", "%(num)d days", days)


def _days() -> int:
    return int(current_app.config["DRAFT_DAYS"])


def _rules():
    return current_app.extensions["screening.rules"].current


def _draft() -> Draft | None:
    return drafts.by_id(database.session(), session.get("draft"))


def _lean_draft() -> drafts.DraftView | None:
    """The draft for the step pages, read without the ORM; saved by UPDATEs by id (drafts.save, mark_presented)."""
    return drafts.lean_by_id(database.engine_of(current_app), session.get("draft"))


def _locked(draft: Draft | drafts.DraftView) -> dict[str, Any]:
    """The answers the clinic's invitation filled in, which the patient sees but cannot change."""
    invitation = database.session().get(Invitation, draft.invitation_id) if draft.invitation_id else None
    return invitations.locked_answers(invitation) if invitation is not None else {}


def _step_url(step: Step, returning: bool = False) -> str:
    return url_for("wizard.step", slug=step.slug, **({"return": "check"} if returning else {}))


def _local():
    """The questionnaire in the patient's language: what their pages show. Ids, branching and answers are the
    same as Q's, so either decides what is asked."""
    return Q.in_language(current_language())


def _where_to_resume(draft: Draft) -> str:
    first = Q.first_incomplete(draft.answers, draft.presented)
    return _step_url(first) if first else url_for("wizard.check")


def _sent() -> Submission | None:
    """The questionnaire this browser sent, if it sent one."""
    reference = session.get("submission")
    return submissions.by_reference(database.session(), reference) if isinstance(reference, str) else None


def _lost_session() -> Response:
    # After Send every way back leads to the sent page, never to "start again".
    if _sent() is not None:
        return redirect(url_for("wizard.sent"), 303)
    flash(_("We could not find your answers in this browser. If you saved a resume code, enter it below; "
            "otherwise you can start again."), "info")
    return redirect(url_for("wizard.resume"), 303)


def _urgent(answers: dict[str, Any], draft: Draft | drafts.DraftView | None = None) -> list:
    """Urgent topics are shown the moment the answers that raise them are saved, not only at the end.

    A page after a save shows what that save's evaluation found (kept by _remember); the rules run again
    only in a worker that did not make it, or once the rules file, the answers or the day (an age) changed."""
    def judged() -> list:
        return _urgent_of(evaluate(_rules().urgent_part, answers, language=current_language()))

    return judged() if draft is None else _URGENT_SEEN.get(_urgent_key(draft), judged)


def _urgent_of(summary) -> list:
    return [t for t in summary.topics if t.severity == "urgent"]


# Drafts in progress at once in one worker: more than a clinic has.
_URGENT_SEEN: Kept[list] = Kept(2048)


def _urgent_key(draft: Draft | drafts.DraftView) -> tuple:
    # aware(): the save's own time is aware, the same time read back from SQLite naive, and the two never equal.
    # The language too: the urgent box is in the patient's, and the link may change it between two pages.
    return draft.id, aware(draft.updated_at), _rules().sha256, age_day(), current_language()


def _remember(key: tuple, urgent: list) -> None:
    _URGENT_SEEN.put(key, urgent)


PATIENT_KEYS = ("draft", "resume_code", "submission")


def _switch_patient(**values: str) -> None:
    """Replace what the cookie says about the patient's questionnaire; a staff sign-in in the same browser stays."""
    for key in PATIENT_KEYS:
        session.pop(key, None)
    session.permanent = True
    session.update(values)


def _page(template: str, draft: Draft | drafts.DraftView | None, status: int = 200, **context: Any) -> tuple[str, int]:
    if draft is not None:
        context.setdefault("urgent", _urgent(draft.answers, draft))
        context["resume_code"] = session.get("resume_code")
        context["expires_on"] = drafts.expires_on(draft)
    context["steps"] = _local().catalogue.steps
    if template == "step.html" and status == 200:
        page = page_frames.frames().render(context)
        if page is not None:
            return page, status
    return render_template(template, **context), status


def _clinic() -> dict[str, Any]:
    """The clinic's name, also as a sentence starts with it, and whether anyone may start a questionnaire."""
    clinic = clinic_name()
    return {"clinic": clinic, "clinic_sentence": clinic[:1].upper() + clinic[1:],
            "open_intake": current_app.config["OPEN_INTAKE"]}


def _start_page(draft: Draft | None, status: int = 200) -> tuple[str, int]:
    return _page("start.html", None, status, draft_in_progress=draft is not None, draft_days=_days(),
                 retention=how_long(int(current_app.config["RETENTION_DAYS"])), **_clinic())


@bp.get("/")
def start() -> Response | tuple[str, int]:
    draft = _draft()
    if draft is None and _sent() is not None:
        return redirect(url_for("wizard.sent"), 303)
    return _start_page(draft)


@bp.post("/start")
def begin() -> Response | tuple[str, int]:
    existing = _draft()
    if request.form.get("restart") != "yes" and existing is not None:
        return redirect(_where_to_resume(existing), 303)
    if not current_app.config["OPEN_INTAKE"]:
        # Only a clinic's personal link begins a questionnaire (screening.wizard.invite_views); one in progress
        # in this browser carries on above, and is never replaced by a new one here.
        return _start_page(existing, 403)
    if existing is None and _sent() is not None and request.form.get("confirm") != "yes":
        # Only the confirmation page's own button starts again after Send; anything else changes nothing.
        return _page("start_again.html", None, submission=_sent())
    draft, code = drafts.create(database.session(), _days(), language=current_language())
    _switch_patient(draft=draft.id, resume_code=code)
    return redirect(_step_url(STEPS[0]), 303)


@bp.get("/start-again")
def start_again() -> Response | tuple[str, int]:
    submission = _sent()
    if submission is None:
        return redirect(url_for("wizard.start"), 303)
    return _page("start_again.html", None, submission=submission)


@bp.route("/step/<slug>", methods=["GET", "POST"])
def step(slug: str) -> Response | tuple[str, int]:
    current = Q.catalogue.step(slug)
    if current is None:
        abort(404)
    draft = _lean_draft()
    if draft is None:
        return _lost_session()
    locked = _locked(draft)
    saved, presented = {**draft.answers, **locked}, set(draft.presented or [])
    returning = request.args.get("return") == "check"
    first = Q.first_incomplete(saved, presented, before=current)
    if first is not None:
        title = _local().catalogue.steps[STEPS.index(first)].title
        flash(_("Please answer the questions in “%(title)s” first.", title=title), "info")
        return redirect(_step_url(first, returning), 303)

    shown_step = _local().catalogue.steps[STEPS.index(current)]
    if request.method in ("GET", "HEAD"):  # a HEAD is a GET without its body: it never saves (no CSRF is asked)
        asked = _local().asked_in(shown_step, saved)
        form = shown_choices(asked, saved) or form_for(asked, data=saved)
        # Questions an answer on this page has just revealed: the page was seen before, these were not on it.
        seen_before = any(q.id in presented for q in asked)
        new = [q for q in asked if q.id not in presented] if seen_before else []
        return _step_page(draft, current, form, asked, 200, new_questions=new, returning=returning, locked=locked)
    on_page = current.question_ids
    merged = {k: v for k, v in saved.items() if k not in on_page or k in locked}
    # What the page showed: the questions its saved answers asked.
    shown = {q.id for q in Q.asked_in(current, saved)}
    posted = request.form
    # A question answered in this post was on the screen, whether or not its page was fetched first.
    presented |= {q.id for q in current.questions
                  if q.id in posted or f"{q.id}-unknown" in posted or f"{q.id}-year" in posted}
    form = posted_choices(shown_step.questions, posted)
    if form is not None:
        asked, answered, errors = _read_post(form, shown_step, merged, locked, shown, posted)
    if form is None or errors:  # a page sent back with its messages has WTForms' fields, which give them
        form = form_for(list(shown_step.questions), formdata=posted)
        asked, answered, errors = _read_post(form, shown_step, merged, locked, shown, posted)
    if errors:
        return _step_page(draft, current, form, asked, 400, new_questions=[], returning=returning, locked=locked)

    answers = Q.prune(answered)
    # An answer that alerts the clinic starts the unsent-draft clock (screening.records.outbox.sweep_unsent);
    # kept in the same commit as the answers. Only the urgent topics are shown before the end.
    summary = evaluate(_rules().urgent_part, answers, language=current_language())
    urgent_changed = outbox.mark_urgent(draft, summary.alert, utcnow())
    drafts.save(database.engine_of(current_app), draft, answers, _days(), presented, urgent_changed)
    session.slide()  # the cookie's lifetime starts again with the draft's
    _remember(_urgent_key(draft), _urgent_of(summary))
    if Q.missing_in(current, answers) or Q.unseen_in(current, answers, presented):
        # An answer revealed questions, required or not: the patient sees them before leaving the page.
        return redirect(_step_url(current, returning) + "#new-questions", 303)
    if returning:
        # A change can open questions on a later page; ask those before going back to check answers.
        first = Q.first_incomplete(answers, presented)
        return redirect(_step_url(first, True) if first else url_for("wizard.check"), 303)
    following = STEPS.index(current) + 1
    return redirect(_step_url(STEPS[following]) if following < len(STEPS) else url_for("wizard.check"), 303)


def _read_post(form, shown_step: Step, merged: dict[str, Any], locked: dict[str, Any], shown: set[str],
               posted) -> tuple[list, dict[str, Any], bool]:
    """The questions the page asks, the answers with this post's valid ones, and whether any has an error to show.
    `merged`: the saved answers without this page's; `shown`: the questions the page showed before this post."""
    answered = dict(merged)
    asked, errors = [], False
    for question in shown_step.questions:
        if not Q.is_asked(question, answered):
            continue  # a field posted for a hidden question is ignored, never stored
        asked.append(question)
        if question.id in locked:
            continue  # shown, not asked: a value posted for it is ignored
        field = form[question.id]
        if not field.validate(form):
            # One revealed by this post is not an error yet.
            newly_revealed = question.id not in shown and field.errors and not posted.get(question.id)
            if newly_revealed:
                field.errors = []
            else:
                errors = True
            continue
        if field.data not in (None, "", []):
            answered[question.id] = field.data
    return asked, answered, errors


def _step_page(draft: Draft | drafts.DraftView, current: Step, form, asked: list, status: int, **context: Any) -> tuple[str, int]:
    """The step's page; every question on it counts as presented from now on."""
    shown = [q.id for q in asked]
    if not set(shown) <= set(draft.presented or ()):  # a page seen before opens no database session
        drafts.mark_presented(database.session(), draft, shown)
    locked = context.pop("locked", {})
    local = _local()
    return _page("step.html", draft, status, step=local.catalogue.steps[STEPS.index(current)], form=form,
                 questions=asked, number=STEPS.index(current) + 1,
                 locked={q.id: display_value(q, locked[q.id], local.words) for q in asked if q.id in locked},
                 **context)


@bp.get("/check")
def check() -> Response | tuple[str, int]:
    draft = _draft()
    if draft is None:
        return _lost_session()
    answers = Q.prune(draft.answers)
    if Q.first_incomplete(answers, draft.presented):
        return redirect(_where_to_resume(draft), 303)
    return _page("check.html", draft, sections=check_answers.sections(_local(), answers), locked=set(_locked(draft)))


@bp.post("/send")
def send() -> Response:
    draft = _draft()
    if draft is None:
        return _lost_session()
    if Q.first_incomplete(Q.prune(draft.answers), draft.presented):
        flash(_("Some questions still need an answer before you can send."), "info")
        return redirect(_where_to_resume(draft), 303)
    submission = submissions.submit(database.session(), draft, _rules(),
                                    alert_channels=channels.configured(current_app.config), language=current_language())
    if submission is None:
        return _lost_session()
    _switch_patient(submission=submission.reference)
    return redirect(url_for("wizard.summary"), 303)


@bp.get("/summary")
def summary() -> Response | tuple[str, int]:
    submission = _sent()
    if submission is None:
        return _lost_session()
    result = submissions.summary_of(submission, current_language())
    return _page("summary.html", None, submission=submission, summary=result)


@bp.get("/sent")
def sent() -> Response | tuple[str, int]:
    submission = _sent()
    if submission is None:
        return redirect(url_for("wizard.start"), 303)
    return _page("sent.html", None, submission=submission, **_clinic())


@bp.get("/saved")
def saved() -> Response | tuple[str, int]:
    draft = _draft()
    if draft is None:
        return _lost_session()
    return _page("saved.html", draft, continue_url=_where_to_resume(draft))


@bp.route("/resume", methods=["GET", "POST"])
def resume() -> Response | tuple[str, int]:
    if request.method == "GET":
        return _page("resume.html", None, code="")
    typed = request.form.get("code", "")[:40]
    tried = limits.take(database.session(), limits.RESUME_CODE, request.remote_addr or "?",
                        current_app.config["RESUME_ATTEMPTS_PER_HOUR"], timedelta(hours=1))
    if not tried.allowed:
        return _page("resume.html", None, 429, code=typed,
                     error=_("Too many codes have been tried from here. Please wait an hour and try again."))
    db = database.session()
    draft, why = drafts.by_code(db, typed)
    if draft is None and why == "unknown":
        sent_as = submissions.by_resume_hash(db, drafts.code_hash(typed))
        if sent_as is not None and not submissions.resume_lapsed(sent_as):
            # The code of a sent questionnaire opens its summary, read-only, never its answers for editing; a
            # questionnaire in progress in this browser stays where it is.
            if _draft() is None:
                _switch_patient(submission=sent_as.reference)
            else:
                session["submission"] = sent_as.reference
            return redirect(url_for("wizard.sent"), 303)
        if sent_as is not None:
            why = "sent_lapsed"
    if draft is None:
        message, status = _RESUME_ERRORS[why]
        return _page("resume.html", None, status, code=typed, error=_(message))
    _switch_patient(draft=draft.id, resume_code=drafts.normalise_code(typed))
    if LANGUAGE_KEY not in session and supported(draft.language):
        # A code typed on another device carries on in the language chosen before, unless one was chosen here.
        choose_language(draft.language)
    flash(_("Welcome back. Your answers have been loaded."), "success")
    return redirect(_where_to_resume(draft), 303)


_RESUME_ERRORS = {
    "invalid": (N_("Enter your resume code: 12 letters and numbers, like 7KQ2-M9XD-4PRT"), 400),
    "unknown": (N_("We could not find answers for that code. Check it and try again. Answers sent a long time ago "
                   "may have been deleted: your clinic can tell you."), 404),
    "sent_lapsed": (N_("The answers saved with that code were sent to your clinic. The code no longer opens them "
                       "here, but your clinic has them."), 410),
    "expired": (N_("Answers saved with that code have been deleted because they were not finished in time. "
                   "Please start again."), 410),
}
