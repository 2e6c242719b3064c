"""The wizard through Flask's test client.

Requirement (issue 2, sections 2 and 4, "Bad input"): the happy path, each validation error,
a branch hidden after it was answered, a change from check-answers, save and resume, an expired
or unknown resume code, out-of-order and hidden-branch posts, and the stored submission.
"""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from screening.records import database
from screening.clock import utcnow
from screening.records.models import Draft, RulesVersion, Submission

from screening.questionnaire import QUESTIONNAIRE
from tests.conftest import HEALTHY, Patient, form_data

SYSTOLIC = "Your most recent blood pressure: the top number (systolic)"


def text(response):
    return response.get_data(as_text=True)


def draft_answers(app):
    with app.app_context():
        return database.session().scalars(select(Draft)).one().answers


def reach(patient, slug):
    """Start, and answer every step before `slug` with HEALTHY."""
    patient.start()
    for step in QUESTIONNAIRE.catalogue.steps:
        if step.slug == slug:
            return
        patient.answer(step.slug, HEALTHY)


def reading(**typed):
    """The blood-pressure step as posted, with the typed values replacing HEALTHY's."""
    return {**form_data("blood-pressure", HEALTHY), **typed}


def stored_submission(app):
    with app.app_context():
        return database.session().scalars(select(Submission)).one()


# -- the happy path ----------------------------------------------------------------------------

def test_start_page_invites_the_patient_to_start(client):
    assert "Start now" in text(client.get("/"))


def test_start_takes_the_patient_to_the_first_step(patient):
    assert patient.start().location == "/step/your-details"


def test_step_page_shows_progress(patient):
    patient.start()
    assert "Step 1 of 12" in text(patient.client.get("/step/your-details"))


def test_each_step_leads_to_the_next(patient):
    patient.start()
    response = patient.answer("your-details", HEALTHY)
    assert response.location == "/step/about-you"


def test_completing_every_step_reaches_check_answers(patient):
    assert "Check your answers before sending them" in text(patient.complete())


def test_check_answers_lists_every_answer(patient):
    html = text(patient.complete({"bp_systolic": 131}))
    assert "131 mmHg" in html and "Depression" in html


def test_send_shows_a_reference_code(patient):
    patient.complete()
    html = text(patient.client.get(patient.send().location))
    assert re.search(r"KS-[0-9A-Z]{4}-[0-9A-Z]{4}", html)


def test_summary_with_no_topics_still_says_to_go_over_treatment(patient):
    patient.complete()
    html = text(patient.client.get(patient.send().location))
    assert "Go over the treatment with your doctor" in html


def test_summary_puts_urgent_topics_before_others(patient):
    patient.complete({"bp_systolic": 190, "bp_diastolic": 95, "asthma": "yes", "copd": "yes"})
    html = text(patient.client.get(patient.send().location))
    assert html.index("care-card-urgent") < html.index("care-card-discuss") < html.index("care-card-mention")


def test_summary_gives_the_reason_for_each_topic(patient):
    patient.complete({"bp_systolic": 190, "bp_diastolic": 95})
    html = text(patient.client.get(patient.send().location))
    assert "Because you told us" in html and "190 mmHg" in html


def test_submission_stores_rules_version_and_hash(app, patient):
    patient.complete()
    patient.send()
    submission = stored_submission(app)
    rules = app.extensions["screening.rules"].current
    assert (submission.rules_version, submission.rules_sha256) == (rules.version, rules.sha256)


def test_submission_keeps_the_text_of_its_rules_version(app, patient):
    patient.complete()
    patient.send()
    with app.app_context():
        kept = database.session().get(RulesVersion, stored_submission(app).rules_sha256)
    assert kept.text == app.extensions["screening.rules"].current.text


def test_send_deletes_the_draft(app, patient):
    patient.complete()
    patient.send()
    with app.app_context():
        assert database.session().scalars(select(Draft)).all() == []


# -- validation ------------------------------------------------------------------------------

def test_missing_answer_is_an_error_with_status_400(patient):
    reach(patient, "about-you")
    assert patient.client.post("/step/heart-x").status_code == 404 and \
        patient.answer("about-you", {}).status_code == 400


def test_error_page_title_starts_with_error(patient):
    reach(patient, "about-you")
    assert "<title>Error: " in text(patient.answer("about-you", {}))


def test_error_summary_links_to_the_field(patient):
    reach(patient, "about-you")
    assert 'href="#sex_at_birth-0"' in text(patient.answer("about-you", {"treatment_for": ["anxiety"]}))


def test_non_numeric_number_is_kept_and_explained(patient):
    reach(patient, "blood-pressure")
    html = text(patient.client.post("/step/blood-pressure", data=reading(bp_systolic="thirty")))
    assert 'value="thirty"' in html and "as a whole number" in html


@pytest.mark.parametrize("typed", ["²", "1²", "¹²³", "₂₀", "٣", "１２"])
def test_digits_other_than_ascii_0_to_9_are_refused_with_a_message(patient, typed):
    reach(patient, "blood-pressure")
    response = patient.client.post("/step/blood-pressure", data=reading(bp_systolic=typed))
    assert response.status_code == 400 and f"Enter “{SYSTOLIC}” as a whole number in mmHg" in text(response)


def test_doubled_minus_sign_is_refused_with_a_message(patient):
    reach(patient, "blood-pressure")
    response = patient.client.post("/step/blood-pressure", data=reading(bp_systolic="--130"))
    assert response.status_code == 400 and f"Enter “{SYSTOLIC}” as a whole number in mmHg" in text(response)


def test_negative_number_states_the_range(patient):
    reach(patient, "blood-pressure")
    html = text(patient.client.post("/step/blood-pressure", data=reading(bp_systolic="-130")))
    assert "must be between 60 and 300 mmHg" in html


def test_spaces_around_a_number_are_ignored(app, patient):
    reach(patient, "blood-pressure")
    patient.client.post("/step/blood-pressure", data=reading(bp_systolic=" 130 "))
    assert draft_answers(app)["bp_systolic"] == 130


def test_out_of_range_number_states_the_range(patient):
    reach(patient, "blood-pressure")
    html = text(patient.answer("blood-pressure", {**HEALTHY, "bp_systolic": 1200}))
    assert "must be between 60 and 300 mmHg" in html


def test_number_and_dont_know_together_is_an_error(patient):
    reach(patient, "blood-pressure")
    data = {"bp_diagnosed": "no", "bp_systolic": "150", "bp_diastolic-unknown": "dont_know", "bp_diastolic": "90",
            "symptoms_now": "none"}
    assert "not both" in text(patient.client.post("/step/blood-pressure", data=data))


def test_dont_know_is_kept_as_dont_know(app, patient):
    patient.complete({"bp_systolic": "dont_know", "bp_diastolic": "dont_know"})
    assert draft_answers(app)["bp_systolic"] == draft_answers(app)["bp_diastolic"] == "dont_know"


def test_unknown_choice_value_is_refused(patient):
    reach(patient, "about-you")
    html = text(patient.client.post("/step/about-you", data={"sex_at_birth": "robot"}))
    assert "Select one of the answers listed" in html


def test_none_of_these_with_another_answer_is_refused(patient):
    reach(patient, "blood-pressure")
    response = patient.answer("blood-pressure", {**HEALTHY, "symptoms_now": ["none", "chest_pain"]})
    assert "on its own" in text(response)


def test_errors_keep_everything_typed(patient):
    reach(patient, "blood-pressure")
    html = text(patient.client.post("/step/blood-pressure", data={"bp_systolic": "130", "symptoms_now": "short_of_breath"}))
    assert 'value="130"' in html and re.search(r'value="short_of_breath"\s+checked', html)


def test_number_box_starts_empty(patient):
    reach(patient, "blood-pressure")
    assert 'name="bp_systolic" value=""' in text(patient.client.get("/step/blood-pressure"))


def test_untouched_number_box_asks_for_an_answer(patient):
    reach(patient, "blood-pressure")
    html = text(patient.client.post("/step/blood-pressure", data=reading(bp_systolic="")))
    assert f"Enter “{SYSTOLIC}” in mmHg" in html


def test_forms_carry_novalidate(patient):
    patient.start()
    assert "novalidate" in text(patient.client.get("/step/your-details"))


# -- branching -------------------------------------------------------------------------------

def test_follow_up_is_not_shown_before_its_answer(patient):
    reach(patient, "heart")
    assert "heart_attack_when" not in text(patient.client.get("/step/heart"))


def test_follow_up_is_asked_on_the_same_page_after_yes(patient):
    reach(patient, "heart")
    response = patient.answer("heart", {**HEALTHY, "heart_attack": "yes"})
    assert response.location == "/step/heart#new-questions" and \
        "How long ago was your most recent heart attack?" in text(patient.client.get("/step/heart"))


def test_branch_hidden_after_it_was_answered_is_dropped(app, patient):
    patient.complete({"heart_attack": "yes", "heart_attack_when": "within_6_weeks"})
    patient.answer("heart", {**HEALTHY, "heart_attack": "no"}, "?return=check")
    assert "heart_attack_when" not in draft_answers(app)


def test_dropped_branch_leaves_the_check_page(patient):
    patient.complete({"heart_attack": "yes", "heart_attack_when": "within_6_weeks"})
    patient.answer("heart", {**HEALTHY, "heart_attack": "no"}, "?return=check")
    html = text(patient.client.get("/check"))
    assert "Have you ever had a heart attack?" in html
    assert "How long ago was your most recent heart attack?" not in html


def test_answer_posted_for_a_hidden_question_is_not_stored(app, patient):
    reach(patient, "heart")
    patient.answer("heart", {**HEALTHY, "heart_attack_when": "within_6_weeks"})
    assert "heart_attack_when" not in draft_answers(app)


def test_step_posted_out_of_order_is_sent_back_to_the_first_unfinished_step(app, patient):
    patient.start()
    response = patient.answer("medicines", HEALTHY)
    assert response.location == "/step/your-details" and draft_answers(app) == {}


def test_unknown_step_is_404(patient):
    patient.start()
    assert patient.client.get("/step/nowhere").status_code == 404


# -- check answers and change ----------------------------------------------------------------

def test_change_link_returns_to_check_answers(patient):
    html = text(patient.complete())
    assert 'href="/step/heart?return=check#question-heart_attack"' in html


def test_change_goes_back_to_check_answers(patient):
    patient.complete()
    response = patient.answer("heart", {**HEALTHY, "angina": "dont_know"}, "?return=check")
    assert response.location == "/check"


def test_change_asks_a_new_follow_up_before_check_answers(patient):
    patient.complete()
    first = patient.answer("heart", {**HEALTHY, "heart_attack": "yes"}, "?return=check")
    second = patient.answer("heart", {**HEALTHY, "heart_attack": "yes", "heart_attack_when": "over_12_months"},
                            "?return=check")
    assert (first.location, second.location) == ("/step/heart?return=check#new-questions", "/check")


def test_check_answers_is_not_reachable_before_the_end(patient):
    patient.start()
    assert patient.client.get("/check").location == "/step/your-details"


def test_send_before_the_end_goes_back_to_the_questions(app, patient):
    patient.start()
    assert patient.send().location == "/step/your-details"


# -- urgent topics on the spot -----------------------------------------------------------------

def test_self_harm_with_a_plan_shows_crisis_resources_at_once(patient):
    reach(patient, "mental-health")
    patient.answer("mental-health", {**HEALTHY, "self_harm_thoughts": "yes"})
    patient.answer("mental-health", {**HEALTHY, "self_harm_thoughts": "yes", "self_harm_plan": "yes"})
    assert "988" in text(patient.client.get("/step/breathing")).split("urgent-now", 1)[1][:3000]


# -- save and resume ---------------------------------------------------------------------------

def test_every_step_page_offers_the_resume_code(patient):
    patient.start()
    assert re.search(r'class="code">[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}<', text(patient.client.get("/step/your-details")))


def test_resume_on_another_device_continues_where_the_patient_stopped(app, patient):
    reach(patient, "heart")
    code = patient.resume_code()
    other = app.test_client()
    assert other.post("/resume", data={"code": code}).location == "/step/heart"


def test_resume_code_is_forgiving_about_case_and_dashes(app, patient):
    patient.start()
    code = patient.resume_code()
    other = app.test_client()
    assert other.post("/resume", data={"code": code.replace("-", " ").lower()}).status_code == 303


def test_resumed_answers_are_the_saved_ones(app, patient):
    patient.start()
    patient.answer("your-details", {**HEALTHY, "last_name": "Okonkwo"})
    code = patient.resume_code()
    other = app.test_client()
    other.post("/resume", data={"code": code})
    assert 'value="Okonkwo"' in text(other.get("/step/your-details"))


def test_unknown_resume_code_is_404_with_a_message(client):
    response = client.post("/resume", data={"code": "AAAA-BBBB-CCCC"})
    assert response.status_code == 404 and "could not find" in text(response)


def test_malformed_resume_code_is_400(client):
    assert client.post("/resume", data={"code": "hello"}).status_code == 400


def test_expired_resume_code_is_410_with_a_message(app, patient):
    patient.start()
    code = patient.resume_code()
    with app.app_context():
        database.session().execute(update(Draft).values(expires_at=utcnow() - timedelta(seconds=1)))
        database.session().commit()
    response = app.test_client().post("/resume", data={"code": code})
    assert response.status_code == 410 and "start again" in text(response)


def test_expired_draft_is_not_found_by_its_cookie(app, patient):
    patient.start()
    with app.app_context():
        database.session().execute(update(Draft).values(expires_at=utcnow() - timedelta(seconds=1)))
        database.session().commit()
    assert patient.client.get("/step/your-details").location == "/resume"


def test_repeated_wrong_codes_are_slowed_down(app, client):
    app.config["RESUME_ATTEMPTS_PER_HOUR"] = 3
    statuses = [client.post("/resume", data={"code": "AAAA-BBBB-CCCC"}).status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]


def test_a_browser_without_the_cookie_sees_no_draft(app, patient):
    reach(patient, "heart")
    assert app.test_client().get("/step/heart").location == "/resume"


def test_session_cookie_holds_no_answers(app, patient):
    reach(patient, "blood-pressure")
    patient.answer("blood-pressure", {**HEALTHY, "bp_systolic": 87})
    # Decoded with the app's own serializer, so a change of cookie format cannot make this pass by accident.
    cookie = patient.client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    stored = app.session_interface.get_signing_serializer(app).loads(cookie)
    assert set(stored) <= {"draft", "resume_code", "_permanent", "csrf_token", "_flashes"}
    # Compared value by value: a random token may well contain the characters "87".
    assert not {87, "87", "male", "Sam", "Rivera", HEALTHY["date_of_birth"]} & \
        {v for v in stored.values() if isinstance(v, (int, str))}


# -- bad input ---------------------------------------------------------------------------------

def test_oversized_body_is_413_and_keeps_saved_answers(app, patient):
    reach(patient, "heart")
    response = patient.client.post("/step/heart", data={"heart_attack": "x" * 200_000})
    assert response.status_code == 413 and draft_answers(app)["last_name"] == "Rivera"


def test_overlong_text_answer_is_refused_with_a_message(patient):
    reach(patient, "brain")
    response = patient.answer("brain", {**HEALTHY, "brain_other": "m" * 600})
    assert response.status_code == 400 and "500 characters or fewer" in text(response)


def test_missing_session_sends_the_patient_to_resume(client):
    assert client.get("/check").location == "/resume"


def test_starting_a_questionnaire_keeps_a_staff_sign_in(app, staff):
    client = staff(roles=("clinician",))
    client.post("/start")
    assert client.get("/staff/").status_code == 200


def test_submission_stores_the_catalogue_version_it_was_asked_with(app, patient):
    from screening.questionnaire import QUESTIONNAIRE

    patient.complete()
    patient.send()
    assert stored_submission(app).catalogue_version == QUESTIONNAIRE.version


def test_stroke_warning_signs_now_show_the_stroke_card_with_911_at_once(patient):
    reach(patient, "blood-pressure")
    patient.answer("blood-pressure", {**HEALTHY, "symptoms_now": ["stroke_weakness"]})
    urgent = text(patient.client.get("/step/substances")).split("urgent-now", 1)[1][:3000]
    assert "Signs of a stroke right now" in urgent and 'href="tel:911"' in urgent and "even if they go away" in urgent


def test_a_head_request_for_a_step_saves_nothing(client, app):
    patient = Patient(client)
    patient.start()
    patient.answer("your-details", HEALTHY)
    with app.app_context():
        before = database.session().query(Draft).one()
        answers, updated = dict(before.answers), before.updated_at
    response = client.open("/step/your-details", method="HEAD", data={"first_name": "Changed"})
    with app.app_context():
        after = database.session().query(Draft).one()
        assert response.status_code == 200 and after.answers == answers and after.updated_at == updated
