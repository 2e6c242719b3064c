"""CSRF: every POST needs a token from this session; a missing or forged one is a clear 400."""
import time
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from screening import extensions
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


def test_pages_shortly_after_each_other_carry_the_same_token_and_it_is_accepted(guarded, monkeypatch):
    client = guarded.test_client()
    signs = counting_signs(monkeypatch)
    signed_at(monkeypatch, 0)
    first = token(client, "/")
    signed_at(monkeypatch, 2)
    assert token(client, "/") == first and len(signs) == 1
    assert client.post("/start", data={"csrf_token": first}).status_code == 303


NOW = time.time()


def signed_at(monkeypatch, seconds):
    """The clock the reuse reads, moved; itsdangerous still signs and checks on the real one."""
    monkeypatch.setattr(extensions, "time", SimpleNamespace(time=lambda: NOW + seconds))


def counting_signs(monkeypatch) -> list:
    signed = []

    def generate():
        signed.append(1)
        return real_generate()

    real_generate = extensions.generate_csrf
    monkeypatch.setattr(extensions, "generate_csrf", generate)
    return signed


def test_a_token_older_than_its_reuse_is_signed_again_and_both_are_accepted(guarded, monkeypatch):
    client = guarded.test_client()
    signs = counting_signs(monkeypatch)
    signed_at(monkeypatch, 0)
    first = token(client, "/")
    signed_at(monkeypatch, extensions.TOKEN_REUSE_MOST - 1)
    assert token(client, "/") == first and len(signs) == 1
    signed_at(monkeypatch, extensions.TOKEN_REUSE_MOST)
    second = token(client, "/")
    assert len(signs) == 2
    assert client.post("/start", data={"csrf_token": first}).status_code == 303
    assert client.post("/start", data={"csrf_token": second}).status_code == 303


def test_a_token_is_reused_for_a_24th_of_a_shorter_time_limit(guarded, monkeypatch):
    guarded.config["WTF_CSRF_TIME_LIMIT"] = 240
    client = guarded.test_client()
    signs = counting_signs(monkeypatch)
    signed_at(monkeypatch, 0)
    token(client, "/")
    signed_at(monkeypatch, 9)
    token(client, "/")
    signed_at(monkeypatch, 10)
    token(client, "/")
    assert len(signs) == 2


def test_another_session_never_gets_this_sessions_token(guarded):
    one, other = guarded.test_client(), guarded.test_client()
    mine = token(one, "/")
    assert token(other, "/") != mine
    assert other.post("/start", data={"csrf_token": mine}).status_code == 400


def test_a_new_secret_key_signs_a_new_token(guarded):
    client = guarded.test_client()
    first = token(client, "/")
    guarded.config["WTF_CSRF_SECRET_KEY"] = "another"
    assert token(client, "/") != first
