"""The check-answers page: short, only what was asked, the answers that matter easy to find.

Requirement (issue 7, "A short check page"): only questions that were asked, grouped by section, one Change
link per question; any "yes", any number, "I don't know" and "Prefer not to say" marked. (Its height on a
phone is measured in tests/browser/test_patient_journey.py.)
"""
from __future__ import annotations

import re

from screening.questionnaire import QUESTIONNAIRE as Q
from screening.wizard.check_answers import matters, sections
from tests.conftest import HEALTHY


def rows(html: str) -> list[str]:
    return re.findall(r'<div class="check-row[^"]*">(.*?)</div>', html, re.S)


def test_a_question_never_asked_is_not_on_the_check_page(patient):
    html = patient.complete().get_data(as_text=True)  # HEALTHY is a man: no pregnancy questions
    assert "pregnant" not in html.lower()


def test_every_question_asked_has_one_row_and_one_change_link(patient):
    html = patient.complete().get_data(as_text=True)
    asked = [q for step in Q.catalogue.steps for q in Q.asked_in(step, HEALTHY)]
    found = rows(html)
    assert len(found) == len(asked)
    assert all(row.count(">Change<") == 1 for row in found)


def test_each_change_link_goes_to_its_question(patient):
    html = patient.complete().get_data(as_text=True)
    assert 'href="/step/heart?return=check#question-heart_attack"' in html


def test_a_section_lists_only_the_questions_asked_in_it():
    assert all(rows for _, rows in sections(Q, HEALTHY))  # every step asks something of everyone today
    answers = {"sex_at_birth": "male"}
    about_you = sections(Q, answers)[0][1]
    assert "pregnant" not in [row.question.id for row in about_you]


def test_a_questions_own_usual_answer_does_not_matter():
    assert not matters("yes", usual=("yes",)) and matters("no", usual=("yes",))


def test_yes_matters():
    assert matters("yes") and matters("yes_regularly")


def test_no_none_and_never_do_not_matter():
    assert not matters("no") and not matters(["none"]) and not matters(["never"])


def test_numbers_matter():
    assert matters(118) and matters(0)


def test_dont_know_and_prefer_not_to_say_matter():
    assert matters("dont_know") and matters(["prefer_not_to_say"])


def test_a_ticked_symptom_matters_even_beside_nothing_else():
    assert matters(["chest_pain"])


def test_rows_that_matter_are_marked_on_the_page(patient):
    html = patient.complete({"asthma": "yes"}).get_data(as_text=True)
    marked = [row for row in rows(html) if "Do you have asthma?" in row]
    plain = [row for row in rows(html) if "Have you ever had a heart attack?" in row]
    assert marked and plain
    page = html.split("Do you have asthma?")[0].rsplit('<div class="', 1)[1]
    assert page.startswith("check-row check-row-matters")
    assert html.split("Have you ever had a heart attack?")[0].rsplit('<div class="', 1)[1].startswith('check-row">')
