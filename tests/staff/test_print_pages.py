"""The printed clinician sheet, printed to PDF by headless Chromium, and the clinicians' pages in a browser.

Requirements:
- issue 3 (Submissions): a typical submission prints on one page, on both Letter and A4. The page is printed as a
  clinician prints it: signed in through the real form, the submission page itself under print media, with the
  margins its own @page rule sets.
- issue 8 (The clinician sheet): every printed page carries the patient's name, date of birth and reference, and
  "Page N of M"; nothing on the sheet is under 9 pt (12 px), headings larger; the longest possible submission,
  with names of 100 characters, prints on at most four pages; the screen view stays usable at 1280 and 375 px.

Measured (Chromium 156, Debian fonts): typical 1 page on Letter and A4; longest 4 pages on Letter and A4; the
smallest type 9 pt. `.venv/bin/python tests/perf/measure_sheet_pages.py` prints the same numbers; run these tests
with -s to see the counts, and with PRINT_DIR=/some/dir to keep the PDFs.
"""
from __future__ import annotations

import math
import os
import re
from typing import Iterator

import pytest

from tests.live import serve, skip_without_chromium

skip_without_chromium()

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import Browser, Page, expect  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from screening.catalogue.formats import parse_iso, us_date  # noqa: E402
from screening.rules.engine import evaluate  # noqa: E402
from screening.rules.registry import RulesRegistry  # noqa: E402
from screening.settings import DEFAULTS  # noqa: E402
from screening.staff.submission_page import sections  # noqa: E402
from tests.conftest import StaffAuth  # noqa: E402
from tests.staff.sheets import LONGEST, PAPERS, TYPICAL, font_sizes, printed, sign_in, store  # noqa: E402

SMALLEST_PT = 9
SMALLEST_PX = SMALLEST_PT * 4 / 3  # 12 px


class Sheet:
    """A stored submission and what every printed page of it must carry."""

    def __init__(self, reference: str, answers: dict):
        self.reference = reference
        self.name = f"{answers['first_name']} {answers['last_name']}"
        self.date_of_birth = us_date(parse_iso(answers["date_of_birth"]))


class Site:
    def __init__(self, url: str, typical: Sheet, longest: Sheet, email: str):
        self.url, self.typical, self.longest, self.email = url, typical, longest, email


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    from tests.conftest import make_app

    tmp_path = tmp_path_factory.mktemp("print")
    # CSRF stays on, as in production: the sign-in form is sent as a browser sends it.
    app = make_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"},
                     instance_path=str(tmp_path / "instance"))
    typical, longest = Sheet(store(app, TYPICAL), TYPICAL), Sheet(store(app, LONGEST), LONGEST)
    email = StaffAuth(app).create(("clinician",), email="print-test@clinic.test")
    with serve(app) as url:
        yield Site(url, typical, longest, email)


@pytest.fixture
def clinician(site: Site, chromium: Browser) -> Iterator[Page]:
    """A page signed in as a clinician through the real sign-in form."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, site.url, site.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff")
    try:
        yield page
    finally:
        context.close()


def print_sheet(page: Page, site: Site, sheet: Sheet, paper: str) -> PdfReader:
    data, pdf = printed(page, f"{site.url}/staff/submissions/{sheet.reference}", paper)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Clinician summary")
    if os.environ.get("PRINT_DIR"):  # to look at the printed pages: PRINT_DIR=/tmp/prints pytest -k print
        os.makedirs(os.environ["PRINT_DIR"], exist_ok=True)
        with open(os.path.join(os.environ["PRINT_DIR"], f"{sheet.reference}-{paper}.pdf"), "wb") as out:
            out.write(data)
    return pdf


def squashed(text: str) -> str:
    """Without any white space: a long name may wrap anywhere on paper."""
    return re.sub(r"\s+", "", text)


def text_of(pdf: PdfReader) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pdf.pages))


def assert_every_page_identifies(pdf: PdfReader, sheet: Sheet) -> None:
    """The name, date of birth and reference, and 'Page N of M', on every page."""
    pages = len(pdf.pages)
    for number, pdf_page in enumerate(pdf.pages, start=1):
        text = squashed(pdf_page.extract_text())
        missing = [what for what in (sheet.name, sheet.date_of_birth, sheet.reference, f"Page {number} of {pages}")
                   if squashed(what) not in text]
        assert missing == [], f"page {number} of {pages} lacks {missing}"


def smallest_printed_pt(pdf: PdfReader) -> tuple[float, str]:
    """The smallest type in the PDF as printed (margin boxes too): each run's size times its matrices' scale."""
    smallest: list[tuple[float, str]] = []

    def visit(text, cm, tm, _font, size):
        if text.strip():
            smallest.append((size * math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3]), text.strip()[:40]))

    for pdf_page in pdf.pages:
        pdf_page.extract_text(visitor_text=visit)
    return min(smallest)


@pytest.mark.browser
@pytest.mark.parametrize("paper", PAPERS)
def test_typical_submission_prints_on_one_page(site, clinician, paper):
    pdf = print_sheet(clinician, site, site.typical, paper)
    print(f"\ntypical submission on {paper}: {len(pdf.pages)} page(s)")
    assert len(pdf.pages) == 1
    assert_every_page_identifies(pdf, site.typical)
    text = text_of(pdf)
    assert "Raised blood pressure" in text and "Answers that matter" in text and "Signature" in text
    assert "No to: Heart attack; " in text  # the unremarkable answers, condensed


def last_numbered() -> int:
    """The number of the longest submission's last answer that matters, Q1, Q2..."""
    summary = evaluate(RulesRegistry(DEFAULTS["RULES_PATH"]).load(), LONGEST)
    raised = frozenset(b.question for t in summary.topics for b in t.because)
    return max(row.number or 0 for section in sections(LONGEST, raised=raised) for row in section.rows)


@pytest.mark.browser
@pytest.mark.parametrize("paper", PAPERS)
def test_longest_submission_prints_on_at_most_five_pages(site, clinician, paper):
    pdf = print_sheet(clinician, site, site.longest, paper)
    print(f"\nlongest submission on {paper}: {len(pdf.pages)} page(s)")
    assert len(pdf.pages) <= 5
    assert_every_page_identifies(pdf, site.longest)
    text = squashed(text_of(pdf))
    # Nothing cut off: the identity, the last answer, the last free text's end and the signature lines.
    for printed_text in (LONGEST["email"], LONGEST["phone"], LONGEST["record_number"], f"Q{last_numbered()}", "put me off.",
                         "Signature"):
        assert squashed(printed_text) in text, printed_text


@pytest.mark.browser
@pytest.mark.parametrize("sheet", ["typical", "longest"])
def test_nothing_on_the_sheet_prints_under_nine_points(site, clinician, sheet):
    """Every element with text in the sheet, by its computed style under print media; then every run of text in
    the PDF, which holds the page numbers too (a margin box is no element)."""
    clinician.goto(f"{site.url}/staff/submissions/{getattr(site, sheet).reference}")
    sizes = font_sizes(clinician)
    print(f"\n{sheet}: smallest type {sizes[0][0] * .75:g} pt ({sizes[0][1]}), {len(sizes)} elements with text")
    assert len(sizes) > 50
    assert [s for s in sizes if s[0] < SMALLEST_PX] == []
    headings = [(size, tag, text) for size, tag, text in sizes if tag.split(".")[0] in ("h1", "h2", "h3", "h4")]
    assert [h for h in headings if h[0] <= SMALLEST_PX] == []  # every heading larger than the body
    for paper in PAPERS:
        size, text = smallest_printed_pt(print_sheet(clinician, site, getattr(site, sheet), paper))
        assert size >= SMALLEST_PT - 0.05, (paper, size, text)


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

    page.get_by_label("Find a patient").fill(site.typical.reference)
    page.get_by_role("button", name="Show submissions").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("rowheader")).to_have_text(site.typical.reference)
    page.goto(site.url + "/staff/submissions?page=abc")
    expect(page.get_by_role("alert")).to_contain_text("The page number must be a whole number")
    problems["list, with a problem"] = axe_violations(page)

    page.goto(f"{site.url}/staff/submissions?reference={site.typical.reference}")
    page.get_by_role("link", name=site.typical.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Clinician summary {site.typical.reference}")
    problems["submission"] = axe_violations(page)

    page.get_by_role("link", name="Print this summary").click()
    expect(page).to_have_url(re.compile(r"\?print=1$"))
    page.wait_for_function("window.__prints === 1")

    page.get_by_role("button", name="Mark as reviewed").click()
    expect(page.get_by_role("status")).to_have_text(f"{site.typical.reference} is marked as reviewed.")
    row = page.locator("tbody tr").filter(has=page.get_by_role("rowheader", name=site.typical.reference))
    expect(row.locator("td").last).to_have_text("Reviewed")
    problems["list, after marking reviewed"] = axe_violations(page)

    problems = {name: report for name, report in problems.items() if report}
    assert problems == {}, "\n\n".join(f"== {name} ==\n{report}" for name, report in problems.items())


@pytest.mark.browser
@pytest.mark.parametrize("width", [320, 375, 1280])
@pytest.mark.parametrize("path", ["/staff/submissions", "/staff/submissions/{longest}"])
def test_clinician_pages_reflow(site, clinician, path, width):
    page = clinician
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(site.url + path.format(longest=site.longest.reference))
    page.wait_for_load_state("load")
    # The list's table may scroll inside its own labelled region; the page itself never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if "{longest}" in path:
        # On screen the identifiers say who it is; the header printed on every page stays off the screen.
        expect(page.locator(".sheet-identity")).to_contain_text(site.longest.name)
        expect(page.locator(".running-head")).to_be_hidden()
