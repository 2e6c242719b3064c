"""The clinic's invitations page through HTTP.

Requirement (issue 8, "Clinic invitations", items 1, 4 and 5): clinicians and admins (not the rules role) make a
patient's personal link from /staff/invitations (name, date of birth in three boxes, optional record number and
appointment date, days valid, 14 by default); the link, built on SCREENING_BASE_URL or the page's own address,
is shown once and its token is never stored; the newest 50 invitations are listed with their state (sent,
opened, completed with the submission's reference, expired, revoked, replaced), filterable by state; an open
one can be revoked or given a new link (POST with CSRF). Every action is audited (`invitation_created`,
`invitation_revoked`, `invitations_viewed`), naming the invitation by its id, never by the patient's name or
date of birth. "Invitations" is in the staff nav for clinicians and admins. Bad input is a 400 with the date
input's messages, never a 500.
"""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from screening.clock import utcnow
from screening.records import database, invitations
from screening.records.models import AuditEvent, Invitation
from tests.conftest import StaffAuth, make_app

BORN = date(1990, 4, 2)
FORM = {"first_name": "Ana", "last_name": "Diaz", "date_of_birth-month": "4", "date_of_birth-day": "2",
        "date_of_birth-year": "1990", "record_number": "MRN-77", "days": "14"}
LINK = re.compile(r'id="invitation-link" value="([^"]+)"')


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def clinician(staff):
    return staff(("clinician",))


def events(app, action):
    with app.app_context():
        return database.session().scalars(select(AuditEvent).where(AuditEvent.action == action)
                                          .order_by(AuditEvent.id)).all()


def stored(app):
    with app.app_context():
        return database.session().scalars(select(Invitation).order_by(Invitation.id)).all()


def made(client, **changes):
    response = client.post("/staff/invitations", data={**FORM, **changes})
    assert response.status_code == 200, text(response)[:3000]
    return LINK.search(text(response)).group(1)


def invite(app, now=None, days=14, **details):
    with app.app_context():
        db = database.session()
        invitation, _ = invitations.create(db, days=days, now=now, **{
            "first_name": "Ana", "last_name": "Diaz", "date_of_birth": BORN, **details})
        db.commit()
        return invitation.id


# -- who sees it -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["clinician", "admin"])
def test_clinicians_and_admins_open_the_page(staff, role):
    response = staff((role,)).get("/staff/invitations")
    assert response.status_code == 200 and "Make a new link" in text(response)


def test_the_rules_role_cannot(staff):
    assert staff(("rules",)).get("/staff/invitations").status_code == 403


@pytest.mark.parametrize("role, shown", [("clinician", True), ("admin", True), ("rules", False)])
def test_the_nav_links_to_invitations_for_clinicians_and_admins(staff, role, shown):
    assert ('href="/staff/invitations"' in text(staff((role,)).get("/staff/"))) is shown


def test_a_signed_out_visitor_is_sent_to_sign_in(client):
    assert client.get("/staff/invitations").location.startswith("/staff/sign-in")


# -- making a link ---------------------------------------------------------------------------------------------

def test_the_form_offers_the_default_days(clinician):
    assert re.search(r'id="days" name="days" value="14"', text(clinician.get("/staff/invitations")))


def test_the_form_asks_the_date_of_birth_in_three_boxes(clinician):
    html = text(clinician.get("/staff/invitations"))
    assert all(f'name="date_of_birth-{part}"' in html for part in ("month", "day", "year"))


def test_making_a_link_shows_it_built_on_the_pages_address(clinician):
    assert re.fullmatch(r"http://localhost/invite\?t=[A-Za-z0-9_-]{43}", made(clinician))


def test_the_link_is_built_on_the_base_url_when_set(app, clinician):
    app.config["BASE_URL"] = "https://screening.clinic.test"
    assert made(clinician).startswith("https://screening.clinic.test/invite?t=")


def test_the_link_opens_the_invitation(app, clinician):
    link = made(clinician)
    assert app.test_client().get(link.removeprefix("http://localhost")).location == "/invite"


def test_the_link_is_shown_only_once(clinician):
    link = made(clinician)
    assert link not in text(clinician.get("/staff/invitations")) and \
        not LINK.search(text(clinician.get("/staff/invitations")))


def test_the_token_is_not_stored(app, clinician):
    token = made(clinician).rsplit("?t=", 1)[1]
    (invitation,) = stored(app)
    assert invitation.token_hash == invitations.token_hash(token) and token not in str(vars(invitation))


def test_the_invitation_keeps_the_details_and_who_made_it(app, clinician):
    made(clinician, **{"appointment_on-month": "12", "appointment_on-day": "3",
                       "appointment_on-year": str(utcnow().year + 1)})
    (invitation,) = stored(app)
    assert (invitation.first_name, invitation.last_name, invitation.date_of_birth, invitation.record_number,
            invitation.appointment_on, invitation.created_by) == (
        "Ana", "Diaz", BORN, "MRN-77", date(utcnow().year + 1, 12, 3), clinician.staff_email)


def test_the_days_set_when_the_link_expires(app, clinician):
    made(clinician, days="3")
    (invitation,) = stored(app)
    assert invitation.expires_at - invitation.created_at == timedelta(days=3)


def test_the_record_number_and_appointment_are_optional(app, clinician):
    made(clinician, record_number="")
    assert stored(app)[0].record_number is None and stored(app)[0].appointment_on is None


def test_making_a_link_is_audited_by_id_only(app, clinician):
    made(clinician)
    (event,) = events(app, "invitation_created")
    (invitation,) = stored(app)
    assert event.actor_email == clinician.staff_email and event.detail.startswith(f"{invitation.id};") and \
        not any(s in event.detail for s in ("Ana", "Diaz", "1990", "MRN"))


def test_a_second_invitation_with_the_same_name_and_birth_date_replaces_nothing(app, clinician):
    made(clinician)
    made(clinician)
    assert [invitations.state_of(i) for i in stored(app)] == ["sent", "sent"]


BAD = [
    ({"date_of_birth-month": "2", "date_of_birth-day": "30"}, "Date of birth must be a real date"),
    ({"date_of_birth-month": "13"}, "Date of birth must be a real date"),
    ({"date_of_birth-year": "90"}, "Year must include 4 numbers"),
    ({"date_of_birth-year": str(utcnow().year + 1)}, "Date of birth must be in the past"),
    ({"date_of_birth-month": "", "date_of_birth-day": "", "date_of_birth-year": ""},
     "Enter the patient&#39;s date of birth"),
    ({"date_of_birth-day": "x"}, "Date of birth must be a real date, in numbers"),
    ({"first_name": "A" * 500}, "First name must be 100 characters or fewer"),
    ({"last_name": "Di\x00az"}, "Last name must not include hidden or control characters"),
    ({"last_name": "Di\u202eaz"}, "Last name must not include hidden or control characters"),
    ({"first_name": ""}, "Enter the patient&#39;s first name"),
    ({"first_name": "123"}, "First name must include at least one letter"),
    ({"record_number": "<script>"}, "Clinic record number can only include"),
    ({"appointment_on-month": "2", "appointment_on-day": "30", "appointment_on-year": "2030"},
     "Appointment date must be a real date"),
    ({"appointment_on-month": "1", "appointment_on-day": "1", "appointment_on-year": "2020"},
     "Appointment date must be today or in the future"),
    ({"appointment_on-month": "1"}, "Appointment date must include a day and year"),
    ({"days": "0"}, "must be between 1 and 365 days"),
    ({"days": "abc"}, "as a whole number"),
    ({"days": ""}, "as a whole number, like 14"),
]


@pytest.mark.parametrize("changes, message", BAD)
def test_bad_input_is_a_400_with_its_message(app, clinician, changes, message):
    response = clinician.post("/staff/invitations", data={**FORM, **changes})
    assert response.status_code == 400 and message in text(response) and "There is a problem" in text(response)


@pytest.mark.parametrize("changes, message", BAD)
def test_bad_input_makes_no_invitation(app, clinician, changes, message):
    clinician.post("/staff/invitations", data={**FORM, **changes})
    assert stored(app) == [] and events(app, "invitation_created") == []


def test_bad_input_keeps_what_was_typed(clinician):
    html = text(clinician.post("/staff/invitations", data={**FORM, "date_of_birth-day": "30",
                                                            "date_of_birth-month": "2"}))
    assert 'value="Diaz"' in html and re.search(r'name="date_of_birth-day"\s+value="30"', html)


def test_a_name_with_a_line_break_becomes_one_line(app, clinician):
    made(clinician, first_name="Ana\n María")
    assert stored(app)[0].first_name == "Ana María"


# -- the list --------------------------------------------------------------------------------------------------

def one_in_each_state(app):
    now = utcnow()
    ids = {"sent": invite(app, first_name="Sent"), "opened": invite(app, first_name="Opened"),
           "completed": invite(app, first_name="Completed"),
           "expired": invite(app, first_name="Expired", days=1, now=now - timedelta(days=2)),
           "revoked": invite(app, first_name="Revoked"), "replaced": invite(app, first_name="Replaced")}
    with app.app_context():
        db = database.session()
        invitations.renew(db, db.get(Invitation, ids["replaced"]), 14)
        db.get(Invitation, ids["opened"]).opened_at = now
        done = db.get(Invitation, ids["completed"])
        done.completed_at, done.submission_reference = now, "KS-AAAA-BBBB"
        invitations.revoke(db, db.get(Invitation, ids["revoked"]))
        db.commit()
    return ids


def row(html, invitation_id):
    return re.search(rf'<tr id="invitation-{invitation_id}">(.*?)</tr>', html, re.S).group(1)


@pytest.mark.parametrize("state, label", [("sent", "Sent"), ("opened", "Opened"), ("completed", "Completed"),
                                          ("expired", "Expired"), ("revoked", "Revoked"), ("replaced", "Replaced")])
def test_the_list_shows_each_invitations_state(app, clinician, state, label):
    ids = one_in_each_state(app)
    assert f"<td>\n                {label}" in row(text(clinician.get("/staff/invitations")), ids[state])


def test_a_completed_invitation_links_to_its_submission(app, clinician):
    ids = one_in_each_state(app)
    assert 'href="/staff/submissions/KS-AAAA-BBBB"' in row(text(clinician.get("/staff/invitations")),
                                                           ids["completed"])


def test_the_list_shows_name_and_date_of_birth(app, clinician):
    invite(app)
    html = text(clinician.get("/staff/invitations"))
    assert "Ana Diaz" in html and "April 2, 1990" in html


@pytest.mark.parametrize("state", ["sent", "opened"])
def test_an_open_invitation_has_revoke_and_new_link_buttons(app, clinician, state):
    ids = one_in_each_state(app)
    html = row(text(clinician.get("/staff/invitations")), ids[state])
    assert f"/staff/invitations/{ids[state]}/revoke" in html and f"/staff/invitations/{ids[state]}/renew" in html


@pytest.mark.parametrize("state", ["completed", "revoked", "replaced"])
def test_a_closed_invitation_has_no_revoke_button(app, clinician, state):
    ids = one_in_each_state(app)
    assert "/revoke" not in row(text(clinician.get("/staff/invitations")), ids[state])


def test_an_expired_invitation_can_get_a_new_link(app, clinician):
    ids = one_in_each_state(app)
    assert f"/staff/invitations/{ids['expired']}/renew" in row(text(clinician.get("/staff/invitations")),
                                                                  ids["expired"])


def test_the_list_filters_by_state(app, clinician):
    ids = one_in_each_state(app)
    html = text(clinician.get("/staff/invitations", query_string={"state": "revoked"}))
    assert re.findall(r'<tr id="invitation-(\d+)">', html) == [str(ids["revoked"])]


def test_an_unknown_state_is_a_400_showing_every_invitation(app, clinician):
    invite(app)
    response = clinician.get("/staff/invitations", query_string={"state": "lost"})
    assert response.status_code == 400 and "Choose a state from the list" in text(response) and \
        "Ana Diaz" in text(response)


def test_the_list_shows_the_newest_50(app, clinician):
    now = utcnow()
    for n in range(51):
        invite(app, first_name=f"P{n}", now=now - timedelta(minutes=60 - n))
    html = text(clinician.get("/staff/invitations"))
    assert len(re.findall(r'<tr id="invitation-', html)) == 50 and "Showing the newest 50" in html and \
        "P0 Diaz" not in html and "P50 Diaz" in html


def test_viewing_the_list_is_audited(app, clinician):
    invite(app)
    clinician.get("/staff/invitations", query_string={"state": "sent"})
    event = events(app, "invitations_viewed")[-1]
    assert event.actor_email == clinician.staff_email and event.detail == "state=sent shown=1"


# -- revoking and new links ------------------------------------------------------------------------------------

def test_revoke_stops_the_link(app, clinician):
    invitation_id = invite(app)
    response = clinician.post(f"/staff/invitations/{invitation_id}/revoke")
    assert response.status_code == 303 and invitations.state_of(stored(app)[0]) == "revoked"


def test_revoke_is_audited_by_id(app, clinician):
    invitation_id = invite(app)
    clinician.post(f"/staff/invitations/{invitation_id}/revoke")
    (event,) = events(app, "invitation_revoked")
    assert (event.actor_email, event.detail) == (clinician.staff_email, str(invitation_id))


def test_revoke_says_so(app, clinician):
    invitation_id = invite(app)
    html = text(clinician.post(f"/staff/invitations/{invitation_id}/revoke", follow_redirects=True))
    assert f"Invitation {invitation_id} is revoked" in html


def test_revoking_a_completed_invitation_changes_nothing(app, clinician):
    ids = one_in_each_state(app)
    html = text(clinician.post(f"/staff/invitations/{ids['completed']}/revoke", follow_redirects=True))
    assert "is already completed" in html and events(app, "invitation_revoked") == []


def test_revoking_an_unknown_invitation_says_so(clinician):
    response = clinician.post("/staff/invitations/999/revoke", follow_redirects=True)
    assert response.status_code == 200 and "There is no invitation 999" in text(response)


def test_a_new_link_replaces_the_old_one_with_the_same_details(app, clinician):
    old_id = invite(app, record_number="MRN-77")
    html = text(clinician.post(f"/staff/invitations/{old_id}/renew"))
    old, new = stored(app)
    assert LINK.search(html) and invitations.state_of(old) == "replaced" and \
        (new.first_name, new.last_name, new.date_of_birth, new.record_number) == ("Ana", "Diaz", BORN, "MRN-77")


def test_a_new_link_is_audited_naming_the_old_one(app, clinician):
    old_id = invite(app)
    clinician.post(f"/staff/invitations/{old_id}/renew")
    event = events(app, "invitation_created")[-1]
    assert event.detail.endswith(f"new link for {old_id}")


def test_a_completed_invitation_gets_no_new_link(app, clinician):
    ids = one_in_each_state(app)
    before = len(stored(app))
    html = text(clinician.post(f"/staff/invitations/{ids['completed']}/renew", follow_redirects=True))
    assert "is completed" in html and len(stored(app)) == before


@pytest.mark.parametrize("action", ["revoke", "renew"])
def test_an_id_no_row_can_have_is_unknown_not_an_error(clinician, action):
    response = clinician.post(f"/staff/invitations/{10 ** 30}/{action}", follow_redirects=True)
    assert response.status_code == 200 and "There is no invitation" in text(response)


def test_a_new_link_for_an_unknown_invitation_says_so(clinician):
    assert "There is no invitation 999" in text(clinician.post("/staff/invitations/999/renew",
                                                                follow_redirects=True))


# -- CSRF ------------------------------------------------------------------------------------------------------

@pytest.fixture
def guarded(tmp_path):
    return make_app({"TESTING": True, "SECRET_KEY": "k", "DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite3'}"},
                    instance_path=str(tmp_path / "instance"))


def test_revoke_without_a_csrf_token_is_refused(guarded):
    client = StaffAuth(guarded)(("clinician",))
    invitation_id = invite(guarded)
    response = client.post(f"/staff/invitations/{invitation_id}/revoke")
    assert response.status_code == 400 and invitations.state_of(stored(guarded)[0]) == "sent"


def test_making_a_link_without_a_csrf_token_is_refused(guarded):
    client = StaffAuth(guarded)(("clinician",))
    assert client.post("/staff/invitations", data=FORM).status_code == 400 and stored(guarded) == []


def test_making_a_link_with_the_pages_csrf_token_works(guarded):
    client = StaffAuth(guarded)(("clinician",))
    token = re.search(r'name="csrf_token" value="([^"]+)"', text(client.get("/staff/invitations"))).group(1)
    assert client.post("/staff/invitations", data={**FORM, "csrf_token": token}).status_code == 200 and \
        len(stored(guarded)) == 1
