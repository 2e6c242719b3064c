"""Reading a height or weight as typed, in US units or metric, and writing it back.

Requirement (issue 10, "The new questions"): height and weight in US units with metric accepted, kept in metric
(cm, kg, one decimal) so rules compare numbers and BMI is worked out from them; shown in both systems; clear
messages with an example; nonsense typed never an error page (also tests/wizard/test_typed_input_properties.py).
"""
import pytest
from hypothesis import given, strategies as st

from screening.catalogue.measures import HEIGHT, WEIGHT, bmi, read_height, read_weight, us_height, us_weight


@pytest.mark.parametrize("typed, cm", [
    ("5 ft 7 in", 170.2), ("5ft 7in", 170.2), ("5'7\"", 170.2), ("5' 7", 170.2), ("5 7", 170.2),
    ("5 feet 7 inches", 170.2), ("5 foot 7 inch", 170.2), ("5 ft, 7 in", 170.2), ("5 ft and 7 in", 170.2),
    ("5’7”", 170.2), ("5′7″", 170.2), ("5'7''", 170.2), ("  5  FT  7  IN ", 170.2), ("5 ft 7 in.", 170.2),
    ("6 ft", 182.9), ("6'", 182.9), ("5 ft 8.5 in", 174.0), ("5 ft 0 in", 152.4),
    ("67 in", 170.2), ("67in", 170.2), ("67 inches", 170.2), ('67"', 170.2),
    ("170 cm", 170.0), ("170cm", 170.0), ("170.5 cm", 170.5), ("170 centimeters", 170.0), ("170 centimetres", 170.0),
    ("1.70 m", 170.0), ("1.7m", 170.0), ("1.7 meters", 170.0), ("2 metres", 200.0),
])
def test_height_reads_feet_and_inches_inches_centimeters_and_meters(typed, cm):
    assert read_height(typed) == cm


@pytest.mark.parametrize("typed", [
    "", "67", "170", "5.7", "tall", "5 ft 12 in", "5 ft 14 in", "5 ft 7 kg", "5 ft 7 in 3", "1.7.0 m", "-170 cm",
    "٥ ft ٧ in", "１７０ cm", "5 ft 7 in" + " " * 40, "1e2 cm", "cm", "'", "5 7 9",
])
def test_height_refuses_a_bare_number_a_slip_or_other_digits(typed):
    assert read_height(typed) is None


@pytest.mark.parametrize("typed, kg", [
    ("160", 72.6), ("160 lb", 72.6), ("160 lbs", 72.6), ("160 pounds", 72.6), ("160lb", 72.6), ("1 pound", 0.5),
    ("160.5 lb", 72.8), ("160 LBS", 72.6), ("73 kg", 73.0), ("73.5 kg", 73.5), ("73kg", 73.0), ("73 kilograms", 73.0),
    ("73 kilos", 73.0),
])
def test_weight_reads_pounds_or_kilograms_and_a_bare_number_is_pounds(typed, kg):
    assert read_weight(typed) == kg


@pytest.mark.parametrize("typed", ["", "heavy", "160 stone", "73 kg 2", "-160", "١٦٠", "160,5 kg", "kg", "1e3"])
def test_weight_refuses_what_is_not_pounds_or_kilograms(typed):
    assert read_weight(typed) is None


@pytest.mark.parametrize("cm, shown", [(170.2, "5 ft 7 in"), (170.0, "5 ft 7 in"), (182.9, "6 ft 0 in"),
                                       (152.4, "5 ft 0 in"), (179.0, "5 ft 10 in")])
def test_height_in_us_units_is_whole_feet_and_inches(cm, shown):
    assert us_height(cm) == shown


def test_weight_in_us_units_is_whole_pounds():
    assert (us_weight(72.6), us_weight(73.0)) == ("160 lb", "161 lb")


def test_measures_are_shown_in_both_systems_us_first():
    assert (HEIGHT.shown(170.2), HEIGHT.shown(170.0), WEIGHT.shown(72.6)) == (
        "5 ft 7 in (170.2 cm)", "5 ft 7 in (170 cm)", "160 lb (72.6 kg)")


@pytest.mark.parametrize("measure, value, typed", [
    (HEIGHT, 170.2, "5 ft 7 in"), (HEIGHT, 170.0, "170 cm"), (WEIGHT, 72.6, "160 lb"), (WEIGHT, 72.8, "72.8 kg")])
def test_a_saved_measure_is_put_back_in_us_units_only_when_they_read_back_the_same(measure, value, typed):
    assert measure.typed_form(value) == typed and measure.read(typed) == value


def test_an_unreadable_height_is_asked_for_again_with_examples():
    assert HEIGHT.problem("tall") == \
        "Enter your height in feet and inches, like 5 ft 7 in, or in centimeters, like 170 cm"


def test_an_unreadable_weight_is_asked_for_again_with_examples():
    assert WEIGHT.problem("heavy") == "Enter your weight in pounds, like 160 lb, or in kilograms, like 73 kg"


@pytest.mark.parametrize("measure, typed", [(HEIGHT, "2 ft 11 in"), (HEIGHT, "8 ft 1 in"), (WEIGHT, "49 lb"),
                                            (WEIGHT, "801 lb"), (WEIGHT, "0 kg")])
def test_a_measure_out_of_range_states_the_range_in_both_systems(measure, typed):
    expected = {HEIGHT: "Height must be between 3 ft 0 in and 8 ft 0 in (91.4 cm and 243.8 cm)",
                WEIGHT: "Weight must be between 50 lb and 800 lb (22.7 kg and 362.9 kg)"}[measure]
    assert measure.problem(typed) == expected


@pytest.mark.parametrize("measure, typed", [(HEIGHT, "3 ft"), (HEIGHT, "8 ft"), (WEIGHT, "50"), (WEIGHT, "800 lb")])
def test_the_ends_of_the_range_are_taken(measure, typed):
    assert measure.problem(typed) is None


@pytest.mark.parametrize("height, weight, expected", [(170.2, 72.6, 25.1), (170, 86.4, 29.9), (170, 86.7, 30.0),
                                                      (182.9, 100, 29.9)])
def test_bmi_is_kilograms_over_meters_squared_to_one_decimal(height, weight, expected):
    assert bmi(height, weight) == expected


@given(st.text(max_size=40))
def test_anything_typed_reads_as_a_measure_or_none(typed):
    for measure in (HEIGHT, WEIGHT):
        value = measure.read(typed)
        assert value is None or (isinstance(value, float) and round(value, 1) == value)
        assert measure.problem(typed) is None or isinstance(measure.problem(typed), str)


@given(st.floats(HEIGHT.low, HEIGHT.high), st.floats(WEIGHT.low, WEIGHT.high))
def test_any_saved_measure_reads_back_from_the_box_as_itself(height, weight):
    for measure, value in ((HEIGHT, round(height, 1)), (WEIGHT, round(weight, 1))):
        assert measure.read(measure.typed_form(value)) == value
