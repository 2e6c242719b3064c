"""Fixtures: an app on a fresh database with the shipped rules, its client and CLI runner,
a Patient helper that walks the wizard the way a browser posts it, and a StaffAuth helper
(the `staff` fixture) that makes staff accounts and signs them in."""
from __future__ import annotations

import re
import shutil
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from werkzeug.security import generate_password_hash

from screening import create_app
from screening.records import database
from screening.questionnaire import QUESTIONNAIRE
from screening.catalogue.measures import MEASURES
from screening.catalogue.types import DATE, MULTI, NUMBER
from screening.clock import utcnow
from screening.records.models import AuditEvent, StaffUser
from screening.records import migrate

pytest_plugins = ["tests.postgres", "tests.live"]

ROOT = Path(__file__).resolve().parent.parent

def born_years_ago(years: int, days: int = 30) -> str:
    """A date of birth that makes someone `years` old today (their birthday `days` ago), as YYYY-MM-DD."""
    today = utcnow().date() - timedelta(days=days)
    try:
        return today.replace(year=today.year - years).isoformat()
    except ValueError:  # February 29
        return (today - timedelta(days=1)).replace(year=today.year - years).isoformat()


# A patient with nothing to report: every question answered, every follow-up hidden.
HEALTHY = {
    "first_name": "Sam", "last_name": "Rivera", "date_of_birth": born_years_ago(40),
    "sex_at_birth": "male", "height": 170.2, "weight": 72.6, "treatment_for": ["depression"], "ride_home": "yes",
    "heart_attack": "no", "heart_procedure": "no", "angina": "no", "heart_failure": "no", "heart_other": "no",
    "irregular_heartbeat": "no", "aneurysm_avm": "no", "brain_bleed": "no", "stroke_tia": "no",
    "bp_diagnosed": "no", "bp_systolic": 118, "bp_diastolic": 76, "bp_when": "within_month", "symptoms_now": ["none"],
    "alcohol_frequency": "never", "drugs_past_year": "no", "substance_history": "no", "ketamine_before": ["never"],
    "seizures": "no", "head_injury": "no", "raised_icp": "no", "brain_tumour": "no",
    "psychosis": "no", "bipolar_mania": "no", "family_psychosis": "no", "self_harm_thoughts": "no",
    "copd": "no", "asthma": "no", "sleep_apnoea": "no",
    "cystitis": "no", "urine_trouble": "no", "kidney_disease": "no",
    "liver_disease": "no", "glaucoma": "no", "overactive_thyroid": "no",
    "medicines": ["none"], "reactions": ["none"],
}


_MIGRATED: list[Path] = []


def migrated_sqlite() -> Path:
    """A SQLite file at the head revision, made once per test session; tests copy it, which is far quicker
    than running every migration for each of them."""
    if not _MIGRATED:
        folder = Path(tempfile.mkdtemp(prefix="screening-migrated-"))
        migrate.upgrade(f"sqlite:///{folder / 'head.sqlite3'}")
        _MIGRATED.append(folder / "head.sqlite3")
    return _MIGRATED[0]


def prepare_database(url: str) -> None:
    """Bring the database at `url` to the head revision, as `flask --app screening db upgrade` would."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(migrated_sqlite(), path)
    else:
        migrate.upgrade(url)


def make_app(config: dict[str, Any], instance_path: str, **options):
    """create_app on a database already at the head revision, as a deployment has it."""
    instance = Path(instance_path)
    prepare_database(config.get("DATABASE_URL") or f"sqlite:///{instance / 'screening.sqlite3'}")
    return create_app(config, instance_path=instance_path, **options)


@pytest.fixture
def app(tmp_path):
    app = make_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'test.sqlite3'}",
    }, instance_path=str(tmp_path / "instance"))
    yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def form_data(step_slug: str, answers: dict[str, Any]) -> dict[str, Any]:
    """What a browser posts for one step, given answers in catalogue form."""
    step = QUESTIONNAIRE.catalogue.step(step_slug)
    data: dict[str, Any] = {}
    for question in step.questions:
        if question.id not in answers:
            continue
        value = answers[question.id]
        if question.unknown and value == question.unknown.value:
            data[f"{question.unknown_with or question.id}-unknown"] = value
        elif question.type == MULTI:
            data[question.id] = list(value)
        elif question.measure:
            data[question.id] = MEASURES[question.measure].typed_form(value)
        elif question.type == DATE:
            born = date.fromisoformat(value)
            data.update({f"{question.id}-month": str(born.month), f"{question.id}-day": str(born.day),
                         f"{question.id}-year": str(born.year)})
        else:
            data[question.id] = str(value)
    return data


class Patient:
    def __init__(self, client):
        self.client = client

    def start(self):
        """Start a new questionnaire; after a Send this is the confirmation page's button."""
        return self.client.post("/start", data={"confirm": "yes"})

    def answer(self, slug: str, answers: dict[str, Any], query: str = ""):
        """Open the step's page, as a browser does, then post the answers to it."""
        self.client.get(f"/step/{slug}{query}")
        return self.client.post(f"/step/{slug}{query}", data=form_data(slug, answers))

    def complete(self, answers: dict[str, Any] | None = None):
        """Start and answer every step; follow-ups are posted again when the page asks for them."""
        answers = {**HEALTHY, **(answers or {})}
        self.start()
        for step in QUESTIONNAIRE.catalogue.steps:
            response = self.answer(step.slug, answers)
            if response.location and response.location.startswith(f"/step/{step.slug}"):
                response = self.answer(step.slug, answers)
            assert response.status_code == 303, (step.slug, response.get_data(as_text=True)[:2000])
        return self.client.get("/check")

    def send(self):
        return self.client.post("/send")

    def resume_code(self) -> str:
        html = self.client.get("/saved").get_data(as_text=True)
        return re.search(r'class="code code-large">([0-9A-Z-]+)<', html).group(1)


def audit_events(app, action: str | None = None) -> list[AuditEvent]:
    """The audit trail, oldest first; only `action`'s events when given."""
    from sqlalchemy import select

    with app.app_context():
        query = select(AuditEvent).order_by(AuditEvent.id)
        if action:
            query = query.where(AuditEvent.action == action)
        return database.session().scalars(query).all()


@pytest.fixture
def patient(client):
    return Patient(client)


STAFF_PASSWORD = "a long test password"
# Hashed once, and cheaply: the app reads the method from the stored hash, and an scrypt check per
# signed-in test client would add seconds to the suite. tests/staff/test_cli.py proves the app stores scrypt.
_STAFF_HASH = generate_password_hash(STAFF_PASSWORD, method="pbkdf2:sha256:1")


class StaffAuth:
    """Staff accounts for tests, written straight to the database and signed in through the real form.

    staff(roles=("clinician",))        a new test client, signed in as a new account with exactly those roles
    staff(("admin", "rules"), email="ana@clinic.test")    the same, with that email
    staff(("admin",), client=client)   signs that client in instead of making a new one
    staff.create(("rules",))           only makes the account; returns its email

    The signed-in client's `staff_email` holds the account's email; every password is STAFF_PASSWORD.
    """

    def __init__(self, app):
        self.app = app
        self.made = 0

    def create(self, roles=("clinician",), email: str | None = None) -> str:
        self.made += 1
        email = email or f"{'-'.join(roles)}-{self.made}@clinic.test"
        with self.app.app_context():
            user = StaffUser(email=email, password_hash=_STAFF_HASH)
            user.roles = roles
            database.session().add(user)
            database.session().commit()
            return user.email

    def __call__(self, roles=("clinician",), email: str | None = None, client=None):
        client = client or self.app.test_client()
        email = self.create(roles, email)
        page = client.get("/staff/sign-in").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = client.post("/staff/sign-in", data={"email": email, "password": STAFF_PASSWORD,
                                                       "csrf_token": token})
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]
        client.staff_email = email
        return client


@pytest.fixture
def staff(app):
    return StaffAuth(app)
