"""`flask --app screening staff ...`: add, list, disable, enable and reset-password.

Requirement (issue 3, section 4): passwords from a confirmed hidden prompt or stdin; exit 1 with a clear
message on bad input; every command recorded in the audit trail with no actor and 'cli' as its source.
"""
import pytest
from sqlalchemy import select

from screening.records import database
from screening.staff.accounts import by_email
from screening.records.models import AuditEvent

PASSWORD = "a long new password"


@pytest.fixture
def add(runner):
    def add(email="ana@clinic.test", *roles, password=PASSWORD):
        args = ["staff", "add", email, "--password-stdin"]
        for role in roles or ("admin",):
            args += ["--role", role]
        return runner.invoke(args=args, input=password + "\n")
    return add


def account(app, email):
    with app.app_context():
        return by_email(database.session(), email)


def events(app):
    with app.app_context():
        return database.session().scalars(select(AuditEvent).order_by(AuditEvent.id)).all()


def test_add_creates_an_account_with_its_roles(app, add):
    result = add("Ana@Clinic.test", "clinician", "rules")
    user = account(app, "ana@clinic.test")
    assert result.exit_code == 0 and user.roles == {"clinician", "rules"} and user.active


def test_add_stores_an_scrypt_hash_never_the_password(app, add):
    add()
    stored = account(app, "ana@clinic.test").password_hash
    assert stored.startswith("scrypt:") and PASSWORD not in stored


def test_add_asks_for_the_password_twice_when_not_given_on_stdin(app, runner):
    result = runner.invoke(args=["staff", "add", "ana@clinic.test", "--role", "admin"],
                           input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0 and "Repeat for confirmation" in result.output and PASSWORD not in result.output


def test_add_is_recorded_in_the_audit_trail_with_no_actor(app, add):
    add()
    event = events(app)[-1]
    assert (event.action, event.actor_email, event.source_ip) == ("staff_added", None, "cli") and \
        "ana@clinic.test" in event.detail


def test_add_refuses_an_unknown_role_with_a_suggestion(app, add):
    result = add("ana@clinic.test", "clinican")
    assert result.exit_code == 1 and "unknown role 'clinican'; did you mean 'clinician'?" in result.output and \
        account(app, "ana@clinic.test") is None


def test_add_refuses_a_duplicate_email_in_any_case(add):
    add()
    result = add("ANA@clinic.test")
    assert result.exit_code == 1 and "already a staff account for 'ana@clinic.test'" in result.output


def test_add_refuses_a_short_password(app, add):
    result = add(password="too short")
    assert result.exit_code == 1 and "at least 12 characters" in result.output and \
        account(app, "ana@clinic.test") is None


def test_add_refuses_something_that_is_not_an_email(add):
    result = add("ana")
    assert result.exit_code == 1 and "'ana' is not an email address" in result.output


def test_list_shows_email_roles_active_and_locked(staff, runner):
    staff.create(("admin", "rules"), email="ana@clinic.test")
    output = runner.invoke(args=["staff", "list"]).output
    assert output.splitlines()[1].split() == ["ana@clinic.test", "admin,rules", "yes", "no"]


def test_disable_stops_the_account_and_is_recorded(app, staff, runner):
    staff.create(email="ana@clinic.test")
    result = runner.invoke(args=["staff", "disable", "ana@clinic.test"])
    assert result.exit_code == 0 and not account(app, "ana@clinic.test").active and \
        events(app)[-1].action == "staff_disabled"


def test_enable_lets_a_disabled_account_back(app, staff, runner):
    staff.create(email="ana@clinic.test")
    runner.invoke(args=["staff", "disable", "ana@clinic.test"])
    runner.invoke(args=["staff", "enable", "ana@clinic.test"])
    assert account(app, "ana@clinic.test").active and events(app)[-1].action == "staff_enabled"


def test_reset_password_sets_it_unlocks_and_is_recorded(app, staff, runner):
    staff.create(email="ana@clinic.test")
    with app.app_context():
        user = by_email(database.session(), "ana@clinic.test")
        user.failed_attempts, user.locked_until = 4, user.created_at
        database.session().commit()
    result = runner.invoke(args=["staff", "reset-password", "ana@clinic.test", "--password-stdin"],
                           input=PASSWORD + "\n")
    user = account(app, "ana@clinic.test")
    assert result.exit_code == 0 and user.locked_until is None and user.failed_attempts == 0 and \
        user.password_hash.startswith("scrypt:") and events(app)[-1].action == "password_reset"


@pytest.mark.parametrize("command", [["disable"], ["enable"], ["reset-password", "--password-stdin"]])
def test_commands_refuse_an_unknown_email(runner, command):
    result = runner.invoke(args=["staff", command[0], "nobody@clinic.test", *command[1:]], input=PASSWORD + "\n")
    assert result.exit_code == 1 and "no staff account for 'nobody@clinic.test'" in result.output
