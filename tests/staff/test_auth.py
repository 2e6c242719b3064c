"""Staff sessions and `role_required`.

Requirement (issue 3, sections 5 and 6): signed-out visitors go to sign-in with a local `next`; a role
that is not held gets 403; any one of several roles is enough; sessions end after STAFF_IDLE_MINUTES
idle, on sign-out, and at once when the account is disabled or its password reset; every POST needs a
CSRF token.
"""
from datetime import timedelta

import pytest

from tests.conftest import make_app
from screening.staff import auth
from screening.staff.auth import role_required, safe_next

from tests.conftest import STAFF_PASSWORD, StaffAuth


@pytest.fixture
def later(monkeypatch):
    """Move the session clock on by some minutes."""
    start = auth.utcnow()

    def later(minutes):
        monkeypatch.setattr(auth, "utcnow", lambda: start + timedelta(minutes=minutes))
    return later


def test_signed_out_visitor_is_sent_to_sign_in_with_next(client):
    response = client.get("/staff/audit")
    assert response.status_code == 303 and response.location == "/staff/sign-in?next=/staff/audit"


def test_next_keeps_the_query_string(client):
    assert client.get("/staff/audit?action=sign_in").location == "/staff/sign-in?next=/staff/audit?action%3Dsign_in"


def test_signed_in_user_without_the_role_gets_403(staff):
    response = staff(("clinician",)).get("/staff/audit")
    assert response.status_code == 403 and "You cannot see this page" in response.get_data(as_text=True)


def test_any_one_of_several_roles_is_enough(app, staff):
    app.add_url_rule("/staff/either", "either", role_required("clinician", "admin")(lambda: "in"))
    assert staff(("admin",)).get("/staff/either").get_data(as_text=True) == "in"


def test_role_required_refuses_an_unknown_role():
    with pytest.raises(ValueError, match="role_required needs one or more of"):
        role_required("admn")


def test_role_required_sets_g_staff(app, staff):
    from flask import g
    app.add_url_rule("/staff/whoami", "whoami", role_required("rules")(lambda: g.staff.email))
    client = staff(("rules",))
    assert client.get("/staff/whoami").get_data(as_text=True) == client.staff_email


@pytest.mark.parametrize("target, kept", [
    ("/staff/audit?page=2", True), ("/", True), ("//evil.example", False), ("https://evil.example", False),
    ("/\\evil.example", False), ("/\r\n/evil.example", False), ("", False), (None, False),
])
def test_safe_next_keeps_only_paths_on_this_site(target, kept):
    assert safe_next(target) == (target if kept else None)


def test_session_expires_after_the_idle_time(staff, later):
    client = staff()
    later(31)
    response = client.get("/staff/")
    assert response.status_code == 303 and "without activity" in client.get(response.location).get_data(as_text=True)


def test_activity_keeps_the_session_alive(staff, later):
    client = staff()
    for minutes in (20, 40, 60):
        later(minutes)
        assert client.get("/staff/").status_code == 200


def test_idle_time_comes_from_the_config(app, staff, later):
    app.config["STAFF_IDLE_MINUTES"] = 5
    client = staff()
    later(6)
    assert client.get("/staff/").status_code == 303


def test_disabled_account_session_is_refused_at_once(staff, runner):
    client = staff()
    runner.invoke(args=["staff", "disable", client.staff_email])
    assert client.get("/staff/").status_code == 303


def test_password_reset_ends_open_sessions(staff, runner):
    client = staff()
    runner.invoke(args=["staff", "reset-password", client.staff_email, "--password-stdin"],
                  input="a brand new password\n")
    assert client.get("/staff/").status_code == 303


@pytest.fixture
def guarded(tmp_path):
    return make_app({"TESTING": True, "SECRET_KEY": "k", "DATABASE_URL": f"sqlite:///{tmp_path / 'g.sqlite3'}"},
                      instance_path=str(tmp_path / "instance"))


@pytest.mark.parametrize("path", ["/staff/sign-in", "/staff/sign-out"])
def test_staff_posts_need_a_csrf_token(guarded, path):
    response = guarded.test_client().post(path, data={"email": "a@b.c", "password": "x" * 12})
    assert response.status_code == 400 and "Your page timed out" in response.get_data(as_text=True)


def test_staff_helper_signs_in_through_the_form_with_csrf_on(guarded):
    assert StaffAuth(guarded)(("admin",)).get("/staff/audit").status_code == 200


def copied_cookie(client) -> str:
    return client.get_cookie("session").value


def replayed(app, cookie: str):
    """A second browser presenting a copy of the cookie."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief.get("/staff/submissions")


def test_a_cookie_copied_before_sign_out_is_refused_after_it(app, staff):
    client = staff(("clinician",))
    cookie = copied_cookie(client)
    assert replayed(app, cookie).status_code == 200
    client.post("/staff/sign-out")
    assert replayed(app, cookie).status_code == 303


def test_a_cookie_copied_before_idle_expiry_is_refused_after_it(app, staff, later):
    client = staff(("clinician",))
    cookie = copied_cookie(client)
    later(31)
    assert client.get("/staff/submissions").status_code == 303
    later(0)
    assert replayed(app, cookie).status_code == 303


def test_signing_out_one_browser_leaves_the_other_signed_in(app, staff):
    first = staff(("clinician",), email="ana@clinic.test")
    second = app.test_client()
    second.get("/staff/sign-in")
    assert second.post("/staff/sign-in", data={"email": "ana@clinic.test", "password": STAFF_PASSWORD}).status_code == 303
    first.post("/staff/sign-out")
    assert (first.get("/staff/submissions").status_code, second.get("/staff/submissions").status_code) == (303, 200)


def test_the_cookie_holds_no_staff_id_only_a_random_token(staff):
    client = staff()
    with client.session_transaction() as session:
        assert set(session) >= {auth.TOKEN} and "staff_id" not in session and len(session[auth.TOKEN]) >= 43
