"""The clinicians' pages through HTTP: the list, the submission page (the printed summary), marking reviewed.

Requirement (issue 3): Submissions (list with filters and search; the page with reference, times, rules version
and hash, topics with clinician text, source and answers, every answer by section, notes and signature; mark
reviewed, who and when; staff never edit answers), the audit trail (every view, print and status change) and
bad input (unknown reference 404, forged CSRF 400, tampered page numbers, filters and dates a clear 400).
"""
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from tests.conftest import make_app
from screening.records import database
from screening.questionnaire import QUESTIONNAIRE
from screening.records.models import Submission
from screening.rules.checker import DECISION_WORDS
from screening.records.models import AuditEvent
from screening.catalogue.formats import us_date
from tests.staff.sheets import LONGEST, TYPICAL, store
from tests.staff.test_submission_list import T0, add

REFERENCE_LINK = re.compile(r'href="/staff/submissions/(KS-[0-9A-Z]{4}-[0-9A-Z]{4})"')


@pytest.fixture
def clinician(staff):
    return staff(("clinician",))


def listed(client, **query) -> list[str]:
    response = client.get("/staff/submissions", query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return REFERENCE_LINK.findall(response.get_data(as_text=True))


def events(app, action):
    with app.app_context():
        return database.session().scalars(select(AuditEvent).where(AuditEvent.action == action)
                                          .order_by(AuditEvent.id)).all()


def stored(app, reference) -> Submission:
    with app.app_context():
        return database.session().scalar(select(Submission).where(Submission.reference == reference))


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def set_times(app, reference, **times: datetime) -> None:
    with app.app_context():
        submission = database.session().scalar(select(Submission).where(Submission.reference == reference))
        for name, value in times.items():
            setattr(submission, name, value)
        database.session().commit()


# -- the list -----------------------------------------------------------------------------------------------

def test_list_shows_newest_first(app, clinician):
    old, new = add(app, {"at": T0}, {"at": T0 + timedelta(hours=1)})
    assert listed(clinician) == [new, old]


def test_list_row_shows_reference_time_severity_counts_and_status(app, clinician):
    reference = store(app, TYPICAL)  # raised blood pressure (discuss) and asthma (mention)
    set_times(app, reference, submitted_at=datetime(2026, 12, 3, 14, 5, tzinfo=timezone.utc))
    html = clinician.get("/staff/submissions").get_data(as_text=True)
    row = visible_text(re.search(r"<tr>\s*<th scope=\"row\".*?</tr>", html, re.S).group(0)).split()
    born = us_date(datetime.fromisoformat(TYPICAL["date_of_birth"]))
    assert row == [reference, "Sam", "Rivera", *born.split(), *"Dec 3, 2026 2:05 PM UTC".split(), "Discuss", "0",
                   "1", "1", "New"]


def test_list_table_has_a_caption_and_scoped_headers(app, clinician):
    add(app, {})
    html = clinician.get("/staff/submissions").get_data(as_text=True)
    assert "<caption" in html and html.count('<th scope="col"') == 9 and '<th scope="row"' in html


def test_list_filters_by_status(app, clinician):
    new, reviewed = add(app, {"status": "new"}, {"status": "reviewed"})
    assert listed(clinician, status="reviewed") == [reviewed] and listed(clinician, status="new") == [new]


def test_list_filters_by_highest_severity(app, clinician):
    urgent, nothing = add(app, {"severity": "urgent"}, {"severity": None})
    assert listed(clinician, severity="urgent") == [urgent] and listed(clinician, severity="none") == [nothing]


def test_list_filters_by_date_range_inclusive(app, clinician):
    inside, outside = add(app, {"at": datetime(2026, 3, 31, 23, 59, tzinfo=timezone.utc)},
                          {"at": datetime(2026, 4, 1, 0, 0, tzinfo=timezone.utc)})
    assert listed(clinician, **{"from": "2026-03-01", "to": "2026-03-31"}) == [inside]


def test_list_searches_by_reference_as_typed(app, clinician):
    wanted, _other = add(app, {"reference": "KS-7Q2M-X4KD"}, {"reference": "KS-AAAA-BBBB"})
    assert listed(clinician, reference="7q2m x4kd") == [wanted]


def test_list_search_for_an_unknown_reference_says_so(app, clinician):
    add(app, {})
    html = clinician.get("/staff/submissions?reference=KS-ZZZZ-ZZZZ").get_data(as_text=True)
    assert "No submissions match this filter." in html


def test_list_pages_keep_the_filter(app, clinician):
    add(app, *({"at": T0 + timedelta(minutes=i), "status": "new"} for i in range(30)), {"status": "reviewed"})
    html = clinician.get("/staff/submissions?status=new").get_data(as_text=True)
    assert len(REFERENCE_LINK.findall(html)) == 25 and "page 1 of 2" in html
    assert 'href="/staff/submissions?page=2&amp;status=new"' in html
    assert len(listed(clinician, status="new", page="2")) == 5


def test_list_page_past_the_end_says_there_is_no_such_page(app, clinician):
    add(app, {})
    response = clinician.get("/staff/submissions?page=7")
    assert response.status_code == 200 and "There is no page 7" in response.get_data(as_text=True)


@pytest.mark.parametrize("query, message", [
    ("page=-1", "The page number must be a whole number"),
    ("page=abc", "The page number must be a whole number"),
    ("page=0", "The page number must be a whole number"),
    ("page=99999999999999999999999", "The page number must be a whole number"),
    ("from=2026-13-45", "Enter the &#39;from&#39; date as a real date"),
    ("to=2026-02-30", "Enter the &#39;to&#39; date as a real date"),
    ("from=2026-05-01&to=2026-04-01", "The &#39;from&#39; date must be on or before the &#39;to&#39; date"),
    ("severity=bogus", "Choose a highest severity from the list"),
    ("status=deleted", "Choose a status from the list"),
    ("reference=%3Cscript%3E", "Enter the reference as on the patient&#39;s page"),
])
def test_list_with_tampered_input_is_a_clear_400(app, clinician, query, message):
    add(app, {})
    response = clinician.get(f"/staff/submissions?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "There is a problem with the filter" in html and message in html
    assert "<script>" not in html


def test_list_needs_the_clinician_role(staff):
    for role in ("rules", "admin"):
        assert staff((role,)).get("/staff/submissions").status_code == 403


# -- the submission page ----------------------------------------------------------------------------------------

def test_unknown_reference_is_404(clinician):
    assert clinician.get("/staff/submissions/KS-0000-0000").status_code == 404


def test_submission_page_needs_the_clinician_role(app, staff):
    reference = store(app, TYPICAL)
    assert staff(("rules", "admin")).get(f"/staff/submissions/{reference}").status_code == 403


def test_submission_page_shows_reference_times_and_rules_version_and_hash(app, clinician):
    reference = store(app, TYPICAL)
    set_times(app, reference, started_at=datetime(2026, 12, 3, 0, 5, tzinfo=timezone.utc),
              submitted_at=datetime(2026, 12, 3, 12, 40, tzinfo=timezone.utc))
    submission = stored(app, reference)
    html = clinician.get(f"/staff/submissions/{reference}").get_data(as_text=True)
    assert reference in html and submission.rules_version in html and submission.rules_sha256 in html
    assert "<dt>Submitted</dt><dd>December 3, 2026, 12:40 PM UTC</dd>" in html
    assert "<dt>Started</dt><dd>December 3, 2026, 12:05 AM UTC</dd>" in html


def test_submission_page_shows_each_topic_with_clinician_text_source_and_because(app, clinician):
    reference = store(app, TYPICAL)
    html = clinician.get(f"/staff/submissions/{reference}").get_data(as_text=True)
    for topic in stored(app, reference).topics:
        section = re.search(rf'<section class="topic topic-{topic["severity"]}" aria-labelledby="topic-{topic["id"]}">'
                            r".*?</section>", html, re.S).group(0)
        text = visible_text(section)
        assert topic["title"] in text and topic["source"] in text and "Because:" in text
        assert visible_text(topic["clinician"]).strip() in visible_text(text.replace("&#39;", "'"))
        for because in topic["because"]:
            assert because["label"] in text and because["answer"] in text


def test_submission_page_shows_tiers_in_severity_order(app, clinician):
    html = clinician.get(f"/staff/submissions/{store(app, LONGEST)}").get_data(as_text=True)
    assert html.index('id="tier-urgent"') < html.index('id="tier-discuss"') < html.index('id="tier-mention"')


def test_submission_page_shows_every_clinical_question_once(app, clinician):
    html = clinician.get(f"/staff/submissions/{store(app, TYPICAL)}").get_data(as_text=True)
    clinical = [q for q in QUESTIONNAIRE.catalogue.asked if not q.identity]
    assert [html.count(f'id="answer-{q.id}"') for q in clinical] == [1] * len(clinical)


def test_submission_page_gives_who_the_patient_is_at_the_top(app, clinician):
    reference = store(app, {**TYPICAL, "first_name": "Ana", "last_name": "Díaz-López", "date_of_birth": "1990-04-02"})
    text = visible_text(clinician.get(f"/staff/submissions/{reference}").get_data(as_text=True))
    head = text[:text.index("Topics to discuss")]
    assert "Ana" in head and "Díaz-López" in head and "April 2, 1990" in head and reference in head


def answer_cell(html: str, question_id: str) -> str:
    """The answer as the page gives it: its row's answer, or the lead of the condensed line that names it."""
    row = re.search(rf'<div [^>]*id="answer-{question_id}">(?:(?!</div>).)*?<dd>(.*?)</dd>', html, re.S)
    if row:
        return visible_text(row.group(1)).strip()
    line = re.search(rf'<span class="condensed-lead">([^<]*):</span>(?:(?!</p>).)*id="answer-{question_id}"', html,
                     re.S)
    return line.group(1).strip()


def test_submission_page_shows_not_asked_prefer_not_to_say_and_dont_know(app, clinician):
    reference = store(app, {**TYPICAL, "drugs_past_year": "prefer_not_to_say", "angina": "dont_know"})
    html = clinician.get(f"/staff/submissions/{reference}").get_data(as_text=True)
    assert answer_cell(html, "heart_attack_when") == "Not asked"
    assert answer_cell(html, "drugs_past_year") == "Prefer not to say"
    assert answer_cell(html, "angina") == "I don&#39;t know"
    assert answer_cell(html, "bp_systolic") == "150 mmHg"


def test_submission_page_has_room_for_notes_and_signature(app, clinician):
    html = clinician.get(f"/staff/submissions/{store(app, TYPICAL)}").get_data(as_text=True)
    assert "Clinician's notes" in html and 'class="note-lines"' in html and "<dt>Signature</dt>" in html


def test_submission_page_never_uses_decision_wording(app, clinician):
    for answers in (TYPICAL, LONGEST):
        html = clinician.get(f"/staff/submissions/{store(app, answers)}").get_data(as_text=True)
        assert DECISION_WORDS.search(visible_text(html)) is None
    assert DECISION_WORDS.search(visible_text(clinician.get("/staff/submissions").get_data(as_text=True))) is None


def test_viewing_is_recorded(app, clinician):
    reference = store(app, TYPICAL)
    clinician.get(f"/staff/submissions/{reference}")
    (event,) = events(app, "view_submission")
    assert (event.submission_reference, event.actor_email) == (reference, clinician.staff_email)
    assert events(app, "print_submission") == []


def test_print_button_is_a_link_to_the_print_view(app, clinician):
    reference = store(app, TYPICAL)
    html = clinician.get(f"/staff/submissions/{reference}").get_data(as_text=True)
    assert f'href="/staff/submissions/{reference}?print=1"' in html
    assert not re.search(r"/static/print\.[0-9a-f]{12}\.js", html)


def test_printing_is_recorded_and_opens_the_print_dialog(app, clinician):
    reference = store(app, TYPICAL)
    html = clinician.get(f"/staff/submissions/{reference}?print=1").get_data(as_text=True)
    assert re.search(r'<script src="/static/print\.[0-9a-f]{12}\.js" defer></script>', html)
    (event,) = events(app, "print_submission")
    assert (event.submission_reference, event.actor_email) == (reference, clinician.staff_email)
    assert "window.print()" in clinician.get("/static/print.js").get_data(as_text=True)


def test_viewing_an_unknown_reference_records_nothing(app, clinician):
    clinician.get("/staff/submissions/KS-0000-0000")
    assert events(app, "view_submission") == []


# -- marking reviewed ------------------------------------------------------------------------------------------

def test_mark_reviewed_stores_who_and_when(app, clinician):
    reference = store(app, TYPICAL)
    before = datetime.now(timezone.utc)
    response = clinician.post(f"/staff/submissions/{reference}/review")
    submission = stored(app, reference)
    assert response.status_code == 303 and response.location == "/staff/submissions"
    assert (submission.status, submission.reviewed_by) == ("reviewed", clinician.staff_email)
    assert before - timedelta(seconds=1) <= submission.reviewed_at.replace(tzinfo=timezone.utc) \
        <= datetime.now(timezone.utc)


def test_mark_reviewed_is_recorded(app, clinician):
    reference = store(app, TYPICAL)
    clinician.post(f"/staff/submissions/{reference}/review")
    (event,) = events(app, "mark_reviewed")
    assert (event.submission_reference, event.actor_email) == (reference, clinician.staff_email)


def test_mark_reviewed_twice_keeps_the_first_reviewer_and_records_once(app, staff):
    reference = store(app, TYPICAL)
    first, second = staff(("clinician",)), staff(("clinician",))
    first.post(f"/staff/submissions/{reference}/review")
    when = stored(app, reference).reviewed_at
    response = second.post(f"/staff/submissions/{reference}/review")
    assert response.status_code == 303
    assert (stored(app, reference).reviewed_by, stored(app, reference).reviewed_at) == (first.staff_email, when)
    assert len(events(app, "mark_reviewed")) == 1
    notice = second.get("/staff/submissions").get_data(as_text=True)
    assert f"already marked as reviewed by {first.staff_email}" in notice


def test_reviewed_submission_shows_who_and_when_and_no_button(app, clinician):
    reference = store(app, TYPICAL)
    clinician.post(f"/staff/submissions/{reference}/review")
    html = clinician.get(f"/staff/submissions/{reference}").get_data(as_text=True)
    assert f"Reviewed by {clinician.staff_email} on " in html and "Mark as reviewed" not in html


def test_mark_reviewed_of_an_unknown_reference_is_404(clinician):
    assert clinician.post("/staff/submissions/KS-0000-0000/review").status_code == 404


def test_mark_reviewed_needs_the_clinician_role(app, staff):
    reference = store(app, TYPICAL)
    assert staff(("rules", "admin")).post(f"/staff/submissions/{reference}/review").status_code == 403
    assert stored(app, reference).status == "new"


@pytest.fixture
def guarded(tmp_path):
    """The app with CSRF protection on, as in production."""
    return make_app({"TESTING": True, "SECRET_KEY": "k", "DATABASE_URL": f"sqlite:///{tmp_path / 'g.sqlite3'}"},
                      instance_path=str(tmp_path / "instance"))


def test_mark_reviewed_without_a_csrf_token_is_refused(guarded):
    from tests.conftest import StaffAuth

    reference, client = store(guarded, TYPICAL), StaffAuth(guarded)(("clinician",))
    for data in ({}, {"csrf_token": "forged"}):
        assert client.post(f"/staff/submissions/{reference}/review", data=data).status_code == 400
    assert stored(guarded, reference).status == "new"


def test_mark_reviewed_with_the_pages_csrf_token_works(guarded):
    from tests.conftest import StaffAuth

    reference, client = store(guarded, TYPICAL), StaffAuth(guarded)(("clinician",))
    html = client.get(f"/staff/submissions/{reference}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html.split("Mark as reviewed")[0].rsplit("<form", 1)[1])
    response = client.post(f"/staff/submissions/{reference}/review", data={"csrf_token": token.group(1)})
    assert response.status_code == 303 and stored(guarded, reference).status == "reviewed"


# -- answers can never be changed by staff ------------------------------------------------------------------------

def test_no_staff_route_can_change_a_submission(app):
    writes = [(rule.rule, sorted(rule.methods - {"GET", "HEAD", "OPTIONS"})) for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/staff/submissions") and rule.methods - {"GET", "HEAD", "OPTIONS"}]
    # Acknowledging an urgent alert and marking reviewed record who and when; neither touches the answers.
    assert sorted(writes) == [("/staff/submissions/<reference>/acknowledge", ["POST"]),
                              ("/staff/submissions/<reference>/review", ["POST"])]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_submission_page_refuses_every_writing_method(app, clinician, method):
    reference = store(app, TYPICAL)
    answers = stored(app, reference).answers
    assert clinician.open(f"/staff/submissions/{reference}", method=method, data={"age": "99"}).status_code == 405
    assert stored(app, reference).answers == answers


# -- links to the exports -------------------------------------------------------------------------------------------

def test_list_links_to_the_csv_export_of_the_same_filter(app, clinician):
    add(app, {"status": "new"})
    html = clinician.get("/staff/submissions?status=new&reference=").get_data(as_text=True)
    assert 'href="/staff/submissions/export.csv?status=new"' in html


def test_submission_page_links_to_its_fhir_export(app, clinician):
    reference = store(app, TYPICAL)
    html = clinician.get(f"/staff/submissions/{reference}").get_data(as_text=True)
    assert f'href="/staff/submissions/{reference}/fhir"' in html
