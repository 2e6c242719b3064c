"""A sent questionnaire's identity columns, copied from its identity answers for the staff list and search.

Requirement (issue 8, "Patient identity"): who the patient is is kept with the submission; submissions made
before have none ("Not recorded" on the pages).
"""
from datetime import date

from screening.records.models import Submission
from screening.records.submissions import IDENTITY_COLUMNS, identity_of


def test_every_identity_question_has_a_column_of_its_name():
    assert IDENTITY_COLUMNS and all(column in Submission.__table__.columns for column in IDENTITY_COLUMNS)


def test_a_date_of_birth_becomes_a_date():
    assert identity_of({"first_name": "Ana", "date_of_birth": "1990-04-02"}) == {
        "first_name": "Ana", "last_name": None, "date_of_birth": date(1990, 4, 2), "record_number": None,
        "phone": None, "email": None}


def test_answers_from_before_identity_give_empty_columns():
    assert set(identity_of({"age": 51}).values()) == {None}
