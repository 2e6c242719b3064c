"""Resume codes: typable, forgiving, and never stored in the clear."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from screening.clock import aware, utcnow
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


def stored(app, draft_id: str) -> Draft:
    with app.app_context():
        db = database.session()
        row = db.get(Draft, draft_id)
        db.expunge_all()
        return row


def test_the_lean_read_gives_what_the_row_holds(app):
    with app.app_context():
        draft, _ = drafts.create(database.session(), 30)
        drafts.save(database.session(), draft, {"sex_at_birth": "female"}, 30, ["sex_at_birth"])
        lean = drafts.lean_by_id(database.engine_of(app), draft.id)
    assert (lean.id, lean.answers, lean.presented, lean.invitation_id, lean.urgent_since) == (
        draft.id, {"sex_at_birth": "female"}, ["sex_at_birth"], None, None)


def test_the_lean_read_finds_no_expired_or_unknown_draft(app):
    with app.app_context():
        draft, _ = drafts.create(database.session(), 0)
        engine = database.engine_of(app)
        assert drafts.lean_by_id(engine, draft.id) is None and drafts.lean_by_id(engine, "no-such-draft") is None
        assert drafts.lean_by_id(engine, 12) is None


def test_saving_a_lean_draft_writes_answers_presented_and_urgent_since(app):
    with app.app_context():
        draft, _ = drafts.create(database.session(), 30)
        lean = drafts.lean_by_id(database.engine_of(app), draft.id)
        lean.urgent_since = since = utcnow()
        drafts.save(database.session(), lean, {"sex_at_birth": "male"}, 30, ["sex_at_birth"])
    row = stored(app, draft.id)
    assert (row.answers, row.presented, aware(row.urgent_since), aware(row.updated_at)) == (
        {"sex_at_birth": "male"}, ["sex_at_birth"], since, lean.updated_at)


def test_marking_a_lean_draft_presented_adds_only_the_new_ids(app):
    with app.app_context():
        draft, _ = drafts.create(database.session(), 30)
        drafts.mark_presented(database.session(), draft, ["a"])
        lean = drafts.lean_by_id(database.engine_of(app), draft.id)
        drafts.mark_presented(database.session(), lean, ["a", "b"])
    assert stored(app, draft.id).presented == ["a", "b"] and lean.presented == ["a", "b"]


def test_saving_an_orm_draft_leaves_nothing_to_flush(app):
    with app.app_context():
        db = database.session()
        draft, _ = drafts.create(db, 30)
        drafts.save(db, draft, {"sex_at_birth": "female"}, 30)
        assert draft not in db.dirty and draft.answers == {"sex_at_birth": "female"}


def test_a_save_keeps_the_draft_at_least_its_days_and_at_most_an_hour_more(app):
    with app.app_context():
        draft, _ = drafts.create(database.session(), 30)
        lean = drafts.lean_by_id(database.engine_of(app), draft.id)
        before = utcnow()
        drafts.save(database.session(), lean, {"sex_at_birth": "male"}, 30)
        after = utcnow()
    expires = aware(stored(app, draft.id).expires_at)
    assert before + timedelta(days=30) <= expires <= after + timedelta(days=30) + drafts.EXPIRY_STEP


def test_a_save_leaves_an_expiry_already_its_days_away_unwritten(app):
    with app.app_context():
        draft, _ = drafts.create(database.session(), 30)
        engine = database.engine_of(app)
        drafts.save(database.session(), drafts.lean_by_id(engine, draft.id), {"sex_at_birth": "male"}, 30)
        moved = aware(stored(app, draft.id).expires_at)
        drafts.save(database.session(), drafts.lean_by_id(engine, draft.id), {"sex_at_birth": "female"}, 30)
    row = stored(app, draft.id)
    assert aware(row.expires_at) == moved and row.answers == {"sex_at_birth": "female"}


def test_a_save_told_urgency_is_unchanged_leaves_urgent_since_as_stored(app):
    with app.app_context():
        draft, _ = drafts.create(database.session(), 30)
        engine = database.engine_of(app)
        lean = drafts.lean_by_id(engine, draft.id)
        lean.urgent_since = since = utcnow()
        drafts.save(database.session(), lean, {"sex_at_birth": "male"}, 30)
        lean = drafts.lean_by_id(engine, draft.id)
        lean.urgent_since = None  # not said to have changed: not written
        drafts.save(database.session(), lean, {"sex_at_birth": "female"}, 30, urgent_changed=False)
    assert aware(stored(app, draft.id).urgent_since) == since
