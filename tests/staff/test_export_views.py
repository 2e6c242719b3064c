"""Exports for clinicians: the submissions as CSV, and one submission as a FHIR QuestionnaireResponse.

Requirement (issue 3, "Export"): CSV of the submissions, one row each, one column per question, then
the topics; FHIR R4 for the clinic's record system, each submission a QuestionnaireResponse pointing at
the Questionnaire. Section "The audit trail": every export is recorded. Section "Bad input": an unknown
submission is a 404, a tampered filter a clear 400. Who may export is also proven for every route by
tests/staff/test_routes.py.
Requirement (issue 8): the CSV has the patient's first name, last name, date of birth (YYYY-MM-DD), record
number, phone and email after the reference, formula-guarded, and the identity questions are not repeated as
answer columns; the FHIR response's subject is the contained Patient; both exports and the list stay
clinician-only (a rules-only or admin-only account gets 403).
"""
import csv
import io
import json
from datetime import date, datetime, timedelta, timezone

import pytest
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse as FhirResponse
from sqlalchemy import select

from screening.exports import csv as csv_export, fhir
from screening.records import database, drafts
from screening.catalogue import CATALOGUE
from screening.catalogue.measures import MEASURES
from screening.records.models import Submission
from screening.records.models import AuditEvent
from screening.records.submissions import submit
from screening.records.names import keys_of
from screening.records.models import NameKey

from tests.conftest import HEALTHY
from tests.exports.test_fhir import assert_links

CSV_URL = "/staff/submissions/export.csv"
CHEST_PAIN = {"symptoms_now": ["chest_pain"]}


def store(app, answers=None, submitted_at=None, status="new", **fields):
    """A stored submission of HEALTHY updated with `answers`, and `fields` set on it; returns its reference."""
    with app.app_context():
        db = database.session()
        draft, _ = drafts.create(db, 30)
        draft.answers = {**HEALTHY, **(answers or {})}
        submission = submit(db, draft, app.extensions["screening.rules"].current)
        submission.status = status
        if submitted_at:
            submission.submitted_at = submitted_at
        for name, value in fields.items():
            setattr(submission, name, value)
        if {"first_name", "last_name"} & set(fields):  # as a Send would have made them
            submission.name_keys = [NameKey(key=k) for k in keys_of(submission.first_name, submission.last_name)]
        db.commit()
        return submission.reference


def exported_csv(client, **filters):
    response = client.get(CSV_URL, query_string=filters)
    assert response.status_code == 200, response.get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def header(client):
    response = client.get(CSV_URL)
    return next(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def events(app, action):
    with app.app_context():
        return database.session().scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


# --- CSV ---------------------------------------------------------------------------------------------


def test_csv_has_one_row_per_submission(app, staff):
    references = {store(app), store(app), store(app, CHEST_PAIN)}
    assert {row["reference"] for row in exported_csv(staff())} == references


ANSWER_IDS = [q.id for q in CATALOGUE if not q.identity]
# A height and a weight are each followed by the same in US units.
ANSWER_COLUMNS = [c for q in CATALOGUE if not q.identity
                  for c in (q.id, *((MEASURES[q.measure].us_column,) if q.measure else ()))]
IDENTITY_COLUMNS = ["first_name", "last_name", "date_of_birth", "record_number", "phone", "email"]


def test_csv_has_one_column_per_catalogue_question_in_order(app, staff):
    columns = header(staff())
    first = columns.index(ANSWER_IDS[0])
    assert columns[first:first + len(ANSWER_COLUMNS)] == ANSWER_COLUMNS and columns[first - 1] == "mention_count" \
        and columns[first + len(ANSWER_COLUMNS)] == "topics"


def test_csv_gives_height_and_weight_in_metric_then_us_units_and_the_bmi(app, staff):
    store(app, {"height": 170.2, "weight": 72.6})
    row = exported_csv(staff())[0]
    assert [row[c] for c in ("height", "height_ft_in", "weight", "weight_lb", "bmi")] == [
        "170.2", "5 ft 7 in", "72.6", "160 lb", "25.1"]


def test_csv_gives_an_unknown_weight_as_dont_know_with_no_us_units_and_no_bmi(app, staff):
    store(app, {"height": 170.2, "weight": "dont_know"})
    row = exported_csv(staff())[0]
    assert [row[c] for c in ("weight", "weight_lb", "bmi")] == ["dont_know", "", ""]


def test_csv_starts_with_the_reference_then_who_the_patient_is_then_the_submission_fields(app, staff):
    columns = header(staff())
    review = [c for c in ("reviewed_by", "reviewed_at") if hasattr(Submission, c)]
    assert columns[:columns.index(ANSWER_IDS[0])] == [
        "reference", *IDENTITY_COLUMNS, "submitted_at", "started_at", "status", *review, "rules_version",
        "rules_sha256", "catalogue_version", "language", "highest_severity", "urgent_count", "discuss_count", "mention_count"]


def test_csv_does_not_repeat_the_identity_questions_as_answer_columns(app, staff):
    columns = header(staff())
    assert all(columns.count(q.id) == (q.id in IDENTITY_COLUMNS) for q in CATALOGUE if q.identity)


def test_csv_gives_who_the_patient_is(app, staff):
    store(app, record_number="MRN-0042", phone="555-201-4477", email="sam@mail.example")
    row = exported_csv(staff())[0]
    assert [row[c] for c in IDENTITY_COLUMNS] == [
        "Sam", "Rivera", HEALTHY["date_of_birth"], "MRN-0042", "555-201-4477", "sam@mail.example"]


def test_csv_gives_the_date_of_birth_as_year_month_day(app, staff):
    store(app, date_of_birth=date(1990, 4, 2))
    assert exported_csv(staff())[0]["date_of_birth"] == "1990-04-02"


def test_csv_leaves_who_the_patient_is_empty_for_a_submission_from_before(app, staff):
    store(app, first_name=None, last_name=None, date_of_birth=None)
    assert [exported_csv(staff())[0][c] for c in IDENTITY_COLUMNS] == [""] * 6


@pytest.mark.parametrize("column, typed", [("first_name", '=HYPERLINK("http://x.example","click")'),
                                           ("last_name", "@SUM(A1:A2)"), ("phone", "+1 555 201 4477"),
                                           ("record_number", "-12"), ("email", "=1+1@x.example")])
def test_csv_guards_who_the_patient_is_as_any_text(app, staff, column, typed):
    store(app, **{column: typed})
    assert exported_csv(staff())[0][column] == "'" + typed


def test_csv_gives_the_age_as_of_the_day_sent(app, staff):
    store(app, {"date_of_birth": "1990-06-01"}, submitted_at=datetime(2020, 1, 1, 12, tzinfo=timezone.utc))
    assert exported_csv(staff())[0]["age"] == "29"


def test_csv_ends_with_the_topics_all_and_per_severity(app, staff):
    assert header(staff())[-4:] == ["topics", "urgent_topics", "discuss_topics", "mention_topics"]


def test_csv_gives_answers_in_catalogue_form(app, staff):
    store(app, {"medicines": ["opioids", "other"], "medicines_other": "Tramadol", "bp_systolic": "dont_know"})
    row = exported_csv(staff())[0]
    assert (row["age"], row["sex_at_birth"], row["medicines"], row["medicines_other"], row["bp_systolic"]) == \
        ("40", "male", "opioids;other", "Tramadol", "dont_know")


def test_csv_shows_not_asked_for_a_hidden_follow_up(app, staff):
    store(app)
    row = exported_csv(staff())[0]
    assert (row["heart_attack"], row["heart_attack_when"], row["pregnant"]) == ("no", "not_asked", "not_asked")


def test_csv_leaves_a_question_asked_but_not_answered_empty(app, staff):
    store(app)
    assert exported_csv(staff())[0]["brain_other"] == ""


def test_csv_gives_the_score_worked_out(app, staff):
    store(app, {"alcohol_frequency": "2_to_3_a_week", "alcohol_typical": "3_to_4", "alcohol_six_or_more": "monthly"})
    assert exported_csv(staff())[0]["audit_c_score"] == "6"


def test_csv_lists_topics_and_their_severity(app, staff):
    store(app, CHEST_PAIN)
    row = exported_csv(staff())[0]
    assert "chest-pain-now" in row["topics"].split(";") and "chest-pain-now" in row["urgent_topics"].split(";") \
        and row["highest_severity"] == "urgent" and int(row["urgent_count"]) >= 1


def test_csv_gives_times_in_iso_8601_utc(app, staff):
    store(app, submitted_at=datetime(2026, 3, 2, 9, 30, 5, tzinfo=timezone.utc))
    row = exported_csv(staff())[0]
    assert row["submitted_at"] == "2026-03-02T09:30:05+00:00" and row["started_at"].endswith("+00:00")


@pytest.mark.parametrize("typed", ["=HYPERLINK(\"http://x.example\",\"click\")", "+1+1", "-2+3", "@SUM(A1:A2)",
                                   "\tsecret", "\rline"])
def test_csv_guards_a_text_a_spreadsheet_would_run(app, staff, typed):
    store(app, {"medicines": ["other"], "medicines_other": typed})
    assert exported_csv(staff())[0]["medicines_other"] == "'" + typed


def test_csv_keeps_an_ordinary_text_as_typed(app, staff):
    store(app, {"medicines": ["other"], "medicines_other": "Sertraline, 50 mg; \"as needed\"\nsecond line"})
    assert exported_csv(staff())[0]["medicines_other"] == "Sertraline, 50 mg; \"as needed\"\nsecond line"


def test_csv_filters_by_status(app, staff):
    reviewed = store(app, status="reviewed")
    store(app)
    assert [row["reference"] for row in exported_csv(staff(), status="reviewed")] == [reviewed]


def test_csv_filters_by_highest_severity(app, staff):
    urgent = store(app, CHEST_PAIN)
    store(app)
    assert [row["reference"] for row in exported_csv(staff(), severity="urgent")] == [urgent]


def test_csv_filters_by_date_inclusive(app, staff):
    day = datetime(2026, 3, 2, tzinfo=timezone.utc)
    store(app, submitted_at=day - timedelta(seconds=1))
    inside = {store(app, submitted_at=day), store(app, submitted_at=day + timedelta(hours=23, minutes=59))}
    store(app, submitted_at=day + timedelta(days=1))
    assert {row["reference"] for row in exported_csv(staff(), **{"from": "2026-03-02", "to": "2026-03-02"})} == inside


def test_csv_filters_by_the_name_found_on_the_list(app, staff):
    wanted = store(app, first_name="Ana María", last_name="Díaz-López")
    store(app)
    assert [row["reference"] for row in exported_csv(staff(), q="DIAZ")] == [wanted]


def test_csv_export_of_a_search_records_what_it_was_by_not_what_was_typed(app, staff):
    store(app, first_name="Ana María", last_name="Díaz-López")
    exported_csv(staff(), q="Díaz", status="new")
    assert events(app, "export_csv")[-1].detail == "status=new search by name; 1 row(s)"


def test_csv_refuses_a_malformed_date_of_birth_with_400(app, staff):
    response = staff().get(CSV_URL, query_string={"q": "2/30/1990"})
    assert response.status_code == 400 and "month/day/year" in response.get_data(as_text=True)


def test_csv_filters_by_reference_typed_loosely(app, staff):
    wanted = store(app)
    store(app)
    typed = wanted.lower().replace("-", " ").removeprefix("ks")
    assert [row["reference"] for row in exported_csv(staff(), reference=typed)] == [wanted]


def test_csv_lists_newest_first(app, staff):
    old = store(app, submitted_at=datetime(2026, 1, 1, tzinfo=timezone.utc))
    new = store(app, submitted_at=datetime(2026, 2, 1, tzinfo=timezone.utc))
    assert [row["reference"] for row in exported_csv(staff())] == [new, old]


@pytest.mark.parametrize("filters", [{"status": "deleted"}, {"severity": "high"}, {"from": "yesterday"},
                                     {"to": "2026-02-30"}, {"from": "2026-03-02", "to": "2026-03-01"},
                                     {"to": "9999-12-31", "from": "0001-01-01x"}, {"reference": "KS-123"}])
def test_csv_refuses_a_bad_filter_with_400(app, staff, filters):
    response = staff().get(CSV_URL, query_string=filters)
    assert response.status_code == 400 and response.mimetype == "text/plain" and events(app, "export_csv") == []


def test_csv_takes_the_last_possible_date(app, staff):
    store(app)
    assert len(exported_csv(staff(), to="9999-12-31")) == 1


def test_csv_is_a_download(app, staff):
    response = staff().get(CSV_URL)
    assert response.mimetype == "text/csv" and response.headers["Content-Disposition"].startswith("attachment;") \
        and response.get_data().startswith("\ufeffreference,".encode())


def test_csv_export_is_recorded_with_its_filter(app, staff):
    store(app, CHEST_PAIN)
    client = staff()
    exported_csv(client, severity="urgent", status="new")
    event = events(app, "export_csv")[-1]
    assert (event.actor_email, event.detail) == (client.staff_email, "status=new severity=urgent; 1 row(s)")


def test_csv_export_needs_the_clinician_role(app, staff):
    assert staff(("rules", "admin")).get(CSV_URL).status_code == 403 and events(app, "export_csv") == []


def test_csv_of_a_submission_sent_through_the_wizard(app, staff, patient):
    patient.complete({"bp_systolic": "dont_know", "bp_diastolic": "dont_know"})
    patient.send()
    row = exported_csv(staff())[0]
    assert (row["bp_systolic"], row["bp_when"], row["treatment_for"]) == ("dont_know", "not_asked", "depression")


@pytest.mark.skipif(not hasattr(Submission, "reviewed_at"), reason="Submission has no review columns yet")
def test_csv_gives_who_reviewed_and_when(app, staff):
    store(app, status="reviewed", reviewed_by="dr.ana@clinic.test",
          reviewed_at=datetime(2026, 3, 3, 14, 0, tzinfo=timezone.utc))
    row = exported_csv(staff())[0]
    assert (row["reviewed_by"], row["reviewed_at"]) == ("dr.ana@clinic.test", "2026-03-03T14:00:00+00:00")


def test_csv_guard_leaves_numbers_and_empty_cells_alone():
    assert [csv_export.guard(v) for v in (None, "", 0, 118, "no")] == ["", "", "0", "118", "no"]


# --- FHIR --------------------------------------------------------------------------------------------


def fhir_url(reference):
    return f"/staff/submissions/{reference}/fhir"


def test_fhir_export_is_a_valid_questionnaire_response(app, staff):
    reference = store(app, {"bp_systolic": "dont_know", "medicines": ["other"], "medicines_other": "Sertraline"})
    response = staff().get(fhir_url(reference))
    resource = FhirResponse.model_validate_json(response.get_data())
    assert response.status_code == 200 and response.mimetype == "application/fhir+json" and \
        (resource.identifier.value, resource.status) == (reference, "completed")


def test_fhir_export_links_every_item_to_the_questionnaire(app, staff):
    reference = store(app, {"heart_attack": "yes", "heart_attack_when": "within_12_months", **CHEST_PAIN})
    response = json.loads(staff().get(fhir_url(reference)).get_data())
    assert_links(response, fhir.build_questionnaire())


def test_fhir_export_points_at_the_exported_questionnaire(app, staff, runner):
    questionnaire = json.loads(runner.invoke(args=["questions", "export", "--format", "fhir"]).output)
    response = json.loads(staff().get(fhir_url(store(app))).get_data())
    assert response["questionnaire"] == f"{questionnaire['url']}|{questionnaire['version']}"


def test_fhir_export_has_the_patient_as_subject(app, staff):
    reference = store(app, record_number="MRN-0042", email="sam@mail.example")
    response = json.loads(staff().get(fhir_url(reference)).get_data())
    FhirResponse.model_validate(response)
    patient, = response["contained"]
    assert response["subject"] == {"reference": "#patient"} and patient["name"] == [{"family": "Rivera", "given": ["Sam"]}] \
        and patient["birthDate"] == HEALTHY["date_of_birth"] and patient["identifier"][0]["value"] == "MRN-0042" \
        and patient["telecom"] == [{"system": "email", "value": "sam@mail.example"}]


def test_fhir_export_of_a_submission_from_before_identity_has_no_subject(app, staff):
    reference = store(app, first_name=None, last_name=None, date_of_birth=None)
    response = json.loads(staff().get(fhir_url(reference)).get_data())
    FhirResponse.model_validate(response)
    assert "subject" not in response and "contained" not in response


def test_fhir_export_is_recorded(app, staff):
    reference = store(app)
    client = staff()
    client.get(fhir_url(reference))
    event = events(app, "export_fhir")[-1]
    assert (event.actor_email, event.submission_reference) == (client.staff_email, reference)


@pytest.mark.parametrize("reference", ["KS-0000-0000", "nope", "x" * 300])
def test_fhir_export_of_an_unknown_submission_is_404(app, staff, reference):
    store(app)
    assert staff().get(fhir_url(reference)).status_code == 404 and events(app, "export_fhir") == []


def test_fhir_export_needs_the_clinician_role(app, staff):
    reference = store(app)
    assert staff(("rules", "admin")).get(fhir_url(reference)).status_code == 403 and events(app, "export_fhir") == []


# --- Who may export ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("roles", [("rules",), ("admin",)], ids=["rules only", "admin only"])
@pytest.mark.parametrize("what", ["list", "csv", "fhir"])
def test_only_a_clinician_sees_the_list_or_exports(app, staff, roles, what):
    reference = store(app)
    url = {"list": "/staff/submissions", "csv": CSV_URL, "fhir": fhir_url(reference)}[what]
    assert staff(roles).get(url).status_code == 403 and staff().get(url).status_code == 200


def test_an_export_that_breaks_part_way_says_so_and_logs_no_name(app, staff, monkeypatch, caplog):
    from screening.exports import csv as csv_export

    name = "Zara" + "goza"  # built, so the traceback's source lines cannot contain it
    store(app, {"first_name": "Quillon", "last_name": name})

    def broken(rows, *args, **kwargs):
        yield "reference\r\n"
        raise RuntimeError(f"{name} in the message")

    monkeypatch.setattr(csv_export, "export", broken)
    client = staff(("clinician",))
    body = client.get(CSV_URL, query_string={"q": "zaragoza"}).get_data(as_text=True)
    assert body.endswith("THIS EXPORT IS INCOMPLETE: it stopped on an error on the server. Download it again.\r\n")
    assert "RuntimeError" in caplog.text and "Zaragoza" not in caplog.text and "zaragoza" not in caplog.text
