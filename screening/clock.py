"""Time, always in UTC: `utcnow()` for now, `aware()` for a time read back from the database.

SQLite hands back naive datetimes; everything the app stores is UTC, so a naive time is read as UTC.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=timezone.utc) if moment is not None and moment.tzinfo is None else moment


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC to the second, as the exports write times."""
    return aware(moment).astimezone(timezone.utc).isoformat(timespec="seconds")


# The earliest time zone in use (Baker Island, UTC-12): at any moment, no calendar on Earth shows an earlier day.
_EARLIEST_ZONE = timezone(timedelta(hours=-12))


def age_day(moment: datetime | None = None) -> date:
    """The day an age is worked out on, for answers sent at `moment` (now when not given): the earliest calendar
    day anywhere at that moment. An age is then never overstated, wherever the patient is: in the evening before
    an 18th birthday in the US, the UTC date is already the birthday, but this day is not. At worst someone is
    counted a day younger, which may raise a topic the clinician sees is not needed (the date of birth is on the
    sheet), never hide one that is."""
    return aware(moment or utcnow()).astimezone(_EARLIEST_ZONE).date()
