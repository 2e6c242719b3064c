"""Schema migrations (Alembic): bring a database to the code's revision once, under a lock, and say where it is.

    upgrade(url)        to the head revision; two processes or machines starting at once upgrade once
    status(engine)      the database's revision and the code's head
    require_head(engine) refuses, with the command to run, when the database is behind the code

A database made before migrations existed (tables made by `create_all`, no `alembic_version`) is
recognized and stamped with the first revision, whose schema it has, then upgraded like any other.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from screening.settings import ConfigError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
FIRST_REVISION = "0001"
# Any fixed 64-bit number: every process that upgrades this database takes the same PostgreSQL advisory lock.
ADVISORY_LOCK = 0x5C12EE1126
# How long a second process waits for the first one's upgrade on SQLite, in seconds.
SQLITE_LOCK_WAIT = 120
UPGRADE_HINT = "run `flask --app screening db upgrade`"


@dataclass(frozen=True)
class Status:
    current: str | None
    head: str

    @property
    def at_head(self) -> bool:
        return self.current == self.head

    def describe(self) -> str:
        if self.at_head:
            return f"the database is at revision {self.current}, the head: nothing to do"
        where = f"at revision {self.current}" if self.current else "empty (no revision)"
        return f"the database is {where}; this code needs revision {self.head}: {UPGRADE_HINT}"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def status(engine: Engine) -> Status:
    with engine.connect() as connection:
        return Status(MigrationContext.configure(connection).get_current_revision(), head())


def require_head(engine: Engine) -> None:
    """Stop a start whose database is behind (or ahead of) the code, with one line saying what to do."""
    try:
        now = status(engine)
    except OperationalError as error:
        raise ConfigError(f"screening: cannot read the database: {_first_line(error)}; check "
                          "SCREENING_DATABASE_URL and that the database server is running") from None
    if not now.at_head:
        raise ConfigError(f"screening: {now.describe()}")


def _locking_engine(url: str) -> Engine:
    """An engine whose transactions hold the upgrade lock from their first statement."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_LOCK_WAIT})

        # pysqlite begins transactions lazily and never for DDL; take BEGIN into our hands so that the whole
        # upgrade is one EXCLUSIVE transaction, which a second process waits on.
        @event.listens_for(engine, "connect")
        def _autocommit_driver(dbapi_connection, _record):
            dbapi_connection.isolation_level = None
            dbapi_connection.execute("PRAGMA journal_mode=WAL")

        @event.listens_for(engine, "begin")
        def _begin_exclusive(connection):
            connection.exec_driver_sql("BEGIN EXCLUSIVE")

        return engine
    return create_engine(url)


def _lock(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        # Released when the transaction ends; Alembic has no lock of its own (sqlalchemy/alembic#633).
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK})


def _made_before_migrations(connection: Connection) -> bool:
    tables = set(inspect(connection).get_table_names())
    return "alembic_version" not in tables and {"draft", "submission", "staff_user"} <= tables


def upgrade(url: str, revision: str = "head") -> tuple[str | None, str | None]:
    """Upgrade the database at `url`; returns its revision before and after.

    A database that cannot be reached stops with one line (ConfigError), not a stack trace.
    """
    engine = _locking_engine(url)
    try:
        with engine.begin() as connection:
            _lock(connection)
            config = alembic_config(connection)
            before = MigrationContext.configure(connection).get_current_revision()
            if before is None and _made_before_migrations(connection):
                command.stamp(config, FIRST_REVISION)
                before = FIRST_REVISION
            command.upgrade(config, revision)
            after = MigrationContext.configure(connection).get_current_revision()
        return before, after
    except OperationalError as error:
        raise ConfigError(f"screening: cannot upgrade the database: {_first_line(error)}; check "
                          "SCREENING_DATABASE_URL and that the database server is running") from None
    finally:
        engine.dispose()


def _first_line(error: OperationalError) -> str:
    # The driver's own message (connection refused, database locked, ...), never the statement's parameters.
    return str(error.orig).strip().splitlines()[0] if error.orig is not None else type(error).__name__
