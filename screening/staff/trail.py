"""Reading the audit trail: filters typed on the audit page, and one page of events, newest first."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from screening.staff.paging import BadFilter, Page, date_range, day_bounds, page_number
from screening.staff.audit import ACTIONS
from screening.records.models import AuditEvent

PAGE_SIZE = 50


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


def parse(args: Mapping[str, str]) -> tuple[TrailFilter, int]:
    """The filter and page number in `args`; BadFilter lists every problem with them."""
    problems: list[str] = []
    action = args.get("action", "").strip()
    if action and action not in ACTIONS:
        problems.append("Choose an action from the list")
    start, end = date_range(args, problems)
    page = page_number(args, problems)
    if problems:
        raise BadFilter(problems)
    return TrailFilter(action, args.get("actor", "").strip().lower()[:254],
                       args.get("reference", "").strip().upper()[:20], start, end), page


def search(db: Session, trail_filter: TrailFilter, page: int) -> Page[AuditEvent]:
    conditions = []
    if trail_filter.action:
        conditions.append(AuditEvent.action == trail_filter.action)
    if trail_filter.actor:
        conditions.append(AuditEvent.actor_email == trail_filter.actor)
    if trail_filter.reference:
        conditions.append(AuditEvent.submission_reference == trail_filter.reference)
    first, last = day_bounds(trail_filter.start, trail_filter.end)
    if first:
        conditions.append(AuditEvent.at >= first)
    if last:
        conditions.append(AuditEvent.at <= last)
    total = db.scalar(select(func.count()).select_from(AuditEvent).where(*conditions)) or 0
    if Page([], page, total, PAGE_SIZE).past_the_end:
        return Page([], page, total, PAGE_SIZE)  # nothing to read, and no offset too big for the database
    events = db.scalars(select(AuditEvent).where(*conditions).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return Page(list(events), page, total, PAGE_SIZE)
