"""A clear ending: after Send, every way back leads to the sent page, never to "start again" wording.

Requirement (issue 7, "A clear ending", and "Bad input"): Back, the start page and the resume code lead to
"Your answers were sent on <date>" with the reference and a link to the summary; starting a new questionnaire
asks for confirmation, and a forged start without it changes nothing; a sent questionnaire's resume code opens
its summary read-only until the draft would have expired, never its answers for editing; an expired or purged
one says so plainly.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from screening.clock import utcnow
from screening.records import database
from screening.records.models import Draft, Submission


def sent(patient) -> str:
    """Complete and send; the resume code the patient was shown."""
    patient.complete()
    code = patient.resume_code()
    assert patient.send().status_code == 303
    return code


def text(response) -> str:
    return response.get_data(as_text=True)


def count(app, model) -> int:
    with app.app_context():
        return database.session().scalar(select(func.count()).select_from(model))


def test_send_leads_to_the_summary(patient):
    patient.complete()
    assert patient.send().location == "/summary"


def test_back_to_a_step_after_send_leads_to_the_sent_page(patient):
    sent(patient)
    assert patient.client.get("/step/heart").location == "/sent"


def test_back_to_the_check_page_after_send_leads_to_the_sent_page(patient):
    sent(patient)
    assert patient.client.get("/check").location == "/sent"


def test_the_start_page_after_send_leads_to_the_sent_page(patient):
    sent(patient)
    assert patient.client.get("/").location == "/sent"


def test_send_pressed_twice_leads_to_the_sent_page_and_stores_one_submission(app, patient):
    sent(patient)
    assert patient.send().location == "/sent" and count(app, Submission) == 1


def test_the_sent_page_gives_the_date_the_reference_and_the_summary(app, patient):
    sent(patient)
    html = text(patient.client.get("/sent"))
    with app.app_context():
        submission = database.session().scalars(select(Submission)).one()
    assert f"Your answers were sent on {submission.submitted_at:%B} {submission.submitted_at.day}, " in html
    assert submission.reference in html and 'href="/summary"' in html
    assert "start again" not in html.lower() and "could not find" not in html.lower()


def test_starting_again_after_send_asks_for_confirmation_first(patient):
    sent(patient)
    html = text(patient.client.get("/start-again"))
    assert "Start a new questionnaire?" in html and "Your sent answers stay with the clinic" in html


def test_a_start_without_confirmation_after_send_changes_nothing(app, patient):
    sent(patient)
    response = patient.client.post("/start")
    assert response.status_code == 200 and "Start a new questionnaire?" in text(response)
    assert count(app, Draft) == 0 and patient.client.get("/").location == "/sent"


def test_a_confirmed_start_after_send_opens_a_new_questionnaire(app, patient):
    sent(patient)
    assert patient.client.post("/start", data={"confirm": "yes"}).location == "/step/your-details"
    assert count(app, Draft) == 1


def resumed(app, code: str):
    """The code typed on the resume page of another browser."""
    other = app.test_client()
    return other, other.post("/resume", data={"code": code})


def test_the_resume_code_of_a_sent_questionnaire_opens_the_sent_page(app, patient):
    code = sent(patient)
    other, response = resumed(app, code)
    assert response.location == "/sent" and "Your answers were sent on" in text(other.get("/sent"))


def test_the_resume_code_of_a_sent_questionnaire_never_reopens_editing(app, patient):
    code = sent(patient)
    other, _ = resumed(app, code)
    assert other.get("/step/heart").location == "/sent" and other.get("/check").location == "/sent"
    assert count(app, Draft) == 0


def test_a_lapsed_resume_code_of_a_sent_questionnaire_says_the_clinic_has_the_answers(app, patient):
    code = sent(patient)
    with app.app_context():
        database.session().execute(update(Submission).values(resume_until=utcnow() - timedelta(days=1)))
        database.session().commit()
    _, response = resumed(app, code)
    assert response.status_code == 410 and "were sent to your clinic" in text(response)


def test_the_resume_code_of_a_purged_questionnaire_says_it_may_have_been_deleted(app, patient, runner):
    code = sent(patient)
    with app.app_context():
        database.session().execute(update(Submission).values(submitted_at=utcnow() - timedelta(days=400)))
        database.session().commit()
    runner.invoke(args=["purge", "--older-than", "365"])
    _, response = resumed(app, code)
    assert response.status_code == 404 and "may have been deleted" in text(response)


def test_send_pressed_twice_at_once_stores_one_submission_and_both_get_it(app, patient):
    from screening.records import submissions

    patient.complete()
    with app.app_context():
        first_db, second_db = app.extensions["screening.sessionmaker"](), app.extensions["screening.sessionmaker"]()
        rules = app.extensions["screening.rules"].current
        # Both requests have read the draft before either stores anything.
        first_draft, second_draft = first_db.scalars(select(Draft)).one(), second_db.scalars(select(Draft)).one()
        first = submissions.submit(first_db, first_draft, rules)
        second = submissions.submit(second_db, second_draft, rules)
        assert second is not None and second.reference == first.reference
        first_db.close()
        second_db.close()
    assert count(app, Submission) == 1


def test_a_sent_code_typed_beside_a_questionnaire_in_progress_keeps_it(app, patient):
    code = sent(patient)
    patient.start()  # a second questionnaire, in progress in the same browser
    assert patient.client.post("/resume", data={"code": code}).location == "/sent"
    assert patient.client.get("/step/your-details").status_code == 200
