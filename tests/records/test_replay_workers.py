"""A replay spread over worker processes (issue 12): the same report, line for line, as in one process.

Batches of ids are evaluated by forked workers, each on a read-only connection of its own, a bounded number in
flight, and merged back in order; on SQLite and on PostgreSQL, through replay() and through the Flask CLI.
"""
import os
import subprocess
import sys

import pytest
from sqlalchemy import insert, select, update
from sqlalchemy.exc import OperationalError, InternalError

from screening.records import database
from screening.records import replay as replay_module
from screening.records.models import RulesVersion, Submission
from screening.records.replay import _evaluate, _evaluated, _Job, lines, read_only_engine, replay
from screening.questionnaire import QUESTIONNAIRE
from screening.rules.checker import check_file

from tests.conftest import ROOT, Patient, make_app
from tests.records.test_replay import READINGS, lowered_bp_raised


def send_readings(app):
    """The four blood pressure readings of test_replay.py, each sent through the wizard; references by systolic."""
    patient = Patient(app.test_client())
    for systolic, diastolic in READINGS.items():
        patient.complete({"bp_systolic": systolic, "bp_diastolic": diastolic})
        assert patient.send().status_code == 303
    with app.app_context():
        return {s.answers["bp_systolic"]: s.reference for s in database.session().scalars(select(Submission))}


@pytest.fixture
def stored(app):
    return send_readings(app)


@pytest.fixture
def ruleset(tmp_path):
    ruleset, problems = check_file(lowered_bp_raised(tmp_path / "rules-new.yaml"))
    assert ruleset is not None, problems
    return ruleset


def report_lines(app, ruleset, **options):
    with app.app_context():
        report = replay(database.session(), ruleset, **options)
        try:
            return lines(report, "rules-new.yaml")
        finally:
            report.changed.close()


def spoil(app, stored):
    """One summary that its rules do not make again, and two submissions whose rules text no longer matches its
    sha256: a mismatch and an unverifiable version, for --verify to report."""
    with app.app_context():
        db = database.session()
        db.execute(update(Submission).where(Submission.reference == stored[150]).values(topics=[]))
        db.add(RulesVersion(sha256="f" * 64, label="old-label", text="version: tampered"))
        db.flush()
        db.execute(update(Submission).where(Submission.reference.in_([stored[118], stored[135]]))
                   .values(rules_sha256="f" * 64))
        db.commit()


def copy_submissions(app, times: int) -> int:
    """Each stored submission `times` more, with references of their own: enough for more than one batch."""
    with app.app_context():
        db = database.session()
        table = Submission.__table__
        rows = [dict(row._mapping) for row in db.execute(select(table))]
        copies = [{**row, "id": None, "reference": f"{row['reference']}-{n}", "resume_hash": None}
                  for n in range(times) for row in rows]
        for row in copies:
            del row["id"]
        db.execute(insert(table), copies)
        db.commit()
        return len(rows) + len(copies)


def test_two_workers_make_the_same_report_as_one(app, stored, ruleset):
    one = report_lines(app, ruleset, batch_size=1, workers=1)
    assert "2 submissions would change (+ topic appears, - disappears, ~ changes tier):" in one
    assert report_lines(app, ruleset, batch_size=1, workers=2) == one


def test_two_workers_verify_as_one_does(app, stored, ruleset):
    spoil(app, stored)
    one = report_lines(app, ruleset, verify=True, batch_size=1, workers=1)
    assert any(line.startswith(f"  {stored[150]} ") and "topics differ" in line for line in one)
    assert "  rules old-label (sha256 ffffffffffff): 2 submissions not verified: its stored text does not match " \
           "its sha256" in one
    assert report_lines(app, ruleset, verify=True, batch_size=1, workers=2) == one


@pytest.mark.parametrize("batch_size", [1, 2, 3, 4, 5])
def test_every_batch_size_makes_the_same_report(app, stored, ruleset, batch_size):
    whole = report_lines(app, ruleset, verify=True, workers=1)
    assert report_lines(app, ruleset, verify=True, batch_size=batch_size, workers=2) == whole


def test_workers_keep_since(app, stored, ruleset):
    with app.app_context():
        db = database.session()
        older = db.scalars(select(Submission).where(Submission.reference == stored[132])).one()
        older.submitted_at = older.submitted_at.replace(year=older.submitted_at.year - 1)
        db.commit()
        since = max(s.submitted_at for s in db.scalars(select(Submission))).date()
    one = report_lines(app, ruleset, since=since, batch_size=1, workers=1)
    assert "Compared 3 submissions: 1 would change, 2 would stay the same." in one
    assert report_lines(app, ruleset, since=since, batch_size=1, workers=2) == one


def test_workers_hold_a_bounded_number_of_batches(app, stored, ruleset):
    with app.app_context():
        db = database.session()
        ids = db.scalars(select(Submission.id).order_by(Submission.submitted_at, Submission.id)).all()
        pulled = []

        def batches():
            for row_id in ids * 5:  # 20 batches of one
                pulled.append(row_id)
                yield [row_id]

        results = _evaluated(db, _Job(ruleset, False, {}, QUESTIONNAIRE), batches(), workers=2)
        first = next(results)
        assert first.compared == 1 and len(pulled) <= 2 * 2
        assert sum(batch.compared for batch in results) == 19


def test_a_submission_deleted_after_its_id_was_read_is_left_out(app, stored, ruleset):
    with app.app_context():
        db = database.session()
        ids = db.scalars(select(Submission.id).order_by(Submission.id)).all()
        batch = _evaluate(db.connection(), [ids[0], max(ids) + 1, ids[1]], _Job(ruleset, False, {}, QUESTIONNAIRE))
    assert batch.compared == 2 and sum(batch.made_with.values()) == 2


def test_a_worker_connection_refuses_to_write(app, stored):
    engine = read_only_engine(app.config["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            assert connection.execute(select(Submission.id)).first() is not None
            with pytest.raises(OperationalError, match="readonly"):
                connection.execute(update(Submission).values(status="reviewed"))
    finally:
        engine.dispose()


def test_replay_refuses_zero_workers(app, stored, ruleset):
    with app.app_context(), pytest.raises(ValueError, match="workers must be 1 or more"):
        replay(database.session(), ruleset, workers=0)


# -- the Flask CLI ---------------------------------------------------------------------------------------

def test_cli_with_two_workers_prints_what_one_prints(app, runner, stored, tmp_path, monkeypatch):
    monkeypatch.setattr(replay_module, "BATCH_SIZE", 1)
    new = lowered_bp_raised(tmp_path / "rules-new.yaml")
    one = runner.invoke(args=["rules", "replay", str(new), "--verify", "--workers", "1"])
    two = runner.invoke(args=["rules", "replay", str(new), "--verify", "--workers", "2"])
    assert one.exit_code == 0 and "2 submissions would change" in one.output
    assert two.exit_code == 0 and two.output == one.output


def test_cli_refuses_zero_workers(runner, stored, tmp_path):
    result = runner.invoke(args=["rules", "replay", "--verify", "--workers", "0"])
    assert result.exit_code == 2 and "--workers" in result.output


def test_flask_command_with_workers_prints_what_one_process_prints(app, stored, tmp_path):
    """`flask rules replay` as staff run it, in a process of its own, over more than one batch."""
    count = copy_submissions(app, (replay_module.BATCH_SIZE // len(READINGS)) + 1)
    assert count > replay_module.BATCH_SIZE
    new = lowered_bp_raised(tmp_path / "rules-new.yaml")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path),
           "SCREENING_DATABASE_URL": app.config["DATABASE_URL"], "SCREENING_SECRET_KEY": "test"}

    def flask(*args):
        return subprocess.run([sys.executable, "-m", "flask", "--app", "screening", "rules", "replay", str(new),
                               *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)

    one, two = flask("--workers", "1"), flask("--workers", "2")
    assert one.returncode == 0, one.stderr
    assert f"Compared {count} submissions: {count // 2} would change" in one.stdout
    assert two.returncode == 0, two.stderr
    assert two.stdout == one.stdout


# -- PostgreSQL ------------------------------------------------------------------------------------------

@pytest.fixture
def postgres_app(postgres_url, tmp_path):
    return make_app({"TESTING": True, "SECRET_KEY": "k", "WTF_CSRF_ENABLED": False, "DATABASE_URL": postgres_url},
                    instance_path=str(tmp_path / "instance"))


def test_two_workers_make_the_same_report_as_one_on_postgresql(postgres_app, ruleset):
    stored = send_readings(postgres_app)
    spoil(postgres_app, stored)
    one = report_lines(postgres_app, ruleset, verify=True, batch_size=1, workers=1)
    # 150 has lost its topic, so the new rules would give it back.
    assert "Compared 4 submissions: 3 would change, 1 would stay the same." in one
    assert report_lines(postgres_app, ruleset, verify=True, batch_size=1, workers=2) == one


def test_a_worker_connection_refuses_to_write_on_postgresql(postgres_app):
    send_readings(postgres_app)
    engine = read_only_engine(postgres_app.config["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            assert connection.execute(select(Submission.id)).first() is not None
            with pytest.raises(InternalError, match="read-only transaction"):
                connection.execute(update(Submission).values(status="reviewed"))
    finally:
        engine.dispose()


def test_no_transaction_of_the_replaying_process_is_open_when_its_workers_are_forked(app, stored, ruleset, monkeypatch):
    open_at_fork = []
    real_submit = replay_module.ProcessPoolExecutor.submit

    def submit(pool, fn, *args):
        if not open_at_fork:
            open_at_fork.append(database.session().in_transaction())
        return real_submit(pool, fn, *args)

    monkeypatch.setattr(replay_module.ProcessPoolExecutor, "submit", submit)
    report_lines(app, ruleset, workers=2, batch_size=1)
    assert open_at_fork == [False]
