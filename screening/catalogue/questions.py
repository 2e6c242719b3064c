"""Every question the patient is asked, defined once.

Order matters: a question's show_when may only name questions that come before it, so
one pass from the top decides what is asked. Wording follows plain-language guidance:
short questions, everyday words, the medical name in brackets where a patient may have
been told it. The clinical reasons for asking are in rules.yaml, each with its source.
"""
from __future__ import annotations

from typing import Any

from screening.catalogue.formats import FORMATS, OLDEST_AGE, YOUNGEST_AGE
from screening.catalogue.measures import BMI_HIGH, BMI_LOW, MEASURES
from screening.catalogue.types import (
    CHOICE,
    DATE,
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


def yes_no(id: str, label: str, *, short: str, hint: str | None = None, private: bool = False, unsure: bool = True,
           show_when: dict | None = None, usual: tuple[str, ...] = ()) -> Question:
    choices = (YES, NO) + ((DK,) if unsure else ()) + ((PNTS,) if private else ())
    return Question(id, label, CHOICE, short=short, hint=hint, choices=choices, show_when=show_when, usual=usual)


def one(id: str, label: str, *choices: Choice, short: str, hint: str | None = None,
        show_when: dict | None = None) -> Question:
    return Question(id, label, CHOICE, short=short, hint=hint, choices=choices, show_when=show_when)


def many(id: str, label: str, *choices: Choice, short: str, hint: str | None = None,
         show_when: dict | None = None) -> Question:
    return Question(id, label, MULTI, short=short, hint=hint or "Select all that apply.", choices=choices,
                    show_when=show_when)


def number(id: str, label: str, low: int, high: int, unit: str, *, short: str, hint: str | None = None,
           unknown: Choice | None = None, unknown_with: str | None = None, show_when: dict | None = None) -> Question:
    return Question(id, label, NUMBER, short=short, hint=hint, min=low, max=high, unit=unit, unknown=unknown,
                    unknown_with=unknown_with, show_when=show_when)


def measured(id: str, label: str, measure: str, *, short: str, hint: str, unknown: Choice) -> Question:
    """A height or weight, typed with its unit in US units or metric, kept in metric (measures.MEASURES)."""
    kind = MEASURES[measure]
    return Question(id, label, NUMBER, short=short, hint=hint, min=kind.low, max=kind.high, unit=kind.unit,
                    unknown=unknown, measure=measure)


def text(id: str, label: str, *, short: str, hint: str | None = None, unknown: Choice | None = None,
         show_when: dict | None = None, max_length: int = 500) -> Question:
    # A text with another answer to check must be answered one way or the other; a plain text is optional.
    return Question(id, label, TEXT, short=short, hint=hint, unknown=unknown, show_when=show_when,
                    required=unknown is not None, max_length=max_length)


def identity(id: str, label: str, format: str, *, short: str, autocomplete: str, hint: str | None = None,
             required: bool = True) -> Question:
    """Who the patient is: a one-line text the clinic uses to find and label the answers."""
    return Question(id, label, TEXT, short=short, hint=hint, required=required, identity=True, format=format,
                    autocomplete=autocomplete, max_length=FORMATS[format].max_length)


NONE_OF_THESE = Choice("none", "None of these", exclusive=True)
DK_ONLY = Choice(DONT_KNOW, "I don't know", exclusive=True)
PNTS_ONLY = Choice(PREFER_NOT, "Prefer not to say", exclusive=True)
# One box for both numbers of a reading: it sits under the bottom number and answers the top one too.
DONT_KNOW_BP = Choice(DONT_KNOW, "I don't know my blood pressure")
RECENT = (
    Choice("within_12_months", "In the last 12 months"),
    Choice("over_12_months", "More than 12 months ago"),
    DK,
)

# The drugs asked about, each with how a question about it names it.
DRUGS = (
    (Choice("cannabis", "Cannabis"), "cannabis"),
    (Choice("cocaine", "Cocaine or crack"), "cocaine or crack"),
    (Choice("amphetamines", "Amphetamines or methamphetamine"), "amphetamines or meth"),
    (Choice("opioids", "Heroin, or opioids not prescribed to you"), "heroin or opioids"),
    (Choice("ketamine", "Ketamine"), "ketamine"),
    (Choice("hallucinogens", "Psychedelics, such as LSD or mushrooms"), "psychedelics"),
    (Choice("sedatives", "Sedatives or sleeping pills not prescribed to you"), "sedatives or sleeping pills"),
    (Choice("other", "Something else"), "the other drug"),
)
# The scale of the WHO ASSIST's question 2, so "daily cannabis" reads differently from "once last year".
OFTEN = (
    Choice("daily", "Daily or almost daily"), Choice("weekly", "Weekly"), Choice("monthly", "Monthly"),
    Choice("once_or_twice", "Once or twice"), Choice("not_3_months", "Not in the last 3 months"), PNTS,
)


def how_often(drug: Choice, named: str) -> Question:
    return one(f"often_{drug.value}", f"In the last 3 months, how often have you used {named}?", *OFTEN,
               show_when=when("drugs_which", includes=drug.value), short=f"{drug.label}: how often")


BENZODIAZEPINES = (
    Choice("alprazolam", "Alprazolam (Xanax)"), Choice("clobazam", "Clobazam (Onfi)"),
    Choice("clonazepam", "Clonazepam (Klonopin)"), Choice("diazepam", "Diazepam (Valium)"),
    Choice("lorazepam", "Lorazepam (Ativan)"), Choice("other", "Another one"),
)

STEPS = (
    # Two identifiers on every clinical document (name and date of birth) and a way to match the clinic's
    # record; the GOV.UK names and dates-of-birth patterns. Age is worked out from the date of birth (AGE).
    Step("your_details", "Your details", (
        identity("first_name", "First name", "name", autocomplete="given-name", short="First name"),
        identity("last_name", "Last name", "name", autocomplete="family-name", short="Last name"),
        Question("date_of_birth", "What is your date of birth?", DATE, short="Date of birth", identity=True,
                 hint="For example, 4 27 1990. Your age is worked out from it.", error="your date of birth"),
        identity("record_number", "Your clinic record number (optional)", "record_number",
                 autocomplete="off", required=False, short="Clinic record number",
                 hint="It may be on a letter or card from the clinic. Leave it blank if you do not know it."),
        identity("phone", "Phone number (optional)", "phone", autocomplete="tel", required=False,
                 short="Phone number", hint="So the clinic can call you about your answers."),
        identity("email", "Email address (optional)", "email", autocomplete="email", required=False,
                 short="Email address", hint="So the clinic can write to you about your answers."),
    ), intro="Your clinic uses these to find your answers and to know they are yours. Only your clinic's "
             "care team sees them."),
    Step("about_you", "About you", (
        one("sex_at_birth", "What sex were you assigned at birth?",
            Choice("female", "Female"), Choice("male", "Male"),
            Choice("intersex", "Intersex, or a variation in sex characteristics"), PNTS,
            hint="We ask because some medicines affect pregnancy. You can tell your care team your gender separately.",
            short="Sex assigned at birth"),
        yes_no("pregnant", "Are you pregnant, or could you be pregnant?", private=True,
               show_when=when("sex_at_birth", one_of=["female", "intersex", PREFER_NOT]),
               short="Pregnant, or could be",
               hint="We ask because ketamine has not been shown to be safe in pregnancy."),
        yes_no("planning_pregnancy", "Are you planning to get pregnant in the next few months?", private=True,
               # Only asked of someone asked about pregnancy who said no (pregnant is asked only then).
               show_when=when("pregnant", equals="no"),
               short="Planning a pregnancy",
               hint="We ask because your doctor may want to plan the timing of treatment with you."),
        yes_no("breastfeeding", "Are you breastfeeding?", unsure=False, private=True,
               show_when=when("sex_at_birth", one_of=["female", "intersex", PREFER_NOT]),
               short="Breastfeeding",
               hint="We ask because ketamine can pass into breast milk."),
        measured("height", "How tall are you?", "height", short="Height",
                 hint="In feet and inches, like 5 ft 7 in, or in centimeters, like 170 cm.",
                 unknown=Choice(DONT_KNOW, "I don't know my height")),
        # A number on its own is pounds, and the hint says so: most US patients know their weight that way.
        measured("weight", "How much do you weigh?", "weight", short="Weight",
                 hint="In pounds, like 160, or in kilograms, like 73 kg. Your dose is based on your weight.",
                 unknown=Choice(DONT_KNOW, "I don't know my weight")),
        many("treatment_for", "What would you like treatment for?",
             Choice("depression", "Depression"), Choice("anxiety", "Anxiety"),
             Choice("ptsd", "Post-traumatic stress disorder (PTSD)"), Choice("other", "Something else"),
             PNTS_ONLY,
             short="Treatment for"),
        yes_no("ride_home", "After each treatment, can someone take you home?",
               hint="You cannot drive until the next day, after a full night's sleep.",
               short="Ride home after treatment", usual=("yes",)),
    )),
    Step("heart", "Heart and circulation", (
        yes_no("heart_attack", "Have you ever had a heart attack?",
               short="Heart attack"),
        one("heart_attack_when", "How long ago was your most recent heart attack?",
            Choice("within_6_weeks", "In the last 6 weeks"),
            Choice("within_12_months", "Between 6 weeks and 12 months ago"),
            Choice("over_12_months", "More than 12 months ago"), DK,
            show_when=when("heart_attack", equals="yes"),
            short="Most recent heart attack"),
        yes_no("heart_procedure", "In the last 12 months, have you had a heart stent or heart bypass surgery?",
               short="Stent or bypass, last 12 months"),
        yes_no("angina", "Do you get chest pain when you are active or stressed (angina)?",
               short="Chest pain when active (angina)"),
        yes_no("angina_worse", "Has this chest pain gotten worse recently, or started coming on when you are resting?",
               show_when=when("angina", equals="yes"),
               short="Chest pain worse, or at rest"),
        yes_no("heart_failure", "Have you been told you have heart failure?",
               short="Heart failure"),
        yes_no("heart_other", "Have you been told you have any other heart problem? For example, a heart valve "
                              "problem, or a weak or large heart (cardiomyopathy).",
               short="Other heart condition"),
        yes_no("irregular_heartbeat", "Have you been told your heart beats in an uneven way (arrhythmia), such as atrial "
                                      "fibrillation (AFib)?",
               short="Irregular heartbeat"),
        yes_no("aneurysm_avm", "Have you been told you have an aneurysm (a swollen blood vessel) or an AVM (a tangle "
                               "of blood vessels)?",
               hint="This can be in the brain, chest, belly or limbs.",
               short="Aneurysm or AVM"),
        yes_no("brain_bleed", "Have you ever had bleeding in or around the brain?",
               short="Bleeding in or around the brain"),
        yes_no("stroke_tia", "Have you ever had a stroke or a mini-stroke (TIA)?",
               short="Stroke or mini-stroke"),
        one("stroke_tia_when", "How long ago was your most recent stroke or mini-stroke?", *RECENT,
            show_when=when("stroke_tia", equals="yes"),
            short="Most recent stroke"),
    )),
    Step("blood_pressure", "Blood pressure", (
        yes_no("bp_diagnosed", "Have you been told you have high blood pressure (hypertension)?",
               short="High blood pressure"),
        one("bp_medicines", "Do you take medicine for your blood pressure?",
            Choice("yes_regularly", "Yes, I take it as prescribed"),
            Choice("yes_not_regularly", "Yes, but I often miss doses or have stopped taking it"),
            Choice("no", "No"), DK,
            show_when=when("bp_diagnosed", equals="yes"),
            short="Blood pressure medicine"),
        number("bp_systolic", "Your most recent blood pressure: the top number (systolic)", 60, 300, "mmHg",
               hint="The first, higher number. For 128/82, enter 128.",
               unknown=DONT_KNOW_BP, unknown_with="bp_diastolic",
               short="Top number (systolic)"),
        number("bp_diastolic", "Your most recent blood pressure: the bottom number (diastolic)", 30, 200, "mmHg",
               hint="The second, lower number. For 128/82, enter 82.",
               unknown=DONT_KNOW_BP,
               short="Bottom number (diastolic)"),
        one("bp_when", "When was this reading taken?",
            Choice("within_month", "In the last month"), Choice("within_year", "Between 1 and 12 months ago"),
            Choice("over_year", "More than a year ago"), DK,
            show_when=when("bp_systolic", is_="answered"),
            short="Reading taken"),
        many("symptoms_now", "Do you have any of these right now?",
             Choice("chest_pain", "Chest pain, tightness or pressure"),
             Choice("short_of_breath", "Shortness of breath"),
             Choice("severe_headache", "A sudden, severe headache"),
             Choice("vision_change", "Changes in your vision, such as blurred or double vision"),
             Choice("seizure", "A seizure today"),
             # Stroke warning signs (American Stroke Association F.A.S.T.): face, arm or leg, speech.
             Choice("stroke_weakness", "Sudden weakness or numbness in your face, an arm or a leg, or one side of "
                                       "your face drooping"),
             Choice("stroke_speech", "Sudden trouble speaking, or your words coming out wrong"),
             NONE_OF_THESE,
             short="Symptoms right now"),
    )),
    Step("substances", "Alcohol and drugs", (
        one("alcohol_frequency", "How often do you have a drink containing alcohol?",
            Choice("never", "Never"), Choice("monthly_or_less", "Monthly or less"),
            Choice("2_to_4_a_month", "2 to 4 times a month"), Choice("2_to_3_a_week", "2 to 3 times a week"),
            Choice("4_or_more_a_week", "4 or more times a week"), PNTS,
            short="How often you drink",
            hint="We ask because alcohol and ketamine together can slow your breathing."),
        one("alcohol_typical", "How many drinks containing alcohol do you have on a typical day when you are drinking?",
            Choice("1_to_2", "1 or 2"), Choice("3_to_4", "3 or 4"), Choice("5_to_6", "5 or 6"),
            Choice("7_to_9", "7 to 9"), Choice("10_or_more", "10 or more"), PNTS,
            hint="One drink is a can of beer, a small glass of wine or a shot of liquor.",
            show_when=when("alcohol_frequency", one_of=["monthly_or_less", "2_to_4_a_month", "2_to_3_a_week", "4_or_more_a_week"]),
            short="Drinks on a typical day"),
        one("alcohol_six_or_more", "How often do you have 6 or more drinks on one occasion?",
            Choice("never", "Never"), Choice("less_than_monthly", "Less than monthly"),
            Choice("monthly", "Monthly"), Choice("weekly", "Weekly"),
            Choice("daily", "Daily or almost daily"), PNTS,
            show_when=when("alcohol_frequency", one_of=["monthly_or_less", "2_to_4_a_month", "2_to_3_a_week", "4_or_more_a_week"]),
            short="6 or more drinks at once"),
        yes_no("drugs_past_year", "In the last 12 months, have you used drugs not prescribed to you, or used a medicine "
                                  "in a way not prescribed?",
               unsure=False, private=True,
               short="Drugs, last 12 months",
               hint="We ask because some drugs change how ketamine affects you. Your answer stays with your "
                    "care team."),
        many("drugs_which", "Which ones?", *(choice for choice, _ in DRUGS), PNTS_ONLY,
             show_when=when("drugs_past_year", equals="yes"),
             short="Which drugs"),
        *(how_often(choice, named) for choice, named in DRUGS),
        yes_no("substance_history", "Have you ever had a problem with alcohol or drugs, or had treatment for it?",
               private=True,
               short="Problem with alcohol or drugs",
               hint="We ask because ketamine can be misused, so your doctor plans your care with this in mind."),
        one("recovery_length", "How long have you been in recovery?",
            Choice("not_in_recovery", "I am not in recovery"), Choice("under_12_months", "Less than 12 months"),
            Choice("1_to_5_years", "1 to 5 years"), Choice("over_5_years", "More than 5 years"), PNTS,
            show_when=when("substance_history", equals="yes"),
            short="Time in recovery"),
        many("ketamine_before", "Have you had ketamine or esketamine (Spravato) before, for any reason?",
             Choice("treatment", "Yes, as a treatment for depression, anxiety or PTSD"),
             Choice("medical", "Yes, as an anesthetic or for pain"),
             Choice("not_prescribed", "Yes, not prescribed to me"),
             Choice("never", "No, never", exclusive=True), DK_ONLY, PNTS_ONLY,
             short="Ketamine before"),
    )),
    Step("brain", "Brain and nerves", (
        yes_no("seizures", "Have you ever had a seizure, or been told you have epilepsy?",
               short="Seizures or epilepsy"),
        one("seizure_last", "When was your most recent seizure?", *RECENT,
            show_when=when("seizures", equals="yes"),
            short="Most recent seizure"),
        yes_no("head_injury", "Have you ever had a serious head injury?",
               hint="For example, one that knocked you out or needed hospital care.",
               short="Serious head injury"),
        yes_no("raised_icp", "Have you been told you have raised pressure in your skull (raised intracranial pressure)?",
               short="Raised pressure in the skull"),
        yes_no("brain_tumour", "Have you ever had a brain tumor?",
               short="Brain tumor"),
        text("brain_other", "Any other problem with your brain or nerves (optional)",
             hint="For example, multiple sclerosis or dementia. Leave this empty if there is none.",
             short="Other brain or nerve condition"),
    )),
    Step("mental_health", "Mental health",
         intro="If you are thinking about ending your life and might act on it, call 911 or your local emergency "
               "number now. In the US you can also call or text 988 (Suicide & Crisis Lifeline) at any time.",
         questions=(
        yes_no("psychosis", "Have you ever lost touch with what is real (psychosis)? Or seen or heard things others "
                             "could not (hallucinations)?",
               private=True,
               short="Psychosis or hallucinations",
               hint="Psychosis means losing touch with what is real, like hearing voices. We ask because "
                    "ketamine can bring it back."),
        yes_no("psychosis_recent", "Have you had these experiences in the last 12 months?", private=True,
               show_when=when("psychosis", equals="yes"),
               short="In the last 12 months"),
        yes_no("bipolar_mania", "Have you ever been told you have bipolar disorder? Or have you had times of mania, "
                                "when you felt very high or wired for days?",
               private=True,
               short="Bipolar disorder or mania"),
        yes_no("family_psychosis", "Has a parent, brother, sister or child of yours had psychosis or schizophrenia?",
               private=True,
               short="Psychosis in close family",
               hint="We ask because psychosis can run in families, and ketamine can bring it on."),
        yes_no("self_harm_thoughts", "In the past month, have you had thoughts of ending your life or harming yourself?",
               unsure=False, private=True,
               short="Thoughts of ending your life",
               hint="We ask everyone this. If your answer is yes, your care team wants to help you first."),
        one("self_harm_plan", "Have you made a plan, or do you intend to act on these thoughts?",
            YES, NO, Choice(DONT_KNOW, "I'm not sure"), PNTS,
            show_when=when("self_harm_thoughts", equals="yes"),
            short="A plan to act on them"),
    )),
    Step("breathing", "Breathing", (
        yes_no("copd", "Have you been told you have COPD, emphysema or chronic bronchitis?",
               short="COPD"),
        yes_no("asthma", "Do you have asthma?",
               short="Asthma"),
        yes_no("sleep_apnoea", "Have you been told you have sleep apnea (your breathing stops while you sleep)?",
               short="Sleep apnea"),
        yes_no("sleep_apnoea_treated", "Do you use a CPAP machine or other treatment for it?",
               show_when=when("sleep_apnoea", equals="yes"),
               short="CPAP or other treatment"),
    )),
    Step("bladder_kidneys", "Bladder and kidneys", (
        yes_no("cystitis", "Have you been told you have a long-lasting bladder problem that causes pain? Its names "
                           "include interstitial cystitis and painful bladder syndrome.",
               hint="Another name is ulcerative cystitis.",
               short="Bladder pain or cystitis"),
        yes_no("urine_trouble", "Do you have trouble or pain when you pee (urinate), or need to go much more often than usual?",
               short="Trouble peeing"),
        yes_no("kidney_disease", "Have you been told you have kidney disease?",
               short="Kidney disease"),
    )),
    Step("other_health", "Other health conditions", (
        yes_no("liver_disease", "Have you been told you have liver disease, such as hepatitis or cirrhosis?",
               short="Liver disease"),
        one("liver_severity", "How serious has your doctor said it is?",
            Choice("mild", "Mild"), Choice("moderate", "Moderate"),
            Choice("severe", "Severe, for example cirrhosis with swelling, jaundice or confusion"), DK,
            show_when=when("liver_disease", equals="yes"),
            short="How serious"),
        yes_no("glaucoma", "Have you been told you have glaucoma or raised pressure in your eyes?",
               short="Glaucoma"),
        yes_no("glaucoma_treated", "Is it being treated, for example with eye drops?",
               show_when=when("glaucoma", equals="yes"),
               short="Being treated"),
        yes_no("overactive_thyroid", "Have you been told you have an overactive thyroid (hyperthyroidism)?",
               short="Overactive thyroid"),
        yes_no("thyroid_controlled", "Is it under control with treatment?",
               show_when=when("overactive_thyroid", equals="yes"),
               short="Under control"),
    )),
    Step("medicines", "Medicines", (
        many("medicines", "Do you take any of these medicines?",
             Choice("benzodiazepines", "Benzodiazepines, such as alprazolam (Xanax), clobazam, clonazepam (Klonopin), "
                                       "diazepam (Valium) or lorazepam (Ativan)"),
             Choice("sedatives", "Sleeping pills, such as zolpidem (Ambien), zaleplon or eszopiclone (Lunesta), or "
                                 "other sedatives"),
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
             hint="Include medicines you take only sometimes. Select all that apply.",
             short="Medicines you take"),
        many("benzodiazepine_which", "Which benzodiazepine do you take?", *BENZODIAZEPINES,
             show_when=when("medicines", includes="benzodiazepines"),
             short="Which benzodiazepine"),
        text("benzodiazepine_dose", "How much do you take each day?",
             hint="For example, clonazepam 0.5 mg twice a day. If you take more than one, write each. Your doctor "
                  "needs the dose to plan your care.",
             unknown=Choice(DONT_KNOW, "I don't know"), max_length=200,
             show_when=when("medicines", includes="benzodiazepines"),
             short="Benzodiazepine dose a day"),
        one("naltrexone_dose", "What dose of naltrexone do you take?",
            Choice("low", "A low dose, usually 1 to 5 mg (low-dose naltrexone)"),
            Choice("standard", "The usual dose, most often 50 mg"), DK,
            hint="We ask because the usual dose may make ketamine work less well. Less is known about low doses.",
            show_when=when("medicines", includes="naltrexone"),
            short="Naltrexone dose"),
        text("medicines_other", "Which other medicines do you take?",
             hint="Names and doses, for example amlodipine 5 mg once a day. This helps your doctor check that "
                  "they are safe with ketamine.",
             unknown=Choice("bring_list", "I will bring a list to my appointment"),
             show_when=when("medicines", includes="other"),
             short="Other medicines"),
    )),
    Step("allergies", "Allergies and reactions", (
        many("reactions", "Have you ever had an allergic or bad reaction to any of these?",
             Choice("ketamine", "Ketamine"), Choice("esketamine", "Esketamine (Spravato)"),
             # Stored under its British spelling (formerly) before 2026-12-02; revision 0007 renamed it in every
             # stored answer. The old code is only ever read, for past rules versions, never shown.
             Choice("anesthetic", "An anesthetic, used for surgery or a procedure", formerly=("anaesthetic",)),
             NONE_OF_THESE, DK_ONLY,
             short="Bad reactions"),
        text("reaction_details", "What happened? (optional)",
             show_when=when("reactions", includes_any=["ketamine", "esketamine", "anesthetic"]),
             short="What happened"),
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

# Worked out on the day the answers are sent (before that, today), so a rule about age sees the age then.
AGE = Question("age", "Age, worked out from the date of birth", NUMBER, min=YOUNGEST_AGE, max=OLDEST_AGE,
               unit="years", age_from="date_of_birth", short="Age")

# Body mass index, kg/m² with one decimal; rules.yaml examples may give it as such, as they may an age.
BMI = Question("bmi", "Body mass index (BMI), worked out from height and weight", NUMBER, min=BMI_LOW,
               max=BMI_HIGH, unit="kg/m²", bmi_from=("height", "weight"), short="BMI")

SCORES = (AGE, AUDIT_C, BMI)
