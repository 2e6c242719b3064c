"""The submissions as CSV for a clinic spreadsheet: one row per submission, one column per question.

Columns, in order: the submission's own fields,
then one column per catalogue question and score in catalogue order, headed by its id and holding the
answer in catalogue form (a choice value, multi values joined with ';', a number, a text; 'not_asked'
when its show-when was false; empty when not answered), then the topics: `topics` (every topic id,
urgent first) and one column per severity (`urgent_topics`, ...) so a spreadsheet can filter on either.

Patients type free text, and a spreadsheet runs a cell that starts with '=', '+', '-', '@', a tab or a
carriage return as a formula: such cells get a leading single quote. Nothing here imports Flask.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

from screening.clock import iso_utc
from screening.questionnaire import QUESTIONNAIRE, Questionnaire
from screening.catalogue.types import Question
from screening.records.models import Submission
from screening.rules.model import SEVERITIES

NOT_ASKED = "not_asked"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard(cell: Any) -> str:
    """The cell as text, with a leading quote if a spreadsheet would read it as a formula."""
    text = "" if cell is None else str(cell)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _when(moment: datetime | None) -> str:
    return iso_utc(moment) if moment is not None else ""


# --- Columns ----------------------------------------------------------------------------------------


def _topics(severity: str | None) -> Callable[[Submission], str]:
    def ids(submission: Submission) -> str:
        return ";".join(t["id"] for t in submission.topics if severity is None or t["severity"] == severity)
    return ids


def submission_columns() -> list[tuple[str, Callable[[Submission], Any]]]:
    return [
        ("reference", lambda s: s.reference),
        ("submitted_at", lambda s: _when(s.submitted_at)),
        ("started_at", lambda s: _when(s.started_at)),
        ("status", lambda s: s.status),
        ("reviewed_by", lambda s: s.reviewed_by or ""),
        ("reviewed_at", lambda s: _when(s.reviewed_at)),
        ("rules_version", lambda s: s.rules_version),
        ("rules_sha256", lambda s: s.rules_sha256),
        ("catalogue_version", lambda s: s.catalogue_version),
        ("highest_severity", lambda s: s.highest_severity or ""),
        ("urgent_count", lambda s: s.urgent_count),
        ("discuss_count", lambda s: s.discuss_count),
        ("mention_count", lambda s: s.mention_count),
    ]


def topic_columns() -> list[tuple[str, Callable[[Submission], Any]]]:
    return [("topics", _topics(None))] + [(f"{s}_topics", _topics(s)) for s in SEVERITIES]


class Layout:
    """The columns, worked out once per export: the submission's fields, the catalogue, the topics."""

    def __init__(self, questionnaire: Questionnaire = QUESTIONNAIRE):
        self.questionnaire = questionnaire
        self.fields = submission_columns()
        # Every question, then every score, in catalogue order: the catalogue is the only list of them.
        self.questions: list[Question] = list(questionnaire.catalogue)
        self.topics = topic_columns()

    def header(self) -> list[str]:
        return [name for name, _ in self.fields] + [q.id for q in self.questions] + [name for name, _ in self.topics]

    def row(self, submission: Submission) -> list[str]:
        answers = submission.answers or {}
        scored = self.questionnaire.with_scores(answers)
        cells = [get(submission) for _, get in self.fields]
        cells += [self.answer(q, answers, scored) for q in self.questions]
        cells += [get(submission) for _, get in self.topics]
        return [guard(cell) for cell in cells]

    def answer(self, question: Question, answers: Mapping[str, Any], scored: Mapping[str, Any]) -> Any:
        if question.points:
            return scored.get(question.id, "")
        if question.id in answers:
            value = answers[question.id]
            return ";".join(map(str, value)) if isinstance(value, list) else value
        return "" if self.questionnaire.is_asked(question, answers) else NOT_ASKED


# --- Reading and writing ----------------------------------------------------------------------------


def export(rows: Iterable[Submission], questionnaire: Questionnaire = QUESTIONNAIRE) -> Iterator[str]:
    """The CSV text, a line at a time: a UTF-8 byte order mark (so Excel reads accents), the header, then a
    line per submission of `rows`, in their order."""
    layout = Layout(questionnaire)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def take() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(layout.header())
    yield "\ufeff" + take()
    for submission in rows:
        writer.writerow(layout.row(submission))
        yield take()
