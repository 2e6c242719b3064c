"""The Jinja filters every page uses for dates, counts and crisis numbers (screening/filters.py).

Requirement (issue 7): dates read the US way ("December 3, 2026"; on staff pages with a 12-hour time in UTC),
counts agree with their noun ("1 topic"), and 911 and 988 are links a phone calls, 988 one it texts too.
"""
from datetime import date, datetime, timedelta, timezone

import pytest
from markupsafe import Markup


@pytest.fixture
def env(app):
    return app.jinja_env


def render(env, source: str, **context) -> str:
    return env.from_string(source).render(**context)


@pytest.mark.parametrize("moment, shown", [
    (date(2026, 12, 3), "December 3, 2026"),
    (datetime(2026, 1, 31, 23, 59), "January 31, 2026"),  # SQLite's naive times are UTC
    (datetime(2026, 3, 1, 1, 0, tzinfo=timezone(timedelta(hours=5))), "February 28, 2026"),  # PostgreSQL's zone
    (None, ""),
])
def test_us_date(env, moment, shown):
    assert render(env, "{{ moment | us_date }}", moment=moment) == shown


@pytest.mark.parametrize("moment, long, short", [
    (datetime(2026, 12, 3, 14, 5, tzinfo=timezone.utc), "December 3, 2026, 2:05 PM UTC", "Dec 3, 2026 2:05 PM UTC"),
    (datetime(2026, 12, 3, 0, 0), "December 3, 2026, 12:00 AM UTC", "Dec 3, 2026 12:00 AM UTC"),
    (datetime(2026, 9, 30, 12, 30), "September 30, 2026, 12:30 PM UTC", "Sep 30, 2026 12:30 PM UTC"),
    (datetime(2026, 7, 4, 11, 59, tzinfo=timezone(timedelta(hours=-4))), "July 4, 2026, 3:59 PM UTC",
     "Jul 4, 2026 3:59 PM UTC"),
])
def test_us_datetime_long_and_short(env, moment, long, short):
    assert render(env, "{{ moment | us_datetime }}|{{ moment | us_datetime_short }}", moment=moment) == \
        f"{long}|{short}"


@pytest.mark.parametrize("count, shown", [(0, "0 topics"), (1, "1 topic"), (2, "2 topics")])
def test_plural(env, count, shown):
    assert render(env, "{{ count | plural('topic') }}", count=count) == shown


def test_plural_of_a_word_that_does_not_take_an_s(env):
    assert render(env, "{{ 1 | plural('match', 'matches') }}, {{ 3 | plural('match', 'matches') }}") == \
        "1 match, 3 matches"


def test_crisis_links_call_911_and_988_and_text_988(env):
    shown = render(env, "{{ text | crisis_links }}",
                   text="Call or text 988 (Suicide & Crisis Lifeline) or call 911. Or call 988.")
    assert shown == (
        'Call <a href="tel:988">988</a> or <a href="sms:988">text 988</a> (Suicide &amp; Crisis Lifeline) or call '
        '<a href="tel:911">911</a>. Or call <a href="tel:988">988</a> (or <a href="sms:988">text 988</a>).')


def test_crisis_links_escape_the_text_and_leave_other_numbers(env):
    shown = render(env, "{{ text | crisis_links }}", text="<b>1911</b> 9880 call or text 98")
    assert shown == "&lt;b&gt;1911&lt;/b&gt; 9880 call or text 98"
    assert isinstance(env.filters["crisis_links"]("911"), Markup)


# -- ago (issue 9: the pinned urgent submissions say how long ago each came) ---------------------------------

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("before, shown", [
    (timedelta(0), "just now"),
    (timedelta(seconds=59), "just now"),
    (timedelta(seconds=-30), "just now"),  # another machine's clock a little ahead
    (timedelta(minutes=1), "1 minute ago"),
    (timedelta(minutes=12, seconds=59), "12 minutes ago"),
    (timedelta(minutes=59, seconds=59), "59 minutes ago"),
    (timedelta(hours=1), "1 hour ago"),
    (timedelta(minutes=90), "1 hour ago"),
    (timedelta(hours=3, minutes=5), "3 hours ago"),
    (timedelta(hours=23, minutes=59), "23 hours ago"),
    (timedelta(days=1), "1 day ago"),
    (timedelta(days=2, hours=23), "2 days ago"),
    (timedelta(days=400), "400 days ago"),
])
def test_ago_says_the_largest_whole_unit(env, before, shown):
    assert render(env, "{{ moment | ago(now) }}", moment=NOW - before, now=NOW) == shown


def test_ago_reads_naive_and_other_zone_times_as_the_instants_they_are(env):
    naive = datetime(2026, 3, 10, 11, 48)  # SQLite's naive times are UTC
    zoned = datetime(2026, 3, 10, 8, 0, tzinfo=timezone(timedelta(hours=-1)))  # 09:00 UTC
    assert render(env, "{{ a | ago(now) }}|{{ b | ago(now) }}", a=naive, b=zoned, now=NOW) == \
        "12 minutes ago|3 hours ago"


def test_ago_counts_from_the_present_when_not_told_when(env):
    assert render(env, "{{ moment | ago }}", moment=datetime.now(timezone.utc) - timedelta(minutes=5, seconds=2)) \
        == "5 minutes ago"
    assert render(env, "{{ none | ago }}", none=None) == ""
