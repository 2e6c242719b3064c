"""A patient opens the clinic's personal link, confirms their date of birth and carries on.

Requirement (issue 8, "Clinic invitations", items 2 to 4): GET /invite?t=TOKEN keeps only the token's sha256
in the cookie and sends the browser to /invite (303), so the token leaves the address bar; an unknown link is a
404 page, an expired, revoked, replaced or completed one a 410 page, each saying what to do and nothing about
the patient. /invite asks for the date of birth and nothing else; a wrong one is a 400 with "The date of birth
does not match the one the clinic gave us" and an `invitation_dob_wrong` event (no actor, the invitation id
only); past 5 tries a day for the link, or the address's hourly tries, a 429 and `invitation_dob_locked`. The
right one opens (or carries on) the questionnaire with the clinic's identity answers locked. No name, date of
birth or token in any log line. SCREENING_OPEN_INTAKE=false: no Start button, POST /start is a 403 unless a
questionnaire is in progress, and invitations still work. The whole path, from `invitations create` to the
submission tied to its invitation, and the link saying "already sent" afterwards.
"""
import logging
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from screening.clock import utcnow
from screening.questionnaire import QUESTIONNAIRE
from screening.records import database, invitations
from screening.records.models import Draft, Invitation, Submission
from screening.settings import ConfigError
from tests.conftest import HEALTHY, Patient, make_app
from tests.conftest import audit_events as events

BORN = date(1990, 4, 2)
RIGHT = {"date_of_birth-month": "4", "date_of_birth-day": "2", "date_of_birth-year": "1990"}
WRONG = {"date_of_birth-month": "2", "date_of_birth-day": "4", "date_of_birth-year": "1990"}
MISMATCH = "The date of birth does not match the one the clinic gave us"


def text(response):
    return response.get_data(as_text=True)


def invite(app, days=14, now=None, **details):
    """A new invitation for Ana Diaz; returns its token and id."""
    with app.app_context():
        db = database.session()
        invitation, token = invitations.create(db, days=days, now=now, **{
            "first_name": "Ana", "last_name": "Diaz", "date_of_birth": BORN, "record_number": "MRN-77", **details})
        db.commit()
        return token, invitation.id


def invitation(app, invitation_id):
    with app.app_context():
        return database.session().get(Invitation, invitation_id)


def confirmed(client, token, dob=RIGHT):
    client.get(f"/invite?t={token}")
    return client.post("/invite", data=dob)


def shows_no_patient(html):
    return not any(s in html for s in ("Ana", "Diaz", "MRN-77", "1990-04-02", "4/2/1990", "April 2"))


# -- opening the link ----------------------------------------------------------------------------------------

def test_a_working_link_sends_the_browser_to_invite_without_the_token(app, client):
    token, _ = invite(app)
    response = client.get(f"/invite?t={token}")
    assert (response.status_code, response.location) == (303, "/invite") and token not in response.location


def test_the_cookie_holds_the_tokens_sha256_not_the_token(app, client):
    token, _ = invite(app)
    client.get(f"/invite?t={token}")
    with client.session_transaction() as session:
        assert session["invitation"] == invitations.token_hash(token) and token not in session.values()


def test_opening_the_link_is_not_confirming_it(app, client):
    token, invitation_id = invite(app)
    client.get(f"/invite?t={token}")
    assert invitation(app, invitation_id).opened_at is None


def test_an_unknown_link_is_a_404_page_saying_what_to_do(app, client):
    invite(app)
    response = client.get("/invite?t=" + "x" * 43)
    assert response.status_code == 404 and "We could not find this link" in text(response) and \
        "ask for a new link" in text(response)


@pytest.mark.parametrize("token", ["x", "a" * 500, "%00", "..%2F..%2Fetc"])
def test_a_link_that_cannot_be_a_token_is_a_404_page(client, token):
    assert client.get(f"/invite?t={token}").status_code == 404


def expire(app, token, invitation_id):
    with app.app_context():
        db = database.session()
        db.get(Invitation, invitation_id).expires_at = utcnow() - timedelta(seconds=1)
        db.commit()


def revoke(app, token, invitation_id):
    with app.app_context():
        db = database.session()
        invitations.revoke(db, db.get(Invitation, invitation_id))
        db.commit()


def replace(app, token, invitation_id):
    renew(app, invitation_id)


def renew(app, invitation_id):
    """A new link in place of invitation_id, as the staff page's "New link" makes it; returns its token and id."""
    with app.app_context():
        db = database.session()
        new, token = invitations.renew(db, db.get(Invitation, invitation_id), 14)
        db.commit()
        return token, new.id


def complete(app, token, invitation_id):
    with app.app_context():
        db = database.session()
        db.get(Invitation, invitation_id).completed_at = utcnow()
        db.commit()


GONE = [(expire, "This link has expired"), (revoke, "This link no longer works"),
        (replace, "This link has been replaced"), (complete, "Your answers were already sent")]


@pytest.mark.parametrize("make_gone, title", GONE)
def test_a_link_that_no_longer_works_is_a_410_page_saying_why(app, client, make_gone, title):
    token, invitation_id = invite(app)
    make_gone(app, token, invitation_id)
    response = client.get(f"/invite?t={token}")
    assert response.status_code == 410 and title in text(response) and "contact your clinic" in text(response).lower()


@pytest.mark.parametrize("make_gone, title", GONE + [(None, "We could not find this link")])
def test_a_link_that_cannot_be_used_shows_nothing_about_the_patient(app, client, make_gone, title):
    token, invitation_id = invite(app)
    if make_gone:
        make_gone(app, token, invitation_id)
    html = text(client.get(f"/invite?t={token}" if make_gone else "/invite?t=" + "y" * 43))
    assert title in html and shows_no_patient(html)


def test_the_pages_name_the_clinic_when_it_is_set(app, client):
    app.config["CLINIC_NAME"] = "Lakeside Clinic"
    token, invitation_id = invite(app)
    expire(app, token, invitation_id)
    assert "Contact Lakeside Clinic and ask for a new link" in text(client.get(f"/invite?t={token}"))


# -- confirming the date of birth ----------------------------------------------------------------------------

def test_the_confirm_page_asks_only_for_the_date_of_birth(app, client):
    token, _ = invite(app)
    client.get(f"/invite?t={token}")
    html = text(client.get("/invite"))
    inputs = set(re.findall(r'<input[^>]* name="([^"]+)"', html))
    assert "Confirm your date of birth" in html and shows_no_patient(html) and \
        inputs == {"csrf_token", "date_of_birth-month", "date_of_birth-day", "date_of_birth-year"}


def test_the_confirm_page_without_a_link_says_to_open_it(client):
    response = client.get("/invite")
    assert response.status_code == 400 and "open the personal link" in text(response)


def test_going_back_to_the_confirm_page_after_confirming_carries_on(app, client):
    token, _ = invite(app)
    confirmed(client, token)
    assert client.get("/invite").location == "/step/your-details"


def test_a_post_without_a_link_changes_nothing(app, client):
    assert client.post("/invite", data=RIGHT).status_code == 400 and events(app) == []


def test_the_right_date_of_birth_opens_the_first_step(app, client):
    token, _ = invite(app)
    assert confirmed(client, token).location == "/step/your-details"


def test_the_right_date_of_birth_marks_the_invitation_opened(app, client):
    token, invitation_id = invite(app)
    confirmed(client, token)
    assert invitation(app, invitation_id).opened_at is not None


def test_the_right_date_of_birth_makes_a_draft_with_the_clinics_answers(app, client):
    token, invitation_id = invite(app)
    confirmed(client, token)
    with app.app_context():
        draft = database.session().scalars(select(Draft)).one()
    assert draft.invitation_id == invitation_id and draft.answers == {
        "first_name": "Ana", "last_name": "Diaz", "date_of_birth": "1990-04-02", "record_number": "MRN-77"}


def test_the_cookie_forgets_the_link_once_confirmed(app, client):
    token, _ = invite(app)
    confirmed(client, token)
    with client.session_transaction() as session:
        assert "invitation" not in session and session["draft"] and session["resume_code"]


def test_a_wrong_date_of_birth_is_a_400_saying_it_does_not_match(app, client):
    token, _ = invite(app)
    response = confirmed(client, token, WRONG)
    assert response.status_code == 400 and MISMATCH in text(response)


def test_a_wrong_date_of_birth_is_audited_with_the_invitation_id_only(app, client):
    token, invitation_id = invite(app)
    confirmed(client, token, WRONG)
    (event,) = events(app, "invitation_dob_wrong")
    assert (event.actor_email, event.submission_reference, event.detail) == (None, None, str(invitation_id))


def test_a_wrong_date_of_birth_opens_nothing(app, client):
    token, invitation_id = invite(app)
    confirmed(client, token, WRONG)
    with app.app_context():
        assert database.session().scalars(select(Draft)).all() == []
    assert invitation(app, invitation_id).opened_at is None


@pytest.mark.parametrize("typed, message", [
    ({"date_of_birth-month": "2", "date_of_birth-day": "30", "date_of_birth-year": "1990"}, "must be a real date"),
    ({"date_of_birth-month": "13", "date_of_birth-day": "2", "date_of_birth-year": "1990"}, "must be a real date"),
    ({"date_of_birth-month": "4", "date_of_birth-day": "2", "date_of_birth-year": "90"}, "Year must include 4 numbers"),
    ({"date_of_birth-month": "4", "date_of_birth-day": "2", "date_of_birth-year": str(utcnow().year + 1)},
     "must be in the past"),
    ({"date_of_birth-month": "4", "date_of_birth-day": "", "date_of_birth-year": "1990"}, "must include a day"),
    ({}, "Enter your date of birth"),
])
def test_a_date_that_cannot_be_a_date_of_birth_is_a_400_with_the_date_inputs_message(app, client, typed, message):
    token, _ = invite(app)
    response = confirmed(client, token, typed)
    assert response.status_code == 400 and message in text(response) and MISMATCH not in text(response)


def test_a_date_that_cannot_be_a_date_of_birth_is_not_a_try(app, client):
    token, _ = invite(app)
    client.get(f"/invite?t={token}")
    for _ in range(8):
        client.post("/invite", data={"date_of_birth-month": "2", "date_of_birth-day": "30",
                                     "date_of_birth-year": "1990"})
    assert client.post("/invite", data=RIGHT).status_code == 303 and events(app) == []


def test_past_five_wrong_tries_the_link_is_a_429(app, client):
    token, _ = invite(app)
    statuses = [confirmed(client, token, WRONG).status_code for _ in range(6)]
    assert statuses == [400] * 5 + [429]


def test_past_the_limit_even_the_right_date_is_refused(app, client):
    token, _ = invite(app)
    for _ in range(5):
        confirmed(client, token, WRONG)
    response = confirmed(client, token)
    assert response.status_code == 429 and "wait a day" in text(response)


def test_a_locked_link_is_audited(app, client):
    token, invitation_id = invite(app)
    for _ in range(6):
        confirmed(client, token, WRONG)
    (event,) = events(app, "invitation_dob_locked")
    assert (event.actor_email, event.submission_reference, event.detail) == (None, None, str(invitation_id))


def test_the_limit_is_per_link(app, client):
    token, _ = invite(app)
    other, _ = invite(app, first_name="Bea")
    for _ in range(5):
        confirmed(client, token, WRONG)
    assert confirmed(app.test_client(), other).status_code == 303


def test_tries_from_one_address_are_limited_across_links(app):
    app.config["RESUME_ATTEMPTS_PER_HOUR"] = 3
    tokens = [invite(app, first_name=f"P{n}")[0] for n in range(4)]
    statuses = [confirmed(app.test_client(), token, WRONG).status_code for token in tokens]
    assert statuses == [400, 400, 400, 429]


def test_the_right_date_gives_its_try_back(app):
    token, _ = invite(app)
    assert all(confirmed(app.test_client(), token).status_code == 303 for _ in range(7))


# -- carrying on -------------------------------------------------------------------------------------------

def test_opening_the_link_again_carries_on_with_the_same_questionnaire(app):
    token, _ = invite(app)
    first, later = app.test_client(), app.test_client()
    confirmed(first, token)
    Patient(first).answer("your-details", HEALTHY)
    assert confirmed(later, token).location == "/step/about-you"
    with app.app_context():
        assert len(database.session().scalars(select(Draft)).all()) == 1


def test_carrying_on_shows_no_resume_code(app):
    token, _ = invite(app)
    confirmed(app.test_client(), token)
    later = app.test_client()
    confirmed(later, token)
    with later.session_transaction() as session:
        assert session["draft"] and "resume_code" not in session


def test_a_new_link_carries_on_with_the_questionnaire_begun_from_the_old_one(app):
    old, old_id = invite(app)
    client = app.test_client()
    confirmed(client, old)
    Patient(client).answer("your-details", HEALTHY)
    new, new_id = renew(app, old_id)
    assert confirmed(app.test_client(), new).location == "/step/about-you"
    with app.app_context():
        assert database.session().scalars(select(Draft)).one().invitation_id == new_id


def test_a_link_revoked_after_it_was_opened_is_refused_at_the_date_of_birth(app, client):
    token, invitation_id = invite(app)
    client.get(f"/invite?t={token}")
    revoke(app, token, invitation_id)
    response = client.post("/invite", data=RIGHT)
    assert response.status_code == 410 and "This link no longer works" in text(response)


def test_the_first_step_shows_the_clinics_answers_locked(app, client):
    token, _ = invite(app)
    confirmed(client, token)
    html = text(client.get("/step/your-details"))
    inputs = set(re.findall(r'<input[^>]* name="([^"]+)"', html))
    assert "Your clinic filled these in" in html and "Diaz" in html and "MRN-77" in html and \
        not inputs & {"first_name", "last_name", "date_of_birth-year", "record_number"}


def test_changes_posted_to_the_locked_answers_are_ignored(app, client):
    token, _ = invite(app)
    confirmed(client, token)
    response = Patient(client).answer("your-details", {**HEALTHY, "record_number": "OTHER-1"})
    with app.app_context():
        answers = database.session().scalars(select(Draft)).one().answers
    assert response.status_code == 303 and (answers["first_name"], answers["date_of_birth"],
                                            answers["record_number"]) == ("Ana", "1990-04-02", "MRN-77")


# -- CSRF ----------------------------------------------------------------------------------------------------

def test_the_date_of_birth_post_needs_a_csrf_token(tmp_path):
    guarded = make_app({"TESTING": True, "SECRET_KEY": "k", "DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite3'}"},
                       instance_path=str(tmp_path / "instance"))
    token, _ = invite(guarded)
    client = guarded.test_client()
    client.get(f"/invite?t={token}")
    response = client.post("/invite", data=RIGHT)
    assert response.status_code == 400 and "Your page timed out" in text(response)


def test_the_date_of_birth_post_with_its_csrf_token_is_accepted(tmp_path):
    guarded = make_app({"TESTING": True, "SECRET_KEY": "k", "DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite3'}"},
                       instance_path=str(tmp_path / "instance"))
    token, _ = invite(guarded)
    client = guarded.test_client()
    page = text(client.get(f"/invite?t={token}", follow_redirects=True))
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/invite", data={**RIGHT, "csrf_token": csrf}).status_code == 303


# -- closed intake -------------------------------------------------------------------------------------------

@pytest.fixture
def closed(tmp_path):
    return make_app({"TESTING": True, "SECRET_KEY": "k", "WTF_CSRF_ENABLED": False, "OPEN_INTAKE": False,
                     "DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite3'}"}, instance_path=str(tmp_path / "instance"))


def test_closed_intake_start_page_explains_the_personal_link_and_has_no_start_button(closed):
    html = text(closed.test_client().get("/"))
    assert "sends each patient a personal link" in html and "Start now" not in html and \
        'action="/start"' not in html


def test_closed_intake_refuses_to_start_a_questionnaire(closed):
    response = closed.test_client().post("/start")
    with closed.app_context():
        assert database.session().scalars(select(Draft)).all() == []
    assert response.status_code == 403 and "sends each patient a personal link" in text(response)


def test_closed_intake_refuses_to_start_again_after_a_send(closed):
    response = closed.test_client().post("/start", data={"confirm": "yes"})
    assert response.status_code == 403


def test_closed_intake_carries_on_a_questionnaire_in_progress(closed):
    token, _ = invite(closed)
    client = closed.test_client()
    confirmed(client, token)
    assert client.post("/start").location == "/step/your-details"


def test_closed_intake_shows_continue_but_not_start_again(closed):
    token, _ = invite(closed)
    client = closed.test_client()
    confirmed(client, token)
    html = text(client.get("/"))
    assert "Continue where you left off" in html and "Start again" not in html


def test_closed_intake_does_not_replace_a_questionnaire_in_progress(closed):
    token, _ = invite(closed)
    client = closed.test_client()
    confirmed(client, token)
    assert client.post("/start", data={"restart": "yes"}).status_code == 403


def test_closed_intake_still_opens_invitations(closed):
    token, _ = invite(closed)
    assert confirmed(closed.test_client(), token).location == "/step/your-details"


def test_open_intake_is_the_default(client):
    html = text(client.get("/"))
    assert "Start now" in html and "sends each patient a personal link" not in html


@pytest.mark.parametrize("typed, value", [("false", False), ("0", False), ("no", False), ("off", False),
                                          ("true", True), ("1", True), ("yes", True), (" No ", False)])
def test_open_intake_is_read_from_the_environment(tmp_path, monkeypatch, typed, value):
    monkeypatch.setenv("SCREENING_OPEN_INTAKE", typed)
    app = make_app({"TESTING": True, "SECRET_KEY": "k", "DATABASE_URL": f"sqlite:///{tmp_path / 's.sqlite3'}"},
                   instance_path=str(tmp_path / "instance"))
    assert app.config["OPEN_INTAKE"] is value


def test_an_open_intake_setting_that_is_not_yes_or_no_stops_the_start(tmp_path, monkeypatch):
    monkeypatch.setenv("SCREENING_OPEN_INTAKE", "flase")
    with pytest.raises(ConfigError, match="SCREENING_OPEN_INTAKE must be true or false"):
        make_app({"TESTING": True, "SECRET_KEY": "k", "DATABASE_URL": f"sqlite:///{tmp_path / 's.sqlite3'}"},
                 instance_path=str(tmp_path / "instance"))


# -- the whole path ------------------------------------------------------------------------------------------

def walk(app, runner, caplog=None):
    """From `invitations create` to the submission; returns the token and the client."""
    app.config["BASE_URL"] = "https://screening.clinic.test"
    result = runner.invoke(args=["invitations", "create", "--first-name", "Ana", "--last-name", "Diaz",
                                 "--dob", "1990-04-02", "--mrn", "MRN-77"])
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    assert link.startswith("https://screening.clinic.test/invite?t=")
    token = link.rsplit("?t=", 1)[1]
    client = app.test_client()
    patient = Patient(client)
    assert client.get(link.removeprefix("https://screening.clinic.test")).location == "/invite"
    assert client.post("/invite", data=RIGHT).location == "/step/your-details"
    for step in QUESTIONNAIRE.catalogue.steps:
        response = patient.answer(step.slug, HEALTHY)
        if response.location and response.location.startswith(f"/step/{step.slug}"):
            response = patient.answer(step.slug, HEALTHY)
        assert response.status_code == 303, (step.slug, text(response)[:2000])
    assert client.get("/check").status_code == 200
    assert patient.send().location == "/summary"
    return token, client


def test_the_whole_path_ties_the_submission_to_its_invitation(app, runner):
    walk(app, runner)
    with app.app_context():
        db = database.session()
        submission = db.scalars(select(Submission)).one()
        sent_from = db.scalars(select(Invitation)).one()
        assert (submission.invitation_id, submission.first_name, submission.last_name, submission.date_of_birth,
                submission.record_number) == (sent_from.id, "Ana", "Diaz", BORN, "MRN-77")
        assert invitations.state_of(sent_from) == "completed" and \
            sent_from.submission_reference == submission.reference


def test_after_the_whole_path_the_link_says_already_sent(app, runner):
    token, _ = walk(app, runner)
    response = app.test_client().get(f"/invite?t={token}")
    assert response.status_code == 410 and "Your answers were already sent" in text(response)


def test_no_name_date_of_birth_or_token_reaches_a_log_line(app, runner, caplog):
    caplog.set_level(logging.DEBUG)
    token, client = walk(app, runner)
    client.get(f"/invite?t={token}")
    other = app.test_client()
    confirmed(other, invite(app, first_name="Zelda")[0], WRONG)
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert not [s for s in ("Ana", "Diaz", "Zelda", "1990-04-02", "04/02/1990", "April 2, 1990", "MRN-77", token)
                if s in logged]


def test_after_send_with_closed_intake_the_sent_page_offers_no_new_questionnaire(app, patient):
    patient.complete()
    patient.send()
    app.config["OPEN_INTAKE"] = False
    page = patient.client.get("/sent").get_data(as_text=True)
    assert "Start a new questionnaire" not in page and "sends each patient their own link" in page


def test_sending_after_a_new_link_completes_the_new_link(app):
    old, old_id = invite(app)
    client = app.test_client()
    confirmed(client, old)
    _, new_id = renew(app, old_id)
    patient = Patient(client)
    for step in QUESTIONNAIRE.catalogue.steps:
        response = patient.answer(step.slug, HEALTHY)
        if response.location and response.location.startswith(f"/step/{step.slug}"):
            patient.answer(step.slug, HEALTHY)
    patient.send()
    states = {i: invitations.state_of(invitation(app, i)) for i in (old_id, new_id)}
    assert states == {old_id: "replaced", new_id: "completed"}


def test_a_revoked_links_questionnaire_cannot_be_sent(app):
    token, invitation_id = invite(app)
    client = app.test_client()
    confirmed(client, token)
    revoke(app, token, invitation_id)
    assert Patient(client).send().location == "/resume"
    assert invitations.state_of(invitation(app, invitation_id)) == "revoked"
