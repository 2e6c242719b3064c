"""Security headers and cookies, one header per test.

Requirement (issue 6, "Sessions and headers"): Secure cookies by default outside development, with
SCREENING_SESSION_COOKIE_SECURE=false the only way off; Strict-Transport-Security of at least a year in
production; a CSP with base-uri 'none' and object-src 'none'; behind SCREENING_PROXY_COUNT proxies the
client's real address is what limits and the audit trail see.
"""
import re

import pytest
from sqlalchemy import select

from screening.records import database
from screening.records.models import AuditEvent
from screening.settings import ConfigError
from tests.conftest import make_app


def make(tmp_path, **config):
    return make_app({"TESTING": True, "SECRET_KEY": "k", "WTF_CSRF_ENABLED": False, "ENV": "development",
                     "DATABASE_URL": f"sqlite:///{tmp_path / 'h.sqlite3'}", **config},
                    instance_path=str(tmp_path / "instance"))


@pytest.fixture
def page(tmp_path):
    return make(tmp_path).test_client().get("/")


@pytest.fixture
def production_page(tmp_path):
    return make(tmp_path, ENV="production").test_client().get("/")


def csp(response) -> dict[str, str]:
    return {part.split()[0]: part.strip() for part in response.headers["Content-Security-Policy"].split(";")}


def test_csp_refuses_any_base_element(page):
    assert csp(page)["base-uri"] == "base-uri 'none'"


def test_csp_refuses_plugins(page):
    assert csp(page)["object-src"] == "object-src 'none'"


def test_csp_allows_scripts_only_from_the_site(page):
    assert csp(page)["script-src"] == "script-src 'self'"


def test_csp_forbids_framing(page):
    assert csp(page)["frame-ancestors"] == "frame-ancestors 'none'" and page.headers["X-Frame-Options"] == "DENY"


def test_pages_are_never_stored_by_caches(page):
    assert page.headers["Cache-Control"] == "no-store"


def test_content_types_are_not_sniffed(page):
    assert page.headers["X-Content-Type-Options"] == "nosniff"


def test_no_referrer_leaves_the_site(page):
    assert page.headers["Referrer-Policy"] == "no-referrer"


def test_production_asks_browsers_for_https_for_at_least_a_year(production_page):
    max_age = re.fullmatch(r"max-age=(\d+)", production_page.headers["Strict-Transport-Security"])
    assert max_age and int(max_age.group(1)) >= 365 * 24 * 3600


def test_development_over_plain_http_sends_no_hsts(page):
    assert "Strict-Transport-Security" not in page.headers


def session_cookie(client, path="/start") -> str:
    response = client.post(path)
    return next(v for v in response.headers.getlist("Set-Cookie") if v.startswith("session="))


def test_cookies_are_secure_in_production_without_any_setting(tmp_path, monkeypatch):
    monkeypatch.delenv("SCREENING_SESSION_COOKIE_SECURE", raising=False)
    assert "; Secure" in session_cookie(make(tmp_path, ENV="production").test_client())


def test_false_in_the_environment_is_the_way_off(tmp_path, monkeypatch):
    monkeypatch.setenv("SCREENING_SESSION_COOKIE_SECURE", "false")
    assert "; Secure" not in session_cookie(make(tmp_path, ENV="production").test_client())


@pytest.mark.parametrize("typed", ["False", "0", "no"])
def test_other_spellings_of_false_also_turn_it_off(tmp_path, monkeypatch, typed):
    monkeypatch.setenv("SCREENING_SESSION_COOKIE_SECURE", typed)
    assert "; Secure" not in session_cookie(make(tmp_path, ENV="production").test_client())


def test_development_cookies_work_over_plain_http(tmp_path, monkeypatch):
    monkeypatch.delenv("SCREENING_SESSION_COOKIE_SECURE", raising=False)
    assert "; Secure" not in session_cookie(make(tmp_path).test_client())


def test_cookies_are_http_only_and_same_site(tmp_path):
    cookie = session_cookie(make(tmp_path).test_client())
    assert "; HttpOnly" in cookie and "; SameSite=Lax" in cookie


def addresses_audited_after_a_sign_in(app) -> list[str]:
    """Sign in (and fail) from 10.0.0.2, saying it forwards for 203.0.113.7; the addresses the trail recorded."""
    app.test_client().post("/staff/sign-in", data={"email": "x@clinic.test", "password": "wrong password!!"},
                           headers={"X-Forwarded-For": "203.0.113.7"}, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    with app.app_context():
        return database.session().scalars(select(AuditEvent.source_ip)).all()


def test_behind_a_proxy_the_audit_trail_sees_the_client_address(tmp_path):
    assert addresses_audited_after_a_sign_in(make(tmp_path, PROXY_COUNT="1")) == ["203.0.113.7"]


def test_without_a_proxy_a_forwarded_header_is_ignored(tmp_path):
    assert addresses_audited_after_a_sign_in(make(tmp_path)) == ["10.0.0.2"]


def test_a_proxy_count_that_is_not_a_number_stops_the_start(tmp_path):
    with pytest.raises(ConfigError, match="SCREENING_PROXY_COUNT must be a whole number"):
        make(tmp_path, PROXY_COUNT="two")
