"""A rules file of about 10,000 rules: the shipped rules.yaml repeated, each copy's ids given a suffix, and
every example naming the copies as it names the originals, so the file passes the check as the original does."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RULE_ID_LINE = re.compile(r"^  - id: (\S+)$", re.M)
RULE_LIST_LINE = re.compile(r"^(    (?:raises|does not raise): )\[([^\]]*)\]$", re.M)


def repeated_rules(target: int = 10_000, source: Path = ROOT / "rules.yaml") -> tuple[str, int]:
    """The text and its number of rules (the first multiple of the shipped count at or above `target`)."""
    text = source.read_text(encoding="utf-8")
    head, examples = text.split("\nexamples:\n", 1)
    preamble, rules = head.split("\nrules:\n", 1)
    count = len(RULE_ID_LINE.findall(rules))
    copies = -(-target // count)
    blocks = [rules] + [RULE_ID_LINE.sub(lambda m, n=n: f"  - id: {m.group(1)}-copy{n}", rules)
                        for n in range(1, copies)]

    def every_copy(match: re.Match[str]) -> str:
        ids = [i.strip() for i in match.group(2).split(",") if i.strip()]
        named = ids + [f"{i}-copy{n}" for n in range(1, copies) for i in ids]
        return f"{match.group(1)}[{', '.join(named)}]"

    examples = RULE_LIST_LINE.sub(every_copy, examples)
    return f"{preamble}\nrules:\n{''.join(blocks)}\nexamples:\n{examples}", count * copies
