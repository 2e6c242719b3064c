"""The clinicians' list of submissions: the filters typed on the list page, and one page of rows, newest first.

    list_filter, page = parse(request.args)     # BadFilter lists every problem with what was typed
    result = search(db, list_filter, page)      # 25 rows, the total that match, and where the page stands

Every filter has an index (see Submission.__table_args__), and the page is read in two steps: the ids of
its 25 rows from the index alone, however deep the page, then only those rows and only the columns the
list shows (never the answers). Nothing here imports Flask.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from screening.records import codes
from screening.records.models import Submission
from screening.records.submissions import REFERENCE_GROUPS, REFERENCE_PREFIX
from screening.staff.paging import BadFilter, Page, date_range, day_bounds, page_number

PAGE_SIZE = 25
STATUSES = ("new", "reviewed")
NO_TOPICS = "none"
SEVERITY_FILTERS = ("urgent", "discuss", "mention", NO_TOPICS)
_REFERENCE_EXAMPLE = "KS-7Q2M-X4KD"


def normalise_reference(typed: str) -> str | None:
    """The stored form KS-XXXX-XXXX of a typed reference, or None if it cannot be one.

    Case, spaces, hyphens and the 'KS' prefix are optional, and O, I and L read as 0, 1 and 1,
    as they do for resume codes: references are read over the phone and copied by hand.
    """
    return codes.normalise(typed, REFERENCE_GROUPS, REFERENCE_PREFIX)


@dataclass(frozen=True)
class ListFilter:
    status: str = ""
    severity: str = ""
    start: date | None = None
    end: date | None = None
    reference: str = ""

    def as_args(self) -> dict[str, str]:
        """The filter as query arguments, for links to other pages of the same result."""
        values = {"status": self.status, "severity": self.severity,
                  "from": self.start.isoformat() if self.start else "",
                  "to": self.end.isoformat() if self.end else "", "reference": self.reference}
        return {k: v for k, v in values.items() if v}

    def describe(self) -> str:
        return " ".join(f"{k}={v}" for k, v in self.as_args().items()) or "no filter"

    def conditions(self) -> list:
        conditions = []
        if self.status:
            conditions.append(Submission.status == self.status)
        if self.severity == NO_TOPICS:
            conditions.append(Submission.highest_severity.is_(None))
        elif self.severity:
            conditions.append(Submission.highest_severity == self.severity)
        first, last = day_bounds(self.start, self.end)
        if first:
            conditions.append(Submission.submitted_at >= first)
        if last:
            conditions.append(Submission.submitted_at <= last)
        if self.reference:
            conditions.append(Submission.reference == self.reference)
        return conditions


def _choice(args: Mapping[str, str], key: str, allowed: tuple[str, ...], message: str, problems: list[str]) -> str:
    typed = args.get(key, "").strip().lower()
    if typed and typed not in allowed:
        problems.append(message)
        return ""
    return typed


def parse(args: Mapping[str, str]) -> tuple[ListFilter, int]:
    """The filter and page number in `args`; BadFilter lists every problem with them."""
    problems: list[str] = []
    status = _choice(args, "status", STATUSES, "Choose a status from the list", problems)
    severity = _choice(args, "severity", SEVERITY_FILTERS, "Choose a highest severity from the list", problems)
    start, end = date_range(args, problems)
    typed_reference = args.get("reference", "").strip()[:40]
    reference = ""
    if typed_reference:
        reference = normalise_reference(typed_reference) or ""
        if not reference:
            problems.append(f"Enter the reference as on the patient's page: KS, then 8 letters and numbers, "
                            f"like {_REFERENCE_EXAMPLE}")
    page = page_number(args, problems)
    if problems:
        raise BadFilter(problems)
    return ListFilter(status, severity, start, end, reference), page


@dataclass(frozen=True)
class Row:
    """What the list shows of one submission: no answers, no topics' texts."""

    reference: str
    submitted_at: datetime
    highest_severity: str | None
    urgent_count: int
    discuss_count: int
    mention_count: int
    status: str


ROW_COLUMNS = (Submission.reference, Submission.submitted_at, Submission.highest_severity, Submission.urgent_count,
               Submission.discuss_count, Submission.mention_count, Submission.status)
NEWEST_FIRST = (Submission.submitted_at.desc(), Submission.id.desc())
EXPORT_BATCH = 500


def ids_query(list_filter: ListFilter, page: int) -> Select:
    """The ids on one page: read from an index alone, so a deep page skips index entries, not rows."""
    return (select(Submission.id).where(*list_filter.conditions()).order_by(*NEWEST_FIRST)
            .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))


def count_query(list_filter: ListFilter) -> Select:
    return select(func.count()).select_from(Submission).where(*list_filter.conditions())


def rows_query(ids: list[int]) -> Select:
    return select(*ROW_COLUMNS).where(Submission.id.in_(ids)).order_by(*NEWEST_FIRST)


def newest_first(db: Session, list_filter: ListFilter) -> Iterator[Submission]:
    """Every submission the filter keeps, as on the list, read in batches so a large export does not fill memory."""
    query = select(Submission).where(*list_filter.conditions()).order_by(*NEWEST_FIRST).execution_options(
        yield_per=EXPORT_BATCH)
    yield from db.scalars(query)


def search(db: Session, list_filter: ListFilter, page: int) -> Page[Row]:
    total = db.scalar(count_query(list_filter)) or 0
    if Page([], page, total, PAGE_SIZE).past_the_end:
        return Page([], page, total, PAGE_SIZE)  # nothing to read, and no offset too big for the database
    ids = list(db.scalars(ids_query(list_filter, page)))
    return Page([Row(*values) for values in db.execute(rows_query(ids))], page, total, PAGE_SIZE)
