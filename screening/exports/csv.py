"""The submissions as CSV for a clinic spreadsheet: one row per submission, one column per question.

Columns, in order: the reference, then who the patient is (first_name, last_name, date_of_birth as
YYYY-MM-DD, record_number, phone, email; empty for a submission sent before they were asked), then the
submission's other fields, then one column per catalogue question and score in catalogue order, headed by
its id and holding the answer in catalogue form (a choice value, multi values joined with ';', a number, a
text; 'not_asked' when its show-when was false; empty when not answered; a height in cm and a weight in kg,
each followed by a column with it in US units, `height_ft_in` "5 ft 7 in" and `weight_lb` "160 lb"), then the
topics: `topics` (every
topic id, urgent first) and one column per severity (`urgent_topics`, ...) so a spreadsheet can filter on
either. The identity questions have no answer columns: their columns come from the submission's identity
columns, once. Scores (the age among them) are worked out as of the day the answers were sent.

Patients type free text, their names and phone numbers too, and a spreadsheet runs a cell that starts with
'=', '+', '-', '@', a tab or a carriage return as a formula: such a cell, whichever column it is in, gets a
leading single quote ("+1 555 201 4477" becomes "'+1 555 201 4477"). Nothing here imports Flask.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Any

from screening.clock import iso_utc, age_day
from screening.questionnaire import QUESTIONNAIRE, Questionnaire
from screening.catalogue.measures import MEASURES
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


def _day(day: date | None) -> str:
    return day.isoformat() if day is not None else ""


def submission_columns() -> list[tuple[str, Callable[[Submission], Any]]]:
    return [
        ("reference", lambda s: s.reference),
        *identity_columns(),
        ("submitted_at", lambda s: _when(s.submitted_at)),
        ("started_at", lambda s: _when(s.started_at)),
        ("status", lambda s: s.status),
        ("reviewed_by", lambda s: s.reviewed_by or ""),
        ("reviewed_at", lambda s: _when(s.reviewed_at)),
        ("rules_version", lambda s: s.rules_version),
        ("rules_sha256", lambda s: s.rules_sha256),
        ("catalogue_version", lambda s: s.catalogue_version),
        # The language the patient read the questions in; the answers are the same values in every language.
        ("language", lambda s: s.language or "en"),
        ("highest_severity", lambda s: s.highest_severity or ""),
        ("urgent_count", lambda s: s.urgent_count),
        ("discuss_count", lambda s: s.discuss_count),
        ("mention_count", lambda s: s.mention_count),
    ]


def identity_columns() -> list[tuple[str, Callable[[Submission], Any]]]:
    """Who the patient is, from the submission's columns, which the search and the FHIR Patient read too."""
    return [
        ("first_name", lambda s: s.first_name),
        ("last_name", lambda s: s.last_name),
        ("date_of_birth", lambda s: _day(s.date_of_birth)),
        ("record_number", lambda s: s.record_number),
        ("phone", lambda s: s.phone),
        ("email", lambda s: s.email),
    ]


def topic_columns() -> list[tuple[str, Callable[[Submission], Any]]]:
    return [("topics", _topics(None))] + [(f"{s}_topics", _topics(s)) for s in SEVERITIES]


class Layout:
    """The columns, worked out once per export: the submission's fields, the catalogue, the topics."""

    def __init__(self, questionnaire: Questionnaire = QUESTIONNAIRE):
        self.questionnaire = questionnaire
        self.fields = submission_columns()
        # Every question but the identity ones (in identity_columns), then every score, in catalogue order: the
        # catalogue is the only list of them.
        self.questions: list[Question] = [q for q in questionnaire.catalogue if not q.identity]
        self.topics = topic_columns()

    def header(self) -> list[str]:
        answers = [name for q in self.questions
                   for name in (q.id, *((MEASURES[q.measure].us_column,) if q.measure else ()))]
        return [name for name, _ in self.fields] + answers + [name for name, _ in self.topics]

    def row(self, submission: Submission) -> list[str]:
        answers = submission.answers or {}
        scored = self.questionnaire.with_scores(answers, as_of=age_day(submission.submitted_at))
        cells = [get(submission) for _, get in self.fields]
        for question in self.questions:
            cells.append(self.answer(question, answers, scored))
            if question.measure:
                cells.append(self.in_us_units(question, answers))
        cells += [get(submission) for _, get in self.topics]
        return [guard(cell) for cell in cells]

    def answer(self, question: Question, answers: Mapping[str, Any], scored: Mapping[str, Any]) -> Any:
        if question.worked_out_from:  # a score: AUDIT-C, or the age from the date of birth
            return scored.get(question.id, "")
        if question.id in answers:
            value = answers[question.id]
            return ";".join(map(str, value)) if isinstance(value, list) else value
        return "" if self.questionnaire.is_asked(question, answers) else NOT_ASKED

    @staticmethod
    def in_us_units(question: Question, answers: Mapping[str, Any]) -> str:
        """The height or weight in feet and inches or pounds; empty when there is no number to convert."""
        value = answers.get(question.id)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return ""
        return MEASURES[question.measure].us(value)


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
