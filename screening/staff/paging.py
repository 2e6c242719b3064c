"""What the staff lists share: a page of results, and reading filters typed into a query string.

Nothing here imports Flask: the lists pass request.args in as a plain mapping.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from typing import Generic, Mapping, TypeVar

from screening.typed import whole_number

T = TypeVar("T")
MAX_PAGE = 1_000_000


class BadFilter(ValueError):
    """Every problem with a list's filters, said in words a user can act on."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int
    total: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def first_shown(self) -> int:
        return (self.number - 1) * self.size + 1

    @property
    def last_shown(self) -> int:
        return self.first_shown + len(self.items) - 1

    @property
    def past_the_end(self) -> bool:
        return (self.number - 1) * self.size >= self.total


def page_number(args: Mapping[str, str], problems: list[str]) -> int:
    number = whole_number(args.get("page", "").strip() or "1")
    if number is None or not 1 <= number <= MAX_PAGE:
        problems.append(f"The page number must be a whole number from 1 to {MAX_PAGE:,}")
        return 1
    return number


def day(args: Mapping[str, str], key: str, problems: list[str]) -> date | None:
    typed = args.get(key, "").strip()
    if not typed:
        return None
    try:
        # [0-9], not \d: \d also matches other scripts' digits.
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", typed):
            raise ValueError(typed)
        return date.fromisoformat(typed)
    except ValueError:
        problems.append(f"Enter the '{key}' date as a real date, year-month-day, like 2026-03-31")
        return None


def date_range(args: Mapping[str, str], problems: list[str]) -> tuple[date | None, date | None]:
    start, end = day(args, "from", problems), day(args, "to", problems)
    if start and end and start > end:
        problems.append("The 'from' date must be on or before the 'to' date")
    return start, end


def day_bounds(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    """The first and last moments of a UTC date range, inclusive; time.max because the next midnight
    overflows on 9999-12-31."""
    return (datetime.combine(start, time.min, timezone.utc) if start else None,
            datetime.combine(end, time.max, timezone.utc) if end else None)
