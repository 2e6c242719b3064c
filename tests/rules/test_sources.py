"""Every rule's `source` names sources listed in the clinical reference (issue 10, Tests), read from the
project's own copy of that list (clinical_sources.txt), never from the shared folder."""
import re
from pathlib import Path

import pytest

from screening.rules.checker import check_file
from tests.conftest import ROOT

LISTED = {line.strip() for line in (Path(__file__).parent / "clinical_sources.txt").read_text().splitlines()
          if line.strip() and not line.startswith("#")}
RULES, _ = check_file(ROOT / "rules.yaml")


def named(source: str) -> list[str]:
    """The sources a `source:` text names: split at semicolons outside brackets, each without its detail in
    brackets ("Spravato US label (symptoms of hypertensive crisis)" names "Spravato US label")."""
    parts, depth, current = [], 0, ""
    for ch in source:
        depth += ch == "("
        depth -= ch == ")"
        if ch == ";" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [re.sub(r"\s*\(.*\)\s*$", "", part).strip() for part in parts]


def test_a_source_with_detail_names_the_source_without_it():
    assert named("Clinical reference (crisis; 988); Spravato US label (warnings)") == [
        "Clinical reference", "Spravato US label"]


@pytest.mark.parametrize("rule", RULES.rules, ids=[rule.id for rule in RULES.rules])
def test_every_rule_source_is_in_the_clinical_reference(rule):
    unknown = [name for name in named(rule.source) if name not in LISTED]
    assert not unknown, f"{rule.id}: {unknown} not among the clinical reference's sources"
