"""Resume codes: typable, forgiving, and never stored in the clear."""
import pytest
from sqlalchemy import select

from screening.records import database, drafts
from screening.records.models import Draft


def test_new_code_has_three_groups_of_four():
    assert len(drafts.new_code().split("-")) == 3 and len(drafts.new_code()) == 14


@pytest.mark.parametrize("typed", ["7kq2 m9xd 4prt", "7KQ2M9XD4PRT", " 7KQ2-M9XD-4PRT "])
def test_normalise_code_forgives_case_spaces_and_dashes(typed):
    assert drafts.normalise_code(typed) == "7KQ2-M9XD-4PRT"


def test_normalise_code_reads_o_as_zero_and_i_as_one():
    assert drafts.normalise_code("OIL0-0000-0000") == "0110-0000-0000"


@pytest.mark.parametrize("typed", ["", "short", "7KQ2-M9XD-4PRU", "7KQ2-M9XD-4PRT-XXXX"])
def test_normalise_code_refuses_what_cannot_be_a_code(typed):
    assert drafts.normalise_code(typed) is None


def test_resume_code_is_stored_only_as_a_hash(app):
    with app.app_context():
        db = database.session()
        _, code = drafts.create(db, 30)
        stored = db.scalars(select(Draft)).one()
    assert code not in (stored.resume_hash, stored.id) and len(stored.resume_hash) == 64
