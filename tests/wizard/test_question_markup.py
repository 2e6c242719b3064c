"""Choice questions' markup is rendered once per variant and kept; it is always what the macro renders, and the
cache never holds a typed answer."""
import dataclasses

import pytest
from markupsafe import Markup
from flask import render_template_string

from screening.questionnaire import QUESTIONNAIRE as Q
from screening.wizard.fields import form_for
from screening.wizard.question_markup import QuestionMarkup

CHOICE_QUESTIONS = [q for q in Q.catalogue.asked if q.type in ("choice", "multi")]
ONE_CHOICE = next(q for q in CHOICE_QUESTIONS if q.type == "choice")


def macro_markup(question, field) -> str:
    return render_template_string('{% import "macros.html" as m %}{{ m.question(q, f) }}', q=question, f=field)


def kept(app) -> QuestionMarkup:
    return app.jinja_env.globals["question_markup"]


def field_for(question, value=None):
    return form_for([question], data={question.id: value} if value is not None else {})[question.id]


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_choice_question_is_the_macros_markup_with_each_choice_ticked(app, language):
    with app.test_request_context("/", headers={"Accept-Language": language}):
        local = Q.in_language(language)
        for question in CHOICE_QUESTIONS:
            shown = local.catalogue[question.id]
            for value in [None] + [c.value for c in question.choices]:
                ticked = [value] if question.type == "multi" and value is not None else value
                field = field_for(shown, ticked)
                assert kept(app)(shown, field) == macro_markup(shown, field), (question.id, value)
                assert kept(app)(shown, field) == macro_markup(shown, field), "the kept copy, the second time"


def test_a_ticked_choice_gets_its_own_copy(app):
    question = ONE_CHOICE
    with app.test_request_context("/"):
        yes = kept(app)(question, field_for(question, question.choices[0].value))
        no = kept(app)(question, field_for(question, question.choices[1].value))
    assert yes != no
    assert yes.count(" checked") == no.count(" checked") == 1


def test_each_language_gets_its_own_copy(app):
    question = ONE_CHOICE
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        english = kept(app)(question, field_for(question))
    with app.test_request_context("/", headers={"Accept-Language": "es"}):
        local = Q.in_language("es").catalogue[ONE_CHOICE.id]
        spanish = kept(app)(local, field_for(local))
    assert english != spanish


def test_a_question_showing_an_error_is_not_kept(app):
    with app.test_request_context("/"):
        calls = []
        markup = QuestionMarkup(lambda q, f: calls.append(1) or "<div></div>")
        question = ONE_CHOICE
        field = type("Field", (), {"data": None, "errors": ["Select yes or no"]})()
        markup(question, field)
        markup(question, field)
        assert len(calls) == 2


def test_a_typed_answer_is_never_kept(app):
    with app.test_request_context("/"):
        calls = []
        markup = QuestionMarkup(lambda q, f: calls.append(1) or "<textarea></textarea>")
        question = next(q for q in Q.catalogue.asked if q.type not in ("choice", "multi", "date", "number"))
        field = type("Field", (), {"data": "a patient's own words", "errors": []})()
        markup(question, field)
        markup(question, field)
        assert len(calls) == 2 and not len(markup.variants)


def test_a_value_outside_the_catalogue_is_not_kept(app):
    with app.test_request_context("/"):
        markup = QuestionMarkup(lambda q, f: "<div></div>")
        question = ONE_CHOICE
        markup(question, type("Field", (), {"data": "not-a-choice", "errors": []})())
        assert not len(markup.variants)


def test_the_oldest_variant_goes_when_the_cache_is_full(app):
    with app.test_request_context("/"):
        markup = QuestionMarkup(lambda q, f: f"<div>{f.data}</div>", kept=2)
        question = ONE_CHOICE
        values = [c.value for c in question.choices] + [None]
        for value in values[:3]:
            markup(question, type("Field", (), {"data": value, "errors": []})())
        assert len(markup.variants) == 2
        assert [key[-1] for key in markup.variants.keys()] == [frozenset([values[1]]), frozenset([values[2]])]


def test_another_question_under_a_kept_id_gets_its_own_markup(app):
    markup = QuestionMarkup(lambda q, f: f"<div>{q.label}</div>")
    field = type("Field", (), {"data": None, "errors": []})()
    with app.test_request_context("/"):
        first = ONE_CHOICE
        markup(first, field)
        key = next(iter(markup.variants.keys()))
        other = dataclasses.replace(ONE_CHOICE, label="Another label")
        markup.variants.put(key, (other, Markup("<div>stale</div>")))  # as if `first` had gone and `other` took its id
        assert markup(first, field) == "<div>" + first.label + "</div>"
