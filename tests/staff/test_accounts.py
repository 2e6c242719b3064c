"""Accounts without HTTP: email and role checks, password rules and hashing, and the lockout count.

Requirement (issue 3, sections 1 to 3 and 5): roles clinician, rules and admin; scrypt hashes of at least
12 characters; 5 failures lock an account for 15 minutes; a locked account refuses even the right password.
"""
from datetime import timedelta

import pytest

from screening.records import database
from screening.clock import utcnow
from screening.staff import accounts
from screening.staff.accounts import AccountError, Outcome

from tests.conftest import STAFF_PASSWORD as PASSWORD


@pytest.fixture
def db(app):
    with app.app_context():
        yield database.session()


@pytest.fixture
def ana(db, staff):
    """An admin account made with a cheap hash: scrypt on every test would cost seconds."""
    return accounts.by_email(db, staff.create(("admin",), email="ana@clinic.test"))


def sign_in(db, email, password, now=None):
    return accounts.authenticate(db, email, password, max_failed=3, lock_for=timedelta(minutes=15), now=now)


def test_email_is_stored_lower_case_and_found_in_any_case(db):
    accounts.create(db, "  Ana@Clinic.TEST ", PASSWORD, ["admin"])
    assert accounts.by_email(db, "ANA@clinic.test").email == "ana@clinic.test"


def test_email_without_an_at_sign_is_refused():
    with pytest.raises(AccountError, match="not an email address"):
        accounts.check_email("ana.clinic.test")


def test_unknown_role_suggests_the_closest():
    with pytest.raises(AccountError, match=r"unknown role 'admn'; did you mean 'admin'\? "
                                           r"\(roles: clinician, rules, admin\)"):
        accounts.check_roles(["admn"])


def test_one_person_may_hold_several_roles(db):
    user = accounts.create(db, "ana@clinic.test", PASSWORD, ["rules", "clinician"])
    assert user.roles == {"clinician", "rules"} and user.role_names == "clinician,rules"


def test_password_shorter_than_12_characters_is_refused():
    with pytest.raises(AccountError, match="at least 12 characters"):
        accounts.hash_password("eleven char")


def test_password_is_hashed_with_scrypt():
    assert accounts.hash_password(PASSWORD).startswith("scrypt:")


def test_right_password_signs_in_and_clears_failures(db, ana):
    sign_in(db, "ana@clinic.test", "wrong password")
    attempt = sign_in(db, "ana@clinic.test", PASSWORD)
    assert attempt.signed_in and ana.failed_attempts == 0 and ana.last_sign_in_at is not None


def test_max_failures_lock_the_account(db, ana):
    outcomes = [sign_in(db, "ana@clinic.test", "wrong password").outcome for _ in range(3)]
    assert outcomes == [Outcome.WRONG_PASSWORD, Outcome.WRONG_PASSWORD, Outcome.NOW_LOCKED]


def test_locked_account_refuses_the_right_password(db, ana):
    for _ in range(3):
        sign_in(db, "ana@clinic.test", "wrong password")
    assert sign_in(db, "ana@clinic.test", PASSWORD).outcome is Outcome.LOCKED


def test_lock_ends_after_the_lock_time(db, ana):
    for _ in range(3):
        sign_in(db, "ana@clinic.test", "wrong password")
    assert sign_in(db, "ana@clinic.test", PASSWORD, now=utcnow() + timedelta(minutes=16)).signed_in


def test_disabled_account_cannot_sign_in(db, ana):
    ana.active = False
    assert sign_in(db, "ana@clinic.test", PASSWORD).outcome is Outcome.DISABLED


def test_unknown_email_still_checks_a_password_hash(db, monkeypatch):
    checked = []
    monkeypatch.setattr(accounts, "check_password_hash", lambda *args: checked.append(args) or False)
    assert sign_in(db, "nobody@clinic.test", PASSWORD).outcome is Outcome.UNKNOWN and len(checked) == 1


def test_reset_password_unlocks(db, ana):
    for _ in range(3):
        sign_in(db, "ana@clinic.test", "wrong password")
    accounts.reset_password(db, ana, "another long one")
    assert sign_in(db, "ana@clinic.test", "another long one").signed_in
