"""Template filters every page uses, the patient's and the staff's.

Every date and time a page shows goes through one of the date filters, written the US way (the clinic is in
the US); exports, date inputs and audit details keep their machine formats. Counts go through `plural`, and the
crisis numbers through `crisis_links`. How long ago something came, for staff lists, through `ago`.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timezone

from flask import Flask
from markupsafe import Markup, escape

from screening.clock import aware, utcnow
from screening.language import ENGLISH, ENGLISH_NAMES
from screening.language.choose import current, current_words

FILTERS: dict[str, Callable] = {}


def _filter(name: str) -> Callable[[Callable], Callable]:
    def register(function: Callable) -> Callable:
        FILTERS[name] = function
        return function
    return register


def _in_utc(moment: date) -> date:
    """A time in UTC, whatever the database hands back (SQLite: naive; PostgreSQL: its time zone)."""
    return aware(moment).astimezone(timezone.utc) if isinstance(moment, datetime) else moment


def _clock(moment: datetime) -> str:
    return f"{moment.hour % 12 or 12}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'} UTC"


def _written(moment: date | None, month: str, clock_joiner: str | None) -> str:
    """The date in UTC with the month as `month` formats it, then the time after `clock_joiner` if given."""
    if moment is None:
        return ""
    moment = _in_utc(moment)
    day = f"{moment:{month}} {moment.day}, {moment.year}"
    return day if clock_joiner is None else f"{day}{clock_joiner}{_clock(moment)}"


@_filter("us_date")
def _us_date(moment: date | None) -> str:
    """'December 3, 2026'; on a patient's page in another language, as it writes dates ('3 de diciembre de 2026')."""
    if moment is not None and current() != ENGLISH:
        return current_words().date(_in_utc(moment))
    return _written(moment, "%B", None)


@_filter("us_datetime")
def _us_datetime(moment: datetime | None) -> str:
    """'December 3, 2026, 2:05 PM UTC'."""
    return _written(moment, "%B", ", ")


@_filter("us_datetime_short")
def _us_datetime_short(moment: datetime | None) -> str:
    """'Dec 3, 2026 2:05 PM UTC', for lists where every row has one."""
    return _written(moment, "%b", " ")


@_filter("plural")
def _plural(count: int, singular: str, plural: str | None = None) -> str:
    """'1 topic', '2 topics'; give `plural` for a word that does not just take an s."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


@_filter("ago")
def _ago(moment: datetime | None, now: datetime | None = None) -> str:
    """'just now', '1 minute ago', '12 minutes ago', '3 hours ago', '2 days ago': the largest whole unit, rounded
    down (90 minutes is '1 hour ago'). Under a minute, or a little ahead of `now` (two machines' clocks), is
    'just now'. Pages show the exact time beside it."""
    if moment is None:
        return ""
    seconds = (aware(now or utcnow()) - aware(moment)).total_seconds()
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            return f"{_plural(int(seconds // size), unit)} ago"
    return "just now"


# "Call or text 988" first, so that its 988 is linked once, as both.
_CRISIS_NUMBERS = re.compile(r"\b([Cc]all) or text 988\b|\b(911|988)\b")


def _crisis_link(found: re.Match) -> str:
    call, number = found.groups()
    if call:
        return f'{call} <a href="tel:988">988</a> or <a href="sms:988">text 988</a>'
    text_too = ' (or <a href="sms:988">text 988</a>)' if number == "988" else ""
    return f'<a href="tel:{number}">{number}</a>{text_too}'


# Spanish texts say "llame al 988 y marque 2" (the Lifeline's Spanish line) and "envíe AYUDA al 988" (its Spanish
# text line): https://988lifeline.org/help-yourself/en-espanol/ and SAMHSA, "988 Suicide & Crisis Lifeline
# adds Spanish text and chat", July 2023. Each 911 and 988 is a link that calls; "AYUDA al 988" one that texts it.
_CRISIS_NUMBERS_ES = re.compile(r"\bAYUDA al 988\b|\b(911|988)\b")


def _crisis_link_es(found: re.Match) -> str:
    number = found.group(1)
    if number is None:
        return '<a href="sms:988?body=AYUDA">AYUDA al 988</a>'
    return f'<a href="tel:{number}">{number}</a>'


@_filter("crisis_links")
def _crisis_links(text: str) -> Markup:
    """The text, escaped, with 911 and 988 as links a phone calls at a tap, and 988 as one it texts too."""
    if current() == "es":
        return Markup(_CRISIS_NUMBERS_ES.sub(_crisis_link_es, str(escape(text))))
    return Markup(_CRISIS_NUMBERS.sub(_crisis_link, str(escape(text))))


@_filter("language_name")
def _language_name(code: str | None) -> str:
    """A language as staff read it: 'Spanish'. A submission from before languages were kept was in English."""
    return ENGLISH_NAMES.get(code or ENGLISH, code or "")


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(FILTERS)
