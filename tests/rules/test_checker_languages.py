"""A rules file in more than one language (issue 11): `languages: [en, es]`, and each rule's title and patient text
in each, as `title:` with `en:` and `es:` lines; clinician and source in English. One test per kind of problem the
checker reports, each asserting its line."""
from __future__ import annotations

from screening.rules.checker import check_text
from screening.rules.engine import evaluate

BILINGUAL = """\
version: "t1"
languages: [en, es]
rules:
  - id: bp-very-high
    severity: urgent
    title:
      en: Very high blood pressure
      es: Presión muy alta
    patient:
      en: Your top number was {bp_systolic}. Please get your blood pressure checked today.
      es: Su número de arriba fue {bp_systolic}. Hágase ver la presión hoy.
    clinician: Reported {bp_systolic}/{bp_diastolic} mmHg.
    source: ACC/AHA 2017
    when:
      question: bp_systolic
      at least: 180
  - id: bp-unknown
    severity: mention
    title:
      en: Blood pressure not known
      es: No sabe su presión
    patient:
      en: "You told us: {bp_systolic}. It will be measured at your visit."
      es: "Nos dijo: {bp_systolic}. Se la van a medir en su cita."
    clinician: Not known.
    source: ACC/AHA 2017
    when:
      question: bp_systolic
      is: don't know
examples:
  - name: high reading
    answers:
      bp_systolic: 190
    raises: [bp-very-high]
  - name: unknown reading
    answers:
      bp_systolic: dont_know
      bp_diastolic: dont_know
    raises: [bp-unknown]
"""


def problems(text):
    ruleset, found = check_text(text, "rules.yaml")
    assert ruleset is None, "the file was accepted"
    return found


def at(text, line):
    found = [p for p in problems(text) if p.line == line]
    assert len(found) == 1, [str(p) for p in problems(text)]
    return found[0]


def test_a_bilingual_file_loads_with_its_spanish():
    ruleset, found = check_text(BILINGUAL)
    assert found == [] and ruleset.languages == ("en", "es")
    rule = ruleset.rules[0]
    assert (rule.title, rule.text("title", "es")) == ("Very high blood pressure", "Presión muy alta")
    assert rule.text("patient", "es") == "Su número de arriba fue {bp_systolic}. Hágase ver la presión hoy."


def test_a_spanish_patient_reads_the_spanish_with_answers_shown_in_spanish():
    ruleset, _ = check_text(BILINGUAL)
    [topic] = evaluate(ruleset, {"bp_systolic": "dont_know", "bp_diastolic": "dont_know"}, language="es").topics
    assert (topic.title, topic.patient) == ("No sabe su presión", "Nos dijo: No sé mi presión. Se la van a medir en su cita.")
    assert topic.clinician == "Not known." and topic.because[0].answer == "No sé mi presión"
    [english] = evaluate(ruleset, {"bp_systolic": "dont_know", "bp_diastolic": "dont_know"}).topics
    assert english.patient == "You told us: I don't know my blood pressure. It will be measured at your visit."


def test_a_file_without_languages_is_english_with_plain_texts():
    from tests.rules.test_checker import VALID

    ruleset, found = check_text(VALID)
    assert found == [] and ruleset.languages == ("en",)
    assert ruleset.rules[0].text("title", "es") == "Very high blood pressure"


def test_a_file_in_english_only_may_write_its_texts_under_en():
    text = BILINGUAL.replace("languages: [en, es]", "languages: [en]")
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("es:")) + "\n"
    ruleset, found = check_text(text)
    assert found == [] and ruleset.rules[0].title == "Very high blood pressure"


def test_a_missing_translation_is_reported_at_its_text():
    problem = at(BILINGUAL.replace("      es: Presión muy alta\n", ""), 6)
    assert "'title' has no 'es:' text" in problem.message and problem.rule_id == "bp-very-high"


def test_an_english_only_text_in_a_bilingual_file_is_reported_at_its_line():
    text = BILINGUAL.replace("    title:\n      en: Very high blood pressure\n      es: Presión muy alta\n",
                             "    title: Very high blood pressure\n")
    problem = at(text, 6)
    assert "written in English only" in problem.message and "es: ..." in problem.message


def test_a_translation_quoting_other_answers_than_the_english_is_reported_at_its_line():
    text = BILINGUAL.replace("es: Su número de arriba fue {bp_systolic}.", "es: Su número de arriba fue {bp_diastolic}.")
    problem = at(text, 11)
    assert "quotes {bp_diastolic} where the English quotes {bp_systolic}" in problem.message


def test_a_translation_that_drops_a_placeholder_is_reported_at_its_line():
    problem = at(BILINGUAL.replace("es: Su número de arriba fue {bp_systolic}.", "es: Su número de arriba fue alto."), 11)
    assert "quotes no answer where the English quotes {bp_systolic}" in problem.message


def test_spanish_decision_wording_is_reported_at_its_line():
    for wording in ("Usted no es apto.", "No es elegible.", "Queda descartado.", "Es candidata.", "Está aprobado."):
        problem = at(BILINGUAL.replace("es: Presión muy alta", f"es: {wording}"), 8)
        assert "reads as a decision about treatment" in problem.message, wording


def test_english_decision_wording_in_a_translation_is_reported_too():
    problem = at(BILINGUAL.replace("es: Presión muy alta", "es: Presión alta, not eligible"), 8)
    assert "'not eligible'" not in problem.message and "eligible" in problem.message


def test_hard_spanish_in_a_patient_text_is_reported_at_its_line():
    hard = ("es: Su número de arriba fue {bp_systolic}, consecuentemente recomendaríamos encarecidamente "
            "comunicarse inmediatamente con profesionales sanitarios especializados.")
    problem = at(BILINGUAL.replace("es: Su número de arriba fue {bp_systolic}. Hágase ver la presión hoy.", hard), 11)
    assert "'patient' in es reads as hard (Fernandez-Huerta" in problem.message


def test_a_language_with_no_catalog_is_refused_at_its_line():
    problem = at(BILINGUAL.replace("languages: [en, es]", "languages: [en, es, fr]"), 2)
    assert "'fr', which the app has no catalog for" in problem.message and "(it has: en, es)" in problem.message


def test_a_language_written_as_a_list_on_lines_is_refused_at_its_own_line():
    text = BILINGUAL.replace("languages: [en, es]", "languages:\n  - en\n  - es\n  - de")
    problem = at(text, 5)
    assert "'de', which the app has no catalog for" in problem.message


def test_languages_must_start_with_english():
    problem = at(BILINGUAL.replace("languages: [en, es]", "languages: [es, en]"), 2)
    assert "starts with en" in problem.message


def test_a_text_in_an_undeclared_language_is_reported_at_its_line():
    text = BILINGUAL.replace("      es: Presión muy alta\n", "      es: Presión muy alta\n      pt: Pressão muito alta\n")
    problem = at(text, 9)
    assert "unknown key 'pt' in 'title'" in problem.message


def test_an_empty_translation_is_reported_at_its_line():
    problem = at(BILINGUAL.replace("es: Presión muy alta", "es: ''"), 8)
    assert "needs some text after 'es:'" in problem.message
