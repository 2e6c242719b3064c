"""Before the first question the patient knows whose questionnaire this is, who sees the answers and for how long.

Requirement (issue 7, "Before the first question"): the start page names the clinic (SCREENING_CLINIC_NAME,
neutral by default), says who sees the answers, how long they are kept (the retention setting), that answers
are saved as they go, that it takes about ten minutes, and that it does not decide anything.
"""
import pytest

from screening.wizard.views import how_long
from tests.conftest import make_app


def start_page(tmp_path, **config) -> str:
    app = make_app({"TESTING": True, "SECRET_KEY": "k", "DATABASE_URL": f"sqlite:///{tmp_path / 's.sqlite3'}",
                    **config}, instance_path=str(tmp_path / "instance"))
    return app.test_client().get("/").get_data(as_text=True)


def test_the_start_page_names_the_clinic(tmp_path):
    assert "The care team at Lakeside Ketamine Clinic" in start_page(tmp_path, CLINIC_NAME="Lakeside Ketamine Clinic")


def test_without_a_clinic_name_the_wording_stays_neutral(tmp_path):
    html = start_page(tmp_path)
    assert "Your clinic asks you some questions" in html and "The care team at your clinic" in html


def test_the_start_page_says_how_long_sent_answers_are_kept(tmp_path):
    assert "for 7 years" in start_page(tmp_path) and "for 90 days" in start_page(tmp_path, RETENTION_DAYS=90)


def test_the_start_page_says_when_unsent_answers_are_deleted(tmp_path):
    assert "deleted 30 days after you last saved them" in start_page(tmp_path)


@pytest.mark.parametrize("said", ["about 10 minutes", "saved as you go", "does not decide anything"])
def test_the_start_page_says_what_to_expect(tmp_path, said):
    assert said in start_page(tmp_path)


@pytest.mark.parametrize("days, words", [(365, "1 year"), (730, "2 years"), (1, "1 day"), (45, "45 days")])
def test_a_retention_period_reads_as_a_patient_would_say_it(days, words):
    assert how_long(days) == words


def test_a_retention_setting_that_is_not_a_number_stops_the_start(tmp_path):
    from screening.settings import ConfigError

    with pytest.raises(ConfigError, match="SCREENING_RETENTION_DAYS must be a whole number"):
        start_page(tmp_path, RETENTION_DAYS="seven years")
