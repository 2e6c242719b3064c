"""Answer codes in US spelling: the reactions answer's British-spelled code (RENAMED) is stored as "anesthetic"
in every draft and submission. Only the code changes; the answer, its label and every summary stay as they were (a summary's
reasons hold the label). Past rules versions still read the old code (Choice.formerly in the catalogue).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""
import json
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: Union[str, Sequence[str], None] = "0006"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# question id: {old code: new code}. Written out here, not read from the catalogue, which will go on changing.
RENAMED = {"reactions": {"anaesthetic": "anesthetic"}}


def _recode(renamed: dict[str, dict[str, str]]) -> None:
    bind = op.get_bind()
    for table in ("draft", "submission"):
        rows = sa.table(table, sa.column("id"), sa.column("answers", sa.JSON))
        for old in {code for codes in renamed.values() for code in codes}:
            found = bind.execute(sa.select(rows.c.id, rows.c.answers)
                                 .where(sa.cast(rows.c.answers, sa.Text).like(f"%{old}%"))).all()
            for row_id, answers in found:
                answers = json.loads(answers) if isinstance(answers, str) else dict(answers)
                changed = False
                for question, codes in renamed.items():
                    value = answers.get(question)
                    if isinstance(value, list) and any(v in codes for v in value):
                        answers[question] = [codes.get(v, v) for v in value]
                        changed = True
                    elif isinstance(value, str) and value in codes:
                        answers[question] = codes[value]
                        changed = True
                if changed:
                    bind.execute(rows.update().where(rows.c.id == row_id).values(answers=answers))


def upgrade() -> None:
    _recode(RENAMED)


def downgrade() -> None:
    _recode({question: {new: old for old, new in codes.items()} for question, codes in RENAMED.items()})
