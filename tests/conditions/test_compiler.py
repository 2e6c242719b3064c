"""The compiler of one file's conditions: a condition written again is compiled once, and a wrong one is
reported each time it is written, at its own line."""
from screening.catalogue import CATALOGUE
from screening.conditions import yamlload
from screening.conditions.language import Compiler

TWICE = """\
- when:
    all:
      - question: bp_systolic
        at least: 180
      - question: bp_diastolic
        at least: 110
- when:
    all:
      - question: bp_systolic
        at least: 180
      - question: bp_diastolic
        at least: 110
"""


def compile_each(text):
    problems = []
    compiler = Compiler(CATALOGUE, lambda mark, message: problems.append((mark.line, message)))
    return [compiler.compile(rule["when"]) for rule in yamlload.load(text)], problems


def test_a_condition_written_twice_gives_one_condition():
    (first, second), problems = compile_each(TWICE)
    assert problems == [] and first is second and first.matcher({"bp_systolic": 190, "bp_diastolic": 120})


def test_a_wrong_condition_written_twice_is_reported_at_each_line():
    (first, second), problems = compile_each(TWICE.replace("bp_diastolic", "bp_diastollic"))
    assert first is None and second is None
    assert [line for line, _ in problems] == [5, 11]
    assert problems[0][1] == problems[1][1] and "unknown question id 'bp_diastollic'" in problems[0][1]


def test_a_value_equal_to_another_of_another_type_is_compiled_on_its_own():
    # 1 == 1.0 == true in Python: a condition with `true` must not be taken for one with 1.
    text = "- when: {question: audit_c_score, at least: 1}\n- when: {question: audit_c_score, at least: true}\n"
    (number, flag), problems = compile_each(text)
    assert number is not None and flag is None
    assert problems == [(2, "'at least' compares 'audit_c_score' with a number, not True: write a number such as 140")]


def test_conditions_written_differently_are_compiled_apart():
    (first, second), problems = compile_each(TWICE.replace("at least: 110", "at least: 100", 1))
    assert problems == [] and first != second
    assert first.matcher({"bp_systolic": 190, "bp_diastolic": 105}) == ("bp_systolic", "bp_diastolic")
    assert second.matcher({"bp_systolic": 190, "bp_diastolic": 105}) is None
