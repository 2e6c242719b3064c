"""Anything typed into a field, on a wizard step or in the rules sandbox, gets a page back, never a server error.

Requirement (issue 6, "Numbers" and "Bad input"): only ASCII digits 0-9 count as digits wherever a number is
typed; anything else, however exotic or long, is a validation message in the page's own words, never a 5xx.
Hypothesis posts arbitrary Unicode (surrogates aside: a browser cannot encode them) into every number, text and
choice field of every step and of the sandbox; tests/wizard/test_views.py and tests/staff/test_rules_pages.py
show the messages for the exotic digits found this way.
"""
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from screening.catalogue.measures import MEASURES
from screening.catalogue.types import CHOICE, DATE, MULTI, NUMBER
from screening.questionnaire import QUESTIONNAIRE

from tests.conftest import HEALTHY

STEPS = QUESTIONNAIRE.catalogue.steps

# Each example is a real request; a few dozen per form keep the file quick.
BOUNDED = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# What str.isdigit() or int() take beyond 0-9, and near misses of a number.
NUMBER_LOOKALIKES = st.sampled_from(["²", "1²", "¹²³", "₂₀", "٣", "٤٢", "１２", "߁", "--5", "-", "+5", "1_000",
                                     "4.5", "1e3", "0x1f", "½", "Ⅻ", "9" * 30])
OTHER_DIGITS = st.text(st.characters(categories=["Nd", "Nl", "No"]), min_size=1, max_size=6)
# Built by repetition: Hypothesis draws text one character at a time, so a long draw would be slow.
LONG = st.tuples(st.text(min_size=1, max_size=3), st.integers(100, 1500)).map(lambda pair: pair[0] * pair[1])
TYPED = st.one_of(st.text(), OTHER_DIGITS, NUMBER_LOOKALIKES, LONG)
MEASURE_LOOKALIKES = st.sampled_from(["5 ft 12 in", "5'7'7", "5 ft 7 in 3", "1.7.0 m", "٥ ft ٧ in", "５ ft", "0 cm",
                                      "-170 cm", "9999 lb", "5 ft 7 kg", "kg", "'", "\"", "5  ' 7  \"", "1e2 cm"])
# Whole numbers of any size: a month of 9999999999 once reached date() and overflowed.
BIG = st.integers(-10 ** 12, 10 ** 12).map(str)


def answer_to(question) -> st.SearchStrategy:
    """Anything typed, or now and then a real answer, so that the follow-ups it opens are validated too."""
    if question.measure:
        # A height or weight in its units, "5 ft 7 in" or "73 kg": the most likely typing, and the nearest misses.
        kind = MEASURES[question.measure]
        real = st.floats(question.min, question.max).map(lambda v: kind.typed_form(round(v, 1)))
        typed = st.one_of(TYPED, real, MEASURE_LOOKALIKES)
    elif question.type == NUMBER:
        typed = st.one_of(TYPED, st.integers(question.min, question.max).map(str))
    elif question.type in (CHOICE, MULTI):
        typed = st.one_of(TYPED, st.sampled_from(question.values))
    else:
        typed = TYPED
    return st.lists(typed, max_size=3) if question.type == MULTI else typed


def posted(questions) -> st.SearchStrategy:
    """A form for these questions, any field of it left out, the "I don't know" box included."""
    fields = {}
    for question in questions:
        if question.type == DATE:
            for part in ("month", "day", "year"):
                fields[f"{question.id}-{part}"] = st.one_of(TYPED, BIG, st.integers(1, 31).map(str))
            continue
        fields[question.id] = answer_to(question)
        if question.type == NUMBER and question.unknown:
            fields[f"{question.id}-unknown"] = st.one_of(st.just(question.unknown.value), TYPED)
    return st.fixed_dictionaries({}, optional=fields)


def refused_politely(response, form) -> None:
    assert response.status_code < 500, (form, response.get_data(as_text=True)[:2000])


@pytest.fixture
def at_step(request, patient):
    """A patient on the step given as the parameter, every step before it answered."""
    step = request.param
    patient.start()
    for earlier in STEPS[:STEPS.index(step)]:
        assert patient.answer(earlier.slug, HEALTHY).status_code == 303
    return patient.client, step


@pytest.fixture
def rules_client(staff):
    return staff(("rules",))


@pytest.mark.parametrize("at_step", STEPS, ids=[step.slug for step in STEPS], indirect=True)
@BOUNDED
@given(data=st.data())
def test_anything_typed_into_a_step_gets_a_page_not_a_server_error(at_step, data):
    client, step = at_step
    form = data.draw(posted(step.questions), label="form")
    refused_politely(client.post(f"/step/{step.slug}", data=form), form)


@BOUNDED
@given(form=posted(QUESTIONNAIRE.catalogue.asked))
def test_anything_typed_into_the_sandbox_gets_a_page_not_a_server_error(rules_client, form):
    refused_politely(rules_client.post("/staff/rules/try", data=form), form)


@BOUNDED
@given(form=posted([QUESTIONNAIRE.catalogue["date_of_birth"]]))
def test_anything_typed_into_the_invitation_date_of_birth_gets_a_page_not_a_server_error(invited, form):
    refused_politely(invited.post("/invite", data=form), form)


@pytest.fixture
def invited(app):
    """A browser holding an invitation's link, on the page that asks for the date of birth."""
    from datetime import date

    from screening.records import database, invitations

    with app.app_context():
        db = database.session()
        _, token = invitations.create(db, first_name="Ana", last_name="Diaz", date_of_birth=date(1990, 4, 2), days=14)
        db.commit()
    client = app.test_client()
    client.get(f"/invite?t={token}")
    return client
