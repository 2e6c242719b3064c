"""The command-line tools: questions export, rules check, rules evaluate.

Requirement (issue 2, sections 2 and 3): the catalogue as JSON; the checker's exit codes and
PATH:LINE:COL messages; the summary of an answers file as JSON with version, hash and reasons.
"""
import json

from screening.catalogue import CATALOGUE

from tests.conftest import ROOT
from tests.rules.test_checker import VALID


def test_questions_export_lists_every_step(runner):
    exported = json.loads(runner.invoke(args=["questions", "export"]).output)
    assert [s["id"] for s in exported["steps"]] == [s.id for s in CATALOGUE.steps]


def test_questions_export_lists_every_question_with_its_definition(runner):
    exported = json.loads(runner.invoke(args=["questions", "export"]).output)
    heart_attack_when = next(q for q in exported["questions"] if q["id"] == "heart_attack_when")
    assert heart_attack_when["show_when"] == {"question": "heart_attack", "equals": "yes"} and \
        {"value": "within_6_weeks", "label": "In the last 6 weeks"} in heart_attack_when["choices"]


def test_questions_export_gives_number_ranges(runner):
    exported = json.loads(runner.invoke(args=["questions", "export"]).output)
    systolic = next(q for q in exported["questions"] if q["id"] == "bp_systolic")
    assert (systolic["type"], systolic["min"], systolic["max"], systolic["unit"]) == ("number", 60, 300, "mmHg")


def test_questions_export_gives_height_and_weight_as_measures_kept_in_metric(runner):
    exported = {q["id"]: q for q in json.loads(runner.invoke(args=["questions", "export"]).output)["questions"]}
    assert [(exported[i]["measure"], exported[i]["unit"], exported[i]["decimals"], exported[i]["min"], exported[i]["max"])
            for i in ("height", "weight")] == [("height", "cm", 1, 91.4, 243.8), ("weight", "kg", 1, 22.7, 362.9)]


def test_questions_export_gives_the_bmi_as_worked_out_from_height_and_weight(runner):
    bmi = next(q for q in json.loads(runner.invoke(args=["questions", "export"]).output)["questions"]
               if q["id"] == "bmi")
    assert (bmi["derived_from"], bmi["unit"], bmi["decimals"]) == (["height", "weight"], "kg/m²", 1)


def test_rules_check_passes_the_shipped_file(runner):
    result = runner.invoke(args=["rules", "check"])
    assert result.exit_code == 0 and "OK" in result.output


def test_rules_check_exits_1_with_every_problem(runner, tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(VALID.replace("question: bp_systolic", "question: bp_sistolic").replace("urgent", "urgnet"))
    result = runner.invoke(args=["rules", "check", str(path)])
    assert result.exit_code == 1 and f"{path}:4:15: " in result.output and f"{path}:10:17: " in result.output


def test_rules_check_reports_a_missing_file(runner, tmp_path):
    result = runner.invoke(args=["rules", "check", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1 and "cannot read" in result.output


def test_rules_evaluate_prints_the_summary_as_json(runner, tmp_path):
    (tmp_path / "rules.yaml").write_text(VALID)
    (tmp_path / "answers.json").write_text(json.dumps({"bp_systolic": 200, "bp_diastolic": 90}))
    result = runner.invoke(args=["rules", "evaluate", str(tmp_path / "answers.json"),
                                 "--rules", str(tmp_path / "rules.yaml")])
    summary = json.loads(result.output)
    assert summary["rules_version"] == "t1" and len(summary["rules_sha256"]) == 64 and summary["topics"] == [{
        "id": "bp-very-high", "severity": "urgent", "title": "Very high blood pressure",
        "patient": "Please get your blood pressure checked today.", "clinician": "Reported 200/90 mmHg.",
        "source": "ACC/AHA 2017",
        "because": [{"question": "bp_systolic", "label": CATALOGUE["bp_systolic"].label, "answer": "200 mmHg"}],
    }]


def test_rules_evaluate_uses_the_shipped_rules_by_default(runner, tmp_path):
    (tmp_path / "answers.json").write_text(json.dumps({"bp_systolic": 200, "bp_diastolic": 90}))
    summary = json.loads(runner.invoke(args=["rules", "evaluate", str(tmp_path / "answers.json")]).output)
    assert summary["topics"][0]["severity"] == "urgent"


def test_rules_evaluate_refuses_answers_the_catalogue_does_not_allow(runner, tmp_path):
    (tmp_path / "answers.json").write_text(json.dumps({"bp_sistolic": 200, "heart_attack": "maybe"}))
    result = runner.invoke(args=["rules", "evaluate", str(tmp_path / "answers.json")])
    assert result.exit_code == 1 and "unknown question id 'bp_sistolic'" in result.output and \
        "no answer 'maybe'" in result.output


def test_rules_evaluate_reports_bad_json_with_its_line(runner, tmp_path):
    (tmp_path / "answers.json").write_text('{\n  "age": 40,\n}')
    result = runner.invoke(args=["rules", "evaluate", str(tmp_path / "answers.json")])
    assert result.exit_code == 1 and "answers.json:3:1: not valid JSON" in result.output


def test_rules_check_works_without_a_secret_key_or_valid_default_rules(tmp_path, monkeypatch):
    import subprocess
    import sys
    bad = tmp_path / "broken.yaml"
    bad.write_text("version: [")
    env = {"PATH": "/usr/bin:/bin", "SCREENING_ENV": "production", "SCREENING_RULES_PATH": str(bad),
           "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "screening", "rules", "check",
                             str(ROOT / "rules.yaml")], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
