"""A prepared statement writes and reads what SQLAlchemy's own execution does."""
from datetime import datetime, timezone

from sqlalchemy import bindparam, select

from screening.clock import aware
from screening.records import database, drafts
from screening.records.models import Draft
from screening.records.prepared import prepared

TABLE = Draft.__table__


def test_a_read_gives_the_values_core_gives(app):
    with app.app_context():
        draft, _ = drafts.create(database.session(), 30)
        engine = database.engine_of(app)
        statement = select(TABLE.c.answers, TABLE.c.expires_at).where(TABLE.c.id == bindparam("draft_id"))
        with engine.connect() as connection:
            core = tuple(connection.execute(statement, {"draft_id": draft.id}).one())
        assert prepared(statement, engine).fetch_one(engine, {"draft_id": draft.id}) == core


def test_a_read_of_no_row_is_none(app):
    with app.app_context():
        engine = database.engine_of(app)
        statement = select(TABLE.c.id).where(TABLE.c.id == bindparam("draft_id"))
        assert prepared(statement, engine).fetch_one(engine, {"draft_id": "none"}) is None


def test_a_write_is_committed_and_counts_its_rows(app):
    with app.app_context():
        draft, _ = drafts.create(database.session(), 30)
        engine = database.engine_of(app)
        when = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
        statement = TABLE.update().where(TABLE.c.id == bindparam("draft_id")).values(
            answers=bindparam("answers", type_=TABLE.c.answers.type),
            expires_at=bindparam("expires", type_=TABLE.c.expires_at.type))
        changed = prepared(statement, engine).run_and_commit(
            engine, {"draft_id": draft.id, "answers": {"a": ["b"]}, "expires": when})
        database.session().expire_all()
        stored = database.session().get(Draft, draft.id)
        assert changed == 1 and stored.answers == {"a": ["b"]} and aware(stored.expires_at) == when


def test_a_connection_lost_since_it_was_pooled_is_replaced_and_the_read_made_again(app, monkeypatch):
    with app.app_context():
        draft, _ = drafts.create(database.session(), 30)
        engine = database.engine_of(app)
        real = engine.raw_connection
        handed = []

        def raw_connection():
            connection = real()
            if not handed:
                connection.dbapi_connection.close()  # as a database restarted since it was pooled leaves it
            handed.append(connection)
            return connection

        monkeypatch.setattr(engine, "raw_connection", raw_connection)
        statement = select(TABLE.c.id).where(TABLE.c.id == bindparam("draft_id"))
        assert prepared(statement, engine).fetch_one(engine, {"draft_id": draft.id}) == (draft.id,)
        assert len(handed) == 2
