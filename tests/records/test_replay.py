"""`flask --app screening rules replay NEW_RULES.yaml [--since DATE] [--verify]` (screening/rules/replay.py).

Requirement (issue 3, "Safe rule changes" and "Bad input"): before a change goes live, show for each stored
submission whose topics would differ which topics appear, disappear or change tier, and totals per rule; a rules
file that does not pass the check gets its messages and exit 1. --verify proves every stored summary is made
again exactly by its own stored rules text.
"""
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select, update

from screening.records import database
from screening.records.models import Submission
from screening.rules.checker import check_file
from screening.rules.model import Topic
from screening.records.replay import compare, replay
from screening.records.models import AuditEvent

from tests.conftest import ROOT


def swap(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def lowered_bp_raised(path: Path) -> Path:
    """rules.yaml with one threshold changed: bp-raised from a systolic of 140 to 130.

    As staff would do it: the version is bumped, and the two examples that pinned 139 and 135 as "not raised"
    now expect bp-raised, so the file passes the check.
    """
    text = (ROOT / "rules.yaml").read_text()
    text = re.sub(r'^version: "([^"]+)"', r'version: "\1-lower-bp"', text, count=1, flags=re.M)
    text = swap(text, "- question: bp_systolic\n              at least: 140\n",
                "- question: bp_systolic\n              at least: 130\n")
    text = swap(text, "    raises: []\n    does not raise: [bp-raised, bp-diastolic-over-100, bp-very-high, bp-unknown]",
                "    raises: [bp-raised]\n    does not raise: [bp-diastolic-over-100, bp-very-high, bp-unknown]")
    text = swap(text, "    raises: [bp-treatment-gaps]\n    does not raise: [bp-raised, bp-very-high]",
                "    raises: [bp-treatment-gaps, bp-raised]\n    does not raise: [bp-very-high]")
    path.write_text(text)
    return path


READINGS = {118: 76, 132: 80, 135: 85, 150: 95}  # systolic: diastolic; 132 and 135 are raised only at 130


@pytest.fixture
def stored(app, patient):
    """Four submissions through the wizard; their references by systolic reading."""
    for systolic, diastolic in READINGS.items():
        patient.complete({"bp_systolic": systolic, "bp_diastolic": diastolic})
        assert patient.send().status_code == 303
    with app.app_context():
        rows = database.session().scalars(select(Submission)).all()
        return {s.answers["bp_systolic"]: s.reference for s in rows}


@pytest.fixture
def new_rules(tmp_path):
    return lowered_bp_raised(tmp_path / "rules-new.yaml")


def run(runner, *args):
    return runner.invoke(args=["rules", "replay", *map(str, args)])


def test_lowered_threshold_copy_passes_the_check(new_rules):
    ruleset, problems = check_file(new_rules)
    assert problems == [] and ruleset.version.endswith("-lower-bp")


def test_replay_lists_each_submission_whose_topics_would_change(runner, stored, new_rules):
    output = run(runner, new_rules).output
    assert f"{stored[132]}  submitted" in output and f"{stored[135]}  submitted" in output


def test_replay_shows_the_topic_that_would_appear_under_its_submission(runner, stored, new_rules):
    output = run(runner, new_rules).output
    block = output.split(stored[135], 1)[1].split("\n\n", 1)[0]
    assert block.splitlines()[1:] == ["  + bp-raised (discuss)"]


def test_replay_leaves_out_submissions_that_would_not_change(runner, stored, new_rules):
    output = run(runner, new_rules).output
    assert stored[118] not in output and stored[150] not in output


def test_replay_prints_totals_per_rule(runner, stored, new_rules):
    output = run(runner, new_rules).output
    assert re.search(r"^  bp-raised\s+2\s+0\s+0$", output, re.M) and re.search(r"^  total\s+2\s+0\s+0$", output, re.M)


def test_replay_counts_submissions_compared_and_changed(runner, stored, new_rules):
    assert "Compared 4 submissions: 2 would change, 2 would stay the same." in run(runner, new_rules).output


def test_replay_exits_0_when_topics_would_change(runner, stored, new_rules):
    assert run(runner, new_rules).exit_code == 0


def test_replay_names_the_new_version_and_the_versions_that_made_the_summaries(runner, app, stored, new_rules):
    output = run(runner, new_rules).output
    in_force = app.extensions["screening.rules"].current.version
    assert f"version {in_force}-lower-bp" in output and f"made with rules version {in_force} (4)" in output


def test_replay_lists_submissions_oldest_first(runner, app, stored, new_rules):
    with app.app_context():
        database.session().execute(update(Submission).where(Submission.reference == stored[135])
                                   .values(submitted_at=datetime(2024, 1, 1, tzinfo=timezone.utc)))
        database.session().commit()
    output = run(runner, new_rules).output
    assert output.index(stored[135]) < output.index(stored[132])


def test_replay_of_the_rules_in_force_changes_nothing(runner, stored):
    output = run(runner, ROOT / "rules.yaml").output
    assert "No submission would change." in output and "Compared 4 submissions: 0 would change" in output


def test_replay_of_an_invalid_file_exits_1_with_path_line_col(runner, stored, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text((ROOT / "rules.yaml").read_text().replace("at least: 140", "at lest: 140", 1))
    result = run(runner, bad)
    assert result.exit_code == 1 and re.search(rf"^{re.escape(str(bad))}:\d+:\d+: .*unknown key 'at lest'", result.output, re.M)


def test_replay_of_an_invalid_file_replays_nothing(runner, stored, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: x\n")
    assert "Compared" not in run(runner, bad).output


def test_replay_since_leaves_out_older_submissions(runner, app, stored, new_rules):
    with app.app_context():
        database.session().execute(update(Submission).where(Submission.reference == stored[135])
                                   .values(submitted_at=datetime(2020, 1, 1, tzinfo=timezone.utc)))
        database.session().commit()
    output = run(runner, new_rules, "--since", "2024-01-01").output
    assert stored[135] not in output and stored[132] in output and "Compared 3 submissions: 1 would change" in output


def test_replay_since_includes_the_day_itself(runner, app, stored, new_rules):
    with app.app_context():
        database.session().execute(update(Submission).values(submitted_at=datetime(2024, 5, 2, 0, 0, 1, tzinfo=timezone.utc)))
        database.session().commit()
    assert "Compared 4 submissions" in run(runner, new_rules, "--since", "2024-05-02").output


def test_replay_since_refuses_a_date_that_is_not_iso(runner, stored, new_rules):
    result = run(runner, new_rules, "--since", "05/02/2024")
    assert result.exit_code == 2 and "--since" in result.output


def test_replay_without_a_file_or_verify_is_a_usage_error(runner):
    result = run(runner)
    assert result.exit_code == 2 and "NEW_RULES" in result.output


def test_replay_is_recorded_without_references(runner, app, stored, new_rules):
    run(runner, new_rules)
    with app.app_context():
        event = database.session().scalars(select(AuditEvent).where(AuditEvent.action == "rules_replay")).one()
    assert event.source_ip == "cli" and "4 compared; 2 would change" in event.detail and stored[135] not in event.detail


def test_verify_passes_on_fresh_data(runner, stored):
    result = run(runner, "--verify")
    assert result.exit_code == 0 and "All 4 summaries reproduce exactly." in result.output


def test_verify_runs_alongside_a_replay(runner, stored, new_rules):
    output = run(runner, new_rules, "--verify").output
    assert "2 would change" in output and "All 4 summaries reproduce exactly." in output


def test_verify_reports_a_summary_that_its_own_rules_do_not_make_again(runner, app, stored):
    with app.app_context():
        db = database.session()
        submission = db.scalars(select(Submission).where(Submission.reference == stored[150])).one()
        submission.topics = []  # as if the summary had lost its bp-raised topic
        db.commit()
    result = run(runner, "--verify")
    assert result.exit_code == 1 and re.search(rf"^  {stored[150]} .*topics differ: \+ bp-raised \(discuss\)$",
                                               result.output, re.M)


def test_verify_reports_a_topic_whose_text_differs(runner, app, stored):
    with app.app_context():
        db = database.session()
        submission = db.scalars(select(Submission).where(Submission.reference == stored[150])).one()
        submission.topics = [{**t, "clinician": "changed"} for t in submission.topics]
        db.commit()
    assert "same topics, but these differ: bp-raised (clinician)" in run(runner, "--verify").output


def test_replay_reads_in_small_batches_with_the_same_result(app, stored, new_rules):
    ruleset, _ = check_file(new_rules)
    with app.app_context():
        report = replay(database.session(), ruleset, batch_size=1)
    assert report.compared == 4 and sorted(c.reference for c in report.changed) == sorted([stored[132], stored[135]])


def topic(rule_id, severity):
    return Topic(rule_id, severity, "", "", "", "")


def test_compare_reports_a_change_of_tier():
    changes = compare([{"id": "asthma", "severity": "mention"}], [topic("asthma", "discuss")])
    assert [str(c) for c in changes] == ["~ asthma (mention→discuss)"]


def test_compare_reports_a_topic_that_disappears():
    assert [str(c) for c in compare([{"id": "copd", "severity": "discuss"}], [])] == ["- copd (discuss)"]


def test_compare_sorts_appear_then_disappear_then_change_each_by_rule_id():
    stored = [{"id": "b", "severity": "mention"}, {"id": "z", "severity": "discuss"}, {"id": "y", "severity": "discuss"}]
    changes = compare(stored, [topic("b", "urgent"), topic("d", "discuss"), topic("c", "mention")])
    assert [str(c) for c in changes] == ["+ c (mention)", "+ d (discuss)", "- y (discuss)", "- z (discuss)",
                                         "~ b (mention→urgent)"]


def test_compare_finds_nothing_when_only_the_order_differs():
    stored = [{"id": "a", "severity": "discuss"}, {"id": "b", "severity": "discuss"}]
    assert compare(stored, [topic("b", "discuss"), topic("a", "discuss")]) == ()


def test_replay_output_is_unchanged_line_for_line(app, runner, stored, new_rules):
    """The whole report, as it read when the changed submissions were kept in a list (issue 12 streams them)."""
    ruleset, _ = check_file(new_rules)
    with app.app_context():
        rows = {s.reference: s for s in database.session().scalars(select(Submission))}
    old = rows[stored[132]].rules_version
    tier = next(r.severity for r in ruleset.rules if r.id == "bp-raised")

    def block(systolic):
        when = rows[stored[systolic]].submitted_at.strftime("%Y-%m-%d %H:%M UTC")
        return ["", f"{stored[systolic]}  submitted {when}  (made with {old})", f"  + bp-raised ({tier})"]

    expected = [
        f"Replay of {new_rules}: version {ruleset.version}, sha256 {ruleset.sha256[:12]}",
        f"Submissions: all stored submissions; 4 compared, their summaries made with rules version {old} (4)",
        "",
        "2 submissions would change (+ topic appears, - disappears, ~ changes tier):",
        *block(132), *block(135),
        "",
        "Totals per rule:",
        "  rule       appear  disappear  change tier",
        "  bp-raised       2          0            0",
        "  total           2          0            0",
        "",
        "Compared 4 submissions: 2 would change, 2 would stay the same.",
    ]
    assert run(runner, new_rules).output == "\n".join(expected) + "\n"


def test_replay_keeps_the_changed_submissions_out_of_memory(app, stored, new_rules):
    ruleset, _ = check_file(new_rules)
    with app.app_context():
        report = replay(database.session(), ruleset, batch_size=1)
    assert not isinstance(report.changed, list) and len(report.changed) == 2
    assert [c.reference for c in report.changed] == [stored[132], stored[135]]
    assert [c.reference for c in report.changed] == [stored[132], stored[135]]  # read again, same order
