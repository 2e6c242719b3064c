"""Invitations as records: the token kept only as its sha256, states, the staff list's filter, the questionnaire
a link opens, and deleting old ones.

Requirement (issue 8, "Clinic invitations", items 2 and 6): a 256-bit token stored only as sha256; a link is
'open', 'unknown', 'expired', 'revoked', 'replaced' or 'completed'; confirming the date of birth makes a draft
tied to the invitation with the locked answers in it, or carries on the draft begun from it or from the link
it replaced; `forget_old(db, cutoff)` deletes invitations made before the cutoff, and the caller commits.
"""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from screening.clock import utcnow
from screening.records import database, drafts, invitations
from screening.records.models import Draft, Invitation
from tests.conftest import make_app

BORN = date(1990, 4, 2)


@pytest.fixture
def db(app):
    with app.app_context():
        yield database.session()


def make(db, days=14, now=None, **details):
    details = {"first_name": "Ana", "last_name": "Diaz", "date_of_birth": BORN, **details}
    invitation, token = invitations.create(db, days=days, now=now, **details)
    db.commit()
    return invitation, token


def test_the_token_has_256_random_bits(db):
    _, token = make(db)
    assert len(token) >= 43 and token != make(db, first_name="Bea")[1]


def test_only_the_tokens_sha256_is_kept(db):
    invitation, token = make(db)
    row = db.execute(select(Invitation.__table__)).one()
    assert token not in [str(v) for v in row] and invitation.token_hash == invitations.token_hash(token)


def test_a_new_link_opens(db):
    invitation, token = make(db)
    assert invitations.by_token(db, token) == (invitation, "open")


def test_the_sha256_opens_it_too(db):
    invitation, token = make(db)
    assert invitations.by_hash(db, invitations.token_hash(token)) == (invitation, "open")


@pytest.mark.parametrize("token", ["", "short", "x" * 43, "x" * 5000, None])
def test_a_token_that_is_not_one_is_unknown(db, token):
    make(db)
    assert invitations.by_token(db, token) == (None, "unknown")


@pytest.mark.parametrize("hashed", [None, "", "ab", 42, "0" * 64])
def test_a_hash_that_is_not_one_is_unknown(db, hashed):
    assert invitations.by_hash(db, hashed) == (None, "unknown")


@pytest.mark.parametrize("invitation_id", [0, -1, 2 ** 31, 10 ** 30, True])
def test_an_id_no_row_can_have_finds_nothing(db, invitation_id):
    assert invitations.by_id(db, invitation_id) is None


def test_an_id_finds_its_invitation(db):
    invitation, _ = make(db)
    assert invitations.by_id(db, invitation.id) is invitation


def test_a_link_past_its_days_is_expired(db):
    _, token = make(db, days=1, now=utcnow() - timedelta(days=2))
    assert invitations.by_token(db, token)[1] == "expired"


def test_a_revoked_link_is_revoked(db):
    invitation, token = make(db)
    assert invitations.revoke(db, invitation) and invitations.by_token(db, token)[1] == "revoked"


def test_revoking_twice_changes_nothing_the_second_time(db):
    invitation, _ = make(db)
    invitations.revoke(db, invitation)
    assert invitations.revoke(db, invitation) is False


def test_renewing_a_link_replaces_it(db):
    old, old_token = make(db)
    new, new_token = invitations.renew(db, old, 14)
    assert invitations.by_token(db, old_token)[1] == "replaced" and invitations.by_token(db, new_token)[1] == "open"
    assert (new.first_name, new.date_of_birth, new.record_number) == (old.first_name, old.date_of_birth,
                                                                        old.record_number)


def test_a_link_for_a_patient_with_the_same_name_and_birth_date_replaces_nothing(db):
    """Two patients may share both: only staff, choosing one invitation to renew, replace a link."""
    _, token = make(db, record_number="MRN-A")
    make(db, record_number="MRN-B")
    assert invitations.by_token(db, token)[1] == "open"


def test_a_completed_link_is_completed(db):
    invitation, token = make(db)
    invitation.completed_at, invitation.submission_reference = utcnow(), "KS-AAAA-BBBB"
    db.commit()
    assert invitations.by_token(db, token)[1] == "completed"


@pytest.mark.parametrize("days", [0, -1, invitations.MAX_DAYS + 1, True, "14"])
def test_a_link_lasts_1_to_max_days(db, days):
    with pytest.raises(ValueError, match="lasts 1 to"):
        make(db, days=days)


def test_locked_answers_are_the_clinics_identity_answers(db):
    invitation, _ = make(db, record_number="MRN-7")
    assert invitations.locked_answers(invitation) == {"first_name": "Ana", "last_name": "Diaz",
                                                      "date_of_birth": "1990-04-02", "record_number": "MRN-7"}


def test_the_link_is_the_base_url_then_invite_then_the_token():
    assert invitations.link("https://clinic.example/", "TOKEN") == "https://clinic.example/invite?t=TOKEN"


# -- the staff list ----------------------------------------------------------------------------------------

def one_in_each_state(db):
    now = utcnow()
    sent, _ = make(db, first_name="Sent")
    opened, _ = make(db, first_name="Opened")
    opened.opened_at = now
    completed, _ = make(db, first_name="Completed")
    completed.completed_at = now
    expired, _ = make(db, first_name="Expired", days=1, now=now - timedelta(days=2))
    revoked, _ = make(db, first_name="Revoked")
    invitations.revoke(db, revoked)
    replaced, _ = make(db, first_name="Replaced")
    invitations.renew(db, replaced, 14)  # the newer one is 'sent'
    db.commit()
    return {"sent": sent, "opened": opened, "completed": completed, "expired": expired, "revoked": revoked,
            "replaced": replaced}


@pytest.mark.parametrize("state", invitations.STATES)
def test_the_list_filters_by_each_state(db, state):
    made = one_in_each_state(db)
    rows, total = invitations.newest(db, state)
    expected = {made[state].id} if state != "sent" else {made["sent"].id, rows[0][0].id}
    assert {row.id for row, _ in rows} == expected and {s for _, s in rows} == {state} and total == len(expected)


def test_the_list_gives_each_rows_state(db):
    made = one_in_each_state(db)
    states = {row.id: state for row, state in invitations.newest(db)[0]}
    assert all(states[invitation.id] == state for state, invitation in made.items())


def test_the_list_is_newest_first_and_capped(db):
    now = utcnow()
    for n in range(5):
        make(db, first_name=f"P{n}", now=now - timedelta(hours=5 - n))
    rows, total = invitations.newest(db, limit=3)
    assert [row.first_name for row, _ in rows] == ["P4", "P3", "P2"] and total == 5


def test_an_unknown_state_is_refused(db):
    with pytest.raises(ValueError, match="unknown invitation state"):
        invitations.newest(db, "lost")


# -- the questionnaire a link opens ------------------------------------------------------------------------

def test_confirming_makes_a_draft_tied_to_the_invitation_with_its_identity_answers(db):
    invitation, _ = make(db, record_number="MRN-7")
    draft, code = invitations.begin(db, invitation, 30)
    assert (draft.invitation_id, invitation.draft_id, code is not None) == (invitation.id, draft.id, True) and \
        draft.answers == invitations.locked_answers(invitation)


def test_confirming_marks_the_invitation_opened_once(db):
    invitation, _ = make(db)
    invitations.begin(db, invitation, 30)
    first = invitation.opened_at
    invitations.begin(db, invitation, 30)
    assert first is not None and invitation.opened_at == first


def test_confirming_again_carries_on_with_the_same_draft_and_no_new_code(db):
    invitation, _ = make(db)
    draft, _ = invitations.begin(db, invitation, 30)
    drafts.save(db, draft, {**draft.answers, "sex_at_birth": "female"}, 30)
    again, code = invitations.begin(db, invitation, 30)
    assert (again.id, code, again.answers["sex_at_birth"]) == (draft.id, None, "female")


def test_a_renewed_link_carries_on_with_the_draft_begun_from_the_old_one(db):
    old, _ = make(db)
    draft, _ = invitations.begin(db, old, 30)
    new, _ = invitations.renew(db, old, 14)
    again, _ = invitations.begin(db, new, 30)
    assert (again.id, again.invitation_id) == (draft.id, new.id)


def test_renewing_moves_the_draft_so_sending_completes_the_new_link(db):
    old, _ = make(db)
    draft, _ = invitations.begin(db, old, 30)
    new, _ = invitations.renew(db, old, 14)
    db.commit()
    assert draft.invitation_id == new.id


def test_another_patient_with_the_same_name_and_birth_date_never_gets_the_draft(db):
    first, _ = make(db, record_number="MRN-A")
    draft, _ = invitations.begin(db, first, 30)
    second, _ = make(db, record_number="MRN-B")
    assert invitations.begin(db, second, 30)[0].id != draft.id


def test_a_draft_that_is_gone_is_not_carried_on(db):
    invitation, _ = make(db)
    draft, _ = invitations.begin(db, invitation, 30)
    draft.expires_at = utcnow() - timedelta(seconds=1)
    db.commit()
    again, code = invitations.begin(db, invitation, 30)
    assert again.id != draft.id and code is not None


def test_revoking_a_link_deletes_the_questionnaire_begun_from_it(db):
    invitation, _ = make(db)
    draft, _ = invitations.begin(db, invitation, 30)
    draft_id = draft.id
    invitations.revoke(db, invitation)
    db.commit()
    assert db.get(Draft, draft_id) is None and invitation.draft_id is None


# -- deleting old ones -------------------------------------------------------------------------------------

def test_forget_old_deletes_invitations_made_before_the_cutoff(db):
    now = utcnow()
    make(db, first_name="Old", now=now - timedelta(days=10))
    make(db, first_name="New", now=now - timedelta(days=1))
    deleted = invitations.forget_old(db, now - timedelta(days=5))
    db.commit()
    assert deleted == 1 and db.scalars(select(Invitation.first_name)).all() == ["New"]


def test_forget_old_does_not_commit(app):
    with app.app_context():
        db = database.session()
        make(db, now=utcnow() - timedelta(days=10))
        invitations.forget_old(db, utcnow())
        db.rollback()
        assert db.scalar(select(Invitation.id)) is not None


def test_a_draft_in_progress_from_a_forgotten_invitation_goes_with_it(db):
    """Its name would no longer be locked: the patient data goes as the invitation does."""
    invitation, _ = make(db, now=utcnow() - timedelta(days=10))
    draft, _ = invitations.begin(db, invitation, 30)
    draft_id = draft.id
    invitations.forget_old(db, utcnow())
    db.commit()
    db.expire_all()
    assert db.get(Draft, draft_id) is None


# -- PostgreSQL ----------------------------------------------------------------------------------------------

def test_states_confirming_and_forgetting_work_on_postgresql(postgres_url, tmp_path):
    app = make_app({"TESTING": True, "SECRET_KEY": "k", "WTF_CSRF_ENABLED": False, "DATABASE_URL": postgres_url},
                   instance_path=str(tmp_path / "instance"))
    with app.app_context():
        db = database.session()
        made = one_in_each_state(db)
        assert all({row.id for row, _ in invitations.newest(db, state)[0]} >= {made[state].id}
                   for state in invitations.STATES)
        open_one, token = make(db, first_name="Pat")
    client = app.test_client()
    client.get(f"/invite?t={token}")
    wrong = client.post("/invite", data={"date_of_birth-month": "1", "date_of_birth-day": "1",
                                         "date_of_birth-year": "1990"})
    right = client.post("/invite", data={"date_of_birth-month": "4", "date_of_birth-day": "2",
                                         "date_of_birth-year": "1990"})
    assert (wrong.status_code, right.location) == (400, "/step/your-details")
    with app.app_context():
        db = database.session()
        assert invitations.forget_old(db, utcnow() + timedelta(seconds=1)) == 8
        db.commit()
        assert db.scalars(select(Draft.id)).all() == []
