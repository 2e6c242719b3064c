"""The catalogue: one definition per question, branching that only looks back, sensible choices."""
from screening.catalogue import CATALOGUE
from screening.catalogue.types import CHOICE, DONT_KNOW, MULTI, PREFER_NOT
from screening.questionnaire import QUESTIONNAIRE


def test_there_are_twelve_steps():
    assert len(CATALOGUE.steps) == 12


def test_every_question_knows_its_step():
    assert all(q.step for q in CATALOGUE.asked)


def test_every_show_when_names_an_earlier_question():
    order = [q.id for q in CATALOGUE.asked]
    assert all(order.index(p) < order.index(q) for q, c in QUESTIONNAIRE.show_when.items() for p in c.questions())


def test_choice_questions_have_at_least_two_answers():
    assert all(len(q.choices) >= 2 for q in CATALOGUE.asked if q.type in (CHOICE, MULTI))


def test_sensitive_questions_offer_prefer_not_to_say():
    sensitive = ["pregnant", "drugs_past_year", "substance_history", "psychosis", "self_harm_thoughts"]
    assert all(PREFER_NOT in CATALOGUE[q].values for q in sensitive)


def test_blood_pressure_offers_i_dont_know():
    assert DONT_KNOW in CATALOGUE["bp_systolic"].values and DONT_KNOW in CATALOGUE["bp_diastolic"].values


def test_exclusive_answers_are_last_in_multiple_choice_lists():
    for question in CATALOGUE.asked:
        if question.type == MULTI:
            flags = [c.exclusive for c in question.choices]
            assert flags == sorted(flags), question.id
