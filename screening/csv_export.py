"""The submissions as CSV for a clinic spreadsheet: one row per submission, one column per question.

Columns, in order: the submission's own fields (reviewed_by / reviewed_at once Submission has them),
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
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from screening.answers import QUESTIONNAIRE, Questionnaire
from screening.catalogue.types import Question
from screening.drafts import ALPHABET
from screening.models import Submission
from screening.rules.model import SEVERITIES

NOT_ASKED = "not_asked"
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
STATUSES = ("new", "reviewed")
NO_TOPICS = "none"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BATCH = 500


def guard(cell: Any) -> str:
    """The cell as text, with a leading quote if a spreadsheet would read it as a formula."""
    text = "" if cell is None else str(cell)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def iso_utc(moment: datetime | None) -> str:
    if moment is None:
        return ""
    moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


# --- Filters, as on the submissions list ------------------------------------------------------------


class BadFilter(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ExportFilter:
    status: str = ""
    severity: str = ""
    start: date | None = None
    end: date | None = None
    reference: str = ""

    def clauses(self) -> list[ColumnElement[bool]]:
        clauses: list[ColumnElement[bool]] = []
        if self.status:
            clauses.append(Submission.status == self.status)
        if self.severity == NO_TOPICS:
            clauses.append(Submission.highest_severity.is_(None))
        elif self.severity:
            clauses.append(Submission.highest_severity == self.severity)
        if self.start:
            clauses.append(Submission.submitted_at >= datetime.combine(self.start, time.min, timezone.utc))
        if self.end:
            # To the end of that day (time.max: the next midnight overflows on 9999-12-31).
            clauses.append(Submission.submitted_at <= datetime.combine(self.end, time.max, timezone.utc))
        if self.reference:
            clauses.append(Submission.reference == self.reference)
        return clauses

    def describe(self) -> str:
        values = {"status": self.status, "severity": self.severity,
                  "from": self.start.isoformat() if self.start else "", "to": self.end.isoformat() if self.end else "",
                  "reference": self.reference}
        return " ".join(f"{k}={v}" for k, v in values.items() if v) or "no filter"


def _date(args: Mapping[str, str], key: str, problems: list[str]) -> date | None:
    typed = (args.get(key) or "").strip()
    if not typed:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", typed):
            raise ValueError(typed)
        return date.fromisoformat(typed)
    except ValueError:
        problems.append(f"Enter the '{key}' date as year-month-day, like 2025-03-31")
        return None


def _reference(args: Mapping[str, str], problems: list[str]) -> str:
    """A reference typed as on the list's search: case, spaces, hyphens and the KS prefix optional."""
    compact = re.sub(r"[\s-]", "", (args.get("reference") or "")[:40]).upper()
    if not compact:
        return ""
    compact = (compact[2:] if len(compact) == 10 and compact.startswith("KS") else compact).translate(_CONFUSABLE)
    if len(compact) != 8 or any(ch not in ALPHABET for ch in compact):
        problems.append("Enter the reference as on the patient's page: KS, then 8 letters and numbers")
        return ""
    return f"KS-{compact[:4]}-{compact[4:]}"


def parse_filter(args: Mapping[str, str]) -> ExportFilter:
    """The list's filters in the query arguments: `status`, `severity`, `from` and `to` (dates, UTC, inclusive)
    and `reference`. Anything else (a page number) is ignored: the export has every matching row."""
    problems: list[str] = []
    status = (args.get("status") or "").strip().lower()
    if status and status not in STATUSES:
        problems.append(f"'status' must be one of {', '.join(STATUSES)}")
    severity = (args.get("severity") or "").strip().lower()
    if severity and severity not in SEVERITIES + (NO_TOPICS,):
        problems.append(f"'severity' must be one of {', '.join(SEVERITIES + (NO_TOPICS,))}")
    start, end = _date(args, "from", problems), _date(args, "to", problems)
    if start and end and start > end:
        problems.append("The 'from' date must be on or before the 'to' date")
    reference = _reference(args, problems)
    if problems:
        raise BadFilter(problems)
    return ExportFilter(status, severity, start, end, reference)


# --- Columns ----------------------------------------------------------------------------------------


def _reviewer(submission: Submission) -> str:
    reviewer = getattr(submission, "reviewed_by", None)
    return getattr(reviewer, "email", reviewer) or ""


def _topics(severity: str | None) -> Callable[[Submission], str]:
    def ids(submission: Submission) -> str:
        return ";".join(t["id"] for t in submission.topics if severity is None or t["severity"] == severity)
    return ids


def submission_columns() -> list[tuple[str, Callable[[Submission], Any]]]:
    columns: list[tuple[str, Callable[[Submission], Any]]] = [
        ("reference", lambda s: s.reference),
        ("submitted_at", lambda s: iso_utc(s.submitted_at)),
        ("started_at", lambda s: iso_utc(s.started_at)),
        ("status", lambda s: s.status),
    ]
    # Read at call time: the review columns arrive with the mark-reviewed work.
    if hasattr(Submission, "reviewed_by"):
        columns.append(("reviewed_by", _reviewer))
    if hasattr(Submission, "reviewed_at"):
        columns.append(("reviewed_at", lambda s: iso_utc(getattr(s, "reviewed_at", None))))
    columns += [
        ("rules_version", lambda s: s.rules_version),
        ("rules_sha256", lambda s: s.rules_sha256),
        ("highest_severity", lambda s: s.highest_severity or ""),
        ("urgent_count", lambda s: s.urgent_count),
        ("discuss_count", lambda s: s.discuss_count),
        ("mention_count", lambda s: s.mention_count),
    ]
    return columns


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


def count(db: Session, export_filter: ExportFilter) -> int:
    return db.scalar(select(func.count()).select_from(Submission).where(*export_filter.clauses())) or 0


def submissions(db: Session, export_filter: ExportFilter) -> Iterator[Submission]:
    """Newest first, as on the list, read in batches so that a large export does not fill memory."""
    query = (select(Submission).where(*export_filter.clauses())
             .order_by(Submission.submitted_at.desc(), Submission.id.desc()).execution_options(yield_per=BATCH))
    yield from db.scalars(query)


def export(db: Session, export_filter: ExportFilter, questionnaire: Questionnaire = QUESTIONNAIRE) -> Iterator[str]:
    """The CSV text, a line at a time: a UTF-8 byte order mark (so Excel reads accents), the header, the rows."""
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
    for submission in submissions(db, export_filter):
        writer.writerow(layout.row(submission))
        yield take()
