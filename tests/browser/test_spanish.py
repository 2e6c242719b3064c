"""The whole questionnaire in Spanish in headless Chromium, with and without JavaScript (issue 11).

A patient picks "Español" on the start page and answers every step up to the summary and its printed copy. Every
page is checked with axe-core, and each is opened in English too (by its language link, which keeps the
patient's place): no visible text of the English page may appear on the Spanish one, except names, numbers and
codes, the language link, and words the Spanish catalog writes the same in both languages ("No", "mmHg").

Set BROWSER_SHOTS=/some/dir to keep full-page screenshots of the Spanish pages at 375 px.
"""
from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Iterator

import pytest
from babel.messages.pofile import read_po

from screening.language import catalogs
from tests.live import serve, skip_without_chromium

skip_without_chromium()

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import Browser, Page, expect  # noqa: E402
from pypdf import PdfReader  # noqa: E402

AXE = Axe()
PHONE = {"width": 375, "height": 800}
NAME = ("Ana", "Díaz-López")
# Answers by question id that raise topics of every tier, the urgent message among them, and quote a free text;
# every other question gets "no", "none", "never" or its first answer.
ANSWERS: dict[str, str | list[str]] = {
    "first_name": NAME[0], "last_name": NAME[1], "date_of_birth-month": "4", "date_of_birth-day": "2",
    "date_of_birth-year": "1990", "sex_at_birth": "female", "pregnant": "no", "planning_pregnancy": "no",
    "breastfeeding": "no", "treatment_for": ["depression", "anxiety"], "ride_home": "yes",
    # In Spanish words, as a patient reading Spanish may type them.
    "height": "5 pies 4 pulgadas", "weight": "150 libras",
    "heart_attack": "yes", "heart_attack_when": "over_12_months", "bp_systolic": "150", "bp_diastolic": "95",
    "bp_when": "within_month", "symptoms_now": ["none"], "asthma": "yes",
    "self_harm_thoughts": "yes", "self_harm_plan": "yes",
    "medicines": ["other"], "medicines_other": "metformina 500 mg dos veces al día",
}
PREFERRED = ("no", "none", "never", "not_in_recovery")
# Free text is shown as typed, in either language.
TYPED = (ANSWERS["medicines_other"],)
STEPS = 12


def identical_in_both() -> set[str]:
    """Texts the Spanish catalog writes exactly as the English ("No", "mmHg", "Glaucoma", drug names)."""
    with catalogs.po_path("es").open("rb") as source:
        return {m.id for m in read_po(source) if isinstance(m.id, str) and m.string == m.id}


SAME = identical_in_both()
LANGUAGE_LINKS = {"English", "Español"}
# References, resume codes, and numbers with or without their unit symbol (5 ft 4 in, 68 kg, 150 mmHg).
CODES = re.compile(r"\bKS-[0-9A-Z]{4}-[0-9A-Z]{4}\b|\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b"
                   r"|\b\d+(?:\.\d+)?(?:\s?(?:ft|in|lb|cm|kg/m²|kg|mmHg)\b)?")


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from tests.conftest import make_app

    tmp_path = tmp_path_factory.mktemp("spanish")
    app = make_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"},
                   instance_path=str(tmp_path / "instance"))
    with serve(app) as url:
        yield url


def visible_lines(page: Page) -> set[str]:
    """Every line of text on the page as a reader sees it, and its title."""
    # Locators, not page.evaluate: that runs in the page's own world, which has no script without JavaScript.
    text = page.locator("body").inner_text()
    return {line.strip() for line in text.splitlines() if line.strip()} | {page.title()}


def exempt(line: str) -> bool:
    """A name, a number, a code, the language link, or a text the same in both languages."""
    if line in LANGUAGE_LINKS or line in SAME:
        return True
    rest = line
    for part in (*NAME, *TYPED, *sorted(SAME, key=len, reverse=True)):
        rest = rest.replace(part, "")
    rest = CODES.sub("", rest)
    return not re.search(r"[^\W\d_]", rest)


class Pages:
    """axe-core and the English comparison on each Spanish page, every finding kept so one run reports all."""

    def __init__(self, page: Page, shots: str | None, run: str, axe_page: Page | None = None):
        self.page, self.shots, self.run = page, shots, run
        # axe-core is a script: without JavaScript, the page's HTML as served is checked in a page that runs it.
        self.axe_page = axe_page
        self.problems: list[str] = []
        self.checked: list[str] = []

    def check(self, name: str) -> None:
        page = self.page
        page.wait_for_load_state("load")
        assert page.locator("html").get_attribute("lang") == "es", f"{name}: not Spanish"
        if self.axe_page is None:
            results = AXE.run(page)
        else:
            html = page.content()
            self.axe_page.goto(page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2] + "/static/screening.css")
            self.axe_page.set_content(html, wait_until="load")
            results = AXE.run(self.axe_page)
        if results.violations_count:
            self.problems.append(f"== axe, {name} ({page.url}) ==\n{results.generate_report()}")
        if self.shots:
            Path(self.shots).mkdir(parents=True, exist_ok=True)
            # In tiles a phone screen and a half high, each readable at full size.
            height = int(page.locator("body").bounding_box()["height"]) + 1
            for tile, top in enumerate(range(0, height, 1200)):
                page.screenshot(path=f"{self.shots}/{self.run}-{len(self.checked):02d}-{name}-{tile}.png",
                                full_page=True, clip={"x": 0, "y": top, "width": PHONE["width"],
                                                      "height": min(1200, height - top)})
        spanish = visible_lines(page)
        url = page.url
        follow(page, "English")
        assert page.locator("html").get_attribute("lang") == "en", f"{name}: the English link did not switch"
        english = visible_lines(page)
        follow(page, "Español")
        assert page.url.split("#")[0] == url.split("#")[0], f"{name}: the language link lost the page"
        mixed = sorted(line for line in english & spanish if not exempt(line))
        if mixed:
            self.problems.append(f"== English on the Spanish page {name} ({url}) ==\n" + "\n".join(mixed))
        self.checked.append(name)


def follow(page: Page, language: str) -> None:
    """The language link: clicked, or, on the print layout, where paper has no use for it, followed."""
    link = page.locator("a.language-link", has_text=language)
    if link.is_visible():
        link.click()
    else:
        page.goto(page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2] + link.get_attribute("href"))
    page.wait_for_load_state("load")


def answer_visible(page: Page) -> None:
    """Answer every question on the page that has no answer yet, by ids and values, not by words."""
    groups: dict[str, dict] = {}
    for box in page.locator("main input[type=radio], main input[type=checkbox]").all():
        name = box.get_attribute("name")
        if name.endswith("-unknown"):
            continue
        group = groups.setdefault(name, {"values": [], "checked": False})
        group["values"].append((box.get_attribute("value"), box.get_attribute("id")))
        group["checked"] = group["checked"] or box.is_checked()
    for name, group in groups.items():
        if group["checked"]:
            continue
        values = {value: id_ for value, id_ in group["values"]}
        wanted = ANSWERS.get(name) or next((v for v in PREFERRED if v in values), group["values"][0][0])
        for value in [wanted] if isinstance(wanted, str) else wanted:
            page.locator(f"label[for='{values[value]}']").click()
    for field in page.locator("main input[type=text], main input[type=tel], main input[type=email], main textarea").all():
        key = field.get_attribute("name")
        if key in ANSWERS and not field.input_value():
            field.fill(str(ANSWERS[key]))


def walk(page: Page, base: str, pages: Pages) -> None:
    page.goto(base + "/")
    page.get_by_role("link", name="Español", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Antes de su tratamiento con ketamina: preguntas de salud")
    pages.check("start")
    page.get_by_role("button", name="Empezar ahora").click()
    seen = 0
    for _ in range(4 * STEPS):  # each step once, and again for each set of follow-ups it reveals
        if re.search(r"/check$", page.url):
            break
        expect(page.locator(".caption")).to_have_text(re.compile(rf"^Paso \d+ de {STEPS}$"))
        seen += 1
        pages.check(f"step-{seen:02d}-{page.url.rsplit('/', 1)[-1].split('#')[0]}")
        answer_visible(page)
        page.get_by_role("button", name="Seguir", exact=True).click()
        page.wait_for_load_state("load")
        assert "Hay un problema" not in page.content(), f"an answer was refused on {page.url}"
    expect(page.get_by_role("heading", level=1)).to_have_text("Revise sus respuestas antes de mandarlas")
    pages.check("check")
    page.get_by_role("link", name="Guardar y volver más tarde").click()
    pages.check("saved")
    page.get_by_role("link", name="Seguir ahora").click()
    page.get_by_role("button", name="Mandar", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sus respuestas se mandaron")
    pages.check("summary")
    expect(page.locator(".care-card").first).to_be_visible()
    page.goto(base + "/summary?print=1")
    pages.check("printed-copy")
    page.goto(base + "/sent")
    pages.check("sent")
    page.goto(base + "/resume")
    pages.check("resume")


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_the_whole_questionnaire_in_spanish(live_server, chromium: Browser, javascript):
    context = chromium.new_context(viewport=PHONE, java_script_enabled=javascript)
    # The print layout opens the print dialog on load; in a test it is counted, not opened.
    context.add_init_script("window.print = () => {};")
    page = context.new_page()
    page.set_default_timeout(15_000)
    axe_page = None if javascript else chromium.new_context(viewport=PHONE).new_page()
    pages = Pages(page, os.environ.get("BROWSER_SHOTS"), "js" if javascript else "nojs", axe_page)
    try:
        walk(page, live_server, pages)
    finally:
        context.close()
        if axe_page is not None:
            axe_page.context.close()
    print(f"\nSpanish pages checked ({'with' if javascript else 'without'} JavaScript): {len(pages.checked)}")
    assert len(pages.checked) >= STEPS + 6
    assert pages.problems == [], "\n\n".join(pages.problems)


@pytest.mark.browser
def test_the_printed_copy_is_in_spanish(live_server, chromium: Browser):
    context = chromium.new_context(viewport=PHONE)
    context.add_init_script("window.print = () => {};")
    page = context.new_page()
    page.set_default_timeout(15_000)
    pages = Pages(page, None, "pdf")
    pages.check = lambda name: None  # only the walk: the pages themselves are checked above
    walk(page, live_server, pages)
    page.goto(live_server + "/summary")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(page.pdf(format="Letter"))).pages)
    context.close()
    text = " ".join(text.split())
    assert "Temas para hablar con su médico" in text and "Porque nos dijo:" in text
    for english in ("Things to discuss", "Because you told us", "Your answers have been sent", "Reference"):
        assert english not in text
