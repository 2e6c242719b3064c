"""`flask --app screening invitations create | list | revoke`.

Requirement (issue 8, "Clinic invitations", items 1 and 4): `create --first-name --last-name --dob [--mrn]
[--appointment] [--days]` prints the personal link built on SCREENING_BASE_URL, and exits 2 saying to set it
when it is not set; a malformed date, name or record number exits 2 with the reason; `list` shows id, state,
made, expires, name and date of birth; `revoke ID` stops the link. Each is audited with no actor, 'cli' as the
source and the invitation's id, never the patient's name or date of birth, as the detail.
"""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from screening.clock import utcnow
from screening.records import database, invitations
from screening.records.models import AuditEvent, Invitation
from screening.settings import ConfigError
from tests.conftest import make_app

BASE = "https://screening.clinic.test"
ANA = ["--first-name", "Ana", "--last-name", "Diaz", "--dob", "1990-04-02"]


@pytest.fixture
def cli(app, runner):
    app.config["BASE_URL"] = BASE

    def invoke(*args):
        return runner.invoke(args=["invitations", *args])
    return invoke


def stored(app):
    with app.app_context():
        return database.session().scalars(select(Invitation).order_by(Invitation.id)).all()


def events(app, action):
    with app.app_context():
        return database.session().scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


# -- create --------------------------------------------------------------------------------------------------

def test_create_prints_the_link_on_the_base_url(cli):
    result = cli("create", *ANA)
    assert result.exit_code == 0 and \
        result.output.strip().splitlines()[-1].startswith(f"{BASE}/invite?t=")


def test_the_printed_link_opens_the_invitation(app, cli):
    link = cli("create", *ANA).output.strip().splitlines()[-1]
    assert app.test_client().get(link.removeprefix(BASE)).location == "/invite"


def test_create_keeps_only_the_tokens_sha256(app, cli):
    token = cli("create", *ANA).output.strip().rsplit("?t=", 1)[1]
    (invitation,) = stored(app)
    assert invitation.token_hash == invitations.token_hash(token)


def test_create_keeps_the_details(app, cli):
    appointment = (utcnow() + timedelta(days=20)).date()
    cli("create", *ANA, "--mrn", "MRN-77", "--appointment", appointment.isoformat(), "--days", "3")
    (invitation,) = stored(app)
    assert (invitation.first_name, invitation.last_name, invitation.date_of_birth, invitation.record_number,
            invitation.appointment_on, invitation.expires_at - invitation.created_at) == (
        "Ana", "Diaz", date(1990, 4, 2), "MRN-77", appointment, timedelta(days=3))


def test_create_lasts_the_configured_days_by_default(app, cli):
    app.config["INVITATION_DAYS"] = 9
    cli("create", *ANA)
    (invitation,) = stored(app)
    assert invitation.expires_at - invitation.created_at == timedelta(days=9)


def test_create_is_audited_from_the_cli_by_id_only(app, cli):
    cli("create", *ANA)
    (event,) = events(app, "invitation_created")
    (invitation,) = stored(app)
    assert (event.actor_email, event.source_ip) == (None, "cli") and event.detail.startswith(f"{invitation.id};") \
        and not any(s in event.detail for s in ("Ana", "Diaz", "1990"))


def test_create_without_a_base_url_exits_2_saying_to_set_it(app, runner):
    result = runner.invoke(args=["invitations", "create", *ANA])
    assert result.exit_code == 2 and "SCREENING_BASE_URL is not set" in result.output and stored(app) == []


@pytest.mark.parametrize("dob, reason", [
    ("1990-02-30", "must be a real date written YYYY-MM-DD"),
    ("1990-13-01", "must be a real date written YYYY-MM-DD"),
    ("90-04-02", "must be a real date written YYYY-MM-DD"),
    ("04/02/1990", "must be a real date written YYYY-MM-DD"),
    ("", "must be a real date written YYYY-MM-DD"),
    (f"{utcnow().year + 1}-01-01", "must be in the past"),
    ("1800-01-01", "must be on or after"),
])
def test_a_malformed_date_of_birth_exits_2_with_the_reason(app, cli, dob, reason):
    result = cli("create", "--first-name", "Ana", "--last-name", "Diaz", "--dob", dob)
    assert result.exit_code == 2 and "--dob" in result.output and reason in result.output and stored(app) == []


@pytest.mark.parametrize("option, value, reason", [
    ("--first-name", "A" * 500, "must be 100 characters or fewer"),
    ("--first-name", "Ana\x07", "must not include hidden or control characters"),
    ("--last-name", "Di\u200baz", "must not include hidden or control characters"),
    ("--last-name", "   ", "must include at least one letter"),
    ("--mrn", "<script>", "can only include letters, numbers"),
    ("--appointment", "2020-01-01", "must be today or in the future"),
    ("--appointment", "2030-02-30", "must be a real date written YYYY-MM-DD"),
    ("--days", "0", "0 is not in the range"),
    ("--days", "366", "366 is not in the range"),
    ("--days", "two", "'two' is not a valid integer"),
])
def test_bad_input_exits_2_with_the_reason(app, cli, option, value, reason):
    args = [*ANA, option, value] if option not in ("--first-name", "--last-name") else \
        ["--first-name", "Ana", "--last-name", "Diaz", "--dob", "1990-04-02", option, value]
    result = cli("create", *args)
    assert result.exit_code == 2 and option in result.output and reason in result.output and stored(app) == []


def test_a_name_with_a_line_break_becomes_one_line(app, cli):
    cli("create", "--first-name", "Ana\n María", "--last-name", "Diaz", "--dob", "1990-04-02")
    assert stored(app)[0].first_name == "Ana María"


# -- list ----------------------------------------------------------------------------------------------------

def test_list_shows_id_state_name_and_date_of_birth(app, cli):
    cli("create", *ANA)
    lines = cli("list").output.strip().splitlines()
    assert lines[0].split() == ["ID", "STATE", "MADE", "EXPIRES", "DOB", "NAME"] and \
        lines[1].split()[:2] == ["1", "sent"] and lines[1].endswith("1990-04-02  Ana Diaz")


def test_list_filters_by_state(app, cli):
    cli("create", *ANA)
    cli("renew", "1")
    lines = cli("list", "--state", "replaced").output.strip().splitlines()
    assert [line.split()[0] for line in lines[1:]] == ["1"]


def test_renew_prints_a_new_link_and_replaces_the_old_one(app, cli):
    cli("create", *ANA)
    result = cli("renew", "1")
    lines = cli("list").output.strip().splitlines()
    assert result.exit_code == 0 and result.output.strip().splitlines()[-1].startswith(f"{BASE}/invite?t=")
    assert [line.split()[:2] for line in lines[1:]] == [["2", "sent"], ["1", "replaced"]]


def test_renew_refuses_an_invitation_that_is_revoked(app, cli):
    cli("create", *ANA)
    cli("revoke", "1")
    result = cli("renew", "1")
    assert result.exit_code == 1 and "make a new one with `invitations create`" in result.output


def test_list_refuses_an_unknown_state(cli):
    assert cli("list", "--state", "lost").exit_code == 2


def test_list_with_none_says_how_to_make_one(cli):
    result = cli("list")
    assert result.exit_code == 0 and "No invitations yet" in result.output


def test_list_says_when_more_are_not_shown(cli):
    for n in range(3):
        cli("create", "--first-name", f"P{'a' * n}", "--last-name", "Diaz", "--dob", "1990-04-02")
    assert "Showing the newest 2 of 3" in cli("list", "--limit", "2").output


def test_list_is_audited_without_names(app, cli):
    cli("create", *ANA)
    cli("list")
    (event,) = events(app, "invitations_viewed")
    assert (event.actor_email, event.source_ip, event.detail) == (None, "cli", "state=any shown=1")


# -- revoke --------------------------------------------------------------------------------------------------

def test_revoke_stops_the_link(app, cli):
    cli("create", *ANA)
    result = cli("revoke", "1")
    assert result.exit_code == 0 and "Revoked invitation 1" in result.output and \
        invitations.state_of(stored(app)[0]) == "revoked"


def test_revoke_is_audited_by_id(app, cli):
    cli("create", *ANA)
    cli("revoke", "1")
    (event,) = events(app, "invitation_revoked")
    assert (event.actor_email, event.source_ip, event.detail) == (None, "cli", "1")


def test_revoking_an_unknown_invitation_exits_1(cli):
    result = cli("revoke", "42")
    assert result.exit_code == 1 and "there is no invitation 42" in result.output


def test_revoking_an_id_no_row_can_have_exits_1(cli):
    result = cli("revoke", str(10 ** 30))
    assert result.exit_code == 1 and "there is no invitation" in result.output


def test_revoking_twice_exits_1_saying_so(cli):
    cli("create", *ANA)
    cli("revoke", "1")
    result = cli("revoke", "1")
    assert result.exit_code == 1 and "already revoked" in result.output


def test_revoke_needs_a_number(cli):
    assert cli("revoke", "one").exit_code == 2


# -- the settings it reads -----------------------------------------------------------------------------------

def configured(tmp_path, monkeypatch, **env):
    for name, value in env.items():
        monkeypatch.setenv(f"SCREENING_{name}", value)
    return make_app({"TESTING": True, "SECRET_KEY": "k", "DATABASE_URL": f"sqlite:///{tmp_path / 's.sqlite3'}"},
                    instance_path=str(tmp_path / "instance")).config


def test_the_base_url_is_read_without_its_trailing_slash(tmp_path, monkeypatch):
    assert configured(tmp_path, monkeypatch, BASE_URL="https://screening.clinic.test/")["BASE_URL"] == BASE


@pytest.mark.parametrize("typed", ["screening.clinic.test", "ftp://clinic.test", "https://", "https://a b.test",
                                   "https://clinic.test/?x=1"])
def test_a_base_url_links_cannot_be_built_on_stops_the_start(tmp_path, monkeypatch, typed):
    with pytest.raises(ConfigError, match="SCREENING_BASE_URL must be the site's address"):
        configured(tmp_path, monkeypatch, BASE_URL=typed)


def test_invitation_days_are_read_from_the_environment(tmp_path, monkeypatch):
    assert configured(tmp_path, monkeypatch, INVITATION_DAYS="21")["INVITATION_DAYS"] == 21


def test_invitation_days_default_to_14(tmp_path, monkeypatch):
    assert configured(tmp_path, monkeypatch)["INVITATION_DAYS"] == 14


def test_invitation_days_that_are_not_a_number_stop_the_start(tmp_path, monkeypatch):
    with pytest.raises(ConfigError, match="SCREENING_INVITATION_DAYS must be a whole number"):
        configured(tmp_path, monkeypatch, INVITATION_DAYS="two weeks")
