"""Reading the audit trail: filters typed on the audit page, and one page of events, newest first."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from screening.staff.audit import ACTIONS
from screening.staff.models import AuditEvent

PAGE_SIZE = 50


class BadFilter(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class TrailFilter:
    action: str = ""
    actor: str = ""
    reference: str = ""
    start: date | None = None
    end: date | None = None

    def as_args(self) -> dict[str, str]:
        """The filter as query arguments, for links to other pages of the same result."""
        values = {"action": self.action, "actor": self.actor, "reference": self.reference,
                  "from": self.start.isoformat() if self.start else "", "to": self.end.isoformat() if self.end else ""}
        return {k: v for k, v in values.items() if v}

    def describe(self) -> str:
        return " ".join(f"{k}={v}" for k, v in self.as_args().items()) or "no filter"


def _date(args: Mapping[str, str], key: str, label: str, problems: list[str]) -> date | None:
    typed = args.get(key, "").strip()
    if not typed:
        return None
    try:
        return date.fromisoformat(typed)
    except ValueError:
        problems.append(f"Enter the {label} date as year-month-day, like 2025-03-31")
        return None


def parse(args: Mapping[str, str]) -> tuple[TrailFilter, int]:
    """The filter and page number in `args`; BadFilter lists every problem with them."""
    problems: list[str] = []
    action = args.get("action", "").strip()
    if action and action not in ACTIONS:
        problems.append("Choose an action from the list")
    start, end = _date(args, "from", "'from'", problems), _date(args, "to", "'to'", problems)
    if start and end and start > end:
        problems.append("The 'from' date must be on or before the 'to' date")
    try:
        page = int(args.get("page", "1"))
    except ValueError:
        page = 0
    if page < 1:
        problems.append("The page number must be a whole number, 1 or more")
    if problems:
        raise BadFilter(problems)
    return TrailFilter(action, args.get("actor", "").strip().lower()[:254],
                       args.get("reference", "").strip().upper()[:20], start, end), page


@dataclass(frozen=True)
class TrailPage:
    events: list[AuditEvent]
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


def search(db: Session, trail_filter: TrailFilter, page: int) -> TrailPage:
    conditions = []
    if trail_filter.action:
        conditions.append(AuditEvent.action == trail_filter.action)
    if trail_filter.actor:
        conditions.append(AuditEvent.actor_email == trail_filter.actor)
    if trail_filter.reference:
        conditions.append(AuditEvent.submission_reference == trail_filter.reference)
    if trail_filter.start:
        conditions.append(AuditEvent.at >= datetime.combine(trail_filter.start, time.min, timezone.utc))
    if trail_filter.end:
        # Up to the end of that day; time.max rather than the next midnight, which overflows on 9999-12-31.
        conditions.append(AuditEvent.at <= datetime.combine(trail_filter.end, time.max, timezone.utc))
    total = db.scalar(select(func.count()).select_from(AuditEvent).where(*conditions)) or 0
    if (page - 1) * PAGE_SIZE >= total:
        return TrailPage([], page, total)  # past the end: nothing, and no offset too big for the database
    events = db.scalars(select(AuditEvent).where(*conditions).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return TrailPage(list(events), page, total)
