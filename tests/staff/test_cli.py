"""`flask --app screening staff ...`: add, list, disable, enable, reset-password and roles.

Requirement (issue 3, section 4): passwords from a confirmed hidden prompt or stdin; exit 1 with a clear
message on bad input; every command recorded in the audit trail with no actor and 'cli' as its source.
Requirement (issue 7, "What to build", last bullet): `staff roles EMAIL [--add ROLE] [--remove ROLE]` adds
or removes roles on an existing account, refuses to leave it with none, records `roles_changed`, and a
signed-in session has the new roles on its next request.
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


def roles(runner, email="ana@clinic.test", add=(), remove=()):
    args = ["staff", "roles", email]
    for role in add:
        args += ["--add", role]
    for role in remove:
        args += ["--remove", role]
    return runner.invoke(args=args)


def test_roles_with_no_options_prints_the_roles_and_records_nothing(app, staff, runner):
    staff.create(("rules", "clinician"), email="ana@clinic.test")
    before = len(events(app))
    result = roles(runner)
    assert result.exit_code == 0 and result.output == "ana@clinic.test: clinician, rules\n" and \
        len(events(app)) == before


def test_roles_adds_and_removes_and_prints_the_new_roles(app, staff, runner):
    staff.create(("clinician", "admin"), email="ana@clinic.test")
    result = roles(runner, "Ana@Clinic.test", add=["rules"], remove=["clinician"])
    assert result.exit_code == 0 and account(app, "ana@clinic.test").roles == {"admin", "rules"} and \
        "now admin, rules" in result.output


def test_roles_change_is_recorded_with_what_changed_and_no_actor(app, staff, runner):
    staff.create(("clinician", "admin"), email="ana@clinic.test")
    roles(runner, add=["rules"], remove=["clinician"])
    event = events(app)[-1]
    assert (event.action, event.actor_email, event.source_ip, event.detail) == \
        ("roles_changed", None, "cli", "ana@clinic.test: added rules; removed clinician; now admin, rules")


def test_roles_takes_repeated_options(app, staff, runner):
    staff.create(("clinician",), email="ana@clinic.test")
    result = roles(runner, add=["rules", "admin"])
    assert result.exit_code == 0 and account(app, "ana@clinic.test").roles == {"admin", "clinician", "rules"} and \
        events(app)[-1].detail == "ana@clinic.test: added admin, rules; now admin, clinician, rules"


def test_roles_refuses_an_unknown_email(runner):
    result = roles(runner, "nobody@clinic.test", add=["rules"])
    assert result.exit_code == 1 and "no staff account for 'nobody@clinic.test'" in result.output


@pytest.mark.parametrize("option", ["add", "remove"])
def test_roles_refuses_an_unknown_role_with_a_suggestion(app, staff, runner, option):
    staff.create(("clinician", "admin"), email="ana@clinic.test")
    result = roles(runner, **{option: ["clinican"]})
    assert result.exit_code == 1 and "unknown role 'clinican'; did you mean 'clinician'?" in result.output and \
        account(app, "ana@clinic.test").roles == {"admin", "clinician"}


def test_roles_refuses_a_role_both_added_and_removed(app, staff, runner):
    staff.create(("clinician",), email="ana@clinic.test")
    result = roles(runner, add=["rules"], remove=["rules"])
    assert result.exit_code == 1 and "'rules' is given to both --add and --remove" in result.output and \
        account(app, "ana@clinic.test").roles == {"clinician"}


def test_roles_refuses_to_remove_the_last_role_and_points_to_disable(app, staff, runner):
    staff.create(("clinician",), email="ana@clinic.test")
    before = len(events(app))
    result = roles(runner, remove=["clinician"])
    assert result.exit_code == 1 and "an account needs at least one role; disable it instead with " \
        "`flask --app screening staff disable ana@clinic.test`" in result.output and \
        account(app, "ana@clinic.test").roles == {"clinician"} and len(events(app)) == before


def test_roles_adding_a_held_role_says_so_and_changes_nothing(app, staff, runner):
    staff.create(("clinician",), email="ana@clinic.test")
    before = len(events(app))
    result = roles(runner, add=["clinician"])
    assert result.exit_code == 0 and "ana@clinic.test already has clinician; nothing to add." in result.output and \
        account(app, "ana@clinic.test").roles == {"clinician"} and len(events(app)) == before


def test_roles_removing_a_role_not_held_says_so_and_changes_nothing(app, staff, runner):
    staff.create(("clinician",), email="ana@clinic.test")
    before = len(events(app))
    result = roles(runner, remove=["admin"])
    assert result.exit_code == 0 and "ana@clinic.test does not have admin; nothing to remove." in result.output and \
        account(app, "ana@clinic.test").roles == {"clinician"} and len(events(app)) == before


def test_roles_no_op_beside_a_change_is_left_out_of_the_audit_detail(app, staff, runner):
    staff.create(("clinician",), email="ana@clinic.test")
    result = roles(runner, add=["clinician", "rules"], remove=["admin"])
    assert result.exit_code == 0 and "already has clinician" in result.output and \
        "does not have admin" in result.output and \
        events(app)[-1].detail == "ana@clinic.test: added rules; now clinician, rules"


def test_roles_added_apply_to_a_signed_in_session_at_once(staff, runner):
    client = staff(("clinician",), email="ana@clinic.test")
    assert client.get("/staff/rules").status_code == 403
    roles(runner, add=["rules"])
    assert client.get("/staff/rules").status_code == 200


def test_roles_removed_apply_to_a_signed_in_session_at_once(staff, runner):
    client = staff(("clinician", "rules"), email="ana@clinic.test")
    assert client.get("/staff/submissions").status_code == 200
    roles(runner, remove=["clinician"])
    assert client.get("/staff/submissions").status_code == 403 and client.get("/staff/rules").status_code == 200
