"""The patient's copy to keep: the summary printed to PDF by headless Chromium, on Letter and on A4.

Requirement (issue 7, "A copy to keep"): a visible "Print or save as PDF" control near the top of the summary;
the printed copy holds the reference code, the date sent (US format), every topic with its text and the answers
that raised it, and no navigation; without JavaScript the control is a link to the same page in its print
layout. The whole summary passes axe-core, in both layouts.
Requirement (issue 8, "The clinician sheet"): the copy carries the patient's name, date of birth and reference
on every printed page (and "Page N of M"), as the clinician sheet does.

The questionnaire is answered through the Flask test client on the served app, and its session cookie handed
to the browser: the patient's walk through every step in Chromium is tests/browser/test_patient_journey.py's.

Set PRINT_DIR=/some/dir to keep the PDFs.
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

from screening.records import database  # noqa: E402
from screening.catalogue.formats import us_date  # noqa: E402
from screening.records.submissions import by_reference, summary_of  # noqa: E402
from tests.conftest import Patient, make_app  # noqa: E402

# Topics in all three tiers, with crisis numbers in their texts and several answers behind some of them:
# chest pain now (urgent), a raised reading and thoughts of self-harm without a plan (discuss), asthma (mention).
ANSWERS = {"symptoms_now": ["chest_pain"], "bp_systolic": 150, "bp_diastolic": 95,
           "self_harm_thoughts": "yes", "self_harm_plan": "no", "asthma": "yes"}
# In points (72 an inch): Letter is 8.5 x 11 in, A4 210 x 297 mm.
PAPER = {"Letter": (612, 792), "A4": (595.3, 841.9)}


class Sent:
    def __init__(self, url: str, cookie: dict, reference: str, sent_on: str, topics: tuple, draft_cookie: dict,
                 name: str = "", born_on: str = ""):
        self.url, self.cookie, self.reference, self.sent_on, self.topics = url, cookie, reference, sent_on, topics
        self.draft_cookie = draft_cookie  # another patient's, still answering
        self.name, self.born_on = name, born_on  # as the patient gave them: "Sam Rivera", "April 2, 1986"


@pytest.fixture(scope="module")
def sent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sent]:
    tmp_path = tmp_path_factory.mktemp("summary-copy")
    app = make_app({"TESTING": True, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False,
                    "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}, instance_path=str(tmp_path / "instance"))
    patient, answering = Patient(app.test_client()), Patient(app.test_client())
    patient.complete(ANSWERS)
    assert patient.send().location == "/summary"
    answering.start()
    name = app.config["SESSION_COOKIE_NAME"]  # the cookie's
    cookie, draft_cookie = patient.client.get_cookie(name), answering.client.get_cookie(name)
    reference = re.search(r'class="code">(KS-[0-9A-Z-]+)<', patient.client.get("/summary").get_data(as_text=True))[1]
    with app.app_context():
        submission = by_reference(database.session(), reference)
        day = submission.submitted_at
        topics = summary_of(submission).topics
        patient_name = f"{submission.first_name} {submission.last_name}"
        born_on = us_date(submission.date_of_birth)
    assert {t.severity for t in topics} == {"urgent", "discuss", "mention"}, [t.id for t in topics]
    with serve(app) as url:
        yield Sent(url, {"name": name, "value": cookie.value, "url": url}, reference,
                   f"{day:%B} {day.day}, {day.year}", topics, {"name": name, "value": draft_cookie.value, "url": url},
                   patient_name, born_on)


def patient_page(browser: Browser, sent: Sent, cookie: dict | None = None, **context_options) -> Page:
    """A page in a browser that sent the questionnaire (or has `cookie`); window.print is counted, not opened."""
    context = browser.new_context(**context_options)
    context.add_cookies([cookie or sent.cookie])
    page = context.new_page()
    page.set_default_timeout(10_000)
    if context_options.get("java_script_enabled", True):
        page.add_init_script("window.__prints = 0; window.print = () => { window.__prints += 1; };")
    return page


def squashed(text: str) -> str:
    """Without any white space: a line may wrap anywhere on paper, a hyphenated word included."""
    return re.sub(r"\s+", "", text)


def as_shown(text: str) -> str:
    """A topic's text as the page words it: "call or text 988" is two links, "988" and "text 988"."""
    return re.sub(r"\b([Cc]all) or text 988\b", r"\1 988 or text 988", text)


def axe_report(page: Page) -> str:
    page.wait_for_load_state("load")
    results = Axe().run(page)
    return results.generate_report() if results.violations_count else ""


@pytest.mark.browser
@pytest.mark.parametrize("paper", PAPER)
def test_printed_summary_holds_reference_date_topics_and_their_answers(sent, chromium, paper):
    page = patient_page(chromium, sent)
    page.goto(sent.url + "/summary")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers have been sent")
    data = page.pdf(format=paper)
    page.context.close()
    if os.environ.get("PRINT_DIR"):
        os.makedirs(os.environ["PRINT_DIR"], exist_ok=True)
        with open(os.path.join(os.environ["PRINT_DIR"], f"summary-{paper}.pdf"), "wb") as out:
            out.write(data)
    pdf = PdfReader(io.BytesIO(data))
    print(f"\npatient summary on {paper}: {len(pdf.pages)} page(s)")
    box = pdf.pages[0].mediabox
    # Within 2 points: Chromium rounds the page to whole device pixels.
    assert abs(float(box.width) - PAPER[paper][0]) < 2 and abs(float(box.height) - PAPER[paper][1]) < 2, box
    text = squashed(" ".join(p.extract_text() for p in pdf.pages))

    assert squashed(f"Your reference code is {sent.reference}") in text
    assert squashed(f"Sent on {sent.sent_on}") in text
    for topic in sent.topics:
        assert squashed(topic.title) in text, topic.id
        assert squashed(as_shown(topic.patient)) in text, topic.id
        for because in topic.because:
            assert squashed(f"{because.label} {because.answer}") in text, (topic.id, because)
    assert text.count(squashed("Because you told us:")) == sum(1 for t in sent.topics if t.because)
    assert squashed("Summary made with rules version") in text  # the last line: nothing is cut off
    # Whose copy it is, on every page: the name, date of birth and reference, and which page of how many.
    assert len(pdf.pages) >= 2  # so that "every page" means more than the first
    for number, pdf_page in enumerate(pdf.pages, start=1):
        page_text = squashed(pdf_page.extract_text())
        for identifier in (sent.name, f"Date of birth {sent.born_on}", f"Reference {sent.reference}",
                           f"Page {number} of {len(pdf.pages)}"):
            assert squashed(identifier) in page_text, (number, identifier)
    # No navigation or controls on paper.
    for chrome in ("Ketamine treatment screening", "Skip to main content", "Print or save as PDF",
                   "This questionnaire helps you prepare"):
        assert squashed(chrome) not in text, chrome


@pytest.mark.browser
def test_print_button_prints_the_page_in_place(sent, chromium):
    page = patient_page(chromium, sent)
    page.goto(sent.url + "/summary")
    button = page.get_by_role("button", name="Print or save as PDF")
    expect(button).to_be_visible()
    expect(page.locator(".running-head")).to_be_hidden()  # the header of the printed pages: paper only
    # Near the top: straight after the reference code, before the first topic.
    assert page.evaluate("""() => {
        const button = [...document.querySelectorAll('button')].find(b => b.textContent === 'Print or save as PDF');
        return !!(document.querySelector('.panel').compareDocumentPosition(button) & Node.DOCUMENT_POSITION_FOLLOWING)
            && !!(button.compareDocumentPosition(document.querySelector('.care-card')) & Node.DOCUMENT_POSITION_FOLLOWING);
    }""")
    button.click()
    page.wait_for_function("window.__prints === 1")
    expect(page).to_have_url(sent.url + "/summary")
    page.context.close()


@pytest.mark.browser
def test_without_javascript_the_print_link_opens_the_print_layout(sent, chromium):
    page = patient_page(chromium, sent, java_script_enabled=False)
    page.goto(sent.url + "/summary")
    link = page.get_by_role("link", name="Print or save as PDF")
    expect(link).to_be_visible()
    expect(link).to_have_attribute("href", "/summary?print=1")
    with page.expect_response(lambda response: response.url.endswith("/summary?print=1")) as opened:
        link.click()
    assert opened.value.status == 200
    expect(page).to_have_url(sent.url + "/summary?print=1")
    # The layout it prints, on screen: the print styles apply, no site header, footer or print control.
    expect(page.locator("link[href^='/static/print.'][href$='.css']")).to_have_attribute("media", "all")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.get_by_text("Print or save as PDF")).to_have_count(0)
    expect(page.locator(".panel")).to_contain_text(sent.reference)
    expect(page.locator(".panel")).to_contain_text(f"Sent on {sent.sent_on}")
    for identifier in (sent.name, f"Date of birth {sent.born_on}", f"Reference {sent.reference}"):
        expect(page.locator(".running-head")).to_contain_text(identifier)
    expect(page.locator("section.care-card")).to_have_count(len(sent.topics))
    page.get_by_role("link", name="Back to your summary").click()
    expect(page).to_have_url(sent.url + "/summary")
    page.context.close()


@pytest.mark.browser
def test_crisis_numbers_are_links_to_call_and_to_text(sent, chromium):
    page = patient_page(chromium, sent)
    page.goto(sent.url + "/summary")
    main = page.locator("main")
    expect(main.locator('a[href="tel:911"]').first).to_have_text("911")
    expect(main.locator('a[href="tel:988"]').first).to_have_text("988")
    expect(main.locator('a[href="sms:988"]').first).to_have_text("text 988")
    footer = page.locator(".site-footer")
    for href in ("tel:911", "tel:988", "sms:988"):
        expect(footer.locator(f'a[href="{href}"]')).to_have_count(1)
    page.context.close()


@pytest.mark.browser
def test_summary_passes_axe_in_both_layouts(sent, chromium):
    page = patient_page(chromium, sent)
    reports = {}
    for name, path in (("summary", "/summary"), ("print layout", "/summary?print=1")):
        page.goto(sent.url + path)
        reports[name] = axe_report(page)
    page.context.close()
    reports = {name: report for name, report in reports.items() if report}
    assert reports == {}, "\n\n".join(f"== {name} ==\n{report}" for name, report in reports.items())


@pytest.mark.browser
@pytest.mark.parametrize("path, code", [("/summary", ".panel .code"), ("/saved", ".code-large"),
                                        ("/step/about-you", ".resume-box .code")])
def test_codes_stay_on_one_line_on_a_phone(sent, chromium, path, code):
    """The reference code, and the resume code on the saved page and in every step's resume box."""
    cookie = sent.cookie if path == "/summary" else sent.draft_cookie
    page = patient_page(chromium, sent, cookie, viewport={"width": 320, "height": 640})
    page.goto(sent.url + path)
    lines = page.locator(code).evaluate("e => e.getClientRects().length")
    assert lines == 1, f"the code at {path} wraps onto {lines} lines"
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, f"{path} scrolls sideways at 320px"
    page.context.close()
