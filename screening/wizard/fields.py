"""WTForms fields for each question type, built from the catalogue.

Every message names the question, because the error summary shows it away from the field. Questions come in the
patient's language (Questionnaire.in_language), and so do the messages (screening.language.choose).
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wtforms import Field, Form, RadioField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import StopValidation, ValidationError

from screening.catalogue.formats import FORMATS, birth_date_problem, parts_problem, text_problem
from screening.catalogue.measures import MAX_TYPED, MEASURES, Measure
from screening.catalogue.types import CHOICE, DATE, MULTI, NUMBER, Question
from screening.clock import utcnow
from screening.language.choose import _, current_words
from screening.typed import whole_number

class Answered:
    """Stops validation with a message when nothing was given."""

    def __init__(self, message: str):
        self.message = message
        self.field_flags = {"required": True}

    def __call__(self, form: Form, field: Field) -> None:
        given = getattr(field, "raw", "") or getattr(field, "unknown_ticked", False)
        if field.data in (None, "", []) and not given:
            field.errors[:] = []
            raise StopValidation(self.message)


class KnownChoices:
    """Refuses a value the question does not offer (a forged or stale form)."""

    def __init__(self, question: Question):
        self.question = question

    def __call__(self, form: Form, field: Field) -> None:
        if not self.question.offers(field.data if isinstance(field.data, list) else [field.data]):
            raise StopValidation(_("Select one of the answers listed for “%(label)s”", label=self.question.label))


class ExclusiveChoice:
    """“None of these”, “I don't know” and the like cannot be ticked with other answers."""

    def __init__(self, question: Question):
        self.question = question

    def __call__(self, form: Form, field: Field) -> None:
        alone = self.question.exclusive_among(field.data)
        if alone is not None:
            raise ValidationError(_("Select “%(choice)s” on its own, or uncheck it, for “%(label)s”",
                                    choice=alone.label, label=self.question.label))


class InRange:
    def __init__(self, question: Question):
        self.question = question

    def __call__(self, form: Form, field: "NumberOrUnknownField") -> None:
        q = self.question
        if field.unknown_ticked:
            if field.raw:
                raise StopValidation(_("Either enter a number or check “%(choice)s” for “%(label)s”, not both",
                                       choice=q.unknown.label, label=q.label))
            return
        number = whole_number(field.raw)
        if number is None:
            raise StopValidation(_("Enter “%(label)s” as a whole number in %(unit)s, like %(example)d", label=q.label,
                                   unit=q.unit, example=q.min + (q.max - q.min) // 3))
        if not q.min <= number <= q.max:
            raise StopValidation(_("“%(label)s” must be between %(min)d and %(max)d %(unit)s", label=q.label,
                                   min=q.min, max=q.max, unit=q.unit))


class NumberOrUnknownField(Field):
    """A whole number, or the question's one non-numeric answer ticked in a checkbox beside it (or beside
    the question it shares that box with)."""

    def __init__(self, *args: Any, unknown_value: str | None = None, unknown_name: str | None = None,
                 **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.unknown_value = unknown_value
        self.unknown_name = unknown_name
        self.raw = ""
        self.unknown_ticked = False

    def process(self, formdata, data=None, extra_filters=None):  # type: ignore[override]
        super().process(formdata, data, extra_filters)
        if formdata is not None:
            box = self.unknown_name or f"{self.name}-unknown"
            self.unknown_ticked = bool(self.unknown_value) and formdata.get(box) == self.unknown_value
        elif data is not None and data is not unset_value:
            self.unknown_ticked = data == self.unknown_value
            self.raw = "" if self.unknown_ticked else str(data)

    def process_formdata(self, valuelist: list[str]) -> None:
        self.raw = valuelist[0].strip()[:20] if valuelist else ""

    def post_validate(self, form: Form, validation_stopped: bool) -> None:
        if not validation_stopped and not self.errors:
            self.data = self.unknown_value if self.unknown_ticked else whole_number(self.raw)

    def _value(self) -> str:
        return self.raw


class MeasureField(NumberOrUnknownField):
    """A height or weight typed with its unit ("5 ft 7 in", "73 kg"), kept in metric; a saved one is put back
    in the box in a form that reads back as the same value."""

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.measure = measure

    def process(self, formdata, data=None, extra_filters=None):  # type: ignore[override]
        super().process(formdata, data, extra_filters)
        if formdata is None and isinstance(data, (int, float)) and not isinstance(data, bool):
            self.raw = self.measure.typed_form(data)

    def process_formdata(self, valuelist: list[str]) -> None:
        # Kept whole up to a little past MAX_TYPED, so a long paste is refused rather than cut into a height.
        self.raw = valuelist[0].strip()[:MAX_TYPED + 1] if valuelist else ""

    def post_validate(self, form: Form, validation_stopped: bool) -> None:
        if not validation_stopped and not self.errors:
            self.data = self.unknown_value if self.unknown_ticked else self.measure.read(self.raw)


class Measured:
    def __init__(self, question: Question):
        self.question = question
        self.measure = MEASURES[question.measure]

    def __call__(self, form: Form, field: MeasureField) -> None:
        if field.unknown_ticked:
            if field.raw:
                raise StopValidation(_("Either enter your %(what)s or check “%(choice)s”, not both",
                                       what=_(self.measure.title).lower(), choice=self.question.unknown.label))
            return
        problem = self.measure.problem(field.raw, current_words())
        if problem:
            raise StopValidation(problem)


class TextOrUnknownField(TextAreaField):
    """A text, or the question's other answer ticked in a checkbox under it."""

    def __init__(self, *args: Any, unknown_value: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.unknown_value = unknown_value
        self.unknown_ticked = False

    def process(self, formdata, data=None, extra_filters=None):  # type: ignore[override]
        super().process(formdata, data, extra_filters)
        if formdata is not None:
            self.unknown_ticked = formdata.get(f"{self.name}-unknown") == self.unknown_value
        elif data == self.unknown_value:
            self.unknown_ticked, self.data = True, ""

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = valuelist[0].strip() if valuelist else ""

    def post_validate(self, form: Form, validation_stopped: bool) -> None:
        if not validation_stopped and not self.errors and self.unknown_ticked:
            self.data = self.unknown_value


class TextOrUnknown:
    def __init__(self, question: Question):
        self.question = question

    def __call__(self, form: Form, field: TextOrUnknownField) -> None:
        q = self.question
        if field.unknown_ticked and field.data:
            raise StopValidation(_("Either write “%(label)s” or check “%(choice)s”, not both", label=q.label,
                                   choice=q.unknown.label))


class DateField(Field):
    """A date in three boxes, month, day and year (the GOV.UK date input, in US order), kept as YYYY-MM-DD."""

    PARTS = ("month", "day", "year")

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.parts = dict.fromkeys(self.PARTS, "")

    def process(self, formdata, data=None, extra_filters=None):  # type: ignore[override]
        self.process_errors = []
        self.data = None
        if formdata is not None:
            self.parts = {p: (formdata.get(f"{self.name}-{p}") or "").strip()[:10] for p in self.PARTS}
            self.raw_data = [v for v in self.parts.values() if v]
        elif isinstance(data, str) and len(data) == 10:
            self.data = data
            self.parts = {"year": data[:4], "month": str(int(data[5:7])), "day": str(int(data[8:10]))}

    @property
    def raw(self) -> str:
        return "".join(self.parts.values())

    def _value(self) -> str:
        return self.data or ""


class BirthDate:
    """A real date, in the past, within a lifetime; the messages of the GOV.UK date input."""

    def __init__(self, question: Question):
        self.question = question

    def __call__(self, form: Form, field: DateField) -> None:
        what = self.question.short
        words = current_words()
        born, problem = parts_problem(field.parts["month"], field.parts["day"], field.parts["year"], words)
        if born is not None:
            problem = birth_date_problem(born, utcnow().date(), words)
        if problem:
            raise StopValidation(problem if problem[0].isupper() else _("%(what)s %(problem)s", what=what,
                                                                         problem=problem))
        field.data = born.isoformat()


class Formatted:
    """A name, phone number, email address or record number as its format allows (screening.catalogue.formats)."""

    def __init__(self, question: Question):
        self.question = question

    def __call__(self, form: Form, field: Field) -> None:
        problem = text_problem(self.question.format, field.data, current_words()) if field.data else None
        if problem:
            raise StopValidation(_("%(what)s %(problem)s", what=self.question.short, problem=problem))


class OneLineField(Field):
    def __init__(self, *args: Any, input_type: str = "text", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.input_type = input_type

    def process_formdata(self, valuelist: list[str]) -> None:
        # A pasted line break would split a name on the printed sheet; it becomes a space.
        self.data = " ".join(valuelist[0].split()) if valuelist else ""

    def _value(self) -> str:
        return self.data or ""


class ChoiceField(RadioField):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, validate_choice=False, **kwargs)


class MultiChoiceField(SelectMultipleField):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, validate_choice=False, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = list(dict.fromkeys(valuelist))


def _choices(question: Question) -> list[SelectChoice]:
    return [SelectChoice(c.value, c.label) for c in question.choices]


def field_for(question: Question) -> Field:
    label = question.label
    if question.type == DATE:
        return DateField(label, validators=[Answered(_("Enter %(what)s", what=question.error or label)),
                                            BirthDate(question)])
    if question.format:
        required = [Answered(_("Enter your %(what)s", what=question.short.lower()))] if question.required else []
        return OneLineField(label, input_type=FORMATS[question.format].input_type,
                            validators=[*required, Formatted(question)])
    if question.type == CHOICE:
        return ChoiceField(label, choices=_choices(question),
                           validators=[Answered(_("Select an answer to “%(label)s”", label=label)), KnownChoices(question)])
    if question.type == MULTI:
        return MultiChoiceField(label, choices=_choices(question),
                                validators=[Answered(_("Select at least one answer to “%(label)s”", label=label)),
                                            KnownChoices(question), ExclusiveChoice(question)])
    if question.measure:
        return MeasureField(label, unknown_value=question.unknown.value, measure=MEASURES[question.measure],
                            validators=[Answered(_("Enter your %(what)s, or check “%(choice)s”",
                                                   what=_(MEASURES[question.measure].title).lower(),
                                                   choice=question.unknown.label)),
                                        Measured(question)])
    if question.type == NUMBER:
        message = (_("Enter “%(label)s” in %(unit)s, or check “%(choice)s”", label=label, unit=question.unit,
                     choice=question.unknown.label) if question.unknown
                   else _("Enter “%(label)s” in %(unit)s", label=label, unit=question.unit))
        return NumberOrUnknownField(label, unknown_value=question.unknown.value if question.unknown else None,
                                    unknown_name=f"{question.unknown_with}-unknown" if question.unknown_with else None,
                                    validators=[Answered(message), InRange(question)])
    if question.unknown:
        return TextOrUnknownField(label, unknown_value=question.unknown.value,
                                  validators=[Answered(_("Write “%(label)s”, or check “%(choice)s”", label=label,
                                                         choice=question.unknown.label)),
                                              TextOrUnknown(question), _MaxLength(question)])
    return TextAreaField(label, filters=[lambda s: s.strip() if isinstance(s, str) else s],
                         validators=[_MaxLength(question)])


class _MaxLength:
    def __init__(self, question: Question):
        self.question = question

    def __call__(self, form: Form, field: Field) -> None:
        if field.data and len(field.data) > self.question.max_length:
            raise ValidationError(_("“%(label)s” must be %(count)d characters or fewer", label=self.question.label,
                                    count=self.question.max_length))


def form_for(questions: list[Question], formdata=None, data: dict[str, Any] | None = None) -> Form:
    """A form with one field per question, named by question id; CSRF is checked app-wide by CSRFProtect."""
    key = tuple(map(id, questions))
    if key not in _FORM_CLASSES:
        # The questions are kept with their class, so no id in a key is ever reused by another object.
        _FORM_CLASSES[key] = (tuple(questions), type("StepForm", (Form,), {q.id: field_for(q) for q in questions}))
    return _FORM_CLASSES[key][1](formdata=formdata, data=data or {})


# One form class per list of questions a page asks, made on first use, as a WTForms form is declared once:
# a class made per request cost a step page a tenth of its time. The lists are the steps' branchings, a few
# hundred at most.
_FORM_CLASSES: dict[tuple[int, ...], tuple[tuple[Question, ...], type[Form]]] = {}



class ShownChoice:
    """A choice question's saved answer as a step page shows it: all the question macro reads of a bound field."""
    __slots__ = ("data",)
    errors: tuple = ()

    def __init__(self, data: Any):
        self.data = data


class ChoiceFields:
    """A page of choice questions with no WTForms form bound: on a GET shown from the saved answers, the form a
    GET would bind being only ever read for these values (tests/wizard/test_page_frames.py compares the two
    pages); on a POST read and checked as the bound form would (posted_choices)."""
    errors: dict = {}

    def __init__(self, fields: dict[str, Any]):
        self._fields = fields

    def __getitem__(self, question_id: str) -> Any:
        return self._fields[question_id]


def shown_choices(questions: list[Question], saved: dict[str, Any]) -> ChoiceFields | None:
    """The page's fields when it asks choice questions only and each saved answer is one of their choices, as
    WTForms would read it; None otherwise (bind the form: form_for)."""
    fields = {}
    for question in questions:
        value = saved.get(question.id)
        values = question.choice_values
        if question.type == CHOICE and (value is None or (isinstance(value, str) and value in values)):
            fields[question.id] = ShownChoice(value)
        elif question.type == MULTI and (value is None or (isinstance(value, list) and all(
                isinstance(v, str) and v in values for v in value))):
            fields[question.id] = ShownChoice(None if value is None else list(value))
        else:
            return None
    return ChoiceFields(fields)


class PostedChoice:
    """A choice question's posted answer as the step POST reads it, with no WTForms field bound: valid or not,
    as the field's validators would find it. It holds no message: a page sent back with errors binds the form."""
    __slots__ = ("data", "valid", "errors")

    def __init__(self, data: Any, valid: bool):
        self.data, self.valid = data, valid
        self.errors: list = []

    def validate(self, form: Any) -> bool:
        self.errors = [] if self.valid else [_REFUSED]
        return self.valid


_REFUSED = "refused (the bound field gives the message)"


def posted_choices(questions: Iterable[Question], formdata) -> ChoiceFields | None:
    """The page's fields when every question on it is a choice question; None otherwise (bind the form:
    form_for). On a valid POST, most of them, binding the form cost more than everything else the save does
    (benchmarks/profile_step.py). As ChoiceField and MultiChoiceField take a post: a radio's first value, the
    boxes' values once each; checked as Answered, KnownChoices and ExclusiveChoice check them (tests/wizard/
    test_fields.py compares the two on generated posts)."""
    fields = {}
    for question in questions:
        posted = formdata.getlist(question.id) if question.id in formdata else []
        if question.type == CHOICE and not question.format:
            data = posted[0] if posted else None
            fields[question.id] = PostedChoice(data, data not in (None, "") and question.offers([data]))
        elif question.type == MULTI and not question.format:
            data = list(dict.fromkeys(posted))
            valid = bool(data) and question.offers(data) and question.exclusive_among(data) is None
            fields[question.id] = PostedChoice(data, valid)
        else:
            return None
    return ChoiceFields(fields)
