"""What the patient's pages say, the US way, through HTTP: dates, crisis numbers to tap, and the print layout.

Requirement (issue 7, "The patient path as real patients meet it"): the draft's expiry on the step pages and
the saved page, and the date sent on the summary, read like "December 3, 2026"; 911 and 988 are tap-to-call
links, 988 also a link to text it, wherever they appear; the summary has a "Print or save as PDF" control whose
no-script form is a link to the same page in its print layout. The printed copy itself:
tests/browser/test_summary_copy.py.
"""
import re
from datetime import datetime

from sqlalchemy import select

from screening.records import database
from screening.records.models import Draft, Submission
from tests.conftest import HEALTHY

US_DATE = re.compile(r"(January|February|March|April|May|June|July|August|September|October|November|December) "
                     r"[1-9]\d?, 20\d\d")


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def us_date(moment: datetime) -> str:
    return f"{moment:%B} {moment.day}, {moment.year}"


def only(app, model):
    with app.app_context():
        (row,) = database.session().scalars(select(model)).all()
        return row


def test_the_draft_expiry_reads_month_day_year(app, patient):
    patient.start()
    expires = us_date(only(app, Draft).expires_at)
    assert f"It works until {expires}." in text(patient.client.get("/step/your-details"))
    assert f"Your answers are kept until {expires};" in text(patient.client.get("/saved"))


def test_the_summary_gives_the_date_sent_and_no_other_date_format(app, patient):
    patient.complete()
    patient.send()
    page = text(patient.client.get("/summary"))
    submission = only(app, Submission)
    assert f"<p>Sent on {us_date(submission.submitted_at)}</p>" in page
    page = page.replace(f"rules version {submission.rules_version}", "")  # a label, such as 2026-11-25.4
    assert not re.search(r"\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|"
                         r"December) 20\d\d|\b20\d\d-\d\d-\d\d\b", page)
    assert US_DATE.search(page)


def test_the_summary_links_to_its_print_layout(patient):
    patient.complete()
    patient.send()
    page = text(patient.client.get("/summary"))
    assert re.search(r'<a class="button button-secondary" href="/summary\?print=1" data-print>Print or save as PDF</a>',
                     page)
    assert re.search(r'href="/static/print\.[0-9a-f]{12}\.css" media="print"', page)
    assert not re.search(r"/static/print\.[0-9a-f]{12}\.js", page)
    layout = text(patient.client.get("/summary?print=1"))
    assert re.search(r'href="/static/print\.[0-9a-f]{12}\.css" media="all"', layout)
    # Prints at once when the script runs.
    assert re.search(r'<script src="/static/print\.[0-9a-f]{12}\.js" defer></script>', layout)
    assert "data-print" not in layout and 'href="/summary">Back to your summary</a>' in layout


def test_crisis_numbers_are_links_in_the_urgent_box_and_the_footer(patient):
    patient.start()
    for slug in ("your-details", "about-you", "heart"):
        patient.answer(slug, HEALTHY)
    patient.answer("blood-pressure", {**HEALTHY, "symptoms_now": ["chest_pain"]})
    page = text(patient.client.get("/step/substances"))
    urgent = page.split('class="urgent-now"', 1)[1].split("</section>", 1)[0]
    assert 'call <a href="tel:911">911</a> or your local emergency number' in urgent
    footer = page.split('class="site-footer"', 1)[1]
    assert ('call <a href="tel:988">988</a> or <a href="sms:988">text 988</a> (US), or call <a href="tel:911">911</a>'
            in footer)
