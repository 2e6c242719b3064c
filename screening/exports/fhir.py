"""FHIR R4: the catalogue as a Questionnaire, and a stored submission as a QuestionnaireResponse.

Both are built as plain JSON-ready dicts from the catalogue; nothing here imports Flask.

How the catalogue maps onto FHIR (docs: README, "FHIR export"):

- Each step is a `group` item (linkId `step.<step id>`: a step and a question may share an id, as
  `medicines` does, and linkIds must be unique); its questions are items inside it (linkId = question id).
  A hint is a `display` item nested under its question (linkId `<id>.hint`), a step's intro a `display`
  item at the top of its group (linkId `step.<step id>.intro`). Scores worked out from answers (AUDIT-C) sit in
  a last group, `scores`, as read-only items.
- choice -> `choice` with an answerOption per choice (valueCoding: system `<url>/answers/<question id>`,
  code = the choice value, display = its label); multi -> the same with `repeats: true`, and exclusive
  options ("None of these") carry the core `questionnaire-optionExclusive` extension.
  "I don't know" and "Prefer not to say" are ordinary options of these questions: the patient picked
  them from the same list, so they are answered with their valueCoding like any other option.
- number -> `integer` with the core `minValue` / `maxValue` and `questionnaire-unit` (UCUM) extensions; a
  height, a weight or the BMI, kept with one decimal, -> `decimal` with the same extensions (UCUM cm, kg,
  kg/m2), answered with valueDecimal in those units.
  FHIR cannot give an integer item a coded option beside its numbers, so a number's "I don't know" is
  declared on the item with the extension UNKNOWN_ANSWER_URL (a data-absent-reason Coding,
  `asked-unknown`, with the patient-facing label), and answered in the response as an item with no
  answer and the core `data-absent-reason` extension, valueCode `asked-unknown`.
- text -> `text` (maxLength from the catalogue).
- show-when -> enableWhen. `equals` / `includes` -> operator `=` with answerCoding; `one of` /
  `includes any` -> one `=` per value with enableBehavior `any`; number comparisons -> `>=`, `>`, `<`,
  `<=` with answerInteger; `is answered` -> `exists true` for numbers and texts, and for choice
  questions one `=` per real option (enableBehavior `any`), because in our language "I don't know" is
  not an answer while FHIR's `exists` would count it; `is don't know` / `is prefer not to say` ->
  `=` on that option; `all:` / `any:` of those -> enableBehavior `all` / `any`.
  A condition that FHIR's enableWhen cannot say exactly (a `not:`, an `any:` inside an `all:`, "is don't
  know" on a number, ...) gets no enableWhen, so the item is always enabled: a form filler asks it
  rather than skipping it, the safer mistake. The original condition goes with it, as JSON, in the
  extension SHOW_WHEN_URL. None of the catalogue's conditions needs this today.
- Every text a patient reads (a group's title, an intro, a question, a hint, an option's display) carries its
  translations with the core `translation` extension (TRANSLATION_URL, `lang` and `content`) on the element's
  primitive (`_text`, `_display`), one per language the app has besides English; the Questionnaire's
  `language` is en. A response's `language` is the one the patient read the questions in; its answers'
  displays stay English, as the clinic files them.
- The Questionnaire's version is a hash of the catalogue, so a changed question gives a new version.
  Every submission stores the catalogue version it was asked with, and its response points at that
  version of the Questionnaire.
- Who the patient is (the identity questions: name, date of birth, record number, phone, email) is the
  response's `subject`, not items: a Patient contained in the response (id `patient`: name, birthDate, the
  record number as an MR identifier under `<base>/sid/record-number`, telecom for phone and email), which
  is also its `author` and `source`, as the patient filled the form in. The identity questions are items of
  neither the Questionnaire (whose subjectType is Patient) nor the response: an item would hold the same
  name or date a second time, free to disagree with the Patient a record system files the answers under,
  and the response of a Questionnaire with required identity items would not be complete without them.
  A step made only of identity questions ("Your details") has no group. The age worked out from the date
  of birth stays among the scores, as of the day the answers were sent. A submission sent before identity
  was asked has no Patient and no subject; the response is valid FHIR without them.
"""
from __future__ import annotations

import json
from dataclasses import astuple, dataclass
from datetime import date, datetime
from typing import Any, Mapping

from screening.clock import iso_utc, age_day
from screening.questionnaire import QUESTIONNAIRE, Questionnaire
from screening.catalogue.types import (
    CHOICE,
    DATE,
    DONT_KNOW,
    MULTI,
    NUMBER,
    PREFER_NOT,
    SPECIAL_VALUES,
    TEXT,
    Question,
    Step,
)
from screening.catalogue.formats import parse_iso
from screening.conditions.language import All, Any_, Comparison, Condition
from screening.language import ENGLISH, LANGUAGES
from screening.language.words import words
from screening.conditions.operators import (
    ANSWERED,
    FHIR_INTEGER,
    IS_DONT_KNOW,
    IS_PREFER_NOT,
    NOT_ANSWERED,
    OPERATORS,
    STATE,
)

DEFAULT_BASE = "https://example.org/fhir"
TRANSLATION_URL = "http://hl7.org/fhir/StructureDefinition/translation"
QUESTIONNAIRE_ID = "ketamine-screening"
NAME = "KetamineTreatmentScreening"
TITLE = "Ketamine treatment screening"

EXT = "http://hl7.org/fhir/StructureDefinition/"
MIN_VALUE_URL = EXT + "minValue"
MAX_VALUE_URL = EXT + "maxValue"
UNIT_URL = EXT + "questionnaire-unit"
OPTION_EXCLUSIVE_URL = EXT + "questionnaire-optionExclusive"
DATA_ABSENT_REASON_URL = EXT + "data-absent-reason"
DATA_ABSENT_REASON_SYSTEM = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
ASKED_UNKNOWN = "asked-unknown"
UCUM = "http://unitsofmeasure.org"
UCUM_CODES = {"years": "a", "mmHg": "mm[Hg]", "points": "{score}", "cm": "cm", "kg": "kg", "kg/m²": "kg/m2"}
PATIENT_ID = "patient"
PATIENT_REFERENCE = {"reference": f"#{PATIENT_ID}"}
IDENTIFIER_TYPES = "http://terminology.hl7.org/CodeSystem/v2-0203"
MEDICAL_RECORD_NUMBER = {"coding": [{"system": IDENTIFIER_TYPES, "code": "MR", "display": "Medical record number"}]}

def canonical_url(base: str = DEFAULT_BASE) -> str:
    return f"{base.rstrip('/')}/Questionnaire/{QUESTIONNAIRE_ID}"


def unknown_answer_url(base: str = DEFAULT_BASE) -> str:
    return f"{base.rstrip('/')}/StructureDefinition/unknown-answer"


def show_when_url(base: str = DEFAULT_BASE) -> str:
    return f"{base.rstrip('/')}/StructureDefinition/show-when"


def answer_system(question_id: str, base: str = DEFAULT_BASE) -> str:
    return f"{canonical_url(base)}/answers/{question_id}"


def reference_system(base: str = DEFAULT_BASE) -> str:
    return f"{base.rstrip('/')}/sid/submission-reference"


def record_number_system(base: str = DEFAULT_BASE) -> str:
    """The clinic's record numbers: under the clinic's own FHIR base, as they are the clinic's identifiers."""
    return f"{base.rstrip('/')}/sid/record-number"


def group_link_id(step: Step) -> str:
    return f"step.{step.id}"


def catalogue_version(questionnaire: Questionnaire = QUESTIONNAIRE) -> str:
    return questionnaire.version


# --- The Questionnaire -------------------------------------------------------------------------------


def asked_as_items(step: Step) -> tuple[Question, ...]:
    """The step's questions that are items: all but the identity ones, which are the subject (see above)."""
    return tuple(q for q in step.questions if not q.identity)


def build_questionnaire(base: str = DEFAULT_BASE, questionnaire: Questionnaire = QUESTIONNAIRE) -> dict[str, Any]:
    catalogue = questionnaire.catalogue
    groups = [_group(step, questionnaire, base) for step in catalogue.steps if asked_as_items(step)]
    if catalogue.scores:
        groups.append({
            "linkId": "scores", "type": "group", "text": "Scores worked out from the answers",
            "item": [{**_question_item(score, questionnaire, base), "readOnly": True, "required": False}
                     for score in catalogue.scores],
        })
    return {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        "url": canonical_url(base),
        "version": catalogue_version(questionnaire),
        "name": NAME,
        "title": TITLE,
        "status": "active",
        "language": ENGLISH,
        "subjectType": ["Patient"],
        "description": "Health history asked before ketamine treatment. The answers make a 'discuss with your "
                       "doctor' summary of topics to talk through; they decide nothing by themselves.",
        "item": groups,
    }


def _group(step: Step, questionnaire: Questionnaire, base: str) -> dict[str, Any]:
    items: list[dict[str, Any]] = []
    if step.intro:
        items.append({"linkId": f"{group_link_id(step)}.intro", "type": "display", **_text(step.intro)})
    items.extend(_question_item(q, questionnaire, base) for q in asked_as_items(step))
    return {"linkId": group_link_id(step), "type": "group", **_text(step.title), "item": items}


def translations(text: str) -> dict[str, Any]:
    """The element extension holding `text` in every other language the app has (FHIR's `translation`)."""
    return {"extension": [
        {"url": TRANSLATION_URL, "extension": [{"url": "lang", "valueCode": code},
                                               {"url": "content", "valueString": words(code).gettext(text)}]}
        for code in LANGUAGES if code != ENGLISH]}


def _text(text: str, key: str = "text") -> dict[str, Any]:
    """`text` as an element's `key`, with its translations on `_key`."""
    return {key: text, f"_{key}": translations(text)}


def _coding(question: Question, value: str, base: str, translated: bool = False) -> dict[str, Any]:
    coding = {"system": answer_system(question.id, base), "code": value}
    label = question.choice_label(value)
    if not label:
        return coding
    return {**coding, **(_text(label, "display") if translated else {"display": label})}


def _question_item(question: Question, questionnaire: Questionnaire, base: str) -> dict[str, Any]:
    item: dict[str, Any] = {"linkId": question.id, **_text(question.label)}
    extensions: list[dict[str, Any]] = []
    if question.type in (CHOICE, MULTI):
        item["type"] = "choice"
        if question.type == MULTI:
            item["repeats"] = True
        item["answerOption"] = [
            {"valueCoding": _coding(question, c.value, base, translated=True),
             **({"extension": [{"url": OPTION_EXCLUSIVE_URL, "valueBoolean": True}]} if c.exclusive else {})}
            for c in question.all_choices
        ]
    elif question.type == NUMBER:
        item["type"] = "decimal" if question.decimal else "integer"
        value_key = "valueDecimal" if question.decimal else "valueInteger"
        if question.min is not None:
            extensions.append({"url": MIN_VALUE_URL, value_key: question.min})
        if question.max is not None:
            extensions.append({"url": MAX_VALUE_URL, value_key: question.max})
        if question.unit:
            unit = {"display": question.unit}
            if question.unit in UCUM_CODES:
                unit = {"system": UCUM, "code": UCUM_CODES[question.unit], "display": question.unit}
            extensions.append({"url": UNIT_URL, "valueCoding": unit})
        if question.unknown:
            extensions.append({"url": unknown_answer_url(base), "valueCoding": {
                "system": DATA_ABSENT_REASON_SYSTEM, "code": ASKED_UNKNOWN, "display": question.unknown.label}})
    elif question.type == TEXT:
        item["type"] = "text"
        item["maxLength"] = question.max_length
    elif question.type == DATE:
        item["type"] = "date"  # none today: the only date asked is the date of birth, an identity question
    else:  # pragma: no cover - the catalogue refuses other types
        raise ValueError(f"no FHIR item type for {question.type!r}")
    if question.show_when is not None and not question.points:
        condition = questionnaire.show_when.get(question.id)
        translated = enable_when(condition, questionnaire, base) if condition is not None else None
        if translated is None:
            extensions.append({"url": show_when_url(base), "valueString": json.dumps(question.show_when)})
        else:
            conditions, behavior = translated
            item["enableWhen"] = conditions
            if len(conditions) > 1:
                item["enableBehavior"] = behavior
    if extensions:
        item = {"extension": extensions, **item}
    item["required"] = question.required
    if question.hint:
        item["item"] = [{"linkId": f"{question.id}.hint", "type": "display", **_text(question.hint)}]
    return item


class _Inexpressible(Exception):
    pass


def enable_when(condition: Condition, questionnaire: Questionnaire = QUESTIONNAIRE,
                base: str = DEFAULT_BASE) -> tuple[list[dict[str, Any]], str] | None:
    """(enableWhen list, enableBehavior) saying exactly `condition`, or None when FHIR cannot."""
    try:
        if isinstance(condition, (All, Any_)):
            behavior = "all" if isinstance(condition, All) else "any"
            conditions: list[dict[str, Any]] = []
            for part in condition.parts:
                if not isinstance(part, Comparison):
                    raise _Inexpressible
                more, inner = _comparison(part, questionnaire, base)
                if len(more) > 1 and inner != behavior:
                    raise _Inexpressible
                conditions.extend(more)
            return conditions, behavior
        if isinstance(condition, Comparison):
            return _comparison(condition, questionnaire, base)
        raise _Inexpressible
    except _Inexpressible:
        return None


def _comparison(c: Comparison, questionnaire: Questionnaire, base: str) -> tuple[list[dict[str, Any]], str]:
    question = questionnaire.catalogue[c.question]

    def equals(value: str, operator: str = "=") -> dict[str, Any]:
        return {"question": c.question, "operator": operator, "answerCoding": _coding(question, value, base)}

    if question.points:
        raise _Inexpressible  # a score is read-only, and not answered when it cannot be worked out
    operator = OPERATORS[c.operator]
    if operator.value == STATE:
        return _state(c, question, equals)
    if operator.fhir is None:
        raise _Inexpressible
    if operator.fhir.answer == FHIR_INTEGER and question.decimal:
        return [{"question": c.question, "operator": operator.fhir.operator, "answerDecimal": c.value}], "all"
    if operator.fhir.answer == FHIR_INTEGER:
        if isinstance(c.value, float) and not c.value.is_integer():
            raise _Inexpressible
        return [{"question": c.question, "operator": operator.fhir.operator, "answerInteger": int(c.value)}], "all"
    values = c.value if isinstance(c.value, list) else [c.value]
    return [equals(v, operator.fhir.operator) for v in values], operator.fhir.behavior


def _state(c: Comparison, question: Question, equals) -> tuple[list[dict[str, Any]], str]:
    if question.type in (NUMBER, TEXT) and c.value in (ANSWERED, NOT_ANSWERED):
        # A number's "I don't know" is an item with no answer, so `exists` means exactly "answered".
        return [{"question": c.question, "operator": "exists", "answerBoolean": c.value == ANSWERED}], "all"
    if question.type in (CHOICE, MULTI):
        real = [v for v in question.values if v not in SPECIAL_VALUES]
        if c.value == ANSWERED and real:
            return [equals(v) for v in real], "any"
        special = {IS_DONT_KNOW: DONT_KNOW, IS_PREFER_NOT: PREFER_NOT}.get(c.value)
        if special in question.values:
            return [equals(special)], "all"
    raise _Inexpressible


# --- A QuestionnaireResponse -------------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """Who the patient is, from a submission's identity columns; every part None when not given."""

    first_name: str | None = None
    last_name: str | None = None
    date_of_birth: date | None = None
    record_number: str | None = None
    phone: str | None = None
    email: str | None = None

    @classmethod
    def of(cls, submission: Any) -> "Identity":
        return cls(submission.first_name, submission.last_name, submission.date_of_birth,
                   submission.record_number, submission.phone, submission.email)

    @property
    def recorded(self) -> bool:
        """Anything given: a submission sent before identity was asked has nothing, and no Patient."""
        return any(astuple(self))


def build_response(reference: str, submitted_at: datetime, answers: Mapping[str, Any], base: str = DEFAULT_BASE,
                   questionnaire: Questionnaire = QUESTIONNAIRE, asked_with: str | None = None,
                   identity: Identity | None = None, language: str = ENGLISH) -> dict[str, Any]:
    """The response for one submission's stored answers; questions not asked or not answered are left out.
    `language`: the one the patient read the questions in.

    Scores are worked out as of the day it was sent (UTC), so an exported age is the age the rules saw.
    """
    with_scores = questionnaire.with_scores(answers, as_of=age_day(submitted_at))
    groups: list[dict[str, Any]] = []
    catalogue = questionnaire.catalogue
    sections = [(group_link_id(s), s.title, asked_as_items(s)) for s in catalogue.steps]
    if catalogue.scores:
        sections.append(("scores", "Scores worked out from the answers", catalogue.scores))
    for link_id, title, questions in sections:
        items = [item for q in questions if (item := _answer_item(q, with_scores, base)) is not None]
        if items:
            groups.append({"linkId": link_id, "text": title, "item": items})
    response: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": reference,
        "identifier": {"system": reference_system(base), "value": reference},
        "questionnaire": f"{canonical_url(base)}|{asked_with or catalogue_version(questionnaire)}",
        "status": "completed",
        "authored": iso_utc(submitted_at),
        "language": language,
    }
    if identity is not None and identity.recorded:
        response.update(contained=[patient(identity, base)], subject=PATIENT_REFERENCE, author=PATIENT_REFERENCE,
                        source=PATIENT_REFERENCE)
    if groups:
        response["item"] = groups
    return response


def response_for(submission: Any, base: str = DEFAULT_BASE,
                 questionnaire: Questionnaire = QUESTIONNAIRE) -> dict[str, Any]:
    """The response for a stored submission, with its patient (screening.records.models.Submission)."""
    return build_response(submission.reference, submission.submitted_at, submission.answers, base=base,
                          questionnaire=questionnaire, asked_with=submission.catalogue_version or None,
                          identity=Identity.of(submission), language=getattr(submission, "language", None) or ENGLISH)


def patient(identity: Identity, base: str = DEFAULT_BASE) -> dict[str, Any]:
    """The contained Patient: only what the patient gave, so no element is ever empty (FHIR forbids that)."""
    resource: dict[str, Any] = {"resourceType": "Patient", "id": PATIENT_ID}
    if identity.record_number:
        resource["identifier"] = [{"type": MEDICAL_RECORD_NUMBER, "system": record_number_system(base),
                                   "value": identity.record_number}]
    name = {k: v for k, v in (("family", identity.last_name),
                              ("given", [identity.first_name] if identity.first_name else None)) if v}
    if name:
        resource["name"] = [name]
    telecom = [{"system": system, "value": value}
               for system, value in (("phone", identity.phone), ("email", identity.email)) if value]
    if telecom:
        resource["telecom"] = telecom
    if identity.date_of_birth:
        resource["birthDate"] = identity.date_of_birth.isoformat()
    return resource


def _answer_item(question: Question, answers: Mapping[str, Any], base: str) -> dict[str, Any] | None:
    if question.id not in answers:
        return None
    value = answers[question.id]
    item: dict[str, Any] = {"linkId": question.id, "text": question.label}
    if question.type == NUMBER:
        if question.unknown and value == question.unknown.value:
            return {"extension": [{"url": DATA_ABSENT_REASON_URL, "valueCode": ASKED_UNKNOWN}], **item}
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        if question.decimal:
            item["answer"] = [{"valueDecimal": round(value, 1)}]
        elif int(value) != value:
            return None  # not a whole number: nothing valid to say, and the catalogue never stores one
        else:
            item["answer"] = [{"valueInteger": int(value)}]
    elif question.type == DATE:
        if parse_iso(value) is None:
            return None
        item["answer"] = [{"valueDate": value}]
    elif question.type == TEXT:
        if not isinstance(value, str) or not value.strip():
            return None
        # A text question's other answer ("I will bring a list") has no code in FHIR's text type: its words.
        said = question.unknown.label if question.unknown and value == question.unknown.value else value
        item["answer"] = [{"valueString": said}]
    else:
        values = value if isinstance(value, list) else [value]
        item["answer"] = [{"valueCoding": _coding(question, str(v), base)} for v in values]
        if not item["answer"]:
            return None
    return item
