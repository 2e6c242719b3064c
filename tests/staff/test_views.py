"""Signing in and out, and the landing page.

Requirement (issue 3, section 5): one generic message whatever failed; lockout after STAFF_MAX_FAILED
failures and a limit per source address, both in the audit trail; the session rotated on sign-in;
`next` honoured only for a path on this site. Section 6: the landing page links by role.
"""
import re
from urllib.parse import urlsplit

import pytest

from screening.staff import auth
from screening.staff.auth import role_required

from tests.conftest import STAFF_PASSWORD
from tests.conftest import audit_events as events

NOT_RIGHT = "Email or password is not right"


def sign_in(client, email, password=STAFF_PASSWORD, **extra):
    return client.post("/staff/sign-in", data={"email": email, "password": password, **extra})


def test_sign_in_page_asks_for_email_and_password(client):
    html = client.get("/staff/sign-in").get_data(as_text=True)
    assert 'autocomplete="username"' in html and 'type="password"' in html and 'name="csrf_token"' in html


def test_right_password_signs_in_and_opens_the_landing_page(client, staff):
    response = sign_in(client, staff.create())
    assert response.status_code == 303 and response.location == "/staff/" and client.get("/staff/").status_code == 200


def test_sign_in_is_recorded(app, client, staff):
    email = staff.create()
    sign_in(client, email)
    event = events(app, "sign_in")[-1]
    assert (event.actor_email, event.source_ip) == (email, "127.0.0.1")


def test_wrong_password_gets_the_generic_message(client, staff):
    response = sign_in(client, staff.create(), "not the password")
    assert response.status_code == 400 and NOT_RIGHT in response.get_data(as_text=True)


def page_without_token(response, email):
    return re.sub(r'name="csrf_token" value="[^"]*"', "", response.get_data(as_text=True)).replace(email, "EMAIL")


def test_unknown_email_gets_the_same_response_as_a_wrong_password(client, staff):
    # The sign-in page first, as a browser opens it: its first page carries the stylesheet inline and later ones
    # link it (screening/assets.py), which is the browser's history, not the email's.
    client.get("/staff/sign-in")
    known = sign_in(client, staff.create(email="ana@clinic.test"), "not the password")
    unknown = sign_in(client, "bob@clinic.test", "not the password")
    assert unknown.status_code == known.status_code and \
        page_without_token(unknown, "bob@clinic.test") == page_without_token(known, "ana@clinic.test")


def test_failed_sign_in_with_an_unknown_email_is_recorded_without_it(app, client):
    sign_in(client, "my secret password", "oops")
    event = events(app, "sign_in_failed")[-1]
    assert event.actor_email is None and "my secret password" not in event.detail


def test_failures_lock_the_account_with_an_audit_record(app, client, staff):
    email = staff.create()
    for _ in range(app.config["STAFF_MAX_FAILED"]):
        sign_in(client, email, "not the password")
    locked = events(app, "account_locked")
    assert len(events(app, "sign_in_failed")) == 5 and [e.actor_email for e in locked] == [email]


def test_locked_account_refuses_the_right_password_with_the_same_message(app, client, staff):
    email = staff.create()
    for _ in range(app.config["STAFF_MAX_FAILED"]):
        sign_in(client, email, "not the password")
    response = sign_in(client, email)
    assert response.status_code == 400 and NOT_RIGHT in response.get_data(as_text=True)


def test_failures_from_one_address_are_limited_whatever_the_email(app, client, staff):
    app.config["STAFF_IP_MAX_FAILED"] = 3
    for n in range(3):
        sign_in(client, f"guess{n}@clinic.test", "not the password")
    response = sign_in(client, staff.create())
    assert response.status_code == 429 and "Too many failed sign-ins from here" in response.get_data(as_text=True) \
        and events(app, "sign_in_failed")[-1].detail == "too many failures from this address"


def test_sign_in_rotates_the_session(client, staff):
    with client.session_transaction() as session:
        session["planted"] = "before sign-in"
    sign_in(client, staff.create())
    with client.session_transaction() as session:
        assert "planted" not in session and auth.TOKEN in session


def test_sign_in_returns_to_next(client, staff):
    response = sign_in(client, staff.create(("admin",)), next="/staff/audit?action=sign_in")
    assert response.location == "/staff/audit?action=sign_in"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example",
                                    "/\t/evil.example", "javascript:alert(1)", "evil.example"])
def test_next_to_another_site_is_refused(client, staff, target):
    assert sign_in(client, staff.create(), next=target).location == "/staff/"


def test_next_on_the_sign_in_page_is_kept_only_when_local(client):
    html = client.get("/staff/sign-in?next=//evil.example/").get_data(as_text=True)
    assert "evil.example" not in html


def test_sign_in_page_sends_a_signed_in_user_on(staff):
    assert staff().get("/staff/sign-in").location == "/staff/"


def test_sign_out_ends_the_session(staff):
    client = staff()
    response = client.post("/staff/sign-out")
    assert urlsplit(response.location).path == "/staff/sign-in" and \
        client.get("/staff/").status_code == 303


def test_sign_out_is_recorded(app, staff):
    client = staff()
    client.post("/staff/sign-out")
    assert events(app)[-1].action == "sign_out" and events(app)[-1].actor_email == client.staff_email


def test_header_shows_who_is_signed_in_and_a_sign_out_button(staff):
    client = staff(email="ana@clinic.test")
    html = client.get("/staff/").get_data(as_text=True)
    assert "Signed in as <strong>ana@clinic.test</strong>" in html and 'action="/staff/sign-out"' in html


@pytest.mark.parametrize("roles, links", [
    (("clinician",), ["/staff/submissions"]),
    (("rules",), ["/staff/rules"]),
    (("admin",), ["/staff/audit"]),
    (("clinician", "rules", "admin"), ["/staff/submissions", "/staff/rules", "/staff/audit"]),
])
def test_landing_page_links_to_what_the_roles_allow(staff, roles, links):
    html = staff(roles).get("/staff/").get_data(as_text=True)
    shown = [path for path in ("/staff/submissions", "/staff/rules", "/staff/audit") if f'href="{path}"' in html]
    assert shown == links


def test_staff_email_is_escaped(staff):
    html = staff(email="<b>x</b>@clinic.test").get("/staff/").get_data(as_text=True)
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;@clinic.test" in html


def test_refused_page_keeps_the_staff_layout(staff):
    response = staff(("clinician",)).get("/staff/audit")
    html = response.get_data(as_text=True)
    assert response.status_code == 403 and "Signed in as" in html and "Go to the staff home page" in html


def test_unexpected_error_on_a_staff_page_is_a_staff_500_page(app, staff):
    def broken():
        raise RuntimeError("boom")
    app.add_url_rule("/staff/broken", "broken", role_required("admin")(broken))
    response = staff(("admin",)).get("/staff/broken")
    assert response.status_code == 500 and "Go to the staff home page" in response.get_data(as_text=True)
