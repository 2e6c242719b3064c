"""Command-line tools: `questions export`, `rules check`, `rules evaluate`; `staff` lives with the staff area."""
from __future__ import annotations

import json
import sys
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from screening.answers import QUESTIONNAIRE, answer_problem
from screening.catalogue.types import Question
from screening.rules.checker import check_file
from screening.rules.engine import evaluate
from screening.staff.cli import staff_cli

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
        **({"derived_from": [q for q, _ in question.points]} if question.points else {}),
    }


def catalogue_json() -> dict[str, Any]:
    catalogue = QUESTIONNAIRE.catalogue
    return {
        "steps": [{"id": s.id, "title": s.title, "questions": [q.id for q in s.questions]} for s in catalogue.steps],
        "questions": [question_json(q) for q in catalogue],
    }


@questions_cli.command("export")
def export_questions() -> None:
    """Print the whole catalogue as JSON: steps, then every question."""
    click.echo(json.dumps(catalogue_json(), indent=2, ensure_ascii=False))


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


def init_app(app: Flask) -> None:
    app.cli.add_command(questions_cli)
    app.cli.add_command(rules_cli)
    app.cli.add_command(staff_cli)
