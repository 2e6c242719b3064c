"""FHIR R4: the catalogue as a Questionnaire, a submission's answers as a QuestionnaireResponse.

Requirement (issue 3, "Export"): `questions export --format fhir` gives a Questionnaire resource, and each
submission exports as a QuestionnaireResponse that points at it; the structure is validated with a
well-kept FHIR library. Issue 8: the response's subject is a contained Patient (name, birthDate, record
number, phone and email as given), also its author and source; it is authored when sent and identified by
the KS reference; the identity questions are not items (they are the Patient), and a submission from
before identity was asked has no Patient and no subject; scores are worked out as of the day sent. fhir.resources 8 has no plain R4 package; its R4B models are used, whose
Questionnaire and QuestionnaireResponse are the same as R4's (R4B changed neither resource).
The library checks structure and types, not FHIR's invariants, so the few invariants our output could
break (que-2 unique linkIds, que-7 `exists` takes a boolean, que-12 enableBehavior with several
enableWhen) are checked here as well. The route is tested in tests/staff/test_exports.py.
"""
import json
import operator
from dataclasses import astuple
from datetime import date, datetime, timezone

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse as FhirResponse

from tests.conftest import make_app
from screening.exports import fhir
from screening.questionnaire import QUESTIONNAIRE, Questionnaire
from screening.catalogue import CATALOGUE
from screening.catalogue.questions import NO, YES
from screening.catalogue.types import (CHOICE, DATE, DONT_KNOW, MULTI, NUMBER, PREFER_NOT, TEXT, Catalogue, Question,
                                       Step)
from screening.conditions.language import compile_condition

from tests.conftest import HEALTHY

SUBMITTED = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
ANSWER_TYPES = {"choice": "valueCoding", "integer": "valueInteger", "decimal": "valueDecimal", "text": "valueString",
                "date": "valueDate"}
IDENTITY_IDS = [q.id for q in CATALOGUE if q.identity]
ITEM_IDS = [q.id for q in CATALOGUE if not q.identity]


def flatten(items, parent=None):
    """linkId -> (item, linkId of the item it sits in), at every depth."""
    found = {}
    for item in items:
        found[item["linkId"]] = (item, parent)
        found.update(flatten(item.get("item", []), item["linkId"]))
    return found


def exported(runner, *args):
    result = runner.invoke(args=["questions", "export", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def response_for(answers, questionnaire=QUESTIONNAIRE, identity=None, submitted=SUBMITTED):
    return fhir.build_response("KS-7Q2M-X4KD", submitted, questionnaire.prune(answers), questionnaire=questionnaire,
                               identity=identity)


def assert_links(response, questionnaire):
    """Every response item is a Questionnaire item, in the same group, answered with that item's type."""
    items = flatten(questionnaire["item"])
    problems = []
    for group in response.get("item", []):
        if items.get(group["linkId"], ({}, None))[0].get("type") != "group":
            problems.append(f"{group['linkId']}: not a group of the Questionnaire")
            continue
        for item in group["item"]:
            if item["linkId"] not in items:
                problems.append(f"{item['linkId']}: no such item in the Questionnaire")
                continue
            defined, parent = items[item["linkId"]]
            if parent != group["linkId"]:
                problems.append(f"{item['linkId']}: in group {group['linkId']}, defined in {parent}")
            answers = item.get("answer", [])
            if len(answers) > 1 and not defined.get("repeats"):
                problems.append(f"{item['linkId']}: {len(answers)} answers to an item that does not repeat")
            for answer in answers:
                if list(answer) != [ANSWER_TYPES[defined["type"]]]:
                    problems.append(f"{item['linkId']}: {list(answer)} answers a {defined['type']} item")
                elif "valueCoding" in answer and \
                        answer["valueCoding"] not in [_untranslated(o["valueCoding"]) for o in defined["answerOption"]]:
                    problems.append(f"{item['linkId']}: {answer['valueCoding']['code']} is not one of its options")
    assert problems == []


def fhir_enabled(item, response):
    """FHIR's enableWhen read literally (R4 operator definitions), on the answers in `response`."""
    given = {i["linkId"]: i.get("answer", []) for i, _ in flatten(response.get("item", [])).values()}
    compare = {"=": operator.eq, "!=": operator.ne, ">": operator.gt, "<": operator.lt, ">=": operator.ge,
               "<=": operator.le}
    results = []
    for condition in item["enableWhen"]:
        answers = given.get(condition["question"], [])
        if condition["operator"] == "exists":
            results.append(bool(answers) == condition["answerBoolean"])
            continue
        expected = condition["answerCoding"]["code"] if "answerCoding" in condition else condition["answerInteger"]
        values = [a["valueCoding"]["code"] if "valueCoding" in a else a["valueInteger"] for a in answers]
        results.append(any(compare[condition["operator"]](v, expected) for v in values))
    return all(results) if item.get("enableBehavior", "all") == "all" else any(results)


def small_questionnaire(show_when):
    """A two-question catalogue whose follow-up 'b' shows when `show_when`."""
    first = Question("a", "A?", CHOICE, choices=(YES, NO))
    catalogue = Catalogue((Step("s", "S", (first, Question("b", "B?", TEXT, show_when=show_when, required=False))),))
    condition = compile_condition(show_when, catalogue, lambda _mark, message: pytest.fail(message))
    return Questionnaire(catalogue, {"b": condition})


# --- The Questionnaire -------------------------------------------------------------------------------


def test_fhir_export_validates_as_a_questionnaire(runner):
    resource = FhirQuestionnaire.model_validate(exported(runner, "--format", "fhir"))
    assert (resource.status, resource.url) == ("active", "https://example.org/fhir/Questionnaire/ketamine-screening")


def test_fhir_export_has_a_title_and_the_catalogue_version(runner):
    questionnaire = exported(runner, "--format", "fhir")
    assert questionnaire["title"] == "Ketamine treatment screening" and \
        questionnaire["version"] == fhir.catalogue_version()


def test_fhir_export_has_a_group_per_step_then_the_scores(runner):
    questionnaire = exported(runner, "--format", "fhir")
    assert [(g["linkId"], g["type"]) for g in questionnaire["item"]] == \
        [(f"step.{s.id}", "group") for s in CATALOGUE.steps if s.id != "your_details"] + [("scores", "group")]


def test_fhir_export_has_an_item_per_question_in_catalogue_order(runner):
    questionnaire = exported(runner, "--format", "fhir")
    questions = [i["linkId"] for g in questionnaire["item"] for i in g["item"] if i["type"] != "display"]
    assert questions == ITEM_IDS


def test_fhir_export_leaves_the_identity_questions_to_the_subject(runner):
    questionnaire = exported(runner, "--format", "fhir")
    assert IDENTITY_IDS and set(IDENTITY_IDS).isdisjoint(flatten(questionnaire["item"])) and \
        questionnaire["subjectType"] == ["Patient"]


def test_fhir_date_question_is_a_date_item_answered_with_a_date():
    catalogue = Catalogue((Step("s", "S", (Question("seen_on", "Seen on?", DATE),)),))
    questionnaire = Questionnaire(catalogue, {})
    item, _ = flatten(fhir.build_questionnaire(questionnaire=questionnaire)["item"])["seen_on"]
    response = response_for({"seen_on": "2026-01-31"}, questionnaire)
    FhirResponse.model_validate(response)
    assert item["type"] == "date" and flatten(response["item"])["seen_on"][0]["answer"] == [{"valueDate": "2026-01-31"}]


def test_fhir_link_ids_are_unique(runner):
    links = [item["linkId"] for item in _walk(exported(runner, "--format", "fhir")["item"])]
    assert len(links) == len(set(links))


def _untranslated(coding):
    """A coding without its translations (`_display`), as a response's answers carry it."""
    return {key: value for key, value in coding.items() if not key.startswith("_")}


def _walk(items):
    for item in items:
        yield item
        yield from _walk(item.get("item", []))


def test_fhir_choice_question_offers_its_choices_as_codings(runner):
    items = flatten(exported(runner, "--format", "fhir")["item"])
    heart_attack_when, _ = items["heart_attack_when"]
    assert heart_attack_when["type"] == "choice" and "repeats" not in heart_attack_when and \
        heart_attack_when["answerOption"][0]["valueCoding"] == {
            "system": "https://example.org/fhir/Questionnaire/ketamine-screening/answers/heart_attack_when",
            "code": "within_6_weeks", "display": "In the last 6 weeks",
            "_display": {"extension": [{"url": fhir.TRANSLATION_URL, "extension": [
                {"url": "lang", "valueCode": "es"}, {"url": "content", "valueString": "En las últimas 6 semanas"}]}]}}


def test_fhir_dont_know_and_prefer_not_to_say_are_options_of_a_choice_question(runner):
    pregnant, _ = flatten(exported(runner, "--format", "fhir")["item"])["pregnant"]
    assert [o["valueCoding"]["code"] for o in pregnant["answerOption"]] == ["yes", "no", DONT_KNOW, PREFER_NOT]


def test_fhir_multi_question_repeats_and_marks_exclusive_options(runner):
    medicines, _ = flatten(exported(runner, "--format", "fhir")["item"])["medicines"]
    exclusive = [o["valueCoding"]["code"] for o in medicines["answerOption"]
                 if {"url": fhir.OPTION_EXCLUSIVE_URL, "valueBoolean": True} in o.get("extension", [])]
    assert medicines["repeats"] is True and exclusive == ["none", DONT_KNOW]


def test_fhir_number_question_is_an_integer_with_its_range_and_unit(runner):
    systolic, _ = flatten(exported(runner, "--format", "fhir")["item"])["bp_systolic"]
    extensions = {e["url"]: e for e in systolic["extension"]}
    assert systolic["type"] == "integer" and extensions[fhir.MIN_VALUE_URL]["valueInteger"] == 60 and \
        extensions[fhir.MAX_VALUE_URL]["valueInteger"] == 300 and \
        extensions[fhir.UNIT_URL]["valueCoding"] == {"system": fhir.UCUM, "code": "mm[Hg]", "display": "mmHg"}


@pytest.mark.parametrize("link_id, low, high, unit", [("height", 91.4, 243.8, "cm"), ("weight", 22.7, 362.9, "kg")])
def test_fhir_height_and_weight_are_decimals_in_ucum_metric_units(runner, link_id, low, high, unit):
    item, _ = flatten(exported(runner, "--format", "fhir")["item"])[link_id]
    extensions = {e["url"]: e for e in item["extension"]}
    assert item["type"] == "decimal" and extensions[fhir.MIN_VALUE_URL] == {"url": fhir.MIN_VALUE_URL,
                                                                            "valueDecimal": low} and \
        extensions[fhir.MAX_VALUE_URL]["valueDecimal"] == high and \
        extensions[fhir.UNIT_URL]["valueCoding"] == {"system": fhir.UCUM, "code": unit, "display": unit}


def test_fhir_bmi_is_a_read_only_decimal_in_kg_per_square_meter(runner):
    item, parent = flatten(exported(runner, "--format", "fhir")["item"])["bmi"]
    unit = next(e for e in item["extension"] if e["url"] == fhir.UNIT_URL)
    assert (item["type"], item["readOnly"], parent) == ("decimal", True, "scores") and \
        unit["valueCoding"] == {"system": fhir.UCUM, "code": "kg/m2", "display": "kg/m²"}


def test_fhir_number_question_declares_its_dont_know_as_data_absent_reason(runner):
    systolic, _ = flatten(exported(runner, "--format", "fhir")["item"])["bp_systolic"]
    extensions = {e["url"]: e for e in systolic["extension"]}
    assert extensions[fhir.unknown_answer_url()]["valueCoding"] == {
        "system": fhir.DATA_ABSENT_REASON_SYSTEM, "code": "asked-unknown",
        "display": "I don't know my blood pressure"}


def test_fhir_text_question_is_text_with_its_length_limit(runner):
    brain_other, _ = flatten(exported(runner, "--format", "fhir")["item"])["brain_other"]
    assert (brain_other["type"], brain_other["maxLength"], brain_other["required"]) == ("text", 500, False)


def test_fhir_hint_is_a_display_item_under_its_question(runner):
    sex, _ = flatten(exported(runner, "--format", "fhir")["item"])["sex_at_birth"]
    assert [{k: v for k, v in item.items() if k != "_text"} for item in sex["item"]] == [
        {"linkId": "sex_at_birth.hint", "type": "display", "text": CATALOGUE["sex_at_birth"].hint}]


def test_fhir_score_is_read_only(runner):
    score, parent = flatten(exported(runner, "--format", "fhir")["item"])["audit_c_score"]
    assert (score["type"], score["readOnly"], parent) == ("integer", True, "scores")


def test_fhir_every_follow_up_has_enable_when(runner):
    items = flatten(exported(runner, "--format", "fhir")["item"])
    follow_ups = [q.id for q in CATALOGUE.asked if q.show_when]
    assert follow_ups and [q for q in follow_ups if "enableWhen" not in items[q][0]] == []


def test_fhir_equals_becomes_enable_when_equal_to_a_coding(runner):
    heart_attack_when, _ = flatten(exported(runner, "--format", "fhir")["item"])["heart_attack_when"]
    assert heart_attack_when["enableWhen"] == [{
        "question": "heart_attack", "operator": "=", "answerCoding": {
            "system": fhir.answer_system("heart_attack"), "code": "yes", "display": "Yes"}}]


def test_fhir_one_of_becomes_several_enable_when_with_behaviour_any(runner):
    pregnant, _ = flatten(exported(runner, "--format", "fhir")["item"])["pregnant"]
    assert pregnant["enableBehavior"] == "any" and \
        [(c["operator"], c["answerCoding"]["code"]) for c in pregnant["enableWhen"]] == \
        [("=", "female"), ("=", "intersex"), ("=", PREFER_NOT)]


def test_fhir_is_answered_on_a_number_becomes_exists(runner):
    bp_when, _ = flatten(exported(runner, "--format", "fhir")["item"])["bp_when"]
    assert bp_when["enableWhen"] == [{"question": "bp_systolic", "operator": "exists", "answerBoolean": True}]


def test_fhir_is_answered_on_a_choice_lists_its_real_answers():
    item = fhir.build_questionnaire(questionnaire=small_questionnaire({"question": "a", "is": "answered"}))
    follow_up, _ = flatten(item["item"])["b"]
    assert [c["answerCoding"]["code"] for c in follow_up["enableWhen"]] == ["yes", "no"] and \
        follow_up["enableBehavior"] == "any"


def test_fhir_condition_it_cannot_say_leaves_the_item_enabled_with_the_original_condition():
    show_when = {"not": {"question": "a", "equals": "yes"}}
    questionnaire = fhir.build_questionnaire(questionnaire=small_questionnaire(show_when))
    follow_up, _ = flatten(questionnaire["item"])["b"]
    FhirQuestionnaire.model_validate(questionnaire)
    assert "enableWhen" not in follow_up and \
        follow_up["extension"] == [{"url": fhir.show_when_url(), "valueString": json.dumps(show_when)}]


def test_fhir_keeps_the_invariants_the_library_does_not_check(runner):
    problems = []
    for item in _walk(exported(runner, "--format", "fhir")["item"]):
        conditions = item.get("enableWhen", [])
        if len(conditions) > 1 and "enableBehavior" not in item:
            problems.append(f"que-12 {item['linkId']}")
        problems += [f"que-7 {item['linkId']}" for c in conditions
                     if c["operator"] == "exists" and set(c) != {"question", "operator", "answerBoolean"}]
        if item["type"] == "group" and not item.get("item"):
            problems.append(f"que-1 {item['linkId']}")
    assert problems == []


def test_fhir_base_comes_from_screening_fhir_base(monkeypatch, tmp_path):
    monkeypatch.setenv("SCREENING_FHIR_BASE", "https://fhir.clinic.example/r4")
    app = make_app({"TESTING": True, "SECRET_KEY": "test-secret",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}, instance_path=str(tmp_path / "instance"))
    questionnaire = exported(app.test_cli_runner(), "--format", "fhir")
    assert questionnaire["url"] == "https://fhir.clinic.example/r4/Questionnaire/ketamine-screening"


def test_default_export_format_is_still_the_catalogue_json(runner):
    assert exported(runner) == exported(runner, "--format", "json") and "steps" in exported(runner)


def test_catalogue_version_changes_when_a_question_changes():
    changed = Catalogue((Step("s", "S", (Question("a", "A changed?", CHOICE, choices=(YES, NO)),)),))
    original = Catalogue((Step("s", "S", (Question("a", "A?", CHOICE, choices=(YES, NO)),)),))
    assert fhir.catalogue_version(Questionnaire(changed, {})) != fhir.catalogue_version(Questionnaire(original, {}))


# --- The QuestionnaireResponse -----------------------------------------------------------------------


FOLLOW_UPS = {**HEALTHY, "sex_at_birth": "female", "pregnant": PREFER_NOT, "breastfeeding": "no",
              "heart_attack": "yes", "heart_attack_when": "over_12_months", "bp_systolic": DONT_KNOW,
              "bp_diastolic": 82, "alcohol_frequency": "2_to_3_a_week", "alcohol_typical": "3_to_4",
              "alcohol_six_or_more": "monthly", "medicines": ["opioids", "other"],
              "medicines_other": "Sertraline 50 mg", "reactions": ["ketamine"], "brain_other": "Migraine"}


@pytest.mark.parametrize("answers", [HEALTHY, FOLLOW_UPS], ids=["healthy", "follow-ups"])
def test_fhir_response_validates(answers):
    resource = FhirResponse.model_validate(response_for(answers))
    assert (resource.status, resource.identifier.value) == ("completed", "KS-7Q2M-X4KD")


def test_fhir_response_points_at_the_questionnaire_and_its_version():
    questionnaire = fhir.build_questionnaire()
    assert response_for(HEALTHY)["questionnaire"] == f"{questionnaire['url']}|{questionnaire['version']}"


def test_fhir_response_is_authored_when_submitted_in_utc():
    assert response_for(HEALTHY)["authored"] == "2026-03-02T09:30:00+00:00"


@pytest.mark.parametrize("answers", [HEALTHY, FOLLOW_UPS], ids=["healthy", "follow-ups"])
def test_fhir_response_items_link_to_the_questionnaire_with_matching_answer_types(answers):
    assert_links(response_for(answers), fhir.build_questionnaire())


def test_fhir_response_leaves_out_hidden_questions():
    response = response_for({**HEALTHY, "heart_attack_when": "within_6_weeks"})
    answered = {item["linkId"] for item, _ in flatten(response["item"]).values()}
    assert "heart_attack" in answered and "heart_attack_when" not in answered and "pregnant" not in answered


def test_fhir_response_gives_a_multi_answer_as_several_codings():
    medicines, _ = flatten(response_for(FOLLOW_UPS)["item"])["medicines"]
    assert [a["valueCoding"]["code"] for a in medicines["answer"]] == ["opioids", "other"]


def test_fhir_response_gives_numbers_and_texts_their_own_types():
    items = flatten(response_for(FOLLOW_UPS)["item"])
    assert items["bp_diastolic"][0]["answer"] == [{"valueInteger": 82}] and \
        items["medicines_other"][0]["answer"] == [{"valueString": "Sertraline 50 mg"}]


def test_fhir_response_gives_height_weight_and_bmi_as_decimals_in_metric():
    items = flatten(response_for({**HEALTHY, "height": 170.2, "weight": 72.6})["item"])
    assert [items[i][0]["answer"] for i in ("height", "weight", "bmi")] == [
        [{"valueDecimal": 170.2}], [{"valueDecimal": 72.6}], [{"valueDecimal": 25.1}]]


def test_fhir_response_gives_an_unknown_height_as_data_absent_reason_and_no_bmi():
    response = response_for({**HEALTHY, "height": DONT_KNOW})
    items = flatten(response["item"])
    assert items["height"][0]["extension"] == [{"url": fhir.DATA_ABSENT_REASON_URL, "valueCode": "asked-unknown"}] \
        and "bmi" not in items
    FhirResponse.model_validate(response)


def test_fhir_response_gives_prefer_not_to_say_as_its_option():
    pregnant, _ = flatten(response_for(FOLLOW_UPS)["item"])["pregnant"]
    assert pregnant["answer"] == [{"valueCoding": {"system": fhir.answer_system("pregnant"),
                                                   "code": PREFER_NOT, "display": "Prefer not to say"}}]


def test_fhir_response_gives_a_numbers_dont_know_as_data_absent_reason_without_an_answer():
    systolic, _ = flatten(response_for(FOLLOW_UPS)["item"])["bp_systolic"]
    assert "answer" not in systolic and systolic["extension"] == [
        {"url": fhir.DATA_ABSENT_REASON_URL, "valueCode": "asked-unknown"}]


def test_fhir_response_includes_the_score_worked_out():
    score, parent = flatten(response_for(FOLLOW_UPS)["item"])["audit_c_score"]
    assert (score["answer"], parent) == ([{"valueInteger": 3 + 1 + 2}], "scores")


def _controlling_answers():
    """(follow-up id, answers) for every answer the question each follow-up depends on can take."""
    for question in CATALOGUE.asked:
        if not question.show_when:
            continue
        controlling = CATALOGUE[question.show_when["question"]]
        if controlling.type == NUMBER:
            values = [controlling.min, controlling.max] + ([controlling.unknown.value] if controlling.unknown else [])
        elif controlling.type == MULTI:
            values = [[v] for v in controlling.values]
        else:
            values = list(controlling.values)
        for value in values:
            yield question.id, {**HEALTHY, controlling.id: value}


def test_fhir_enable_when_agrees_with_show_when_for_every_controlling_answer():
    items = flatten(fhir.build_questionnaire()["item"])
    disagree = []
    for follow_up, answers in _controlling_answers():
        asked = QUESTIONNAIRE.is_asked(CATALOGUE[follow_up], QUESTIONNAIRE.prune(answers))
        if fhir_enabled(items[follow_up][0], response_for(answers)) != asked:
            disagree.append((follow_up, {k: v for k, v in answers.items() if HEALTHY.get(k) != v}))
    assert disagree == []


def test_response_points_at_the_questionnaire_version_it_was_asked_with():
    response = fhir.build_response("KS-AAAA-BBBB", datetime(2026, 1, 2, tzinfo=timezone.utc), {"age": 40},
                                   asked_with="0123456789abcdef")
    assert response["questionnaire"].endswith("|0123456789abcdef")


# --- The patient: the response's subject -------------------------------------------------------------------


ANA = fhir.Identity("Ana María", "Díaz-López", date(1990, 4, 2), "MRN-0042", "+1 555-201-4477", "ana@mail.example")


def contained_patient(response):
    patient, = response["contained"]
    return patient


def test_fhir_response_with_a_patient_validates_with_the_patient():
    resource = FhirResponse.model_validate(response_for(HEALTHY, identity=ANA))
    patient = FhirPatient.model_validate(contained_patient(response_for(HEALTHY, identity=ANA)))
    assert resource.subject.reference == "#patient" and patient.birthDate == date(1990, 4, 2)


def test_fhir_patient_is_contained_subject_author_and_source():
    response = response_for(HEALTHY, identity=ANA)
    assert contained_patient(response)["id"] == "patient" and \
        response["subject"] == response["author"] == response["source"] == {"reference": "#patient"}


def test_fhir_patient_has_name_and_date_of_birth():
    patient = contained_patient(response_for(HEALTHY, identity=ANA))
    assert (patient["name"], patient["birthDate"]) == ([{"family": "Díaz-López", "given": ["Ana María"]}], "1990-04-02")


def test_fhir_patient_record_number_is_a_medical_record_identifier_under_the_base():
    patient = contained_patient(response_for(HEALTHY, identity=ANA))
    assert patient["identifier"] == [{
        "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR",
                             "display": "Medical record number"}]},
        "system": "https://example.org/fhir/sid/record-number", "value": "MRN-0042"}]


def test_fhir_patient_phone_and_email_are_telecom():
    patient = contained_patient(response_for(HEALTHY, identity=ANA))
    assert patient["telecom"] == [{"system": "phone", "value": "+1 555-201-4477"},
                                  {"system": "email", "value": "ana@mail.example"}]


def test_fhir_patient_leaves_out_what_was_not_given():
    patient = contained_patient(response_for(HEALTHY, identity=fhir.Identity("Sam", "Rivera", date(1986, 1, 5))))
    assert set(patient) == {"resourceType", "id", "name", "birthDate"}


def test_fhir_response_without_identity_has_no_patient_and_no_subject():
    response = response_for(HEALTHY, identity=fhir.Identity())
    FhirResponse.model_validate(response)
    assert not {"contained", "subject", "author", "source"} & set(response)


def test_fhir_response_is_identified_by_its_reference_under_the_base():
    assert response_for(HEALTHY, identity=ANA)["identifier"] == {
        "system": "https://example.org/fhir/sid/submission-reference", "value": "KS-7Q2M-X4KD"}


def test_fhir_response_does_not_repeat_the_identity_as_items():
    response = response_for(HEALTHY, identity=ANA)
    assert set(IDENTITY_IDS).isdisjoint(flatten(response["item"])) and "step.your_details" not in flatten(response["item"])


def test_fhir_response_age_is_worked_out_as_of_the_day_sent():
    answers = {**HEALTHY, "date_of_birth": "1990-06-01"}
    age, _ = flatten(response_for(answers, submitted=datetime(2020, 1, 1, 12, tzinfo=timezone.utc))["item"])["age"]
    assert age["answer"] == [{"valueInteger": 29}]


def test_fhir_response_for_a_stored_submission_takes_its_identity_columns():
    class Stored:  # the columns of screening.records.models.Submission that a response reads
        reference, submitted_at, answers, catalogue_version = "KS-7Q2M-X4KD", SUBMITTED, HEALTHY, ""
        first_name, last_name, date_of_birth, record_number, phone, email = astuple(ANA)

    response = fhir.response_for(Stored)
    assert contained_patient(response) == contained_patient(response_for(HEALTHY, identity=ANA))


def _spanish(element: dict) -> str:
    """The Spanish content of an element's translation extension (issue 11)."""
    [translation] = [e for e in element["extension"] if e["url"] == "http://hl7.org/fhir/StructureDefinition/translation"]
    parts = {part["url"]: part for part in translation["extension"]}
    assert parts["lang"]["valueCode"] == "es"
    return parts["content"]["valueString"]


def test_fhir_questionnaire_carries_the_spanish_of_every_text_in_the_translation_extension():
    questionnaire = fhir.build_questionnaire()
    FhirQuestionnaire.model_validate(questionnaire)
    items = {item["linkId"]: item for item in _walk(questionnaire["item"])}
    asthma, heart, hint = items["asthma"], items["step.heart"], items["aneurysm_avm.hint"]
    assert questionnaire["language"] == "en"
    assert (asthma["text"], _spanish(asthma["_text"])) == ("Do you have asthma?", "¿Tiene asma?")
    assert _spanish(heart["_text"]) == "Corazón y circulación"
    assert _spanish(hint["_text"]) == "Puede ser en la cabeza, el pecho, la panza, los brazos o las piernas."
    options = [option["valueCoding"] for option in asthma["answerOption"]]
    assert [(o["display"], _spanish(o["_display"])) for o in options] == [
        ("Yes", "Sí"), ("No", "No"), ("I don't know", "No sé")]


def test_fhir_questionnaire_translates_every_item_text_and_option():
    untranslated = []
    for item in _walk(fhir.build_questionnaire()["item"]):
        if "text" in item and "_text" not in item and item["linkId"] != "scores":
            untranslated.append(item["linkId"])
        for option in item.get("answerOption", []):
            if "_display" not in option["valueCoding"]:
                untranslated.append(f"{item['linkId']}={option['valueCoding']['code']}")
    assert untranslated == []


def test_fhir_response_says_the_language_the_patient_read():
    response = fhir.build_response("KS-7Q2M-X4KD", datetime(2026, 12, 1, tzinfo=timezone.utc), HEALTHY, language="es")
    FhirResponse.model_validate(response)
    assert response["language"] == "es"
    items = {item["linkId"]: item for item in _walk(response["item"])}
    assert items["asthma"]["answer"][0]["valueCoding"]["display"] == "No"
    assert items["heart_attack"]["text"] == "Have you ever had a heart attack?"
