"""screening.readability: a US grade for English, a reading ease for Spanish, and which patient texts are too hard."""
from textstat.textstat import textstatistics

from screening.readability import spanish_ease, too_hard, us_grade

HARD = ("Have you been told you have interstitial cystitis, painful bladder syndrome or ulcerative cystitis?")
PLAIN = "Have you been told you have a long-lasting bladder problem that causes pain?"


def test_a_long_medical_sentence_is_above_grade_8():
    assert us_grade(HARD) > 8


def test_a_plain_sentence_is_at_grade_8_or_below():
    assert us_grade(PLAIN) <= 8 and too_hard(PLAIN) is None


def test_a_text_too_hard_says_its_grade_and_how_to_fix_it():
    assert too_hard(HARD).startswith("reads at US grade 12.") and "explain any medical word" in too_hard(HARD)


def test_a_name_of_a_few_words_is_not_measured():
    assert too_hard("Interstitial cystitis (optional)") is None


def test_plain_spanish_reads_as_easy():
    assert spanish_ease("Tu médico quiere hablar contigo sobre esto antes del tratamiento.") >= 60


def test_hard_spanish_is_too_hard():
    text = ("La hipersensibilidad documentada a la esketamina o a cualquiera de sus excipientes constituye una "
            "contraindicación absoluta según la ficha técnica autorizada.")
    assert "Fernandez-Huerta" in too_hard(text, "es")


def test_a_measure_does_not_depend_on_what_was_measured_before():
    spanish = "Tu médico quiere hablar contigo sobre esto antes del tratamiento."
    # Each language measured by a textstat object of its own, made fresh, as a reference.
    english_alone, spanish_alone = textstatistics(), textstatistics()
    english_alone.set_lang("en_US")
    expected_grades = [english_alone.flesch_kincaid_grade(t) for t in (HARD, PLAIN)]
    spanish_alone.set_lang("es")
    expected_ease = spanish_alone.fernandez_huerta(spanish)
    measured = [(us_grade(HARD), spanish_ease(spanish), us_grade(PLAIN)) for _ in range(2)]
    assert measured == [(expected_grades[0], expected_ease, expected_grades[1])] * 2
