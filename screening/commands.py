"""Command-line tools: `questions export`, `rules check`, `rules evaluate`, `rules replay`, `purge`;
`staff` is in the staff area, `alerts` in screening/alerts."""
from __future__ import annotations

import json
import sys
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from screening.alerts.cli import alerts_cli
from screening.records import database, purge
from screening.exports import fhir
from screening.questionnaire import QUESTIONNAIRE, answer_problem
from screening.catalogue.types import Question
from screening.rules.checker import check_file
from screening.rules.engine import evaluate
from screening.records import replay as rules_replay
from screening.staff.audit import record
from screening.records.db_cli import db_cli, needs_current_database
from screening.staff.cli import staff_cli
from screening.staff.invitation_cli import invitations_cli

questions_cli = AppGroup("questions", help="The question catalogue.")
rules_cli = AppGroup("rules", help="Check and try out a rules file.")


def question_json(question: Question) -> dict[str, Any]:
    return {
        "id": question.id,
        "step": question.step or None,
        "type": question.type,
        "label": question.label,
        "hint": question.hint,
        "required": question.required,
        "choices": [{"value": c.value, "label": c.label, **({"exclusive": True} if c.exclusive else {})}
                    for c in question.all_choices],
        "min": question.min,
        "max": question.max,
        "unit": question.unit,
        "show_when": question.show_when,
        **({"derived_from": list(question.worked_out_from)} if question.worked_out_from else {}),
        # A height or weight is typed in US units or metric and kept in `unit`; it and the BMI keep one decimal.
        **({"measure": question.measure} if question.measure else {}),
        **({"decimals": 1} if question.decimal else {}),
        **({"identity": True} if question.identity else {}),
    }


def catalogue_json() -> dict[str, Any]:
    catalogue = QUESTIONNAIRE.catalogue
    return {
        "steps": [{"id": s.id, "title": s.title, "questions": [q.id for q in s.questions]} for s in catalogue.steps],
        "questions": [question_json(q) for q in catalogue],
    }


@questions_cli.command("export")
@click.option("--format", "output_format", type=click.Choice(["json", "fhir"]), default="json", show_default=True,
              help="json: the catalogue as this app describes it; fhir: a FHIR R4 Questionnaire resource.")
def export_questions(output_format: str) -> None:
    """Print the whole catalogue as JSON: steps, then every question (or, with --format fhir, a Questionnaire)."""
    if output_format == "fhir":
        document = fhir.build_questionnaire(current_app.config["FHIR_BASE"], QUESTIONNAIRE)
    else:
        document = catalogue_json()
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))


@rules_cli.command("check")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
def check_rules(path: str | None) -> None:
    """Check a rules file (default: the one the app uses) and report every problem."""
    path = path or current_app.config["RULES_PATH"]
    ruleset, problems = check_file(path)
    for problem in problems:
        click.echo(str(problem))
    if ruleset is None:
        click.echo(f"{len(problems)} problem(s) found in {path}", err=True)
        sys.exit(1)
    click.echo(f"{path}: OK - version {ruleset.version}, {len(ruleset.rules)} rules, "
               f"{len(ruleset.examples)} examples all passing, sha256 {ruleset.sha256}")


@rules_cli.command("evaluate")
@click.argument("answers_file", type=click.File("r", encoding="utf-8"))
@click.option("--rules", "rules_path", type=click.Path(dir_okay=False), help="Rules file (default: the app's).")
def evaluate_rules(answers_file, rules_path: str | None) -> None:
    """Print the summary that ANSWERS_FILE (JSON: question id -> answer) produces."""
    ruleset, problems = check_file(rules_path or current_app.config["RULES_PATH"])
    if ruleset is None:
        for problem in problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    try:
        answers = json.load(answers_file)
    except json.JSONDecodeError as exc:
        click.echo(f"{answers_file.name}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}", err=True)
        sys.exit(1)
    if not isinstance(answers, dict):
        click.echo(f"{answers_file.name}: must be a JSON object of question id to answer", err=True)
        sys.exit(1)
    catalogue = QUESTIONNAIRE.catalogue
    errors = [f"unknown question id {k!r}" if k not in catalogue else answer_problem(catalogue[k], v)
              for k, v in answers.items()]
    errors = [e for e in errors if e]
    for error in errors:
        click.echo(f"{answers_file.name}: {error}", err=True)
    if errors:
        sys.exit(1)
    click.echo(json.dumps(evaluate(ruleset, answers).as_dict(), indent=2, ensure_ascii=False))


@rules_cli.command("replay")
@click.argument("new_rules", required=False, type=click.Path(dir_okay=False))
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="DATE",
              help="Only submissions sent on or after DATE (YYYY-MM-DD, UTC).")
@click.option("--verify", is_flag=True,
              help="Also check that every stored summary is made again exactly by its own stored rules text; "
                   "exit 1 if one is not.")
@click.option("--workers", type=click.IntRange(min=1), metavar="N",
              help="Processes to evaluate with (default: one per CPU, at most "
                   f"{rules_replay.MAX_WORKERS}); 1 keeps the replay in this one.")
@needs_current_database
def replay_rules(new_rules: str | None, since, verify: bool, workers: int | None) -> None:
    """Show what NEW_RULES would change for stored submissions, before it goes live.

    NEW_RULES is checked first; each submission's answers are evaluated with it and compared with the
    topics it was given. Exit 0 whatever would change.
    """
    if new_rules is None and not verify:
        raise click.UsageError("give the rules file to replay (NEW_RULES), --verify, or both")
    ruleset = None
    if new_rules is not None:
        ruleset, problems = check_file(new_rules)
        if ruleset is None:
            for problem in problems:
                click.echo(str(problem))
            click.echo(f"{len(problems)} problem(s) found in {new_rules}: nothing was replayed", err=True)
            sys.exit(1)
    report = rules_replay.replay(database.session(), ruleset, since=since.date() if since else None, verify=verify,
                                 workers=workers)
    for line in rules_replay.iter_lines(report, new_rules):
        click.echo(line)
    report.changed.close()
    record("rules_replay", detail=rules_replay.audit_detail(report))
    if verify and not report.reproducible:
        sys.exit(1)


def _retention_days(_ctx: click.Context, _param: click.Parameter, value: str | None) -> int | None:
    if value is None:
        return None
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = 0
    if days < 1 or str(days) != value.strip():
        raise click.BadParameter(f"takes a whole number of days, 1 or more, such as 365; not {value!r}")
    return days


@click.command("purge")
@click.option("--older-than", "days", metavar="DAYS", callback=_retention_days,
              help="Delete submissions submitted more than DAYS days ago (a whole number, 1 or more); "
                   "by default SCREENING_RETENTION_DAYS, the period patients are told on the start page.")
@click.option("--dry-run", is_flag=True, help="Only show what would be deleted.")
@needs_current_database
def purge_command(days: int | None, dry_run: bool) -> None:
    """Delete submissions, invitations and alerts past the retention period, and expired drafts; record it in
    the audit trail.

    Audit events and rules versions are never deleted.
    """
    days = days or current_app.config["RETENTION_DAYS"]
    db = database.session()
    if dry_run:
        found = purge.plan(db, days)
        span = (f", submitted {found.oldest:%Y-%m-%d} to {found.newest:%Y-%m-%d}"
                if found.oldest and found.newest else "")
        click.echo(f"Dry run: would delete {found.submissions} submission(s) submitted before "
                   f"{found.cutoff.isoformat(timespec='seconds')} (more than {days} days ago){span}, and "
                   f"{found.drafts} expired draft(s), {found.invitations} invitation(s) and {found.alerts} "
                   "alert(s) made before then. Nothing was deleted.")
        return
    done = purge.purge(db, days)
    record("purge", detail=done.describe())  # commits the deletions and their record together
    click.echo(f"Deleted {done.submissions} submission(s) submitted before "
               f"{done.cutoff.isoformat(timespec='seconds')} (more than {days} days ago), {done.drafts} "
               f"expired draft(s), {done.invitations} invitation(s) and {done.alerts} alert(s) made before then. "
               "Audit events and rules versions are kept.")


def init_app(app: Flask) -> None:
    app.cli.add_command(db_cli)
    app.cli.add_command(questions_cli)
    app.cli.add_command(purge_command)
    app.cli.add_command(rules_cli)
    app.cli.add_command(staff_cli)
    app.cli.add_command(invitations_cli)
    app.cli.add_command(alerts_cli)
