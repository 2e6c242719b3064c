"""What answers mean: visibility, pruning, the AUDIT-C score, display and answer checks."""
import pytest

from screening.questionnaire import QUESTIONNAIRE as Q, answer_problem
from screening.catalogue import CATALOGUE
from tests.conftest import HEALTHY


def test_follow_up_is_asked_only_after_its_trigger():
    question = CATALOGUE["heart_attack_when"]
    assert (Q.is_asked(question, {"heart_attack": "yes"}), Q.is_asked(question, {"heart_attack": "dont_know"})) == \
        (True, False)


def test_prune_drops_answers_to_questions_not_asked():
    assert Q.prune({"heart_attack": "no", "heart_attack_when": "within_6_weeks"}) == {"heart_attack": "no"}


def test_prune_keeps_unknown_keys_out():
    assert Q.prune({"nonsense": 1}) == {}


@pytest.mark.parametrize("answers,score", [
    ({"alcohol_frequency": "never"}, 0),
    ({"alcohol_frequency": "2_to_3_a_week", "alcohol_typical": "3_to_4", "alcohol_six_or_more": "monthly"}, 6),
    ({"alcohol_frequency": "4_or_more_a_week", "alcohol_typical": "10_or_more", "alcohol_six_or_more": "daily"}, 12),
])
def test_audit_c_score(answers, score):
    assert Q.with_scores(answers)["audit_c_score"] == score


def test_audit_c_score_is_missing_when_a_part_is_prefer_not_to_say():
    answers = {"alcohol_frequency": "monthly_or_less", "alcohol_typical": "prefer_not_to_say",
               "alcohol_six_or_more": "never"}
    assert "audit_c_score" not in Q.with_scores(answers)


def test_display_of_a_hidden_question_is_not_asked():
    assert Q.display(CATALOGUE["heart_attack_when"], {"heart_attack": "no"}) == "Not asked"


def test_display_of_prefer_not_to_say():
    assert Q.display(CATALOGUE["pregnant"], {"sex_at_birth": "female", "pregnant": "prefer_not_to_say"}) == \
        "Prefer not to say"


def test_display_of_a_number_has_its_unit():
    assert Q.display(CATALOGUE["bp_systolic"], {"bp_systolic": 128}) == "128 mmHg"


def test_display_of_dont_know_for_a_number():
    assert Q.display(CATALOGUE["bp_systolic"], {"bp_systolic": "dont_know"}) == "I don't know my blood pressure"


@pytest.mark.parametrize("question,value", [
    ("bp_systolic", 400), ("bp_systolic", "high"), ("heart_attack", "maybe"), ("medicines", ["none", "opioids"]),
    ("medicines", "opioids"), ("brain_other", 5), ("audit_c_score", 3),
])
def test_answer_problem_refuses(question, value):
    assert answer_problem(CATALOGUE[question], value) is not None


@pytest.mark.parametrize("question,value", [
    ("bp_systolic", 120), ("bp_systolic", "dont_know"), ("heart_attack", "yes"), ("medicines", ["opioids", "maois"]),
    ("brain_other", "migraine"),
])
def test_answer_problem_accepts(question, value):
    assert answer_problem(CATALOGUE[question], value) is None


# -- age, worked out from the date of birth ------------------------------------------------------------------

def test_age_counts_whole_years_to_the_day():
    from datetime import date
    from screening.questionnaire import QUESTIONNAIRE as Q

    born = {"date_of_birth": "2008-06-01"}
    assert (Q.with_scores(born, date(2026, 5, 31))["age"], Q.with_scores(born, date(2026, 6, 1))["age"]) == (17, 18)


def test_someone_born_on_february_29_is_a_year_older_on_march_1():
    from datetime import date
    from screening.questionnaire import QUESTIONNAIRE as Q

    born = {"date_of_birth": "2008-02-29"}
    assert (Q.with_scores(born, date(2026, 2, 28))["age"], Q.with_scores(born, date(2026, 3, 1))["age"]) == (17, 18)


def test_the_day_an_age_is_worked_out_on_is_the_earliest_anywhere():
    """At 3 AM UTC on a birthday it is still the day before in the US: the age must not count it yet."""
    from datetime import date, datetime, timezone
    from screening.clock import age_day

    assert age_day(datetime(2026, 6, 1, 3, 0, tzinfo=timezone.utc)) == date(2026, 5, 31)
    assert age_day(datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)) == date(2026, 6, 1)


def test_an_age_given_as_such_stands_when_there_is_no_date_of_birth():
    from screening.questionnaire import QUESTIONNAIRE as Q

    assert Q.with_scores({"age": 16})["age"] == 16 and "age" not in Q.with_scores({"age": 7})


def test_bmi_is_worked_out_from_height_and_weight():
    assert Q.with_scores({"height": 170.2, "weight": 72.6})["bmi"] == 25.1


@pytest.mark.parametrize("answers", [{"height": "dont_know", "weight": 72.6}, {"height": 170.2, "weight": "dont_know"},
                                     {"weight": 72.6}])
def test_bmi_is_missing_without_both_height_and_weight(answers):
    assert "bmi" not in Q.with_scores(answers)


def test_a_bmi_given_as_such_stands_when_there_is_no_height_and_weight():
    assert Q.with_scores({"bmi": 30.0})["bmi"] == 30.0


def test_a_bmi_worked_out_wins_over_one_given():
    assert Q.with_scores({"bmi": 40, "height": 170.2, "weight": 72.6})["bmi"] == 25.1


def test_display_of_height_and_weight_is_in_both_systems():
    answers = {"height": 170.2, "weight": 72.6}
    assert (Q.display(CATALOGUE["height"], answers), Q.display(CATALOGUE["weight"], answers)) == (
        "5 ft 7 in (170.2 cm)", "160 lb (72.6 kg)")


def test_display_of_a_bmi_has_its_unit():
    assert Q.display(CATALOGUE["bmi"], Q.with_scores({"height": 170.2, "weight": 72.6})) == "25.1 kg/m²"


@pytest.mark.parametrize("value", ["30", True, 2, 500])
def test_a_bmi_given_must_be_a_number_the_boxes_can_make(value):
    assert "or give 'height' and 'weight' instead" in answer_problem(CATALOGUE["bmi"], value)


def test_first_incomplete_before_a_step_looks_only_at_the_steps_before_it():
    steps = Q.catalogue.steps
    third = steps[2]
    answered_first_two = {q.id: HEALTHY[q.id] for step in steps[:2] for q in step.questions if q.id in HEALTHY}
    seen = [q.id for step in steps for q in step.questions]
    assert Q.first_incomplete(answered_first_two, seen) == third
    assert Q.first_incomplete(answered_first_two, seen, before=third) is None
    assert Q.first_incomplete({}, seen, before=third) == steps[0]
