"""Every follow-up is asked: whatever an answer reveals, required or optional, is on the patient's screen
before the step is left, and no question in the catalogue is unreachable.

Requirement (issue 7, "Every follow-up is asked"): for every question with a show-when, an answer set that
reveals it is built from the condition itself; the step is walked through Flask's test client as a browser
does (open the page, post it); the question must be rendered before the patient can move on.
"""
from __future__ import annotations

from typing import Any

import pytest

from screening.catalogue.types import MULTI, NUMBER, Question
from screening.conditions.language import All, Any_, Comparison, Condition
from screening.conditions.operators import (ABOVE, ANSWERED, AT_LEAST, AT_MOST, BELOW, EQUALS, INCLUDES,
                                            INCLUDES_ANY, IS, IS_DONT_KNOW, IS_PREFER_NOT, ONE_OF)
from screening.questionnaire import QUESTIONNAIRE as Q
from tests.conftest import HEALTHY

FOLLOW_UPS = [q for q in Q.catalogue.asked if q.show_when]


def satisfying(condition: Condition) -> dict[str, Any]:
    """Answers that make `condition` true; a test failure names a condition this cannot satisfy."""
    if isinstance(condition, All):
        answers: dict[str, Any] = {}
        for part in condition.parts:
            answers.update(satisfying(part))
        return answers
    if isinstance(condition, Any_):
        return satisfying(condition.parts[0])
    if isinstance(condition, Comparison):
        question = Q.catalogue[condition.question]
        value = condition.value
        choose = {
            EQUALS: lambda: value, ONE_OF: lambda: value[0], INCLUDES: lambda: [value],
            INCLUDES_ANY: lambda: [value[0]], AT_LEAST: lambda: value, AT_MOST: lambda: value,
            ABOVE: lambda: value + 1, BELOW: lambda: value - 1, IS: lambda: state(question, value),
        }
        return {condition.question: choose[condition.operator]()}
    raise AssertionError(f"no answers can be built for {condition.describe()}")


def state(question: Question, wanted: str) -> Any:
    if wanted == ANSWERED:
        return a_real_answer(question)
    special = {IS_DONT_KNOW: "dont_know", IS_PREFER_NOT: "prefer_not_to_say"}[wanted]
    return [special] if question.type == MULTI else special


def a_real_answer(question: Question) -> Any:
    if question.type == NUMBER:
        return question.min
    first = next(c.value for c in question.choices if not c.exclusive)
    return [first] if question.type == MULTI else first


def revealing(question: Question) -> dict[str, Any]:
    """A patient with nothing else to report whose answers reveal `question`."""
    answers = {**HEALTHY, **satisfying(Q.show_when[question.id])}
    for _ in range(5):  # a revealing answer may itself sit behind a show-when: reveal that too
        hidden = [q for q in Q.catalogue.asked if q.id in answers and not Q.is_asked(q, answers)]
        if not hidden:
            break
        for parent in hidden:
            answers.update(satisfying(Q.show_when[parent.id]))
    assert Q.is_asked(question, answers), f"{question.id} cannot be reached from its show-when"
    return answers


def step_of(question: Question):
    return next(s for s in Q.catalogue.steps if question in s.questions)


@pytest.mark.parametrize("question", FOLLOW_UPS, ids=[q.id for q in FOLLOW_UPS])
def test_a_revealed_follow_up_is_on_the_screen_before_its_step_is_left(patient, question):
    answers = revealing(question)
    step = step_of(question)
    patient.start()
    for earlier in Q.catalogue.steps[:Q.catalogue.steps.index(step)]:
        first = patient.answer(earlier.slug, answers)
        if first.location.startswith(f"/step/{earlier.slug}"):
            patient.answer(earlier.slug, answers)
    page = patient.client.get(f"/step/{step.slug}")
    assert page.status_code == 200
    revealed_here = {q.id for q in step.questions if q.show_when and Q.is_asked(q, answers)}
    # Post the page as the patient first fills it: the answers that reveal, the follow-ups still empty.
    leaving = patient.client.post(f"/step/{step.slug}", data=_without(step, answers, revealed_here))
    if question.id in {q.id for q in Q.asked_in(step, _saved_before(step, answers))}:
        # Revealed by an answer on an earlier page: it was on this page when it opened.
        assert f'id="question-{question.id}"' in page.get_data(as_text=True)
        return
    # A follow-up of a follow-up on the same page (planning a pregnancy, after "not pregnant") comes a round later:
    # each round the patient answers what the page newly shows, and the page shows what that reveals.
    for _ in range(3):
        assert leaving.status_code == 303 and leaving.location == f"/step/{step.slug}#new-questions"
        again = patient.client.get(f"/step/{step.slug}").get_data(as_text=True)
        if f'id="question-{question.id}"' in again:
            break
        shown = [q for q in step.questions if f'id="question-{q.id}"' in again]
        answers = {**{q.id: a_real_answer(q) for q in shown}, **answers}  # what the patient fills in now
        revealed_here -= {q.id for q in shown}
        leaving = patient.client.post(f"/step/{step.slug}", data=_without(step, answers, revealed_here))
    assert f'id="question-{question.id}"' in again and 'id="new-questions"' in again


def _saved_before(step, answers: dict[str, Any]) -> dict[str, Any]:
    """What was saved when the step's page opened: the earlier steps' answers."""
    earlier = {q.id for s in Q.catalogue.steps[:Q.catalogue.steps.index(step)] for q in s.questions}
    return {k: v for k, v in answers.items() if k in earlier}


def _without(step, answers: dict[str, Any], leave_out: set[str]) -> dict[str, Any]:
    from tests.conftest import form_data

    return form_data(step.slug, {k: v for k, v in answers.items() if k not in leave_out})


def test_every_question_with_a_show_when_can_be_revealed():
    assert all(Q.is_asked(q, revealing(q)) for q in FOLLOW_UPS)


def test_an_optional_follow_up_left_blank_after_it_was_shown_lets_the_patient_move_on(patient):
    answers = {**HEALTHY, "reactions": ["ketamine"]}
    patient.start()
    for step in Q.catalogue.steps:
        response = patient.answer(step.slug, answers)
        if response.location.startswith(f"/step/{step.slug}"):
            response = patient.answer(step.slug, answers)
        assert not response.location.startswith(f"/step/{step.slug}"), step.slug
    assert patient.client.get("/check").status_code == 200
