"""PostgreSQL takes over from SQLite with no code change: the whole patient path on a throwaway cluster.

Requirement (issue 2, section 1). The cluster is started by the `postgres_url` fixture in tests/postgres.py.
"""
from tests.conftest import make_app

from tests.conftest import Patient

def test_patient_path_works_on_postgresql(postgres_url, tmp_path):
    app = make_app({"TESTING": True, "SECRET_KEY": "k", "WTF_CSRF_ENABLED": False, "DATABASE_URL": postgres_url},
                     instance_path=str(tmp_path / "instance"))
    patient = Patient(app.test_client())
    patient.complete({"bp_systolic": 185, "heart_attack": "yes", "heart_attack_when": "over_12_months"})
    summary = patient.client.get(patient.send().location).get_data(as_text=True)
    assert "KS-" in summary and "care-card-urgent" in summary


def test_the_lean_draft_read_gives_what_the_row_holds_on_postgresql(postgres_url, tmp_path):
    from screening.clock import aware
    from screening.records import database, drafts

    app = make_app({"TESTING": True, "SECRET_KEY": "k", "DATABASE_URL": postgres_url},
                   instance_path=str(tmp_path / "instance"))
    with app.app_context():
        draft, _ = drafts.create(database.session(), 30)
        drafts.save(database.session(), draft, {"sex_at_birth": "female", "drugs": ["cannabis"]}, 30, ["drugs"])
        lean = drafts.lean_by_id(database.engine_of(app), draft.id)
    assert (lean.answers, lean.presented, aware(lean.updated_at), aware(lean.expires_at)) == (
        {"sex_at_birth": "female", "drugs": ["cannabis"]}, ["drugs"], aware(draft.updated_at), aware(draft.expires_at))


def test_a_lean_draft_saved_on_postgresql_reads_back_with_its_answers_and_times(postgres_url, tmp_path):
    from screening.clock import aware, utcnow
    from screening.records import database, drafts

    app = make_app({"TESTING": True, "SECRET_KEY": "k", "DATABASE_URL": postgres_url},
                   instance_path=str(tmp_path / "instance"))
    with app.app_context():
        draft, _ = drafts.create(database.session(), 30)
        lean = drafts.lean_by_id(database.engine_of(app), draft.id)
        lean.urgent_since = since = utcnow()
        drafts.save(database.session(), lean, {"drugs": ["cannabis"], "bp_systolic": 150}, 30, ["drugs"])
        again = drafts.lean_by_id(database.engine_of(app), draft.id)
    assert (again.answers, again.presented, aware(again.urgent_since), aware(again.updated_at)) == (
        {"drugs": ["cannabis"], "bp_systolic": 150}, ["drugs"], since, aware(lean.updated_at))
