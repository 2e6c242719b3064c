"""The `rules` role's pages: the rules in force, written out in words, and a sandbox to try them.

Neither page stores answers: the sandbox makes no Draft and no Submission, and its audit record
names the rules version only.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import current_app, render_template, request
from wtforms import Form

from screening.questionnaire import QUESTIONNAIRE as Q
from screening.catalogue.types import CHOICE, Choice, Question
from screening.rules.checker import check_text
from screening.rules.model import SEVERITIES, RuleSet
from screening.rules.preview import preview
from screening.rules.registry import RulesInvalid, RulesRegistry
from screening.conditions.words import words
from screening.staff.accounts import RULES
from screening.staff.audit import record
from screening.staff.auth import role_required
from screening.staff.views import bp
from screening.wizard.fields import form_for

PASTED = "pasted rules"
# A radio button cannot be unticked without JavaScript; in the sandbox every question may be left unanswered.
NO_ANSWER = Choice("", "No answer")
# A whole rules file is bigger than the app-wide request limit (64 KB); this page alone takes one.
SANDBOX_MAX_BYTES = 256 * 1024


def _registry() -> RulesRegistry:
    return current_app.extensions["screening.rules"]


def _in_force() -> RuleSet | None:
    try:
        return _registry().current  # notices an edit first, so `rejected` is up to date
    except RulesInvalid:
        return None


@bp.url_value_preprocessor
def _room_for_pasted_rules(endpoint: str | None, _values: Any) -> None:
    # Runs before every before_request function, so before CSRFProtect reads the form.
    if endpoint == "staff.try_rules":
        request.max_content_length = SANDBOX_MAX_BYTES


@bp.get("/rules")
@role_required(RULES)
def rules() -> str:
    ruleset = _in_force()
    registry = _registry()
    groups = [
        (severity, [(rule, words(rule.when, Q.catalogue)) for rule in ruleset.rules if rule.severity == severity])
        for severity in SEVERITIES
    ] if ruleset else []
    record("view_rules", detail=f"rules version {ruleset.version}" if ruleset else "no rules in force")
    return render_template("staff/rules.html", ruleset=ruleset, rejected=registry.rejected,
                           loaded_at=registry.loaded_at, path=registry.path, groups=groups)


# -- the sandbox --------------------------------------------------------------------------------

def _shown(question: Question) -> Question:
    """The question as the sandbox shows it: a single choice gets a last option, "No answer"."""
    return replace(question, choices=question.choices + (NO_ANSWER,)) if question.type == CHOICE else question


def _given(field: Any) -> bool:
    return field.data not in (None, "", []) or bool(getattr(field, "raw", "")) or getattr(field, "unknown_ticked", False)


def _read(form: Form, questions: list[Question]) -> tuple[dict[str, Any], bool]:
    """The answers given, each validated as the wizard would; an empty field is simply not answered."""
    answers: dict[str, Any] = {}
    valid = True
    for question in questions:
        field = form[question.id]
        if not _given(field):
            continue
        if not field.validate(form):
            valid = False
        elif field.data not in (None, "", []):
            answers[question.id] = field.data
    return answers, valid


@bp.route("/rules/try", methods=["GET", "POST"])
@role_required(RULES)
def try_rules() -> tuple[str, int]:
    # Who the patient is means nothing to a rule; the date of birth stays, since age is worked out from it.
    ages_from = {score.age_from for score in Q.catalogue.scores if score.age_from}
    questions = [q for q in Q.catalogue.asked if not q.identity or q.id in ages_from]
    in_force = _in_force()
    context: dict[str, Any] = {
        "steps": Q.catalogue.steps, "questions": questions, "in_force": in_force,
        "shown": {q.id: _shown(q) for q in questions},
        "when_words": {qid: words(condition, Q.catalogue) for qid, condition in Q.show_when.items()},
        "rules_text": "", "problems": [], "result": None, "ruleset": None,
    }
    if request.method == "GET":
        return render_template("staff/rules_try.html", form=form_for(questions), **context), 200

    form = form_for(questions, formdata=request.form)
    answers, valid = _read(form, questions)
    # Browsers send a textarea with CRLF line ends; the file on disk has LF, and its hash should match.
    rules_text = request.form.get("rules_text", "").replace("\r\n", "\n")
    context.update(form=form, rules_text=rules_text)
    if rules_text.strip():
        ruleset, problems = check_text(rules_text, PASTED)
        context["problems"] = problems
        detail = f"pasted rules, version {ruleset.version}" if ruleset else "pasted rules that do not pass the check"
    else:
        ruleset = in_force
        detail = f"rules in force, version {ruleset.version}" if ruleset else "no rules in force"
    record("sandbox", detail=detail)  # the rules version only: never an answer
    if not valid or ruleset is None:
        return render_template("staff/rules_try.html", **context), 400
    rule_words = {rule.id: words(rule.when, Q.catalogue) for rule in ruleset.rules}
    context.update(ruleset=ruleset, result=preview(ruleset, answers), rule_words=rule_words,
                   pasted=bool(rules_text.strip()))
    return render_template("staff/rules_try.html", **context), 200
