"""Schema migrations: Alembic revisions inside the package, run by `flask --app screening db ...`.

Requirement (issue 6, "Schema migrations"): the first revision is exactly the schema of the release before
migrations; a database made by that release (create_all, no alembic_version) is recognised and brought to
head with every row kept, on SQLite and on PostgreSQL; autogenerate finds no difference between the
models and the head revision; `db check` exits 1 on a database behind the head; an upgrade run twice at
once upgrades once.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from screening.records import migrate
from screening.records.models import Base
from tests.conftest import ROOT, StaffAuth, make_app
from tests.postgres import new_database

FIXTURES = Path(__file__).resolve().parent / "fixtures"
WHEN = datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc)
TABLES_BEFORE = ("draft", "rules_version", "submission", "staff_user", "audit_event")

# Rows in every table of the schema before migrations, written as its release wrote them.
ROWS = {
    "draft": [{"id": "d" * 43, "resume_hash": "a" * 64, "answers": '{"age": 40, "asthma": "yes"}',
               "created_at": WHEN, "updated_at": WHEN, "expires_at": datetime(2026, 12, 20, tzinfo=timezone.utc)}],
    "rules_version": [{"sha256": "b" * 64, "label": "2026-11-25.3", "text": "version: '2026-11-25.3'\nrules: []\n",
                       "first_used_at": WHEN}],
    "submission": [{"id": 1, "reference": "KS-ABCD-EFGH", "submitted_at": WHEN, "started_at": WHEN,
                    "answers": '{"age": 51, "bp_systolic": 150, "bp_diastolic": 95}',
                    "topics": '[{"id": "bp-raised", "severity": "discuss", "title": "Blood pressure", '
                              '"patient": "p", "clinician": "c", "source": "s", "because": []}]',
                    "rules_version": "2026-11-25.3", "rules_sha256": "b" * 64, "catalogue_version": "0123456789abcdef",
                    "highest_severity": "discuss", "urgent_count": 0, "discuss_count": 1, "mention_count": 0,
                    "status": "reviewed", "reviewed_by": "ana@clinic.test", "reviewed_at": WHEN},
                   {"id": 2, "reference": "KS-JKLM-NPQR", "submitted_at": WHEN, "started_at": WHEN,
                    "answers": "{}", "topics": "[]", "rules_version": "2026-11-25.3", "rules_sha256": "b" * 64,
                    "catalogue_version": "0123456789abcdef", "highest_severity": None, "urgent_count": 0,
                    "discuss_count": 0, "mention_count": 0, "status": "new", "reviewed_by": None,
                    "reviewed_at": None}],
    "staff_user": [{"id": 1, "email": "ana@clinic.test", "password_hash": "scrypt:32768:8:1$salt$hash",
                    "roles": "admin,clinician", "active": True, "failed_attempts": 2, "locked_until": None,
                    "created_at": WHEN, "last_sign_in_at": WHEN}],
    "audit_event": [{"id": 1, "at": WHEN, "actor_email": "ana@clinic.test", "action": "view_submission",
                     "submission_reference": "KS-ABCD-EFGH", "detail": "", "source_ip": "127.0.0.1"},
                    {"id": 2, "at": WHEN, "actor_email": None, "action": "staff_added",
                     "submission_reference": None, "detail": "ana@clinic.test; roles: admin, clinician",
                     "source_ip": "cli"}],
}


def build_release_before_migrations(url: str) -> None:
    """The database the release before this change made: its create_all schema, rows in every table."""
    engine = create_engine(url)
    dialect = engine.dialect.name
    statements = (FIXTURES / f"schema_before_migrations.{dialect}.sql").read_text()
    with engine.begin() as connection:
        for statement in statements.split(";"):
            body = "\n".join(line for line in statement.splitlines() if not line.startswith("--")).strip()
            if body:
                connection.exec_driver_sql(body)
        for table, rows in ROWS.items():
            for row in rows:
                connection.execute(text(f"INSERT INTO {table} ({', '.join(row)}) "
                                        f"VALUES ({', '.join(':' + k for k in row)})"), row)
        if dialect == "postgresql":  # the release's own inserts would have moved the sequences on
            for table in ("submission", "staff_user", "audit_event"):
                connection.exec_driver_sql(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
    engine.dispose()


def table_rows(url: str) -> dict[str, list[tuple]]:
    """Every row of the tables of the release before migrations, in the columns it had."""
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = {table: [tuple(map(str, row)) for row in connection.exec_driver_sql(
            f"SELECT {', '.join(ROWS[table][0])} FROM {table} ORDER BY 1")] for table in TABLES_BEFORE}
    engine.dispose()
    return rows


def revision_of(url: str) -> str | None:
    engine = create_engine(url)
    with engine.connect() as connection:
        revision = MigrationContext.configure(connection).get_current_revision()
    engine.dispose()
    return revision


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    return new_database(request.getfixturevalue("postgres_server"))


def schema_of(url: str) -> dict[str, dict]:
    engine = create_engine(url)
    with engine.connect() as connection:
        look = inspect(connection)
        schema = {table: {
            "columns": sorted((c["name"], str(c["type"]), c["nullable"]) for c in look.get_columns(table)),
            "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in look.get_indexes(table)),
            "unique": sorted(tuple(u["column_names"]) for u in look.get_unique_constraints(table)),
            "foreign keys": sorted((tuple(k["constrained_columns"]), k["referred_table"])
                                   for k in look.get_foreign_keys(table)),
            "primary key": look.get_pk_constraint(table)["constrained_columns"],
        } for table in look.get_table_names() if table != "alembic_version"}
    engine.dispose()
    return schema


@pytest.fixture
def second_url(request, empty_url, tmp_path):
    if empty_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'second.sqlite3'}"
    return new_database(request.getfixturevalue("postgres_server"))


def test_the_first_revision_makes_exactly_the_schema_of_the_release_before(empty_url, second_url):
    migrate.upgrade(empty_url, migrate.FIRST_REVISION)
    build_release_before_migrations(second_url)
    assert schema_of(empty_url) == schema_of(second_url)


def test_a_database_made_before_migrations_is_upgraded_with_every_row_kept(empty_url):
    build_release_before_migrations(empty_url)
    before = table_rows(empty_url)
    assert sum(len(rows) for rows in before.values()) == 7

    assert migrate.upgrade(empty_url) == (migrate.FIRST_REVISION, migrate.head())

    assert table_rows(empty_url) == before
    assert revision_of(empty_url) == migrate.head()


def test_the_upgraded_old_database_serves_its_submission_to_a_clinician(empty_url, tmp_path):
    build_release_before_migrations(empty_url)
    migrate.upgrade(empty_url)
    app = make_app({"TESTING": True, "SECRET_KEY": "k", "WTF_CSRF_ENABLED": False, "DATABASE_URL": empty_url},
                   instance_path=str(tmp_path / "instance"))
    clinician = StaffAuth(app)(("clinician",))
    page = clinician.get("/staff/submissions/KS-ABCD-EFGH")
    assert page.status_code == 200 and "2026-11-25.3" in page.get_data(as_text=True)
    app.extensions["screening.sessionmaker"].kw["bind"].dispose()


def test_autogenerate_finds_no_difference_between_the_models_and_the_head_revision(empty_url):
    migrate.upgrade(empty_url)
    engine = create_engine(empty_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                       Base.metadata)
    engine.dispose()
    assert differences == []


def test_an_upgrade_at_head_changes_nothing(empty_url):
    migrate.upgrade(empty_url)
    assert migrate.upgrade(empty_url) == (migrate.head(), migrate.head())


def test_upgrades_started_at_once_upgrade_once(empty_url):
    script = "import sys; from screening.records import migrate; print(migrate.upgrade(sys.argv[1]))"
    runs = [subprocess.Popen([sys.executable, "-c", script, empty_url], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outcomes = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0] * 4, outcomes
    head = migrate.head()
    # Exactly one of them found the database empty; the others waited on the lock and found it at head.
    assert sorted(out.strip() for out, _ in outcomes) == sorted(
        [f"(None, '{head}')"] + [f"('{head}', '{head}')"] * 3)


def test_db_check_exits_1_and_says_what_to_run_on_a_database_one_revision_behind(tmp_path):
    url = f"sqlite:///{tmp_path / 'behind.sqlite3'}"
    migrate.upgrade(url, migrate.FIRST_REVISION)
    result = cli(url, tmp_path, "db", "check")
    assert result.returncode == 1
    assert result.stderr.strip() == (f"Error: the database is at revision {migrate.FIRST_REVISION}; this code needs "
                                     f"revision {migrate.head()}: run `flask --app screening db upgrade`")


def test_db_check_exits_0_at_head(tmp_path):
    url = f"sqlite:///{tmp_path / 'head.sqlite3'}"
    migrate.upgrade(url)
    result = cli(url, tmp_path, "db", "check")
    assert result.returncode == 0 and "the head: nothing to do" in result.stdout


def test_db_upgrade_says_from_where_to_where(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    result = cli(url, tmp_path, "db", "upgrade")
    assert result.returncode == 0 and result.stdout.strip() == f"Upgraded the database from empty to revision {migrate.head()}."


def test_db_current_names_the_revision_and_whether_it_is_the_head(tmp_path):
    url = f"sqlite:///{tmp_path / 'head.sqlite3'}"
    migrate.upgrade(url)
    assert cli(url, tmp_path, "db", "current").stdout.strip() == f"{migrate.head()} (head)"


def test_db_history_lists_every_revision(tmp_path):
    output = cli(f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path, "db", "history").stdout
    assert "-> 0001" in output and "0001 -> 0002" in output


def test_a_command_that_needs_records_refuses_a_database_behind(tmp_path):
    url = f"sqlite:///{tmp_path / 'behind.sqlite3'}"
    migrate.upgrade(url, migrate.FIRST_REVISION)
    result = cli(url, tmp_path, "staff", "list")
    assert result.returncode == 1 and "flask --app screening db upgrade" in result.stderr


def test_the_app_refuses_to_serve_a_database_behind_the_code(tmp_path):
    url = f"sqlite:///{tmp_path / 'behind.sqlite3'}"
    migrate.upgrade(url, migrate.FIRST_REVISION)
    from screening import create_app
    from screening.settings import ConfigError

    with pytest.raises(ConfigError, match="run `flask --app screening db upgrade`"):
        create_app({"TESTING": True, "SECRET_KEY": "k", "DATABASE_URL": url}, instance_path=str(tmp_path / "i"))


def test_flask_run_upgrades_before_serving(tmp_path):
    from screening import create_app

    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "k", "DATABASE_URL": url}, instance_path=str(tmp_path / "i"),
                     upgrade=True)
    assert revision_of(url) == migrate.head()
    assert app.test_client().get("/").status_code == 200


def cli(url: str, tmp_path, *args: str) -> subprocess.CompletedProcess:
    """`flask --app screening ARGS` as an administrator types it, on the database at `url`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCREENING_")}
    env["SCREENING_DATABASE_URL"] = url
    return subprocess.run([sys.executable, "-m", "flask", "--app", "screening", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)


def test_drafts_in_progress_count_their_answered_questions_as_presented(empty_url):
    build_release_before_migrations(empty_url)
    migrate.upgrade(empty_url, "0002")
    migrate.upgrade(empty_url, "0003")
    engine = create_engine(empty_url)
    with engine.connect() as connection:
        presented = connection.execute(text("SELECT presented FROM draft")).scalar_one()
        kept = connection.execute(text("SELECT resume_hash, resume_until FROM submission ORDER BY id")).all()
    engine.dispose()
    presented = json.loads(presented) if isinstance(presented, str) else presented
    assert sorted(presented) == ["age", "asthma"]
    assert [tuple(row) for row in kept] == [(None, None), (None, None)]


def test_submissions_sent_before_identity_was_asked_have_no_identity_after_0004(empty_url):
    build_release_before_migrations(empty_url)
    migrate.upgrade(empty_url, "0003")
    before = table_rows(empty_url)
    migrate.upgrade(empty_url, "0004")
    engine = create_engine(empty_url)
    with engine.connect() as connection:
        identity = connection.execute(text(
            "SELECT first_name, last_name, date_of_birth, record_number, phone, email, invitation_id "
            "FROM submission ORDER BY id")).all()
        drafts = connection.execute(text("SELECT invitation_id FROM draft")).all()
        keys = connection.execute(text("SELECT count(*) FROM name_key")).scalar_one()
    engine.dispose()
    assert table_rows(empty_url) == before
    assert [tuple(row) for row in identity] == [(None,) * 7, (None,) * 7]
    assert [tuple(row) for row in drafts] == [(None,)] and keys == 0


def test_an_old_submission_keeps_the_age_it_was_sent_with(empty_url, tmp_path):
    from screening.questionnaire import QUESTIONNAIRE

    build_release_before_migrations(empty_url)
    migrate.upgrade(empty_url)
    engine = create_engine(empty_url)
    with engine.connect() as connection:
        answers = connection.execute(text("SELECT answers FROM submission WHERE id = 1")).scalar_one()
    engine.dispose()
    answers = json.loads(answers) if isinstance(answers, str) else answers
    assert QUESTIONNAIRE.with_scores(answers, WHEN.date())["age"] == 51


def test_0005_keeps_every_row_and_leaves_the_alert_columns_empty(empty_url):
    """Issue 9: drafts and submissions from before alerts get none; the outbox tables start empty."""
    build_release_before_migrations(empty_url)
    migrate.upgrade(empty_url, "0004")
    before = table_rows(empty_url)
    migrate.upgrade(empty_url, "0005")
    engine = create_engine(empty_url)
    with engine.connect() as connection:
        drafts = connection.execute(text("SELECT urgent_since, alerted_at FROM draft")).all()
        acknowledged = connection.execute(text(
            "SELECT acknowledged_by, acknowledged_at FROM submission ORDER BY id")).all()
        outbox = {table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                  for table in ("alert", "delivery", "delivery_attempt")}
    engine.dispose()
    assert revision_of(empty_url) == "0005" and table_rows(empty_url) == before
    assert [tuple(row) for row in drafts] == [(None, None)]
    assert [tuple(row) for row in acknowledged] == [(None, None), (None, None)]
    assert outbox == {"alert": 0, "delivery": 0, "delivery_attempt": 0}


def test_0006_keeps_every_row_and_records_english_for_what_was_there(empty_url):
    """Issue 11: drafts and submissions from before were in English, the only language then."""
    build_release_before_migrations(empty_url)
    migrate.upgrade(empty_url, "0005")
    before = table_rows(empty_url)
    migrate.upgrade(empty_url, "0006")
    engine = create_engine(empty_url)
    with engine.connect() as connection:
        drafts = connection.execute(text("SELECT language FROM draft")).all()
        submissions = connection.execute(text("SELECT language, patient_topics FROM submission ORDER BY id")).all()
    engine.dispose()
    assert revision_of(empty_url) == "0006" and table_rows(empty_url) == before
    assert [tuple(row) for row in drafts] == [("en",)]
    assert [tuple(row) for row in submissions] == [("en", None), ("en", None)]


def test_0007_recodes_the_anesthetic_answer_in_drafts_and_submissions_and_nothing_else(empty_url):
    """A US answer code: "anaesthetic" becomes "anesthetic" wherever it was stored; other answers stay."""
    build_release_before_migrations(empty_url)
    migrate.upgrade(empty_url, "0006")
    engine = create_engine(empty_url)
    old = {"age": 40, "reactions": ["ketamine", "anaesthetic"], "reaction_details": "anaesthetic made me sick"}
    with engine.begin() as connection:
        connection.execute(text("UPDATE draft SET answers = :a"), {"a": json.dumps(old)})
        connection.execute(text("UPDATE submission SET answers = :a WHERE id = 1"), {"a": json.dumps(old)})
    migrate.upgrade(empty_url, "0007")
    with engine.connect() as connection:
        stored = [connection.execute(text(sql)).scalar_one() for sql in (
            "SELECT answers FROM draft", "SELECT answers FROM submission WHERE id = 1",
            "SELECT answers FROM submission WHERE id = 2")]
    engine.dispose()
    draft, sent, untouched = [json.loads(a) if isinstance(a, str) else a for a in stored]
    assert revision_of(empty_url) == "0007"
    assert draft == sent == {**old, "reactions": ["ketamine", "anesthetic"]}
    assert untouched == {}


def test_0007_downgrade_gives_the_old_code_back(empty_url):
    build_release_before_migrations(empty_url)
    migrate.upgrade(empty_url, "0006")
    engine = create_engine(empty_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE draft SET answers = :a"), {"a": json.dumps({"reactions": ["anaesthetic"]})})
    migrate.upgrade(empty_url, "0007")
    with engine.begin() as connection:
        command.downgrade(migrate.alembic_config(connection), "0006")
    with engine.connect() as connection:
        answers = connection.execute(text("SELECT answers FROM draft")).scalar_one()
    engine.dispose()
    answers = json.loads(answers) if isinstance(answers, str) else answers
    assert revision_of(empty_url) == "0006" and answers == {"reactions": ["anaesthetic"]}
