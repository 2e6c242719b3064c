"""What a name, a phone number, an email address, a record number and a date of birth may look like.

One check per format, shared by the wizard's fields and by the rules checker's examples, so a value the
form refuses is refused everywhere. Each check returns why a value is wrong, in words a patient reads after
the question's name ("First name must be 100 characters or fewer"), or None; in the language of `words`
(English unless given: the checker's).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

from screening.language import N_
from screening.language.words import ENGLISH_WORDS, Words

OLDEST_AGE = 120
YOUNGEST_AGE = 12


# Joiners that Persian and Indic names need, though they are format characters.
_JOINERS = {"\u200c", "\u200d"}


def _has_control(value: str) -> bool:
    # Control and format characters (categories Cc, Cf, Co, Cs, Cn) are invisible or break printed sheets.
    return any(unicodedata.category(ch).startswith("C") and ch not in _JOINERS for ch in value)


def name_problem(value: str, words: Words = ENGLISH_WORDS) -> str | None:
    _ = words.gettext
    if _has_control(value):
        return _("must not include hidden or control characters")
    if not any(ch.isalpha() for ch in value):
        return _("must include at least one letter")
    return None


_PHONE_CHARS = re.compile(r"[0-9 +().\-]+")


def phone_problem(value: str, words: Words = ENGLISH_WORDS) -> str | None:
    digits = sum(ch.isdigit() for ch in value)
    if not _PHONE_CHARS.fullmatch(value) or not 7 <= digits <= 15:
        return words.gettext("must be a phone number, like 555-201-4477")
    return None


_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")


def email_problem(value: str, words: Words = ENGLISH_WORDS) -> str | None:
    if _has_control(value) or not _EMAIL.fullmatch(value):
        return words.gettext("must be an email address, like name@example.com")
    return None


_RECORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ./\-]*")


def record_number_problem(value: str, words: Words = ENGLISH_WORDS) -> str | None:
    if not _RECORD.fullmatch(value):
        return words.gettext("can only include letters, numbers, spaces, dots, dashes and slashes")
    return None


@dataclass(frozen=True)
class Format:
    max_length: int
    check: Callable[[str, Words], str | None]
    input_type: str = "text"


FORMATS = {
    "name": Format(100, name_problem),
    "phone": Format(30, phone_problem, "tel"),
    "email": Format(254, email_problem, "email"),
    "record_number": Format(30, record_number_problem),
}


def text_problem(format_name: str, value: str, words: Words = ENGLISH_WORDS) -> str | None:
    form = FORMATS[format_name]
    if len(value) > form.max_length:
        return words.gettext("must be %(count)d characters or fewer") % {"count": form.max_length}
    return form.check(value, words)


def years_between(born: date, on: date) -> int:
    """Whole years from born to on: a person born on February 29 turns a year older on March 1."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def parse_iso(value: object) -> date | None:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def years_before(today: date, years: int) -> date:
    """The same day `years` years before; February 29 becomes February 28 in a year that has none."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def oldest_birth_date(today: date) -> date:
    """The earliest date of birth taken: someone OLDEST_AGE today, whose next birthday is tomorrow."""
    return years_before(today, OLDEST_AGE + 1) + timedelta(days=1)


def youngest_birth_date(today: date) -> date:
    """The latest date of birth taken: someone whose YOUNGEST_AGE-th birthday is today."""
    return years_before(today, YOUNGEST_AGE)


def birth_date_problem(born: date, today: date, words: Words = ENGLISH_WORDS) -> str | None:
    """Why a real date cannot be a date of birth today, in words that follow "Date of birth"."""
    _ = words.gettext
    if born > today:
        return _("must be in the past")
    if born < oldest_birth_date(today):
        return _("must be on or after %(day)s") % {"day": words.date(oldest_birth_date(today))}
    if born > youngest_birth_date(today):
        return _("must be on or before %(day)s: this form is for people aged %(age)d or older") % {
            "day": words.date(youngest_birth_date(today)), "age": YOUNGEST_AGE}
    return None


def us_date(day: date) -> str:
    """April 2, 1990: the month in words, so 4/2 and 2/4 are never confused (as screening.filters writes dates)."""
    return f"{day:%B} {day.day}, {day.year}"


# What a date of birth is missing, whole, so each language can say it its own way.
_MISSING = {
    ("month",): N_("must include a month"), ("day",): N_("must include a day"), ("year",): N_("must include a year"),
    ("month", "day"): N_("must include a month and day"), ("month", "year"): N_("must include a month and year"),
    ("day", "year"): N_("must include a day and year"),
}


def parts_problem(month: str, day: str, year: str,
                  words: Words = ENGLISH_WORDS) -> tuple[date | None, str | None]:
    """Three boxes as typed into a date: the date, or what is wrong, following the GOV.UK date input's messages.

    The message is the end of a sentence starting with the question's name ("Date of birth must include a
    month"), except where GOV.UK words it whole, which starts with a capital.
    """
    _ = words.gettext
    given = {"month": month.strip(), "day": day.strip(), "year": year.strip()}
    missing = tuple(name for name in ("month", "day", "year") if not given[name])
    if len(missing) == 3:
        return None, _("Enter your date of birth")
    if missing:
        return None, _(_MISSING[missing])
    if not all(v.isascii() and v.isdigit() for v in given.values()):
        return None, _("must be a real date, in numbers, like 4 27 1990")
    if len(given["year"]) != 4:
        return None, _("Year must include 4 numbers")
    if len(given["month"]) > 2 or len(given["day"]) > 2:
        return None, _("must be a real date")
    try:
        return date(int(given["year"]), int(given["month"]), int(given["day"])), None
    except ValueError:
        return None, _("must be a real date")
