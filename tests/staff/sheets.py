"""Submissions for the submission-page and print tests: a typical one, the longest possible one, and a way
to store any answers exactly as the patient's Send does (a draft, then screening.records.submissions.submit).

The browser helpers at the end (sign_in, printed, smallest_font_px) are shared by tests/staff/test_print_pages.py
and tests/perf/measure_sheet_pages.py; they import Playwright and pypdf only when called."""
from __future__ import annotations

import io
from typing import Any

from screening.records import database, drafts
from screening.records.submissions import submit
from screening.clock import utcnow
from tests.conftest import HEALTHY, STAFF_PASSWORD


def _exactly(text: str, length: int) -> str:
    assert len(text) == length, (len(text), text)
    return text


def _text(prose: str, length: int = 500) -> str:
    """Ordinary prose (it wraps as real answers do), at exactly the longest a text answer may be."""
    assert len(prose) >= length, len(prose)
    return prose[:length - 1].rstrip() + "."


BRAIN_OTHER = _text(
    "Multiple sclerosis diagnosed in 2015, relapsing-remitting, with numbness in both legs and blurred vision "
    "during relapses. Last relapse in spring, treated with steroids. Migraine with aura about twice a month, "
    "worse with poor sleep. A concussion after a cycling accident in 2019, kept in hospital overnight. Some "
    "trouble with memory and word finding since then, assessed by a neurologist who said to come back if it got "
    "worse. Tingling in the hands most mornings, and restless legs at night that keep me awake.")
MEDICINES_OTHER = _text(
    "Sertraline 150 mg every morning, quetiapine 50 mg at night, pregabalin 75 mg twice a day, propranolol 40 mg "
    "when anxious, omeprazole 20 mg, atorvastatin 40 mg, metformin 500 mg twice a day with food, albuterol "
    "inhaler two puffs when needed, beclomethasone inhaler twice a day, melatonin 3 mg, vitamin D 1000 units, "
    "ibuprofen 400 mg for back pain a few times a week, and a combined contraceptive pill. I also take fish "
    "oil, magnesium and a herbal sleep remedy from the health food store, and sometimes antihistamines.")
BENZODIAZEPINE_DOSE = _text(
    "Clonazepam 1 mg in the morning and 2 mg at night, lorazepam 1 mg when I have a panic attack, usually two or "
    "three times a week, and diazepam 5 mg before flights or the dentist. My psychiatrist is lowering the "
    "clonazepam slowly.", 200)
REACTION_DETAILS = _text(
    "After surgery on my knee in 2018 I woke up confused and frightened, saw things that were not there "
    "and was sick for most of the night. The anesthesiologist said it might have been the ketamine they used for "
    "pain. In 2021, I had a rash and swelling of my lips during a colonoscopy under sedation and was given an "
    "antihistamine. At my first esketamine session last year my blood pressure went very high and I felt I was "
    "floating above my body for two hours, which scared me a great deal and put me off going back.")

# A typical patient: a raised reading and asthma, everything else unremarkable; every way to reach them given.
TYPICAL: dict[str, Any] = {**HEALTHY, "record_number": "MRN-204518", "phone": "555-201-4477",
                           "email": "sam.rivera@example.com", "bp_systolic": 150, "bp_diastolic": 95, "asthma": "yes"}

# The longest identity the questionnaire takes: names of 100 characters (a multi-part first name, a
# multi-barrelled last name with an apostrophe), a record number and a phone of 30, an email address of 254.
LONGEST_IDENTITY: dict[str, Any] = {
    "first_name": _exactly("Anna-Maria Josefina Alejandra Guadalupe Esperanza Concepción Inmaculada Margarita "
                           "Rosalinda Evelynne", 100),
    "last_name": _exactly("Fernández de la Torres-O'Sullivan-Wolfeschlegelsteinhausen-Montgomery-Featherstonehaugh-"
                          "Cholmondeley", 100),
    "record_number": _exactly("MRN 2026/0001234567-ABCD.XY-01", 30),
    "phone": _exactly("+1 (555) 201 - 4477 - ( 1234 )", 30),
    "email": _exactly("anna-maria.josefina.alejandra.guadalupe.fernandez-de-la-torres@patients.northern-valley-"
                      "behavioral-health-and-ketamine-infusion-clinic.mail.regional-health-networks-of-the-greater-"
                      "metropolitan-area-and-its-surrounding-counties-and-rural-towns.example.com", 254),
}

# The longest date a sheet writes (September 30), for someone 12 or 13 years old, whatever the day.
LONGEST_BIRTH_DATE = f"{utcnow().year - 13}-09-30"

# As many topics as the shipped rules can raise at once (56), every follow-up question shown, every free
# text at its 500-character limit, and the longest identity (aged 12 or 13: under 18). No single
# changed answer raises more topics (tests/staff/test_submission_page.py proves it), so this is the longest
# printed summary there can be.
LONGEST: dict[str, Any] = {
    **LONGEST_IDENTITY, "date_of_birth": LONGEST_BIRTH_DATE,
    "sex_at_birth": "intersex", "pregnant": "prefer_not_to_say", "breastfeeding": "yes",
    # The longest a height and a weight are written, "7 ft 11 in (241.3 cm)" and "800 lb (362.9 kg)": BMI 62.3.
    "height": 241.3, "weight": 362.9,
    "treatment_for": ["depression", "anxiety", "ptsd", "other"], "ride_home": "dont_know",
    "heart_attack": "yes", "heart_attack_when": "dont_know", "heart_procedure": "yes", "angina": "yes",
    "angina_worse": "no", "heart_failure": "yes", "heart_other": "yes", "irregular_heartbeat": "yes",
    "aneurysm_avm": "dont_know", "brain_bleed": "yes", "stroke_tia": "yes", "stroke_tia_when": "dont_know",
    "bp_diagnosed": "yes", "bp_medicines": "yes_not_regularly", "bp_systolic": 180, "bp_diastolic": "dont_know",
    "bp_when": "over_year", "symptoms_now": ["chest_pain", "short_of_breath", "severe_headache", "vision_change",
                                            "seizure", "stroke_weakness", "stroke_speech"],
    "alcohol_frequency": "2_to_3_a_week", "alcohol_typical": "1_to_2", "alcohol_six_or_more": "never",
    "drugs_past_year": "yes",
    "drugs_which": ["cannabis", "cocaine", "amphetamines", "opioids", "ketamine", "hallucinogens", "sedatives", "other"],
    "often_cannabis": "daily", "often_cocaine": "weekly", "often_amphetamines": "monthly", "often_opioids": "once_or_twice",
    "often_ketamine": "not_3_months", "often_hallucinogens": "not_3_months", "often_sedatives": "prefer_not_to_say",
    "often_other": "daily", "substance_history": "yes",
    "recovery_length": "not_in_recovery", "ketamine_before": ["treatment", "medical", "not_prescribed"],
    "seizures": "yes", "seizure_last": "dont_know", "head_injury": "yes", "raised_icp": "yes", "brain_tumour": "yes",
    "brain_other": BRAIN_OTHER,
    "psychosis": "yes", "psychosis_recent": "prefer_not_to_say", "bipolar_mania": "prefer_not_to_say",
    "family_psychosis": "prefer_not_to_say", "self_harm_thoughts": "yes", "self_harm_plan": "prefer_not_to_say",
    "copd": "yes", "asthma": "yes", "sleep_apnoea": "yes", "sleep_apnoea_treated": "dont_know",
    "cystitis": "yes", "urine_trouble": "yes", "kidney_disease": "yes",
    "liver_disease": "yes", "liver_severity": "severe", "glaucoma": "yes", "glaucoma_treated": "dont_know",
    "overactive_thyroid": "yes", "thyroid_controlled": "dont_know",
    "medicines": ["benzodiazepines", "sedatives", "opioids", "stimulants", "maois", "lamotrigine", "naltrexone",
                  "theophylline", "thyroid_hormone", "cyp3a4", "other"],
    "medicines_other": MEDICINES_OTHER,
    "benzodiazepine_which": ["alprazolam", "clobazam", "clonazepam", "diazepam", "lorazepam", "other"],
    "benzodiazepine_dose": BENZODIAZEPINE_DOSE, "naltrexone_dose": "dont_know",
    "reactions": ["ketamine", "esketamine", "anesthetic"], "reaction_details": REACTION_DETAILS,
}


def store(app, answers: dict[str, Any]) -> str:
    """Store `answers` as a sent submission under the app's rules, the way /send does; returns its reference."""
    with app.app_context():
        db = database.session()
        draft, _code = drafts.create(db, days=1)
        drafts.save(db, draft, answers, days=1)
        return submit(db, draft, app.extensions["screening.rules"].current).reference


# -- in a browser -----------------------------------------------------------------------------------------------

PAPERS = ("Letter", "A4")

# Every element of the printed sheet that has text of its own, with its computed font size in CSS pixels (12 px
# is 9 pt), under print media. Margin boxes (the page number) are not elements: the test reads their rule.
FONT_SIZES_JS = """(selector) => {
  const sizes = [];
  for (const element of document.querySelectorAll(selector + ', ' + selector + ' *')) {
    const own = [...element.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    const style = getComputedStyle(element);
    if (!own || style.display === 'none' || style.visibility === 'hidden') continue;
    if (element.closest('.visually-hidden')) continue;
    sizes.push([parseFloat(style.fontSize), element.tagName.toLowerCase() + (element.className ? '.' +
                String(element.className).trim().split(/\\s+/).join('.') : ''),
                element.textContent.trim().slice(0, 40)]);
  }
  return sizes;
}"""


def sign_in(page, url: str, email: str) -> None:
    """Sign a Playwright page in as `email` through the real sign-in form."""
    page.goto(url + "/staff/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda address: address.rstrip("/") == url + "/staff")


def printed(page, url: str, paper: str) -> tuple[bytes, Any]:
    """The page at `url` printed to PDF as Chromium's print dialog would, on `paper`: its bytes and a PdfReader."""
    from pypdf import PdfReader

    page.goto(url)
    page.wait_for_load_state("load")
    data = page.pdf(format=paper)
    return data, PdfReader(io.BytesIO(data))


def font_sizes(page, selector: str = ".sheet") -> list[tuple[float, str, str]]:
    """(px, element, text) for every element with text in `selector` under print media, smallest first."""
    page.emulate_media(media="print")
    try:
        return sorted(tuple(s) for s in page.evaluate(FONT_SIZES_JS, selector))
    finally:
        page.emulate_media(media="null")
