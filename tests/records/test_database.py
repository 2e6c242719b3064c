"""The engine's JSON columns: written by orjson, read back as the standard library would read them."""
import datetime
import json

import pytest
from sqlalchemy import text

from screening.records import database, drafts

ANSWERS = {"first_name": "José Ñúñez 李", "bp_systolic": 150, "height": 170.2, "drugs": ["cannabis", "alcohol"],
           "empty": [], "nothing": None}


def stored_text(app, draft_id: str) -> str:
    with app.app_context():
        return database.session().execute(text("SELECT answers FROM draft WHERE id = :id"), {"id": draft_id}).scalar()


def test_answers_are_stored_as_json_the_standard_library_reads_the_same(app):
    with app.app_context():
        draft, _ = drafts.create(database.session(), 30)
        drafts.save(database.session(), draft, ANSWERS, 30)
        lean = drafts.lean_by_id(database.engine_of(app), draft.id)
    text = stored_text(app, draft.id)
    assert json.loads(text) == ANSWERS == lean.answers
    assert '"first_name":"José Ñúñez 李"' in text  # orjson's: compact and unescaped


def test_a_date_is_refused_as_before():
    with pytest.raises(TypeError):
        database._json_text({"when": datetime.date(2026, 1, 1)})


def test_text_is_stored_in_utf_8_not_escaped():
    assert database._json_text({"name": "José"}) == '{"name":"José"}'


def test_a_value_orjson_refuses_is_written_by_the_standard_library():
    assert json.loads(database._json_text({"n": 2**70})) == {"n": 2**70}
