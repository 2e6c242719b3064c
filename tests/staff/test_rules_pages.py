"""The `rules` role's pages: the rules in force (/staff/rules) and the sandbox (/staff/rules/try).

Requirement (issue 3, "Safe rule changes"): the version and hash in force and when it was loaded, the problems of
the last rejected edit with their file:line, every rule in readable form with its condition in words; a sandbox
that shows which topics fire and why without storing anything as a submission. Sections 6 and 8: the `rules` role
only, CSRF on every POST, the views in the audit trail with no answer in them.
"""
import html
import re
import shutil
import time
from datetime import timezone

import pytest
from sqlalchemy import func, select

from tests.conftest import make_app
from screening.records import database
from screening.records.models import Draft, Submission
from screening.rules.checker import check_file
from screening.rules.model import SEVERITIES
from screening.records.models import AuditEvent

from tests.conftest import ROOT, StaffAuth
from tests.records.test_replay import lowered_bp_raised


def page(response) -> str:
    """The page's text, tags dropped and entities read, whitespace squeezed."""
    text = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(text))


def events(app, action):
    with app.app_context():
        return database.session().scalars(select(AuditEvent).where(AuditEvent.action == action)
                                          .order_by(AuditEvent.id)).all()


def count(app, model):
    with app.app_context():
        return database.session().scalar(select(func.count()).select_from(model))


@pytest.fixture
def rules_client(staff):
    return staff(roles=("rules",))


@pytest.fixture
def in_force(app):
    return app.extensions["screening.rules"].current


# -- the rules page ----------------------------------------------------------------------------------

def test_rules_page_shows_the_version_and_hash_in_force(rules_client, in_force):
    text = page(rules_client.get("/staff/rules"))
    assert f"Version {in_force.version}" in text and in_force.sha256 in text


def test_rules_page_shows_when_the_rules_were_loaded(app, rules_client):
    loaded_at = app.extensions["screening.rules"].loaded_at.astimezone(timezone.utc)
    when = f"{loaded_at:%B} {loaded_at.day}, {loaded_at.year}, {loaded_at.hour % 12 or 12}:{loaded_at:%M %p} UTC"
    assert f"Loaded {when}" in page(rules_client.get("/staff/rules"))


def test_rules_page_shows_the_file_path(app, rules_client):
    assert f"File {app.config['RULES_PATH']}" in page(rules_client.get("/staff/rules"))


def test_rules_page_shows_every_rule_grouped_by_severity_in_file_order(rules_client, in_force):
    shown = re.findall(r'<section class="rule-card[^"]*" id="rule-([^"]+)"', rules_client.get("/staff/rules").get_data(as_text=True))
    assert shown == [r.id for severity in SEVERITIES for r in in_force.rules if r.severity == severity]


def test_rules_page_shows_each_rules_texts_and_source(rules_client, in_force):
    rule = next(r for r in in_force.rules if r.id == "heart-attack-6-weeks")
    text = page(rules_client.get("/staff/rules"))
    assert all(" ".join(t.split()) in text for t in (rule.title, rule.patient, rule.clinician, rule.source))


def test_rules_page_writes_a_choice_condition_in_words(rules_client):
    text = page(rules_client.get("/staff/rules"))
    assert "How long ago was your most recent heart attack? (heart_attack_when) is “In the last 6 weeks”" in text


def test_rules_page_writes_a_number_condition_in_words(rules_client):
    text = page(rules_client.get("/staff/rules"))
    assert "At least one of these is true: Your most recent blood pressure: the top number (systolic) (bp_systolic) " \
           "is 180 mmHg or more" in text


def test_rules_page_shows_nested_conditions_as_nested_lists(rules_client):
    body = rules_client.get("/staff/rules").get_data(as_text=True)
    card = body.split('id="rule-bp-raised"', 1)[1].split("</section>", 1)[0]
    assert re.search(r'<ul class="condition-list">\s*<li>At least one of these is true:\s*<ul class="condition-list">', card)


def test_rules_page_is_recorded_with_the_version(app, rules_client, in_force):
    rules_client.get("/staff/rules")
    assert [e.detail for e in events(app, "view_rules")] == [f"rules version {in_force.version}"]


def test_rules_page_links_to_the_sandbox(rules_client):
    assert 'href="/staff/rules/try"' in rules_client.get("/staff/rules").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/staff/rules", "/staff/rules/try"])
def test_rules_pages_refuse_a_role_without_rules(staff, path):
    assert staff(roles=("clinician", "admin")).get(path).status_code == 403


@pytest.fixture
def live(tmp_path):
    """An app on a copy of rules.yaml that it re-reads on every request, with a signed-in `rules` client."""
    path = tmp_path / "rules.yaml"
    shutil.copy(ROOT / "rules.yaml", path)
    app = make_app({"TESTING": True, "SECRET_KEY": "k", "WTF_CSRF_ENABLED": False,
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'live.sqlite3'}", "RULES_PATH": str(path),
                      "RULES_RECHECK_SECONDS": 0}, instance_path=str(tmp_path / "instance"))
    return app, path, StaffAuth(app)(("rules",))


def bad_edit(path):
    time.sleep(0.01)  # a new modification time, even on coarse clocks
    path.write_text(path.read_text().replace("\n    severity: urgent\n", "\n    severity: urgnet\n", 1))
    _, problems = check_file(path)
    assert len(problems) == 1
    return problems[0]


def test_rules_page_shows_a_rejected_edit_with_its_file_and_line(live):
    app, path, client = live
    problem = bad_edit(path)
    text = page(client.get("/staff/rules"))
    assert "The last edit to the rules file is not in use" in text and \
        f"{path}:{problem.line}:{problem.col} Line {problem.line}, column {problem.col}:" in text


def test_rules_page_shows_the_rejected_edits_message(live):
    app, path, client = live
    problem = bad_edit(path)
    assert problem.message in page(client.get("/staff/rules"))


def test_rules_page_after_a_rejected_edit_still_shows_the_rules_in_force(live):
    app, path, client = live
    version = app.extensions["screening.rules"].current.version
    bad_edit(path)
    text = page(client.get("/staff/rules"))
    assert f"keeps using version {version}" in text and f"Version {version}" in text


def test_rules_page_without_a_rejected_edit_shows_no_problem(rules_client):
    assert "not in use" not in page(rules_client.get("/staff/rules"))


# -- the sandbox -------------------------------------------------------------------------------------

def test_sandbox_shows_every_clinical_question_and_the_date_of_birth_grouped_by_step(app, rules_client):
    from screening.catalogue import CATALOGUE
    body = rules_client.get("/staff/rules/try").get_data(as_text=True)
    ids = re.findall(r'id="question-([a-z0-9_]+)"', body)
    steps = re.findall(r'<h3 id="step-[^"]+" class="sandbox-step-title">\d+\. ([^<]+)</h3>', body)
    expected = [q.id for q in CATALOGUE.asked if not q.identity or q.id == "date_of_birth"]
    assert ids == expected and [html.unescape(s) for s in steps] == [s.title for s in CATALOGUE.steps]


def test_sandbox_asks_no_name_or_contact(rules_client):
    body = rules_client.get("/staff/rules/try").get_data(as_text=True)
    assert not re.search(r'name="(first_name|last_name|phone|email|record_number)"', body)


def test_sandbox_says_when_a_follow_up_is_asked(rules_client):
    text = page(rules_client.get("/staff/rules/try"))
    assert "Follow-up, asked only when: Have you ever had a heart attack? (heart_attack) is “Yes”" in text


def test_sandbox_offers_no_answer_to_clear_a_single_choice(rules_client):
    body = rules_client.get("/staff/rules/try").get_data(as_text=True)
    assert re.search(r'name="heart_attack" value=""\s*>\s*<label for="heart_attack-\d+">No answer</label>', body)


def test_sandbox_no_answer_leaves_the_question_unanswered(rules_client):
    response = rules_client.post("/staff/rules/try", data={"heart_attack": "", "asthma": "yes"})
    assert response.status_code == 200 and "from 1 answer: 1 topic." in page(response)


def test_sandbox_has_a_csrf_field(rules_client):
    assert 'name="csrf_token"' in rules_client.get("/staff/rules/try").get_data(as_text=True)


def test_sandbox_shows_the_topics_raised_with_their_reasons(rules_client):
    text = page(rules_client.post("/staff/rules/try", data={"bp_systolic": "150", "bp_diastolic": "85"}))
    assert "Discuss: Raised blood pressure" in text and \
        "Because Your most recent blood pressure: the top number (systolic) (bp_systolic) : 150 mmHg" in text


def test_sandbox_shows_each_topics_texts_and_source(rules_client):
    text = page(rules_client.post("/staff/rules/try", data={"bp_systolic": "150", "bp_diastolic": "85"}))
    assert "Patient reads The blood pressure you gave is higher" in text and \
        "Clinician reads Reported reading (mmHg): systolic 150; diastolic 85" in text and \
        "Source Spravato US label; Janssen trial data; ACC/AHA 2017" in text


def test_sandbox_shows_topics_urgent_first(rules_client):
    text = page(rules_client.post("/staff/rules/try", data={"symptoms_now": "chest_pain", "asthma": "yes"}))
    assert 0 < text.index("Urgent: Chest pain") < text.index("Mention: Asthma")


def test_sandbox_drops_answers_to_hidden_questions(rules_client):
    text = page(rules_client.post("/staff/rules/try", data={"heart_attack": "no", "heart_attack_when": "within_6_weeks"}))
    assert "These answers raise no topic." in text


def test_sandbox_says_which_answers_were_dropped_and_why(rules_client):
    text = page(rules_client.post("/staff/rules/try", data={"heart_attack": "no", "heart_attack_when": "within_6_weeks"}))
    assert "How long ago was your most recent heart attack? (heart_attack_when) : In the last 6 weeks. " \
           "Asked only when: Have you ever had a heart attack? (heart_attack) is “Yes”" in text


def test_sandbox_says_when_no_answer_was_dropped(rules_client):
    text = page(rules_client.post("/staff/rules/try", data={"heart_attack": "yes", "heart_attack_when": "within_6_weeks"}))
    assert "None: every answer given is to a question that would be asked." in text


def test_sandbox_shows_the_audit_c_score(rules_client):
    text = page(rules_client.post("/staff/rules/try", data={
        "alcohol_frequency": "2_to_3_a_week", "alcohol_typical": "3_to_4", "alcohol_six_or_more": "monthly"}))
    assert "(audit_c_score) 6 points" in text


def test_sandbox_keeps_the_filled_form(rules_client):
    body = rules_client.post("/staff/rules/try", data={"bp_systolic": "150", "heart_attack": "yes",
                                                       "medicines": ["opioids", "lamotrigine"]}).get_data(as_text=True)
    assert 'name="bp_systolic" value="150"' in body and \
        re.search(r'name="heart_attack" value="yes"\s+checked', body) and \
        len(re.findall(r'name="medicines" value="(?:opioids|lamotrigine)"\s+checked', body)) == 2


def test_sandbox_stores_no_draft_and_no_submission(app, rules_client):
    rules_client.post("/staff/rules/try", data={"bp_systolic": "190", "bp_diastolic": "100", "age": "30"})
    assert (count(app, Draft), count(app, Submission)) == (0, 0)


def test_sandbox_shows_validation_errors_linked_to_their_fields(rules_client):
    response = rules_client.post("/staff/rules/try", data={"bp_systolic": "abc"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "There is a problem" in body and 'href="#bp_systolic"' in body and \
        'id="bp_systolic-error"' in body


def test_sandbox_shows_no_topics_while_an_answer_is_not_valid(rules_client):
    text = page(rules_client.post("/staff/rules/try", data={"bp_systolic": "400", "asthma": "yes"}))
    assert "must be between 60 and 300" in text and "What these answers raise" not in text


def test_sandbox_explains_a_superscript_typed_as_a_number(rules_client):
    response = rules_client.post("/staff/rules/try", data={"bp_systolic": "²"})
    assert response.status_code == 400 and \
        "Enter “Your most recent blood pressure: the top number (systolic)” as a whole number in mmHg" in page(response)


def test_sandbox_refuses_an_answer_the_question_does_not_offer(rules_client):
    assert rules_client.post("/staff/rules/try", data={"heart_attack": "maybe"}).status_code == 400


def test_sandbox_is_recorded_with_the_rules_version_only(app, rules_client, in_force):
    rules_client.post("/staff/rules/try", data={"bp_systolic": "217", "brain_other": "zebra-migraine-7731"})
    details = [e.detail for e in events(app, "sandbox")]
    assert details == [f"rules in force, version {in_force.version}"]


def test_sandbox_tries_pasted_rules(rules_client, tmp_path):
    text = lowered_bp_raised(tmp_path / "new.yaml").read_text()
    result = page(rules_client.post("/staff/rules/try", data={"rules_text": text, "bp_systolic": "135",
                                                              "bp_diastolic": "85"}))
    assert "With the pasted rules, version" in result and "Discuss: Raised blood pressure" in result


def test_sandbox_takes_a_whole_rules_file_pasted_by_a_browser(rules_client):
    text = (ROOT / "rules.yaml").read_text().replace("\n", "\r\n")  # bigger than the app's 64 KB limit
    response = rules_client.post("/staff/rules/try", data={"rules_text": text, "age": "16"})
    assert response.status_code == 200 and "the same text as the rules in force" in page(response)


def test_sandbox_shows_the_problems_of_pasted_rules_with_their_lines(rules_client):
    text = (ROOT / "rules.yaml").read_text().replace("\n    severity: urgent\n", "\n    severity: urgnet\n", 1)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "urgnet" in row)
    response = rules_client.post("/staff/rules/try", data={"rules_text": text})
    assert response.status_code == 400 and f"Line {line}, column 15:" in page(response)


def test_sandbox_records_pasted_rules_that_fail_the_check(app, rules_client):
    rules_client.post("/staff/rules/try", data={"rules_text": "version: x\n"})
    assert [e.detail for e in events(app, "sandbox")] == ["pasted rules that do not pass the check"]


@pytest.fixture
def csrf_app(tmp_path):
    return make_app({"TESTING": True, "SECRET_KEY": "k", "DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite3'}"},
                      instance_path=str(tmp_path / "instance"))


def test_sandbox_post_without_a_csrf_token_is_refused(csrf_app):
    client = StaffAuth(csrf_app)(("rules",))
    response = client.post("/staff/rules/try", data={"asthma": "yes"})
    assert response.status_code == 400 and "timed out" in response.get_data(as_text=True)


def test_sandbox_post_with_the_csrf_token_is_accepted(csrf_app):
    client = StaffAuth(csrf_app)(("rules",))
    body = client.get("/staff/rules/try").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)
    assert client.post("/staff/rules/try", data={"asthma": "yes", "csrf_token": token}).status_code == 200


def test_the_rules_page_says_which_rules_alert_the_clinic(rules_client):
    body = rules_client.get("/staff/rules").get_data(as_text=True)
    card = body.split('id="rule-heart-attack-6-weeks"', 1)[1].split("</section>", 1)[0]
    urgent = body.split('id="rule-self-harm-plan"', 1)[1].split("</section>", 1)[0]
    assert "<dt>Alerts the clinic</dt><dd>Yes (the rule says so)</dd>" in card
    assert "<dt>Alerts the clinic</dt><dd>Yes</dd>" in urgent


def test_sandbox_says_whether_the_answers_would_alert_the_clinic(rules_client):
    urgent = page(rules_client.post("/staff/rules/try", data={"symptoms_now": "chest_pain"}))
    calm = page(rules_client.post("/staff/rules/try", data={"asthma": "yes"}))
    assert "these answers would alert the clinic at once" in urgent and "They would not alert the clinic" in calm
