"""The audit trail page, GET /staff/audit (admin only).

Requirement (issue 3, section 7): newest first, 50 a page; filters by action, staff email, submission
reference and date range; bad filters or pages give a clear 400 or an empty page, never a 500; viewing
is itself recorded; nothing can be edited or deleted.
"""
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from screening.records import database
from screening.staff.audit import append
from screening.records.models import AuditEvent

DAY = datetime(2025, 3, 10, 12, 0, tzinfo=timezone.utc)


def add(app, *events):
    """Events as (at, action, actor_email, submission_reference)."""
    with app.app_context():
        db = database.session()
        for at, action, actor, reference in events:
            append(db, action, actor_email=actor, source_ip="10.0.0.9", submission_reference=reference).at = at
        db.commit()


def rows(response):
    """(action, staff, reference) of each row shown."""
    html = response.get_data(as_text=True)
    return [tuple(re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row))[1:4]
            for row in re.findall(r"<tr>(.*?)</tr>", html, re.S) if "<td" in row]


@pytest.fixture
def admin(staff):
    return staff(("admin",), email="admin@clinic.test")


def test_events_are_shown_newest_first(app, admin):
    add(app, (DAY, "view_submission", "a@clinic.test", "KS-AAAA-AAAA"),
        (DAY + timedelta(hours=1), "print_submission", "b@clinic.test", "KS-BBBB-BBBB"))
    shown = rows(admin.get("/staff/audit?from=2025-03-10&to=2025-03-10"))
    assert shown == [("print_submission", "b@clinic.test", "KS-BBBB-BBBB"),
                     ("view_submission", "a@clinic.test", "KS-AAAA-AAAA")]


def test_events_come_50_a_page(app, admin):
    add(app, *[(DAY + timedelta(minutes=n), "export_csv", "a@clinic.test", None) for n in range(120)])
    pages = [admin.get(f"/staff/audit?action=export_csv&page={n}") for n in (1, 2, 3)]
    assert [len(rows(p)) for p in pages] == [50, 50, 20] and "Page 3 of 3" in pages[2].get_data(as_text=True)


def test_next_page_link_keeps_the_filter(app, admin):
    add(app, *[(DAY, "export_csv", "a@clinic.test", None) for _ in range(51)])
    html = admin.get("/staff/audit?action=export_csv").get_data(as_text=True)
    assert 'href="/staff/audit?page=2&amp;action=export_csv"' in html


@pytest.mark.parametrize("query, expected", [
    ("action=print_submission", [("print_submission", "b@clinic.test", "KS-BBBB-BBBB")]),
    ("actor=B@Clinic.test", [("print_submission", "b@clinic.test", "KS-BBBB-BBBB")]),
    ("reference=ks-aaaa-aaaa", [("view_submission", "a@clinic.test", "KS-AAAA-AAAA")]),
    ("from=2025-03-11&to=2025-03-11", [("print_submission", "b@clinic.test", "KS-BBBB-BBBB")]),
    ("to=2025-03-10", [("view_submission", "a@clinic.test", "KS-AAAA-AAAA")]),
])
def test_filters_pick_the_matching_events(app, admin, query, expected):
    add(app, (DAY, "view_submission", "a@clinic.test", "KS-AAAA-AAAA"),
        (DAY + timedelta(days=1), "print_submission", "b@clinic.test", "KS-BBBB-BBBB"))
    assert rows(admin.get(f"/staff/audit?{query}")) == expected


@pytest.mark.parametrize("query, message", [
    ("from=10/03/2025", "Enter the &#39;from&#39; date as a real date, year-month-day"),
    ("to=2025-13-01", "Enter the &#39;to&#39; date as a real date, year-month-day"),
    ("from=2025-03-11&to=2025-03-10", "must be on or before"),
    ("action=delete_everything", "Choose an action from the list"),
    ("page=0", "The page number must be a whole number"),
    ("page=two", "The page number must be a whole number"),
    ("page=" + "9" * 5000, "The page number must be a whole number"),
])
def test_a_bad_filter_is_a_400_with_a_clear_message(admin, query, message):
    response = admin.get(f"/staff/audit?{query}")
    assert response.status_code == 400 and message in response.get_data(as_text=True) and not rows(response)


@pytest.mark.parametrize("page", ["99", "1000000"])
def test_a_page_past_the_end_is_empty(admin, page):
    response = admin.get(f"/staff/audit?page={page}")
    assert response.status_code == 200 and rows(response) == [] and \
        "Go to the first page" in response.get_data(as_text=True)


def test_the_last_possible_date_is_no_500(admin):
    assert admin.get("/staff/audit?from=0001-01-01&to=9999-12-31").status_code == 200


def test_filter_values_are_escaped(admin):
    html = admin.get('/staff/audit?actor="><script>alert(1)</script>').get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


def test_viewing_the_trail_is_recorded(app, admin):
    admin.get("/staff/audit?action=sign_in&page=1")
    with app.app_context():
        event = database.session().scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.actor_email, event.detail) == \
        ("view_audit", "admin@clinic.test", "action=sign_in page=1")


def test_the_trail_offers_no_way_to_change_it(app, admin):
    add(app, (DAY, "view_submission", "a@clinic.test", "KS-AAAA-AAAA"))
    main = admin.get("/staff/audit").get_data(as_text=True).split("<main", 1)[1]
    methods = {m for rule in app.url_map.iter_rules() if rule.rule.startswith("/staff/audit") for m in rule.methods}
    assert 'method="post"' not in main and methods <= {"GET", "HEAD", "OPTIONS"}
