"""The staff pages in headless Chromium: sign-in, landing, audit trail, rules page and sandbox, invitations (with
a link just made and with errors) and alerts, each checked with axe-core (best practices included); and the
patient's side of an invitation: the date-of-birth page, its error, and a link that no longer works. The
clinicians' pages are checked in test_print_pages.py.
"""
from __future__ import annotations

import pytest

from tests.live import serve, skip_without_chromium

skip_without_chromium()

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from tests.conftest import STAFF_PASSWORD, StaffAuth  # noqa: E402


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from tests.conftest import make_app

    tmp_path = tmp_path_factory.mktemp("staff-pages")
    app = make_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"},
                     instance_path=str(tmp_path / "instance"))
    email = StaffAuth(app).create(("admin", "rules", "clinician"), email="all-roles@clinic.test")
    with serve(app) as url:
        yield url, email


def violations(page) -> str:
    page.wait_for_load_state("load")
    results = Axe().run(page)
    return results.generate_report() if results.violations_count else ""


@pytest.mark.browser
def test_staff_pages_pass_axe(site, chromium):
    url, email = site
    page = chromium.new_context().new_page()
    found = {}
    page.goto(url + "/staff/sign-in")
    found["sign-in"] = violations(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    found["sign-in, failed"] = violations(page)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff")
    found["landing"] = violations(page)
    for path in ("/staff/audit", "/staff/audit?page=abc", "/staff/rules", "/staff/rules/try"):
        page.goto(url + path)
        found[path] = violations(page)
    page.get_by_label("Your most recent blood pressure: the top number (systolic)").fill("185")
    page.get_by_role("button", name="Show the topics").click()
    expect(page.get_by_role("heading", name="What these answers raise")).to_be_visible()
    found["/staff/rules/try, with topics"] = violations(page)
    page.context.close()
    assert {name: report for name, report in found.items() if report} == {}


@pytest.mark.browser
def test_invitation_pages_pass_axe(site, chromium):
    url, email = site
    page = chromium.new_context().new_page()
    found = {}
    page.goto(url + "/staff/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(url + "/staff/invitations")
    found["invitations"] = violations(page)
    page.get_by_role("button", name="Make the link").click()
    found["invitations, with errors"] = violations(page)
    page.get_by_label("First name").fill("Ana")
    page.get_by_label("Last name").fill("Díaz-López")
    form = page.locator("form", has=page.get_by_role("button", name="Make the link"))
    form.get_by_label("Month").first.fill("4")
    form.get_by_label("Day").first.fill("2")
    form.get_by_label("Year").first.fill("1990")
    page.get_by_role("button", name="Make the link").click()
    link = page.get_by_label("Personal link").input_value()
    found["invitations, link made"] = violations(page)
    page.goto(url + "/staff/alerts")
    found["alerts"] = violations(page)
    page.context.close()

    patient = chromium.new_context().new_page()
    patient.goto(url + link[link.index("/invite"):])
    found["invite, date of birth"] = violations(patient)
    patient.get_by_label("Month").fill("4")
    patient.get_by_label("Day").fill("3")
    patient.get_by_label("Year").fill("1990")
    patient.get_by_role("button", name="Continue").click()
    found["invite, wrong date"] = violations(patient)
    patient.goto(url + "/invite?t=" + "x" * 43)
    found["invite, unknown link"] = violations(patient)
    patient.context.close()
    assert {name: report for name, report in found.items() if report} == {}
