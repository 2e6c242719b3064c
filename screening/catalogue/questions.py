"""Every question the patient is asked, defined once.

Order matters: a question's show_when may only name questions that come before it, so
one pass from the top decides what is asked. Wording follows plain-language guidance:
short questions, everyday words, the medical name in brackets where a patient may have
been told it. The clinical reasons for asking are in rules.yaml, each with its source.
"""
from __future__ import annotations

from typing import Any

from screening.catalogue.types import (
    CHOICE,
    DONT_KNOW,
    MULTI,
    NUMBER,
    PREFER_NOT,
    TEXT,
    Choice,
    Question,
    Step,
)

YES = Choice("yes", "Yes")
NO = Choice("no", "No")
DK = Choice(DONT_KNOW, "I don't know")
PNTS = Choice(PREFER_NOT, "Prefer not to say")


def when(question: str, **comparison: Any) -> dict[str, Any]:
    """show_when in the rules language: when("heart_attack", equals="yes")."""
    ((operator, value),) = comparison.items()
    return {"question": question, operator.rstrip("_").replace("_", " "): value}


def yes_no(id: str, label: str, *, hint: str | None = None, private: bool = False, unsure: bool = True,
           show_when: dict | None = None) -> Question:
    choices = (YES, NO) + ((DK,) if unsure else ()) + ((PNTS,) if private else ())
    return Question(id, label, CHOICE, hint=hint, choices=choices, show_when=show_when)


def one(id: str, label: str, *choices: Choice, hint: str | None = None, show_when: dict | None = None) -> Question:
    return Question(id, label, CHOICE, hint=hint, choices=choices, show_when=show_when)


def many(id: str, label: str, *choices: Choice, hint: str | None = None, show_when: dict | None = None) -> Question:
    return Question(id, label, MULTI, hint=hint or "Select all that apply.", choices=choices, show_when=show_when)


def number(id: str, label: str, low: int, high: int, unit: str, *, hint: str | None = None,
           unknown: Choice | None = None, show_when: dict | None = None) -> Question:
    return Question(id, label, NUMBER, hint=hint, min=low, max=high, unit=unit, unknown=unknown, show_when=show_when)


def text(id: str, label: str, *, hint: str | None = None, show_when: dict | None = None) -> Question:
    return Question(id, label, TEXT, hint=hint, show_when=show_when, required=False)


NONE_OF_THESE = Choice("none", "None of these", exclusive=True)
DK_ONLY = Choice(DONT_KNOW, "I don't know", exclusive=True)
PNTS_ONLY = Choice(PREFER_NOT, "Prefer not to say", exclusive=True)
RECENT = (
    Choice("within_12_months", "In the last 12 months"),
    Choice("over_12_months", "More than 12 months ago"),
    DK,
)

STEPS = (
    Step("about_you", "About you", (
        number("age", "How old are you?", 12, 120, "years", hint="In whole years, for example 34."),
        one("sex_at_birth", "What sex were you assigned at birth?",
            Choice("female", "Female"), Choice("male", "Male"),
            Choice("intersex", "Intersex, or a variation in sex characteristics"), PNTS,
            hint="We ask because some medicines affect pregnancy. You can tell your care team your gender separately."),
        yes_no("pregnant", "Are you pregnant, or could you be pregnant?", private=True,
               show_when=when("sex_at_birth", one_of=["female", "intersex", PREFER_NOT])),
        yes_no("breastfeeding", "Are you breastfeeding?", unsure=False, private=True,
               show_when=when("sex_at_birth", one_of=["female", "intersex", PREFER_NOT])),
        many("treatment_for", "What would you like treatment for?",
             Choice("depression", "Depression"), Choice("anxiety", "Anxiety"),
             Choice("ptsd", "Post-traumatic stress disorder (PTSD)"), Choice("other", "Something else"),
             PNTS_ONLY),
    )),
    Step("heart", "Heart and circulation", (
        yes_no("heart_attack", "Have you ever had a heart attack?"),
        one("heart_attack_when", "How long ago was your most recent heart attack?",
            Choice("within_6_weeks", "In the last 6 weeks"),
            Choice("within_12_months", "Between 6 weeks and 12 months ago"),
            Choice("over_12_months", "More than 12 months ago"), DK,
            show_when=when("heart_attack", equals="yes")),
        yes_no("heart_procedure", "In the last 12 months, have you had a heart stent or heart bypass surgery?"),
        yes_no("angina", "Do you get chest pain when you are active or stressed (angina)?"),
        yes_no("angina_worse", "Has this chest pain gotten worse recently, or started coming on when you are resting?",
               show_when=when("angina", equals="yes")),
        yes_no("heart_failure", "Have you been told you have heart failure?"),
        yes_no("heart_other", "Have you been told you have any other heart condition, such as a heart valve problem "
                              "or a weak or enlarged heart muscle (cardiomyopathy)?"),
        yes_no("irregular_heartbeat", "Have you been told you have an irregular heartbeat (arrhythmia), such as atrial fibrillation?"),
        yes_no("aneurysm_avm", "Have you been told you have an aneurysm (a swollen blood vessel) or an arteriovenous malformation (AVM)?",
               hint="This can be in the brain, chest, belly or limbs."),
        yes_no("brain_bleed", "Have you ever had bleeding in or around the brain?"),
        yes_no("stroke_tia", "Have you ever had a stroke or a mini-stroke (TIA)?"),
        one("stroke_tia_when", "How long ago was your most recent stroke or mini-stroke?", *RECENT,
            show_when=when("stroke_tia", equals="yes")),
    )),
    Step("blood_pressure", "Blood pressure", (
        yes_no("bp_diagnosed", "Have you been told you have high blood pressure (hypertension)?"),
        one("bp_medicines", "Do you take medicine for your blood pressure?",
            Choice("yes_regularly", "Yes, I take it as prescribed"),
            Choice("yes_not_regularly", "Yes, but I often miss doses or have stopped taking it"),
            Choice("no", "No"), DK,
            show_when=when("bp_diagnosed", equals="yes")),
        number("bp_systolic", "Your most recent blood pressure: the top number (systolic)", 60, 300, "mmHg",
               hint="The first, higher number. For 128/82, enter 128.",
               unknown=Choice(DONT_KNOW, "I don't know my blood pressure")),
        number("bp_diastolic", "Your most recent blood pressure: the bottom number (diastolic)", 30, 200, "mmHg",
               hint="The second, lower number. For 128/82, enter 82.",
               unknown=Choice(DONT_KNOW, "I don't know my blood pressure")),
        one("bp_when", "When was this reading taken?",
            Choice("within_month", "In the last month"), Choice("within_year", "Between 1 and 12 months ago"),
            Choice("over_year", "More than a year ago"), DK,
            show_when=when("bp_systolic", is_="answered")),
        many("symptoms_now", "Do you have any of these right now?",
             Choice("chest_pain", "Chest pain, tightness or pressure"),
             Choice("short_of_breath", "Shortness of breath"),
             Choice("severe_headache", "A sudden, severe headache"),
             Choice("vision_change", "Changes in your vision, such as blurred or double vision"),
             Choice("seizure", "A seizure today"),
             NONE_OF_THESE),
    )),
    Step("substances", "Alcohol and drugs", (
        one("alcohol_frequency", "How often do you have a drink containing alcohol?",
            Choice("never", "Never"), Choice("monthly_or_less", "Monthly or less"),
            Choice("2_to_4_a_month", "2 to 4 times a month"), Choice("2_to_3_a_week", "2 to 3 times a week"),
            Choice("4_or_more_a_week", "4 or more times a week"), PNTS),
        one("alcohol_typical", "How many drinks containing alcohol do you have on a typical day when you are drinking?",
            Choice("1_to_2", "1 or 2"), Choice("3_to_4", "3 or 4"), Choice("5_to_6", "5 or 6"),
            Choice("7_to_9", "7 to 9"), Choice("10_or_more", "10 or more"), PNTS,
            hint="One drink is a can of beer, a small glass of wine or a shot of liquor.",
            show_when=when("alcohol_frequency", one_of=["monthly_or_less", "2_to_4_a_month", "2_to_3_a_week", "4_or_more_a_week"])),
        one("alcohol_six_or_more", "How often do you have 6 or more drinks on one occasion?",
            Choice("never", "Never"), Choice("less_than_monthly", "Less than monthly"),
            Choice("monthly", "Monthly"), Choice("weekly", "Weekly"),
            Choice("daily", "Daily or almost daily"), PNTS,
            show_when=when("alcohol_frequency", one_of=["monthly_or_less", "2_to_4_a_month", "2_to_3_a_week", "4_or_more_a_week"])),
        yes_no("drugs_past_year", "In the last 12 months, have you used any drugs that were not prescribed to you, or taken a prescribed medicine in a way it was not prescribed?",
               unsure=False, private=True),
        many("drugs_which", "Which ones?",
             Choice("cannabis", "Cannabis"), Choice("cocaine", "Cocaine or crack"),
             Choice("amphetamines", "Amphetamines or methamphetamine"),
             Choice("opioids", "Heroin, or opioids not prescribed to you"),
             Choice("ketamine", "Ketamine"), Choice("hallucinogens", "Psychedelics, such as LSD or mushrooms"),
             Choice("sedatives", "Sedatives or sleeping pills not prescribed to you"),
             Choice("other", "Something else"), PNTS_ONLY,
             show_when=when("drugs_past_year", equals="yes")),
        yes_no("substance_history", "Have you ever had a problem with alcohol or drugs, or had treatment for it?",
               private=True),
        one("recovery_length", "How long have you been in recovery?",
            Choice("not_in_recovery", "I am not in recovery"), Choice("under_12_months", "Less than 12 months"),
            Choice("1_to_5_years", "1 to 5 years"), Choice("over_5_years", "More than 5 years"), PNTS,
            show_when=when("substance_history", equals="yes")),
        many("ketamine_before", "Have you had ketamine or esketamine (Spravato) before?",
             Choice("treatment", "Yes, as a treatment for depression, anxiety or PTSD"),
             Choice("medical", "Yes, as an anesthetic or for pain"),
             Choice("not_prescribed", "Yes, not prescribed to me"),
             Choice("never", "No, never", exclusive=True), DK_ONLY, PNTS_ONLY),
    )),
    Step("brain", "Brain and nerves", (
        yes_no("seizures", "Have you ever had a seizure, or been told you have epilepsy?"),
        one("seizure_last", "When was your most recent seizure?", *RECENT,
            show_when=when("seizures", equals="yes")),
        yes_no("head_injury", "Have you ever had a serious head injury?",
               hint="For example, one that knocked you out or needed hospital care."),
        yes_no("raised_icp", "Have you been told you have raised pressure in your skull (raised intracranial pressure)?"),
        yes_no("brain_tumour", "Have you ever had a brain tumor?"),
        text("brain_other", "Any other condition affecting your brain or nerves (optional)",
             hint="For example, multiple sclerosis or dementia. Leave this empty if there is none."),
    )),
    Step("mental_health", "Mental health",
         intro="If you are thinking about ending your life and might act on it, call 911 or your local emergency "
               "number now. In the US you can also call or text 988 (Suicide & Crisis Lifeline) at any time.",
         questions=(
        yes_no("psychosis", "Have you ever had psychosis, or seen or heard things that other people could not (hallucinations)?",
               private=True),
        yes_no("psychosis_recent", "Have you had these experiences in the last 12 months?", private=True,
               show_when=when("psychosis", equals="yes")),
        yes_no("bipolar_mania", "Have you ever been told you have bipolar disorder, or had a period of mania or hypomania?",
               private=True),
        yes_no("family_psychosis", "Has a parent, brother, sister or child of yours had psychosis or schizophrenia?",
               private=True),
        yes_no("self_harm_thoughts", "In the past month, have you had thoughts of ending your life or harming yourself?",
               unsure=False, private=True),
        one("self_harm_plan", "Have you made a plan, or do you intend to act on these thoughts?",
            YES, NO, Choice(DONT_KNOW, "I'm not sure"), PNTS,
            show_when=when("self_harm_thoughts", equals="yes")),
    )),
    Step("breathing", "Breathing", (
        yes_no("copd", "Have you been told you have COPD, emphysema or chronic bronchitis?"),
        yes_no("asthma", "Do you have asthma?"),
        yes_no("sleep_apnoea", "Have you been told you have sleep apnea (your breathing stops while you sleep)?"),
        yes_no("sleep_apnoea_treated", "Do you use a CPAP machine or other treatment for it?",
               show_when=when("sleep_apnoea", equals="yes")),
    )),
    Step("bladder_kidneys", "Bladder and kidneys", (
        yes_no("cystitis", "Have you been told you have interstitial cystitis, painful bladder syndrome or ulcerative cystitis?"),
        yes_no("urine_trouble", "Do you have trouble or pain when you pee (urinate), or need to go much more often than usual?"),
        yes_no("kidney_disease", "Have you been told you have kidney disease?"),
    )),
    Step("other_health", "Other health conditions", (
        yes_no("liver_disease", "Have you been told you have liver disease, such as hepatitis or cirrhosis?"),
        one("liver_severity", "How serious has your doctor said it is?",
            Choice("mild", "Mild"), Choice("moderate", "Moderate"),
            Choice("severe", "Severe, for example cirrhosis with swelling, jaundice or confusion"), DK,
            show_when=when("liver_disease", equals="yes")),
        yes_no("glaucoma", "Have you been told you have glaucoma or raised pressure in your eyes?"),
        yes_no("glaucoma_treated", "Is it being treated, for example with eye drops?",
               show_when=when("glaucoma", equals="yes")),
        yes_no("overactive_thyroid", "Have you been told you have an overactive thyroid (hyperthyroidism)?"),
        yes_no("thyroid_controlled", "Is it under control with treatment?",
               show_when=when("overactive_thyroid", equals="yes")),
    )),
    Step("medicines", "Medicines", (
        many("medicines", "Do you take any of these medicines?",
             Choice("benzodiazepines", "Benzodiazepines, such as diazepam, lorazepam or alprazolam (Xanax)"),
             Choice("sedatives", "Other sleeping pills or sedatives, such as zolpidem"),
             Choice("opioids", "Opioid painkillers, such as codeine, tramadol, oxycodone or morphine"),
             Choice("stimulants", "Stimulants, such as methylphenidate (Ritalin), amphetamines (Adderall) or modafinil"),
             Choice("maois", "MAOI antidepressants, such as phenelzine, tranylcypromine or selegiline"),
             Choice("lamotrigine", "Lamotrigine"),
             Choice("naltrexone", "Naltrexone, including low-dose naltrexone"),
             Choice("theophylline", "Theophylline or aminophylline"),
             Choice("thyroid_hormone", "Thyroid hormone, such as levothyroxine"),
             Choice("cyp3a4", "Carbamazepine, rifampin, St. John's wort, or an antifungal or antibiotic such as "
                              "ketoconazole or clarithromycin"),
             Choice("other", "Other prescribed medicines"),
             NONE_OF_THESE, DK_ONLY,
             hint="Include medicines you take only sometimes. Select all that apply."),
        text("medicines_other", "Which other medicines do you take?",
             hint="Names and doses if you know them. This helps your doctor check for interactions.",
             show_when=when("medicines", includes="other")),
    )),
    Step("allergies", "Allergies and reactions", (
        many("reactions", "Have you ever had an allergic or bad reaction to any of these?",
             Choice("ketamine", "Ketamine"), Choice("esketamine", "Esketamine (Spravato)"),
             Choice("anaesthetic", "An anesthetic, used for surgery or a procedure"),
             NONE_OF_THESE, DK_ONLY),
        text("reaction_details", "What happened? (optional)",
             show_when=when("reactions", includes_any=["ketamine", "esketamine", "anaesthetic"])),
    )),
)


AUDIT_C = Question(
    "audit_c_score", "AUDIT-C alcohol score (0 to 12), worked out from the three alcohol questions", NUMBER,
    min=0, max=12, unit="points",
    points=(
        ("alcohol_frequency", {"never": 0, "monthly_or_less": 1, "2_to_4_a_month": 2, "2_to_3_a_week": 3,
                               "4_or_more_a_week": 4}),
        ("alcohol_typical", {"1_to_2": 0, "3_to_4": 1, "5_to_6": 2, "7_to_9": 3, "10_or_more": 4}),
        ("alcohol_six_or_more", {"never": 0, "less_than_monthly": 1, "monthly": 2, "weekly": 3, "daily": 4}),
    ),
)

SCORES = (AUDIT_C,)
