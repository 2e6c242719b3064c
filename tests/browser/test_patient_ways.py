"""The patient path as real patients meet it, in headless Chromium: by keyboard alone, without JavaScript,
with optional follow-ups, on a phone-sized screen.

Requirement (issue 7, "Tests"): a patient with several optional follow-ups walks the questionnaire with and
without JavaScript; the first three steps are done by keyboard only (Tab, Space, Enter, arrow keys), checking
where focus is after each key; axe-core runs on every page, the no-JavaScript pages included; the check page's
height is measured on a 375x800 phone (at most 6 screens for the typical patient).
"""
from __future__ import annotations

import re
from typing import Iterator

import pytest

from tests.live import serve, skip_without_chromium

skip_without_chromium()

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import Browser, Page, expect  # noqa: E402

from screening.catalogue.measures import MEASURES  # noqa: E402
from screening.questionnaire import QUESTIONNAIRE as Q  # noqa: E402
from tests.conftest import HEALTHY  # noqa: E402

AXE = Axe()
PHONE = {"width": 375, "height": 800}
MAX_TAB_PRESSES = 40


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, str]]:
    from tests.conftest import make_app

    tmp_path = tmp_path_factory.mktemp("ways")
    app = make_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"},
                   instance_path=str(tmp_path / "instance"))
    with serve(app) as url:
        yield app, url


def clean(page: Page, name: str) -> None:
    page.wait_for_load_state("load")
    results = AXE.run(page)
    assert results.violations_count == 0, f"{name} ({page.url}):\n{results.generate_report()}"


def clean_without_script(chromium: Browser, page: Page, name: str) -> None:
    """axe on the page a browser without JavaScript shows. axe itself is a script, so the same address is opened
    with the same cookies in a page that runs scripts but is refused the app's own: the page as it is without
    them, with axe able to run on it."""
    page.wait_for_load_state("load")
    checker = chromium.new_context(viewport=PHONE)
    try:
        checker.add_cookies(page.context.cookies())
        twin = checker.new_page()
        twin.route(re.compile(r"\.js(\?.*)?$"), lambda route: route.abort())
        twin.goto(page.url)
        clean(twin, f"{name} (without JavaScript)")
    finally:
        checker.close()


def focused(page: Page) -> str:
    """The focused element as `tag#id` or `tag:text`, for messages that say where focus went."""
    return page.evaluate("""() => { const e = document.activeElement;
        return e.id ? `${e.tagName.toLowerCase()}#${e.id}` : `${e.tagName.toLowerCase()}:${e.textContent.trim()}`; }""")


def tab_to(page: Page, target: str) -> None:
    """Press Tab until focus is on `target` (as `focused` writes it); fail if it never gets there."""
    seen = []
    for _ in range(MAX_TAB_PRESSES):
        page.keyboard.press("Tab")
        seen.append(focused(page))
        if seen[-1] == target:
            return
    raise AssertionError(f"Tab never reached {target}; focus went through {seen}")


def choice_id(question_id: str, label: str) -> str:
    question = Q.catalogue[question_id]
    return f"{question_id}-{[c.label for c in question.choices].index(label)}"


def choose_radio(page: Page, question_id: str, label: str) -> None:
    """Tab into the radio group (focus lands on its first radio), then arrow down to the answer."""
    first = f"input#{question_id}-0"
    tab_to(page, first)
    target = choice_id(question_id, label)
    if target.endswith("-0"):
        page.keyboard.press("Space")
    else:
        for _ in range(int(target.rsplit("-", 1)[1])):
            page.keyboard.press("ArrowDown")
    assert focused(page) == f"input#{target}"
    expect(page.locator(f"#{target}")).to_be_checked()


def tick(page: Page, question_id: str, label: str) -> None:
    target = choice_id(question_id, label)
    tab_to(page, f"input#{target}")
    page.keyboard.press("Space")
    expect(page.locator(f"#{target}")).to_be_checked()


def type_into(page: Page, field_id: str, text: str) -> None:
    tab_to(page, f"input#{field_id}")
    page.keyboard.type(text)


def press_continue(page: Page) -> None:
    tab_to(page, "button:Continue")
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")


def expect_step(page: Page, slug: str, follow_up: bool = False) -> None:
    ending = "#new-questions" if follow_up else r"(\?[^#]*)?$"
    expect(page).to_have_url(re.compile(rf"/step/{slug}{ending}"))


@pytest.mark.browser
def test_the_first_four_steps_by_keyboard_alone(live_server, new_page):
    _, url = live_server
    page = new_page()
    page.goto(url + "/")
    tab_to(page, "button:Start now")
    page.keyboard.press("Enter")
    expect_step(page, "your-details")

    type_into(page, "first_name", "Ana")
    type_into(page, "last_name", "Díaz-López")
    type_into(page, "date_of_birth-month", "4")
    type_into(page, "date_of_birth-day", "2")
    type_into(page, "date_of_birth-year", "1990")
    press_continue(page)
    expect_step(page, "about-you")

    choose_radio(page, "sex_at_birth", "Male")
    type_into(page, "height", "5'7\"")
    type_into(page, "weight", "160")
    tick(page, "treatment_for", "Depression")
    tick(page, "treatment_for", "Anxiety")
    choose_radio(page, "ride_home", "Yes")
    press_continue(page)
    expect_step(page, "heart")

    choose_radio(page, "heart_attack", "Yes")
    for question_id in ("heart_procedure", "angina", "heart_failure", "heart_other", "irregular_heartbeat",
                        "aneurysm_avm", "brain_bleed", "stroke_tia"):
        choose_radio(page, question_id, "No")
    press_continue(page)
    expect_step(page, "heart", follow_up=True)
    # The notice names the follow-up and links to it; following the link by keyboard puts focus on its answers.
    tab_to(page, "a:How long ago was your most recent heart attack?")
    page.keyboard.press("Enter")
    page.keyboard.press("Space")
    expect(page.locator("#heart_attack_when-0")).to_be_checked()
    press_continue(page)
    expect_step(page, "blood-pressure")

    choose_radio(page, "bp_diagnosed", "No")
    type_into(page, "bp_systolic", "150")
    type_into(page, "bp_diastolic", "95")
    tick(page, "symptoms_now", "None of these")
    press_continue(page)
    expect_step(page, "blood-pressure", follow_up=True)
    choose_radio(page, "bp_when", "In the last month")
    press_continue(page)
    expect_step(page, "substances")


@pytest.fixture
def new_page(chromium: Browser) -> Iterator:
    """Pages on a phone-sized screen, their contexts closed after the test: an open keep-alive connection
    would hold the live server's shutdown."""
    contexts = []

    def make(**options) -> Page:
        contexts.append(chromium.new_context(viewport=PHONE, **options))
        page = contexts[-1].new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()


def walk(page: Page, url: str, answers: dict, pages: list[str], check=clean) -> None:
    """Fill every step, as a patient does, checking each page (with axe, by default) as it is shown."""
    page.goto(url + "/")
    check(page, "start")
    pages.append("start")
    page.get_by_role("button", name="Start now").click()
    for step in Q.catalogue.steps:
        expect_step(page, step.slug)
        check(page, step.slug)
        pages.append(step.slug)
        for _ in range(3):  # the step, then the step again with what it revealed
            fill(page, step, answers)
            page.get_by_role("button", name="Continue", exact=True).click()
            page.wait_for_load_state("load")
            if "#new-questions" not in page.url:
                break
            check(page, f"{step.slug} with follow-ups")
            pages.append(f"{step.slug} with follow-ups")
    expect(page).to_have_url(re.compile(r"/check$"))


def fill(page: Page, step, answers: dict) -> None:
    for question in step.questions:
        if question.id not in answers or not page.locator(f"#question-{question.id}").count():
            continue
        value = answers[question.id]
        if question.unknown and value == question.unknown.value:
            box = page.locator(f"#{question.unknown_with or question.id}-unknown")
            if not box.is_checked():
                box.check()
        elif question.measure:
            page.locator(f"#{question.id}").fill(MEASURES[question.measure].typed_form(value))
        elif question.type in ("number", "text"):
            page.locator(f"#{question.id}").fill(str(value))
        elif question.type == "date":
            year, month, day = value.split("-")
            for part, typed in (("month", month), ("day", day), ("year", year)):
                page.locator(f"#{question.id}-{part}").fill(str(int(typed)))
        else:
            for chosen in value if isinstance(value, list) else [value]:
                page.locator(f"#{choice_id(question.id, question.choice_label(chosen))}").check()


WITH_OPTIONAL_FOLLOW_UPS = {
    **HEALTHY, "heart_attack": "yes", "heart_attack_when": "over_12_months",
    "medicines": ["other"], "medicines_other": "amlodipine 5 mg once a day",
    "reactions": ["ketamine"], "reaction_details": "I felt very sick for a day",
}


@pytest.mark.browser
@pytest.mark.parametrize("script", [True, False], ids=["with JavaScript", "without JavaScript"])
def test_a_patient_with_optional_follow_ups_is_asked_every_one(live_server, new_page, chromium, script):
    _, url = live_server
    page = new_page(java_script_enabled=script)
    check = clean if script else lambda shown, name: clean_without_script(chromium, shown, name)
    pages: list[str] = []
    walk(page, url, WITH_OPTIONAL_FOLLOW_UPS, pages, check)
    assert {"medicines with follow-ups", "allergies with follow-ups"} <= set(pages)
    check(page, "check answers")
    rows = page.locator(".check-row")
    expect(rows.filter(has_text="Other medicines")).to_contain_text("amlodipine 5 mg once a day")
    expect(rows.filter(has_text="What happened")).to_contain_text("I felt very sick for a day")
    page.get_by_role("button", name="Send").click()
    expect(page).to_have_url(re.compile(r"/summary$"))
    check(page, "summary")
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your answers were sent on")
    check(page, "sent")
    page.get_by_role("link", name="Start a new questionnaire").click()
    check(page, "start again?")


@pytest.mark.browser
def test_the_typical_check_page_is_at_most_six_phone_screens(live_server, new_page):
    _, url = live_server
    page = new_page()
    walk(page, url, HEALTHY, [], check=lambda _page, _name: None)
    height = page.evaluate("document.documentElement.scrollHeight")
    print(f"\ncheck page for the typical patient: {height}px at 375x800, {height / PHONE['height']:.1f} screens")
    assert height <= 6 * PHONE["height"]
