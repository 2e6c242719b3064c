"""Time, always in UTC: `utcnow()` for now, `aware()` for a time read back from the database.

SQLite hands back naive datetimes; everything the app stores is UTC, so a naive time is read as UTC.
"""
from __future__ import annotations

from datetime import date, datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=timezone.utc) if moment is not None and moment.tzinfo is None else moment


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC to the second, as the exports write times."""
    return aware(moment).astimezone(timezone.utc).isoformat(timespec="seconds")


def utc_day(moment: datetime) -> date:
    """The day, in UTC, of a time: a submission's age is worked out as of the day it was sent."""
    return aware(moment).astimezone(timezone.utc).date()
