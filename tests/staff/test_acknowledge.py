"""Urgent submissions not yet reviewed, pinned at the top of the submissions list, and "Acknowledge".

Requirement (issue 9, "In the staff area"): unreviewed submissions with an urgent topic are pinned at the top of
the submissions list with how long ago they came, and an "Acknowledge" action (who and when, audited) separate
from "Mark reviewed". The pinned query reads an index, however many submissions there are; acknowledging is
set once (a second says so and changes nothing), needs the clinician role and a CSRF token.
"""
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text

from screening.clock import utcnow
from screening.records import database
from screening.records.models import Alert, RulesVersion, Submission
from screening.staff.submission_list import pinned, pinned_query
from screening.staff.submission_views import PINNED_LIMIT
from tests.conftest import StaffAuth, audit_events, make_app

REFERENCE_LINK = re.compile(r'href="/staff/submissions/(KS-[0-9A-Z]{4}-[0-9A-Z]{4})"')


def add(app, *specs: dict) -> list[str]:
    """Submissions straight to the table: {'ago': timedelta, 'status', 'urgent' (count), 'severity', 'first_name',
    'last_name', 'acknowledged_by', 'acknowledged_at'}; returns their references in the order given."""
    with app.app_context():
        db = database.session()
        if db.get(RulesVersion, "0" * 64) is None:
            db.add(RulesVersion(sha256="0" * 64, label="test", text="version: test"))
        references = []
        for spec in specs:
            number = db.query(Submission).count() + 1
            reference = f"KS-{number:04d}-ACKN"
            at = utcnow() - spec.get("ago", timedelta(minutes=5))
            urgent = spec.get("urgent", 1)
            db.add(Submission(reference=reference, submitted_at=at, started_at=at, answers={}, topics=[],
                              rules_version="test", rules_sha256="0" * 64,
                              highest_severity=spec.get("severity", "urgent" if urgent else None),
                              urgent_count=urgent, status=spec.get("status", "new"),
                              first_name=spec.get("first_name", "Ana"), last_name=spec.get("last_name", f"P{number}"),
                              acknowledged_by=spec.get("acknowledged_by"),
                              acknowledged_at=spec.get("acknowledged_at")))
            db.flush()
            references.append(reference)
        db.commit()
        return references


def stored(app, reference) -> Submission:
    with app.app_context():
        return database.session().scalar(select(Submission).where(Submission.reference == reference))


def pinned_part(html: str) -> str:
    """The pinned table's section of the list page ('' when there is none)."""
    found = re.search(r'<section class="[^"]*pinned-urgent.*?</section>', html, re.S)
    return found.group(0) if found else ""


def pinned_rows(html: str) -> list[str]:
    """Each pinned row's text as a reader sees it."""
    rows = re.findall(r'<div class="summary-row">.*?</dd>\s*</div>', pinned_part(html), re.S)
    return [re.sub(r" ([;,.)])", r"\1", re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row.replace("<wbr>", "")))).strip()
            for row in rows]


@pytest.fixture
def clinician(staff):
    return staff(("clinician",), email="cara@clinic.test")


# -- the pinned query ------------------------------------------------------------------------------------------

def test_pinned_are_the_new_urgent_submissions_newest_first(app):
    old, reviewed, not_urgent, new, discuss_only, acknowledged = add(
        app, {"ago": timedelta(days=2)}, {"status": "reviewed"}, {"urgent": 0}, {"ago": timedelta(minutes=1)},
        {"urgent": 0, "severity": "discuss"},
        {"ago": timedelta(hours=3), "acknowledged_by": "x@clinic.test", "acknowledged_at": utcnow()})
    with app.app_context():
        rows = pinned(database.session(), 10)
    # Acknowledged ones stay pinned until reviewed: acknowledging says someone has it, not that it is done.
    assert [row.reference for row in rows] == [new, acknowledged, old]
    assert rows[1].acknowledged_by == "x@clinic.test" and rows[0].acknowledged_at is None
    assert rows[0].name == "Ana P4" and rows[0].urgent_count == 1


def test_pinned_reads_at_most_the_limit(app):
    add(app, *({"ago": timedelta(minutes=n)} for n in range(1, 6)))
    with app.app_context():
        assert len(pinned(database.session(), 3)) == 3


def test_pinned_query_reads_the_status_and_severity_index_newest_first_and_never_sorts(app):
    with app.app_context():
        db = database.session()
        sql = pinned_query(11).compile(db.get_bind(), compile_kwargs={"literal_binds": True})
        plan = [row[-1] for row in db.execute(text(f"EXPLAIN QUERY PLAN {sql}"))]
    assert plan == ["SEARCH submission USING INDEX ix_submission_status_severity_submitted "
                    "(status=? AND highest_severity=?)"], plan


def test_pinned_and_acknowledge_work_on_postgresql(postgres_url, tmp_path):
    app = make_app({"TESTING": True, "SECRET_KEY": "k", "WTF_CSRF_ENABLED": False, "DATABASE_URL": postgres_url},
                   instance_path=str(tmp_path / "instance"))
    old, _reviewed, _calm, new = add(app, {"ago": timedelta(days=1)}, {"status": "reviewed"}, {"urgent": 0}, {})
    with app.app_context():
        db = database.session()
        assert [row.reference for row in pinned(db, 10)] == [new, old]
        db.execute(text("SET enable_seqscan = off"))  # a tiny test table would rightly be read whole
        sql = pinned_query(11).compile(db.get_bind(), compile_kwargs={"literal_binds": True})
        plan = "\n".join(row[0] for row in db.execute(text(f"EXPLAIN {sql}")))
        # Newest first from an index on status (with severity, or alone on a table this small), never sorted.
        assert "Index Scan Backward using ix_submission_status_" in plan, plan
        assert "Sort" not in plan and "Seq Scan" not in plan, plan
    client = StaffAuth(app)(("clinician",))
    assert client.post(f"/staff/submissions/{old}/acknowledge").status_code == 303
    assert client.post(f"/staff/submissions/{old}/acknowledge").status_code == 303
    assert stored(app, old).acknowledged_by == client.staff_email
    assert len(audit_events(app, "acknowledge_alert")) == 1


# -- the list page -------------------------------------------------------------------------------------------

def test_list_pins_urgent_unreviewed_with_how_long_ago_and_who_acknowledged(app, clinician):
    calm, acknowledged, fresh = add(
        app, {"urgent": 0, "first_name": "Calm"},
        {"ago": timedelta(hours=3, minutes=10), "first_name": "Bo", "last_name": "Lind",
         "acknowledged_by": "ann@clinic.test", "acknowledged_at": utcnow() - timedelta(hours=2)},
        {"ago": timedelta(minutes=12, seconds=5), "first_name": "Ana", "last_name": "Díaz"})
    html = clinician.get("/staff/submissions").get_data(as_text=True)
    part = pinned_part(html)
    assert "Urgent, not reviewed" in part and calm not in part
    fresh_row, acknowledged_row = pinned_rows(html)
    assert re.fullmatch(rf"{fresh} Ana Díaz Came 12 minutes ago \(\w+ \d+, \d{{4}} \d+:\d\d [AP]M UTC\); "
                        rf"1 urgent topic Acknowledge {fresh}", fresh_row), fresh_row
    assert acknowledged_row.startswith(f"{acknowledged} Bo Lind Came 3 hours ago (")
    assert acknowledged_row.endswith("; 1 urgent topic Acknowledged by ann@clinic.test, 2 hours ago")
    # The pinned table comes before the search form and the list.
    assert html.index("Urgent, not reviewed") < html.index("Find a patient") < html.index("submissions-table")


def test_list_without_urgent_unreviewed_pins_nothing(app, clinician):
    add(app, {"urgent": 0}, {"status": "reviewed"})
    html = clinician.get("/staff/submissions").get_data(as_text=True)
    assert pinned_part(html) == "" and "Urgent, not reviewed" not in html and "pinned-notice" not in html


def test_list_pins_the_newest_few_and_links_to_all_of_them(app, clinician):
    references = add(app, *({"ago": timedelta(minutes=n)} for n in range(1, PINNED_LIMIT + 3)))
    html = clinician.get("/staff/submissions").get_data(as_text=True)
    assert [row.split()[0] for row in pinned_rows(html)] == references[:PINNED_LIMIT]
    assert f"Showing the {PINNED_LIMIT} newest." in pinned_part(html)
    assert 'href="/staff/submissions?status=new&amp;severity=urgent"' in pinned_part(html)


def test_a_filtered_list_or_a_later_page_says_in_one_line_that_urgent_ones_wait(app, clinician):
    add(app, {}, {"urgent": 0})
    for query in ({"status": "reviewed"}, {"q": "Ana"}, {"page": "2"}, {"status": "bogus"}):
        html = clinician.get("/staff/submissions", query_string=query).get_data(as_text=True)
        assert pinned_part(html) == "", query
        notice = re.search(r'<p class="notice pinned-notice">(.*?)</p>', html, re.S).group(1)
        assert re.sub(r"\s+|<[^>]+>", " ", notice).split() == \
            "1 urgent submission not reviewed yet. See it at the top of the list".split(), query


# -- acknowledging ------------------------------------------------------------------------------------------

def test_acknowledge_sets_who_and_when_once_and_is_audited(app, clinician):
    reference, = add(app, {})
    before = utcnow()
    response = clinician.post(f"/staff/submissions/{reference}/acknowledge", data={"back": "list"})
    assert response.status_code == 303 and response.location == "/staff/submissions"
    done = stored(app, reference)
    assert done.acknowledged_by == "cara@clinic.test"
    assert before - timedelta(seconds=1) <= done.acknowledged_at.replace(tzinfo=timezone.utc) <= utcnow()
    assert done.status == "new" and done.reviewed_by is None  # not the same as reviewed
    page = clinician.get("/staff/submissions").get_data(as_text=True)
    assert f"You acknowledged {reference}." in page
    assert pinned_rows(page)[0].endswith("Acknowledged by cara@clinic.test, just now")
    [event] = audit_events(app, "acknowledge_alert")
    assert (event.actor_email, event.submission_reference) == ("cara@clinic.test", reference)


def test_a_second_acknowledge_changes_nothing_and_says_who_was_first(app, clinician, staff):
    first_time = datetime(2026, 3, 10, 9, 30, tzinfo=timezone.utc)
    reference, = add(app, {"acknowledged_by": "first@clinic.test", "acknowledged_at": first_time})
    response = clinician.post(f"/staff/submissions/{reference}/acknowledge", follow_redirects=True)
    assert (f"{reference} was already acknowledged by first@clinic.test on March 10, 2026, 9:30 AM UTC. "
            "Nothing changed.") in response.get_data(as_text=True)
    again = stored(app, reference)
    assert again.acknowledged_by == "first@clinic.test"
    assert again.acknowledged_at.replace(tzinfo=timezone.utc) == first_time
    assert audit_events(app, "acknowledge_alert") == []


def test_two_clinicians_acknowledging_keep_the_first(app, clinician, staff):
    reference, = add(app, {})
    other = staff(("clinician",), email="dev@clinic.test")
    clinician.post(f"/staff/submissions/{reference}/acknowledge")
    other.post(f"/staff/submissions/{reference}/acknowledge")
    assert stored(app, reference).acknowledged_by == "cara@clinic.test"
    assert [e.actor_email for e in audit_events(app, "acknowledge_alert")] == ["cara@clinic.test"]


def test_nothing_to_acknowledge_without_an_urgent_topic_or_an_alert(app, clinician):
    calm, alerted = add(app, {"urgent": 0}, {"urgent": 0, "severity": "discuss"})
    with app.app_context():  # a rule may alert without being urgent
        database.session().add(Alert(kind="sent", submission_reference=alerted, urgent_count=0))
        database.session().commit()
    response = clinician.post(f"/staff/submissions/{calm}/acknowledge", follow_redirects=True)
    assert "has no urgent topic and no alert, so there is nothing to acknowledge" in response.get_data(as_text=True)
    assert stored(app, calm).acknowledged_at is None and audit_events(app, "acknowledge_alert") == []
    clinician.post(f"/staff/submissions/{alerted}/acknowledge")
    assert stored(app, alerted).acknowledged_by == "cara@clinic.test"


def test_acknowledging_an_unknown_reference_is_404(clinician):
    assert clinician.post("/staff/submissions/KS-0000-NONE/acknowledge").status_code == 404


@pytest.mark.parametrize("roles", [("admin",), ("rules",), ("admin", "rules")])
def test_acknowledge_needs_the_clinician_role(app, staff, roles):
    reference, = add(app, {})
    assert staff(roles).post(f"/staff/submissions/{reference}/acknowledge").status_code == 403
    assert stored(app, reference).acknowledged_at is None


def test_acknowledge_signed_out_goes_to_sign_in(app, client):
    reference, = add(app, {})
    response = client.post(f"/staff/submissions/{reference}/acknowledge")
    assert response.status_code == 303 and response.location.startswith("/staff/sign-in")
    assert stored(app, reference).acknowledged_at is None


@pytest.fixture
def guarded(tmp_path):
    """CSRF on, as in production (the `app` fixture turns it off)."""
    return make_app({"TESTING": True, "SECRET_KEY": "k", "DATABASE_URL": f"sqlite:///{tmp_path / 'g.sqlite3'}"},
                    instance_path=str(tmp_path / "instance"))


def test_acknowledge_without_a_csrf_token_is_refused(guarded):
    reference, = add(guarded, {})
    client = StaffAuth(guarded)(("clinician",))
    for data in ({}, {"csrf_token": "forged"}):
        response = client.post(f"/staff/submissions/{reference}/acknowledge", data=data)
        assert response.status_code == 400 and "Your page timed out" in response.get_data(as_text=True)
    assert stored(guarded, reference).acknowledged_at is None


def test_acknowledge_with_the_token_from_the_list_works(guarded):
    reference, = add(guarded, {})
    client = StaffAuth(guarded)(("clinician",))
    form = pinned_part(client.get("/staff/submissions").get_data(as_text=True))
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    response = client.post(f"/staff/submissions/{reference}/acknowledge", data={"csrf_token": token, "back": "list"})
    assert response.status_code == 303 and stored(guarded, reference).acknowledged_at is not None


# -- on the submission's page, screen only ----------------------------------------------------------------------

def acknowledge_block(html: str) -> tuple[str, str]:
    """The status line and the form, each '' when absent."""
    line = re.search(r'<div class="screen-only" id="acknowledged">.*?</div>', html, re.S)
    form = re.search(r'<form class="screen-only"[^>]*/acknowledge">.*?</form>', html, re.S)
    return (line.group(0) if line else "", form.group(0) if form else "")


def test_submission_page_offers_acknowledge_apart_from_mark_as_reviewed(app, clinician):
    reference, = add(app, {})
    html = clinician.get(f"/staff/submissions/{reference}").get_data(as_text=True)
    line, form = acknowledge_block(html)
    assert "Urgent alert" in line and "Not acknowledged yet" in line
    assert "Acknowledge alert" in form and 'name="back" value="submission"' in form
    assert "Mark as reviewed" in html and "Mark as reviewed" not in form
    response = clinician.post(f"/staff/submissions/{reference}/acknowledge", data={"back": "submission"})
    assert response.location == f"/staff/submissions/{reference}"
    html = clinician.get(response.location).get_data(as_text=True)
    line, form = acknowledge_block(html)
    assert re.search(r"Acknowledged by cara@clinic.test on \w+ \d+, \d{4}, \d+:\d\d [AP]M UTC", line) and form == ""
    assert "Mark as reviewed" in html and stored(app, reference).status == "new"


def test_marking_reviewed_does_not_acknowledge_and_takes_it_off_the_pinned_table(app, clinician):
    reference, = add(app, {})
    clinician.post(f"/staff/submissions/{reference}/review")
    assert stored(app, reference).acknowledged_at is None
    assert pinned_part(clinician.get("/staff/submissions").get_data(as_text=True)) == ""


def test_submission_page_without_urgent_topic_has_no_acknowledge(app, clinician):
    reference, = add(app, {"urgent": 0})
    assert acknowledge_block(clinician.get(f"/staff/submissions/{reference}").get_data(as_text=True)) == ("", "")
