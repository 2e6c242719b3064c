"""CSRF: every POST needs a token from this session; a missing or forged one is a clear 400."""
import pytest
from sqlalchemy import select

from tests.conftest import make_app
from screening.records import database
from screening.records.models import Draft


@pytest.fixture
def guarded(tmp_path):
    return make_app({"TESTING": True, "SECRET_KEY": "k", "DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite3'}"},
                      instance_path=str(tmp_path / "instance"))


def token(client, path):
    html = client.get(path).get_data(as_text=True)
    return html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def test_post_without_token_is_400_with_a_message(guarded):
    response = guarded.test_client().post("/start")
    assert response.status_code == 400 and "Your page timed out" in response.get_data(as_text=True)


def test_forged_token_is_refused_and_saved_answers_stay(guarded):
    client = guarded.test_client()
    client.post("/start", data={"csrf_token": token(client, "/")})
    client.post("/step/your-details", data={"csrf_token": token(client, "/step/your-details"), "first_name": "Ana",
                                            "last_name": "Diaz", "date_of_birth-month": "4",
                                            "date_of_birth-day": "2", "date_of_birth-year": "1990"})
    response = client.post("/step/about-you", data={"csrf_token": "forged", "sex_at_birth": "male"})
    with guarded.app_context():
        answers = database.session().scalars(select(Draft)).one().answers
    assert response.status_code == 400 and answers["last_name"] == "Diaz" and "sex_at_birth" not in answers


def test_post_with_the_session_token_is_accepted(guarded):
    client = guarded.test_client()
    assert client.post("/start", data={"csrf_token": token(client, "/")}).status_code == 303
