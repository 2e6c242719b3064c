"""The first step, "Your details": name, date of birth, record number and contact.

Requirement (issue 8, "Patient identity" and "Bad input"): first and last name and a date of birth in three
boxes in US order (month, day, year) with the GOV.UK date input's messages for impossible dates, future dates,
two-digit years and ages over 120; an optional record number, phone and email; age worked out from the date of
birth; never a 500, and everything typed kept on an error.
"""
import re
from datetime import date

import pytest
from sqlalchemy import select

from screening.catalogue.formats import oldest_birth_date, us_date
from screening.clock import utcnow
from screening.records import database
from screening.records.models import Draft, Submission

from tests.conftest import HEALTHY, born_years_ago


def details(**typed):
    data = {"first_name": "Ana", "last_name": "Díaz-López", "date_of_birth-month": "4", "date_of_birth-day": "2",
            "date_of_birth-year": "1990"}
    data.update(typed)
    return data


def errors(response):
    return re.findall(r'<span class="visually-hidden">Error:</span> (.*?)</p>', response.get_data(as_text=True))


def post(patient, **typed):
    patient.start()
    return patient.client.post("/step/your-details", data=details(**typed))


def saved(app):
    with app.app_context():
        return database.session().scalars(select(Draft)).one().answers


def test_the_date_is_asked_in_three_boxes_month_first(patient):
    patient.start()
    html = patient.client.get("/step/your-details").get_data(as_text=True)
    boxes = re.findall(r'name="date_of_birth-(month|day|year)"', html)
    assert boxes == ["month", "day", "year"] and 'autocomplete="bday-month"' in html


def test_a_real_date_is_kept_as_year_month_day(app, patient):
    assert post(patient).status_code == 303 and saved(app)["date_of_birth"] == "1990-04-02"


def test_names_are_kept_as_typed_with_accents(app, patient):
    post(patient)
    assert (saved(app)["first_name"], saved(app)["last_name"]) == ("Ana", "Díaz-López")


@pytest.mark.parametrize("month, day, year, message", [
    ("2", "30", "2026", "Date of birth must be a real date"),
    ("13", "1", "1990", "Date of birth must be a real date"),
    ("4", "2", "90", "Year must include 4 numbers"),
    ("", "2", "1990", "Date of birth must include a month"),
    ("4", "", "", "Date of birth must include a day and year"),
    ("", "", "", "Enter your date of birth"),
    ("four", "2", "1990", "Date of birth must be a real date, in numbers, like 4 27 1990"),
])
def test_a_date_that_cannot_be_one_is_explained(patient, month, day, year, message):
    response = post(patient, **{"date_of_birth-month": month, "date_of_birth-day": day, "date_of_birth-year": year})
    assert response.status_code == 400 and errors(response) == [message]


def test_a_date_of_birth_in_the_future_is_refused(patient):
    next_year = str(utcnow().year + 1)
    response = post(patient, **{"date_of_birth-year": next_year})
    assert response.status_code == 400 and errors(response) == ["Date of birth must be in the past"]


def test_an_age_over_120_is_refused_with_the_earliest_date(patient):
    today = utcnow().date()
    response = post(patient, **{"date_of_birth-year": str(today.year - 122)})
    assert response.status_code == 400 and \
        errors(response) == [f"Date of birth must be on or after {us_date(oldest_birth_date(today))}"]


def test_what_was_typed_stays_in_the_boxes_after_an_error(patient):
    html = post(patient, first_name="", **{"date_of_birth-month": "2", "date_of_birth-day": "30"}).get_data(as_text=True)
    assert 'name="date_of_birth-month" value="2"' in html and 'name="date_of_birth-day" value="30"' in html
    assert 'name="last_name" value="Díaz-López"' in html


def test_the_error_summary_links_to_the_month_box(patient):
    html = post(patient, **{"date_of_birth-month": "13"}).get_data(as_text=True)
    assert 'href="#date_of_birth-month"' in html and 'id="date_of_birth-month"' in html


def test_a_missing_name_asks_for_it(patient):
    response = post(patient, first_name="", last_name=" ")
    assert errors(response) == ["Enter your first name", "Enter your last name"]


def test_a_name_of_500_characters_is_refused_with_the_limit(patient):
    response = post(patient, last_name="x" * 500)
    assert response.status_code == 400 and errors(response) == ["Last name must be 100 characters or fewer"]


@pytest.mark.parametrize("name", ["\x00\x01\x02", "Ana\u202eZ", "\x1b[31m"])
def test_a_name_of_control_characters_is_refused(patient, name):
    response = post(patient, first_name=name)
    assert response.status_code == 400 and errors(response)[0].startswith("First name must")


def test_a_line_break_in_a_name_becomes_a_space(app, patient):
    post(patient, first_name="Ana\r\nMaría")
    assert saved(app)["first_name"] == "Ana María"


@pytest.mark.parametrize("field, value, message", [
    ("phone", "call me", "Phone number must be a phone number, like 555-201-4477"),
    ("email", "ana@", "Email address must be an email address, like name@example.com"),
    ("record_number", "<script>", "Clinic record number can only include letters, numbers, spaces, dots, "
                                  "dashes and slashes"),
])
def test_contact_and_record_number_are_checked_when_given(patient, field, value, message):
    assert errors(post(patient, **{field: value})) == [message]


def test_contact_and_record_number_may_be_left_blank(app, patient):
    assert post(patient).status_code == 303 and not {"phone", "email", "record_number"} & set(saved(app))


def test_contact_given_is_kept(app, patient):
    post(patient, phone="(555) 201-4477", email="ana@example.com", record_number="MRN-0042")
    assert {k: saved(app)[k] for k in ("phone", "email", "record_number")} == \
        {"phone": "(555) 201-4477", "email": "ana@example.com", "record_number": "MRN-0042"}


def test_the_check_page_writes_the_date_of_birth_in_words(patient):
    html = patient.complete({"date_of_birth": "1990-04-02"}).get_data(as_text=True)
    assert "April 2, 1990" in html


def test_the_age_question_is_gone_and_age_is_worked_out(app, patient):
    patient.complete({"date_of_birth": born_years_ago(16)})
    patient.send()
    with app.app_context():
        submission = database.session().scalars(select(Submission)).one()
    assert "age" not in submission.answers
    assert "age-under-18" in [t["id"] for t in submission.topics]


def test_an_eighteenth_birthday_yesterday_counts_as_18(app, patient):
    patient.complete({"date_of_birth": born_years_ago(18, days=1)})
    patient.send()
    with app.app_context():
        submission = database.session().scalars(select(Submission)).one()
    assert "age-under-18" not in [t["id"] for t in submission.topics]


def test_the_submission_keeps_the_identity_in_its_columns(app, patient):
    patient.complete({"first_name": "Ana", "last_name": "Díaz-López", "date_of_birth": "1990-04-02",
                      "record_number": "MRN-0042", "email": "ana@example.com"})
    patient.send()
    with app.app_context():
        s = database.session().scalars(select(Submission)).one()
        keys = sorted(k.key for k in s.name_keys)
    assert (s.first_name, s.last_name, s.date_of_birth, s.record_number, s.email, s.phone) == \
        ("Ana", "Díaz-López", date(1990, 4, 2), "MRN-0042", "ana@example.com", None)
    assert keys == ["ana", "diaz", "lopez"]


def test_someone_aged_120_is_taken(app, patient):
    response = post(patient, **{"date_of_birth-month": "1", "date_of_birth-day": "1",
                                "date_of_birth-year": born_years_ago(120)[:4]})
    assert response.status_code == 303 or errors(response) == []


def test_someone_who_turned_121_today_is_refused(patient):
    born = date.fromisoformat(born_years_ago(121, days=0))
    response = post(patient, **{"date_of_birth-month": str(born.month), "date_of_birth-day": str(born.day),
                                "date_of_birth-year": str(born.year)})
    assert errors(response)[0].startswith("Date of birth must be on or after ")


def test_someone_under_12_is_asked_to_check_the_date(patient):
    response = post(patient, **{"date_of_birth-year": str(utcnow().year - 5)})
    assert "this form is for people aged 12 or older" in errors(response)[0]


@pytest.mark.parametrize("month, day", [("9999999999", "1"), ("1", "99999999999"), ("001", "1")])
def test_a_huge_month_or_day_is_not_a_date(patient, month, day):
    response = post(patient, **{"date_of_birth-month": month, "date_of_birth-day": day})
    assert response.status_code == 400 and errors(response) == ["Date of birth must be a real date"]


def test_a_name_with_a_zero_width_joiner_is_taken(app, patient):
    post(patient, first_name="\u0645\u200c\u0646")
    assert saved(app)["first_name"] == "\u0645\u200c\u0646"
