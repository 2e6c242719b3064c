"""The clinicians' list of submissions: the filters typed on the list page, and one page of rows, newest first.

    list_filter, page = parse(request.args)     # BadFilter lists every problem with what was typed
    result = search(db, list_filter, page)      # 25 rows, the total that match, and where the page stands

Every filter has an index (see Submission.__table_args__), and the page is read in two steps: the ids of
its 25 rows from the index alone, however deep the page, then only those rows and only the columns the
list shows (never the answers). Nothing here imports Flask.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from screening.drafts import ALPHABET
from screening.models import Submission

PAGE_SIZE = 25
# Far past any real list (25 million submissions) and far below what an OFFSET can hold.
MAX_PAGE = 1_000_000
STATUSES = ("new", "reviewed")
NO_TOPICS = "none"
SEVERITY_FILTERS = ("urgent", "discuss", "mention", NO_TOPICS)
REFERENCE_PREFIX = "KS-"
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
_REFERENCE_EXAMPLE = "KS-7Q2M-X4KD"


class BadFilter(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def normalise_reference(typed: str) -> str | None:
    """The stored form KS-XXXX-XXXX of a typed reference, or None if it cannot be one.

    Case, spaces, hyphens and the 'KS' prefix are optional, and O, I and L read as 0, 1 and 1,
    as they do for resume codes: references are read over the phone and copied by hand.
    """
    compact = re.sub(r"[\s-]", "", typed or "").upper()
    if len(compact) == 10 and compact.startswith("KS"):
        compact = compact[2:]
    compact = compact.translate(_CONFUSABLE)
    if len(compact) != 8 or any(ch not in ALPHABET for ch in compact):
        return None
    return f"{REFERENCE_PREFIX}{compact[:4]}-{compact[4:]}"


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
        if self.start:
            conditions.append(Submission.submitted_at >= datetime.combine(self.start, time.min, timezone.utc))
        if self.end:
            # To the end of that day; time.max rather than the next midnight, which overflows on 9999-12-31.
            conditions.append(Submission.submitted_at <= datetime.combine(self.end, time.max, timezone.utc))
        if self.reference:
            conditions.append(Submission.reference == self.reference)
        return conditions


def _choice(args: Mapping[str, str], key: str, allowed: tuple[str, ...], message: str, problems: list[str]) -> str:
    typed = args.get(key, "").strip().lower()
    if typed and typed not in allowed:
        problems.append(message)
        return ""
    return typed


def _date(args: Mapping[str, str], key: str, label: str, problems: list[str]) -> date | None:
    typed = args.get(key, "").strip()
    if not typed:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", typed):
            raise ValueError(typed)
        return date.fromisoformat(typed)
    except ValueError:
        problems.append(f"Enter the {label} date as a real date, year-month-day, like 2026-03-31")
        return None


def _page(args: Mapping[str, str], problems: list[str]) -> int:
    typed = args.get("page", "").strip() or "1"
    # Length first: int() of a few thousand digits is slow, and refused past 4,300.
    if len(typed) > len(str(MAX_PAGE)) or not (typed.isascii() and typed.isdigit()) \
            or not 1 <= int(typed) <= MAX_PAGE:
        problems.append(f"The page number must be a whole number from 1 to {MAX_PAGE:,}")
        return 1
    return int(typed)


def parse(args: Mapping[str, str]) -> tuple[ListFilter, int]:
    """The filter and page number in `args`; BadFilter lists every problem with them."""
    problems: list[str] = []
    status = _choice(args, "status", STATUSES, "Choose a status from the list", problems)
    severity = _choice(args, "severity", SEVERITY_FILTERS, "Choose a highest severity from the list", problems)
    start, end = _date(args, "from", "'from'", problems), _date(args, "to", "'to'", problems)
    if start and end and start > end:
        problems.append("The 'from' date must be on or before the 'to' date")
    typed_reference = args.get("reference", "").strip()[:40]
    reference = ""
    if typed_reference:
        reference = normalise_reference(typed_reference) or ""
        if not reference:
            problems.append(f"Enter the reference as on the patient's page: KS, then 8 letters and numbers, "
                            f"like {_REFERENCE_EXAMPLE}")
    page = _page(args, problems)
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


@dataclass(frozen=True)
class ListPage:
    rows: list[Row]
    number: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def first_shown(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1

    @property
    def last_shown(self) -> int:
        return self.first_shown + len(self.rows) - 1


def ids_query(list_filter: ListFilter, page: int) -> Select:
    """The ids on one page: read from an index alone, so a deep page skips index entries, not rows."""
    return (select(Submission.id).where(*list_filter.conditions()).order_by(*NEWEST_FIRST)
            .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))


def count_query(list_filter: ListFilter) -> Select:
    return select(func.count()).select_from(Submission).where(*list_filter.conditions())


def rows_query(ids: list[int]) -> Select:
    return select(*ROW_COLUMNS).where(Submission.id.in_(ids)).order_by(*NEWEST_FIRST)


def search(db: Session, list_filter: ListFilter, page: int) -> ListPage:
    total = db.scalar(count_query(list_filter)) or 0
    if (page - 1) * PAGE_SIZE >= total:
        return ListPage([], page, total)  # past the end: nothing to read
    ids = list(db.scalars(ids_query(list_filter, page)))
    rows = [Row(*values) for values in db.execute(rows_query(ids))]
    return ListPage(rows, page, total)
