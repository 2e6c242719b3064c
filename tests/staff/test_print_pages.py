"""The printed clinician summary, printed to PDF by headless Chromium, and the clinicians' pages in a browser.

Requirement (issue 3, Submissions): a typical submission prints on one page and the longest possible one on
at most three, on both Letter and A4. The page is printed as a clinician prints it: signed in through the
real form, the submission page itself under print media, with the margins its own @page rule sets.

Measured (Chromium 156, Debian fonts): typical 1 page on Letter and A4; longest 3 pages on Letter and A4.
Run with -s to see the counts.
"""
from __future__ import annotations

import io
import os
import re
from typing import Iterator

import pytest

from tests.live import serve, skip_without_chromium

skip_without_chromium()

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import Browser, Page, expect  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from tests.conftest import STAFF_PASSWORD, StaffAuth  # noqa: E402
from tests.staff.sheets import LONGEST, TYPICAL, store  # noqa: E402

FORMATS = ("Letter", "A4")


class Site:
    def __init__(self, url: str, typical: str, longest: str, email: str):
        self.url, self.typical, self.longest, self.email = url, typical, longest, email


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    from tests.conftest import make_app

    tmp_path = tmp_path_factory.mktemp("print")
    # CSRF stays on, as in production: the sign-in form is sent as a browser sends it.
    app = make_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"},
                     instance_path=str(tmp_path / "instance"))
    typical, longest = store(app, TYPICAL), store(app, LONGEST)
    email = StaffAuth(app).create(("clinician",), email="print-test@clinic.test")
    with serve(app) as url:
        yield Site(url, typical, longest, email)


@pytest.fixture
def clinician(site: Site, chromium: Browser) -> Iterator[Page]:
    """A page signed in as a clinician through the real sign-in form."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site.url + "/staff/sign-in")
    page.get_by_label("Email address").fill(site.email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff")
    try:
        yield page
    finally:
        context.close()


def printed(page: Page, url: str, paper: str) -> PdfReader:
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Clinician summary")
    data = page.pdf(format=paper)
    if os.environ.get("PRINT_DIR"):  # to look at the printed pages: PRINT_DIR=/tmp/prints pytest -k print
        os.makedirs(os.environ["PRINT_DIR"], exist_ok=True)
        name = url.rstrip("/").rsplit("/", 1)[-1]
        with open(os.path.join(os.environ["PRINT_DIR"], f"{name}-{paper}.pdf"), "wb") as out:
            out.write(data)
    return PdfReader(io.BytesIO(data))


def text_of(pdf: PdfReader) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pdf.pages))


@pytest.mark.browser
@pytest.mark.parametrize("paper", FORMATS)
def test_typical_submission_prints_on_one_page(site, clinician, paper):
    pdf = printed(clinician, f"{site.url}/staff/submissions/{site.typical}", paper)
    print(f"\ntypical submission on {paper}: {len(pdf.pages)} page(s)")
    assert len(pdf.pages) == 1
    text = text_of(pdf)
    assert site.typical in text and "Raised blood pressure" in text and "Signature" in text


@pytest.mark.browser
@pytest.mark.parametrize("paper", FORMATS)
def test_longest_submission_prints_on_at_most_three_pages(site, clinician, paper):
    pdf = printed(clinician, f"{site.url}/staff/submissions/{site.longest}", paper)
    print(f"\nlongest submission on {paper}: {len(pdf.pages)} page(s)")
    assert len(pdf.pages) <= 3
    text = text_of(pdf)
    # Nothing cut off: the last answer, the last free text's end and the signature lines are all printed.
    assert "Q61" in text and "put me off." in text and "Signature" in text


def axe_violations(page: Page) -> str:
    page.wait_for_load_state("load")
    results = Axe().run(page)
    return results.generate_report() if results.violations_count else ""


@pytest.mark.browser
def test_clinician_finds_prints_and_marks_a_submission_reviewed(site, clinician):
    """The issue's 'done when' path for a clinician, every page checked with axe-core (best practices too)."""
    page, problems = clinician, {}
    page.add_init_script("window.__prints = 0; window.print = () => { window.__prints += 1; };")
    page.get_by_role("navigation", name="Staff sections").get_by_role("link", name="Submissions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Submissions")
    problems["list"] = axe_violations(page)

    page.get_by_label("Reference code").fill(site.typical[3:].lower().replace("-", " "))
    page.get_by_role("button", name="Show submissions").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("rowheader")).to_have_text(site.typical)
    page.goto(site.url + "/staff/submissions?page=abc")
    expect(page.get_by_role("alert")).to_contain_text("The page number must be a whole number")
    problems["list, with a problem"] = axe_violations(page)

    page.goto(f"{site.url}/staff/submissions?reference={site.typical}")
    page.get_by_role("link", name=site.typical).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Clinician summary {site.typical}")
    problems["submission"] = axe_violations(page)

    page.get_by_role("link", name="Print this summary").click()
    expect(page).to_have_url(re.compile(r"\?print=1$"))
    page.wait_for_function("window.__prints === 1")

    page.get_by_role("button", name="Mark as reviewed").click()
    expect(page.get_by_role("status")).to_have_text(f"{site.typical} is marked as reviewed.")
    row = page.locator("tbody tr").filter(has=page.get_by_role("rowheader", name=site.typical))
    expect(row.locator("td").last).to_have_text("Reviewed")
    problems["list, after marking reviewed"] = axe_violations(page)

    problems = {name: report for name, report in problems.items() if report}
    assert problems == {}, "\n\n".join(f"== {name} ==\n{report}" for name, report in problems.items())


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/staff/submissions", "/staff/submissions/{longest}"])
def test_clinician_pages_reflow_at_320px(site, clinician, path):
    page = clinician
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(site.url + path.format(longest=site.longest))
    page.wait_for_load_state("load")
    # The list's table may scroll inside its own labelled region; the page itself never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
