"""A step's save keeps when an alerting answer was first saved (the unsent-draft sweep's clock) through saves
that do not change it, and forgets it when the answer no longer alerts: a save writes urgent_since only when
that changes."""
from screening.clock import aware
from screening.records import database
from screening.records.models import Draft
from tests.conftest import HEALTHY


def urgent_since(app):
    with app.app_context():
        return aware(database.session().query(Draft).one().urgent_since)


def test_urgent_since_is_kept_through_saves_and_forgotten_when_the_answer_changes(app, patient):
    patient.start()
    for slug in ("your-details", "about-you", "heart"):
        patient.answer(slug, HEALTHY)
    assert urgent_since(app) is None
    patient.answer("blood-pressure", {**HEALTHY, "symptoms_now": ["chest_pain"]})
    first = urgent_since(app)
    patient.answer("substances", HEALTHY)
    patient.answer("blood-pressure", {**HEALTHY, "symptoms_now": ["chest_pain"]})
    assert first is not None and urgent_since(app) == first
    patient.answer("blood-pressure", HEALTHY)
    assert urgent_since(app) is None
