"""End to end in headless Chromium: a patient answers every step, stops and resumes, changes an answer and sends.

Every distinct page is checked with axe-core (all rules, best practices included) and must have no
violations. CSRF stays on, as in production, so every form is sent exactly as a browser sends it.

Set BROWSER_SHOTS=/some/dir to keep full-page screenshots of the 320px checks.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterator

import pytest

from tests.live import serve, skip_without_chromium

skip_without_chromium()

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import Browser, Page, expect  # noqa: E402

AXE = Axe()
REFERENCE = re.compile(r"^KS-[0-9A-Z]{4}-[0-9A-Z]{4}$")
RESUME_CODE = re.compile(r"^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$")

SYSTOLIC = "Your most recent blood pressure: the top number (systolic)"
DIASTOLIC = "Your most recent blood pressure: the bottom number (diastolic)"
BP_DIAGNOSED = "Have you been told you have high blood pressure (hypertension)?"

# What the patient does on each step, in order: ("type", label, text) or ("pick", question, answer(s)).
# Radios and checkboxes are found by their question's fieldset, then by the answer's label.
JOURNEY: list[tuple[str, str, list[tuple[str, str, object]]]] = [
    ("your-details", "Your details", [
        ("type", "First name", "Ana"),
        ("type", "Last name", "Díaz-López"),
        ("type", "Month", "4"),
        ("type", "Day", "2"),
        ("type", "Year", "1990"),
    ]),
    ("about-you", "About you", [
        ("pick", "What sex were you assigned at birth?", "Male"),
        ("type", "How tall are you?", "5 ft 7 in"),
        ("type", "How much do you weigh?", "73 kg"),
        ("pick", "What would you like treatment for?", ["Depression", "Anxiety"]),
        ("pick", "After each treatment, can someone take you home?", "Yes"),
    ]),
    ("heart", "Heart and circulation", [
        ("pick", "Have you ever had a heart attack?", "Yes"),
        ("pick", "In the last 12 months, have you had a heart stent or heart bypass surgery?", "No"),
        ("pick", "Do you get chest pain when you are active or stressed (angina)?", "No"),
        ("pick", "Have you been told you have heart failure?", "No"),
        ("pick", "Have you been told you have any other heart problem? For example, a heart valve problem, or "
                 "a weak or large heart (cardiomyopathy).", "No"),
        ("pick", "Have you been told your heart beats in an uneven way (arrhythmia), such as atrial "
                 "fibrillation (AFib)?", "No"),
        ("pick", "Have you been told you have an aneurysm (a swollen blood vessel) or an AVM (a tangle of "
                 "blood vessels)?", "No"),
        ("pick", "Have you ever had bleeding in or around the brain?", "No"),
        ("pick", "Have you ever had a stroke or a mini-stroke (TIA)?", "No"),
    ]),
    ("blood-pressure", "Blood pressure", [
        ("pick", BP_DIAGNOSED, "No"),
        ("type", SYSTOLIC, "150"),
        ("type", DIASTOLIC, "95"),
        ("pick", "Do you have any of these right now?", ["None of these"]),
    ]),
    ("substances", "Alcohol and drugs", [
        ("pick", "How often do you have a drink containing alcohol?", "Never"),
        ("pick", "In the last 12 months, have you used drugs not prescribed to you, or used a medicine in a "
                 "way not prescribed?", "No"),
        ("pick", "Have you ever had a problem with alcohol or drugs, or had treatment for it?", "No"),
        ("pick", "Have you had ketamine or esketamine (Spravato) before, for any reason?", ["No, never"]),
    ]),
    ("brain", "Brain and nerves", [
        ("pick", "Have you ever had a seizure, or been told you have epilepsy?", "No"),
        ("pick", "Have you ever had a serious head injury?", "No"),
        ("pick", "Have you been told you have raised pressure in your skull (raised intracranial pressure)?", "No"),
        ("pick", "Have you ever had a brain tumor?", "No"),
    ]),
    ("mental-health", "Mental health", [
        ("pick", "Have you ever lost touch with what is real (psychosis)? Or seen or heard things others could "
                 "not (hallucinations)?", "No"),
        ("pick", "Have you ever been told you have bipolar disorder? Or have you had times of mania, when you "
                 "felt very high or wired for days?", "No"),
        ("pick", "Has a parent, brother, sister or child of yours had psychosis or schizophrenia?", "No"),
        ("pick", "In the past month, have you had thoughts of ending your life or harming yourself?", "No"),
    ]),
    ("breathing", "Breathing", [
        ("pick", "Have you been told you have COPD, emphysema or chronic bronchitis?", "No"),
        ("pick", "Do you have asthma?", "No"),
        ("pick", "Have you been told you have sleep apnea (your breathing stops while you sleep)?", "No"),
    ]),
    ("bladder-kidneys", "Bladder and kidneys", [
        ("pick", "Have you been told you have a long-lasting bladder problem that causes pain? Its names include "
                 "interstitial cystitis and painful bladder syndrome.", "No"),
        ("pick", "Do you have trouble or pain when you pee (urinate), or need to go much more often than usual?", "No"),
        ("pick", "Have you been told you have kidney disease?", "No"),
    ]),
    ("other-health", "Other health conditions", [
        ("pick", "Have you been told you have liver disease, such as hepatitis or cirrhosis?", "No"),
        ("pick", "Have you been told you have glaucoma or raised pressure in your eyes?", "No"),
        ("pick", "Have you been told you have an overactive thyroid (hyperthyroidism)?", "No"),
    ]),
    ("medicines", "Medicines", [
        ("pick", "Do you take any of these medicines?", ["None of these"]),
    ]),
    ("allergies", "Allergies and reactions", [
        ("pick", "Have you ever had an allergic or bad reaction to any of these?", ["None of these"]),
    ]),
]
# The follow-up the blood pressure step asks once a reading is given.
BP_FOLLOW_UP = ("When was this reading taken?", "In the last month")
# The follow-up the heart step asks after "Yes" to a heart attack.
HEART_FOLLOW_UP = ("How long ago was your most recent heart attack?", "More than 12 months ago")


# -- fixtures ----------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from tests.conftest import make_app
    from screening.settings import ConfigError

    tmp_path = tmp_path_factory.mktemp("browser")
    try:
        app = make_app({"TESTING": True, "SECRET_KEY": "test",
                          "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"},
                         instance_path=str(tmp_path / "instance"))
    except ConfigError as error:  # a SystemExit: turn it into a readable test error
        pytest.fail(f"the app did not start: {error}")
    with serve(app) as url:
        yield url


# -- helpers -----------------------------------------------------------------------------------------

class AxeLog:
    """axe-core on each page; every page's result is kept so one run reports all of them."""

    def __init__(self) -> None:
        self.results: dict[str, int] = {}
        self.reports: list[str] = []

    def check(self, page: Page, name: str) -> None:
        assert name not in self.results, f"page name {name!r} used twice"
        page.wait_for_load_state("load")
        results = AXE.run(page)
        self.results[name] = results.violations_count
        if results.violations_count:
            self.reports.append(f"== {name} ({page.url}) ==\n{results.generate_report()}")

    def assert_clean(self) -> None:
        print("\naxe violations per page:\n" + "\n".join(f"  {n}: {c}" for n, c in self.results.items()))
        assert not self.reports, "\n\n".join(self.reports)


def new_page(browser: Browser, **context_options) -> Page:
    page = browser.new_context(**context_options).new_page()
    page.set_default_timeout(10_000)
    return page


def question(page: Page, label: str):
    return page.get_by_role("group", name=label, exact=True)


def pick(page: Page, label: str, answer: str | list[str]) -> None:
    """Click each answer's label (not the input), then check that it really ticked the box."""
    group = question(page, label)
    expect(group).to_have_count(1)
    for text in [answer] if isinstance(answer, str) else answer:
        group.locator("label").get_by_text(text, exact=True).click()
        expect(group.get_by_label(text, exact=True)).to_be_checked()


def answer(page: Page, actions: list[tuple[str, str, object]]) -> None:
    for kind, label, value in actions:
        if kind == "type":
            page.get_by_label(label, exact=True).fill(str(value))
        else:
            pick(page, label, value)  # type: ignore[arg-type]


def expect_step(page: Page, slug: str, title: str, *, follow_up: bool = False) -> None:
    expect(page).to_have_url(re.compile(rf"/step/{re.escape(slug)}(\?return=check)?(#[\w-]+)?$"))
    if follow_up:
        expect(page).to_have_url(re.compile(r"#new-questions$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    number = next(i for i, (s, _, _) in enumerate(JOURNEY, 1) if s == slug)
    expect(page.locator(".caption")).to_have_text(f"Step {number} of {len(JOURNEY)}")


def cont(page: Page) -> None:
    page.get_by_role("button", name="Continue", exact=True).click()


def start(page: Page, base: str) -> None:
    page.goto(base + "/")
    page.get_by_role("button", name="Start now").click()
    expect_step(page, "your-details", "Your details")


def answer_heart_step(page: Page) -> None:
    """Heart attack "Yes" brings its follow-up onto the same step, after Continue."""
    expect(question(page, HEART_FOLLOW_UP[0])).to_have_count(0)
    answer(page, JOURNEY[2][2])
    cont(page)
    expect_step(page, "heart", "Heart and circulation", follow_up=True)
    notice = page.locator("#new-questions")
    expect(notice).to_contain_text("Because of your answers, we have a follow-up question")
    expect(notice.get_by_role("link", name=HEART_FOLLOW_UP[0])).to_be_visible()
    # What was answered before Continue is still ticked.
    expect(question(page, "Have you ever had a heart attack?").get_by_label("Yes", exact=True)).to_be_checked()


def no_horizontal_scroll(page: Page, what: str, shots: Path | None) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
        .slice(0, 5).map(e => e.outerHTML.slice(0, 120))""")
    if shots:
        page.screenshot(path=str(shots / f"320-{what}.png"), full_page=True)
    assert width <= 320, f"{what} scrolls sideways at 320px: scrollWidth {width}; too wide: {wide}"


# -- tests -------------------------------------------------------------------------------------------

@pytest.mark.browser
def test_patient_completes_questionnaire_and_every_page_passes_axe(live_server, chromium):
    axe = AxeLog()
    page = new_page(chromium)

    # Start page.
    page.goto(live_server + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Before your ketamine treatment: health questions")
    axe.check(page, "start")
    page.get_by_role("button", name="Start now").click()

    # Your details: send it empty first, as a patient might, to get the error summary.
    expect_step(page, "your-details", "Your details")
    axe.check(page, "step 1 your-details")
    cont(page)
    summary = page.get_by_role("alert").filter(has=page.get_by_role("heading", name="There is a problem"))
    expect(summary).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: Your details"))
    expect(summary.get_by_role("link")).to_have_count(3)  # first name, last name, date of birth
    expect(summary.get_by_role("link", name="Enter your date of birth")).to_have_attribute(
        "href", "#date_of_birth-month")
    expect(page.locator("#date_of_birth-error")).to_contain_text("Enter your date of birth")
    expect(page.get_by_role("group", name="What is your date of birth?")).to_have_attribute(
        "aria-describedby", "date_of_birth-hint date_of_birth-error")
    axe.check(page, "step 1 your-details, with errors")
    answer(page, JOURNEY[0][2])
    page.get_by_label("Day", exact=True).fill("31")  # April 31 is not a date
    cont(page)
    expect(page.locator("#date_of_birth-error")).to_contain_text("Date of birth must be a real date")
    expect(page.get_by_label("First name", exact=True)).to_have_value("Ana")
    answer(page, JOURNEY[0][2])
    cont(page)

    # About you.
    expect_step(page, "about-you", "About you")
    axe.check(page, "step 2 about-you")
    answer(page, JOURNEY[1][2])
    cont(page)

    # Heart, with its follow-up.
    expect_step(page, "heart", "Heart and circulation")
    axe.check(page, "step 3 heart")
    answer_heart_step(page)
    axe.check(page, "step 3 heart, follow-up question shown")
    pick(page, *HEART_FOLLOW_UP)
    cont(page)

    # Blood pressure, typed in.
    expect_step(page, "blood-pressure", "Blood pressure")
    axe.check(page, "step 4 blood-pressure")
    answer(page, JOURNEY[3][2])
    cont(page)
    expect_step(page, "blood-pressure", "Blood pressure", follow_up=True)
    pick(page, *BP_FOLLOW_UP)
    cont(page)
    expect_step(page, "substances", "Alcohol and drugs")

    # Stop here: the saved page gives the resume code, which carries on in another browser.
    box = page.get_by_role("complementary", name="Stop and come back later")
    code = box.locator(".code").inner_text().strip()
    assert RESUME_CODE.match(code), code
    box.get_by_role("link", name="Save and come back later").click()
    expect(page).to_have_url(re.compile(r"/saved$"))
    expect(page.locator(".code-large")).to_have_text(code)
    axe.check(page, "saved")
    page.get_by_role("link", name="continue page").click()
    expect(page).to_have_url(re.compile(r"/resume$"))
    axe.check(page, "resume")
    page.context.close()

    page = new_page(chromium)  # "another device": no cookie, only the code
    page.goto(live_server + "/resume")
    page.get_by_label("Your resume code").fill("1234")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter your resume code: 12 letters and numbers")
    expect(page).to_have_title(re.compile(r"^Error: Continue your questionnaire"))
    axe.check(page, "resume, with error")
    page.get_by_label("Your resume code").fill(code.replace("-", "").lower())
    page.get_by_role("button", name="Continue").click()
    expect_step(page, "substances", "Alcohol and drugs")
    expect(page.get_by_role("status").filter(has_text="Welcome back")).to_be_visible()
    axe.check(page, "step 5 substances (after resume)")

    # The rest of the steps.
    for index in range(4, len(JOURNEY)):
        slug, title, actions = JOURNEY[index]
        expect_step(page, slug, title)
        if index > 4:
            axe.check(page, f"step {index + 1} {slug}")
        answer(page, actions)
        cont(page)

    # Check answers.
    expect(page).to_have_url(re.compile(r"/check$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending them")
    axe.check(page, "check answers")
    rows = page.locator(".check-row")
    expect(rows.filter(has_text=HEART_FOLLOW_UP[0])).to_contain_text(HEART_FOLLOW_UP[1])
    expect(rows.filter(has_text=SYSTOLIC)).to_contain_text("150 mmHg")
    expect(rows.filter(has_text=DIASTOLIC)).to_contain_text("95 mmHg")
    # The check page names each question by its short name; the Change link carries the whole question.
    bp_row = rows.filter(has=page.get_by_text("High blood pressure", exact=True))
    expect(bp_row.locator("dd").first).to_have_text("No")

    # Change one answer: it opens a follow-up on that step, then returns to check answers.
    page.get_by_role("link", name=f"Change your answer to: {BP_DIAGNOSED}", exact=True).click()
    expect_step(page, "blood-pressure", "Blood pressure")
    expect(page).to_have_url(re.compile(r"\?return=check#question-bp_diagnosed$"))
    expect(page.get_by_role("link", name="Back to check your answers")).to_be_visible()
    expect(page.get_by_label(SYSTOLIC, exact=True)).to_have_value("150")
    axe.check(page, "step 3 blood-pressure, changing from check answers")
    pick(page, BP_DIAGNOSED, "Yes")
    cont(page)
    expect_step(page, "blood-pressure", "Blood pressure", follow_up=True)
    expect(page).to_have_url(re.compile(r"\?return=check#new-questions$"))
    pick(page, "Do you take medicine for your blood pressure?", "Yes, I take it as prescribed")
    cont(page)
    expect(page).to_have_url(re.compile(r"/check$"))
    expect(bp_row.locator("dd").first).to_have_text("Yes")
    expect(rows.filter(has_text="Do you take medicine for your blood pressure?")).to_contain_text(
        "Yes, I take it as prescribed")

    # Send, then the summary.
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page).to_have_url(re.compile(r"/summary$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers have been sent")
    reference = page.locator(".panel strong.code").inner_text().strip()
    assert REFERENCE.match(reference), f"reference code {reference!r} is not KS-XXXX-XXXX"
    cards = page.locator("section.care-card")
    reasons = cards.filter(has=page.get_by_text("Because you told us:", exact=True))
    assert reasons.count() >= 1, f"no topic card gives its reason; the summary reads:\n{page.locator('main').inner_text()}"
    bp_cards = reasons.filter(has=page.locator(".because-list li", has_text=re.compile(r"\b(150|95) mmHg")))
    assert bp_cards.count() >= 1, ("blood pressure 150/95 raised no topic that quotes it; the summary reads:\n"
                                   + page.locator("main").inner_text())
    card = bp_cards.first
    expect(card.get_by_role("heading")).not_to_be_empty()
    assert card.get_attribute("aria-labelledby"), "a topic card is a region named by its heading"
    expect(page.get_by_role("complementary", name="Stop and come back later")).to_have_count(0)
    axe.check(page, "summary")

    page.context.close()
    axe.assert_clean()


@pytest.mark.browser
def test_step_and_summary_reflow_at_320px(live_server, chromium):
    shots = Path(os.environ["BROWSER_SHOTS"]) if os.environ.get("BROWSER_SHOTS") else None
    if shots:
        shots.mkdir(parents=True, exist_ok=True)
    page = new_page(chromium, viewport={"width": 320, "height": 640})
    start(page, live_server)
    cont(page)  # empty: the error summary and error messages must fit too
    expect(page.get_by_role("alert")).to_be_visible()
    no_horizontal_scroll(page, "step-your-details-errors", shots)
    answer(page, JOURNEY[0][2])
    cont(page)
    answer(page, JOURNEY[1][2])
    cont(page)
    answer_heart_step(page)  # longest labels, the follow-up notice and the resume box
    no_horizontal_scroll(page, "step-heart-follow-up", shots)
    pick(page, *HEART_FOLLOW_UP)
    cont(page)
    for slug, title, actions in JOURNEY[3:]:
        expect_step(page, slug, title)
        answer(page, actions)
        cont(page)
        if slug == "blood-pressure":
            pick(page, *BP_FOLLOW_UP)
            cont(page)
    expect(page).to_have_url(re.compile(r"/check$"))
    no_horizontal_scroll(page, "check-answers", shots)
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page).to_have_url(re.compile(r"/summary$"))
    expect(page.locator("section.care-card").first).to_be_visible()
    no_horizontal_scroll(page, "summary", shots)
    page.context.close()


@pytest.mark.browser
def test_date_boxes_start_empty(live_server, chromium):
    page = new_page(chromium)
    start(page, live_server)
    for part in ("Month", "Day", "Year"):
        expect(page.get_by_label(part, exact=True)).to_have_value("", timeout=1_000)
    page.context.close()
