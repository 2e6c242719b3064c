"""One SQLAlchemy engine per app and one session per request.

Plain SQLAlchemy 2, so that a PostgreSQL URL in SCREENING_DATABASE_URL takes over from
the SQLite file with no change of code. The tables are declared in screening.records.models,
which imports this module, never the other way round.
"""
from __future__ import annotations

import json

import orjson
from flask import Flask, current_app, g
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker


class Base(DeclarativeBase):
    pass


# Seconds to wait for PostgreSQL to accept a connection. Without it an unreachable server holds a connect for
# about two minutes of TCP retries, and with it whatever waits on that connect: the alert deliverer in gunicorn's
# master holds the lock a fork waits for while it is in the driver (screening/alerts/deliverer.py).
CONNECT_TIMEOUT = 10


def make_engine(url: str) -> Engine:
    postgresql = url.startswith("postgresql")
    # JSON columns are read and written with orjson: the same values as the standard library's, in a tenth of
    # the time (a replay decodes every submission's answers and topics; each step POST encodes a draft's).
    engine = create_engine(url, connect_args={"connect_timeout": CONNECT_TIMEOUT} if postgresql else {},
                           json_serializer=_json_text, json_deserializer=orjson.loads)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record):  # pragma: no cover - exercised by every test
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            # FULL, not NORMAL: NORMAL in WAL mode would make a draft save faster (its fsync is most of the
            # save) but a power cut could drop the last saves, and a patient's saved answer is never lost.
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.close()
    return engine


def _json_text(value: object) -> str:
    """The value as JSON text, compact and in UTF-8. What orjson would not write as the standard library does
    (an integer past 64 bits, a date, a dataclass) goes to the standard library, which writes or refuses it as
    before. One difference stays: a NaN or infinite float is written as null, where the standard library wrote
    NaN, which is not JSON and which orjson.loads could not read back; no answer holds one (typed numbers are
    read by screening.typed and screening.catalogue.measures)."""
    try:
        return orjson.dumps(value, option=_PASS_TO_THE_STANDARD_LIBRARY).decode()
    except TypeError:
        return json.dumps(value)


# Without a `default`, orjson refuses what it passes through (TypeError), and the standard library takes it.
_PASS_TO_THE_STANDARD_LIBRARY = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def init_app(app: Flask) -> None:
    """One engine for the app. Tables are never made here: migrations do that, once, before serving."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["screening.sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(_close)


def engine_of(app: Flask) -> Engine:
    return app.extensions["screening.sessionmaker"].kw["bind"]


def session() -> Session:
    if "db_session" not in g:
        g.db_session = current_app.extensions["screening.sessionmaker"]()
    return g.db_session


def _close(exc: BaseException | None) -> None:
    db = g.pop("db_session", None)
    if db is not None:
        if exc is not None:
            db.rollback()
        db.close()


def by_id(db: Session, model: type, row_id: object):
    """The row of `model` with this integer id; None for a number no row can have (a typed or tampered id in an
    address), which the database would refuse with an error rather than find nothing."""
    if isinstance(row_id, bool) or not isinstance(row_id, int) or not 0 < row_id < 2**31:
        return None
    return db.get(model, row_id)
