"""Which questions have been on the patient's screen (draft.presented), and a sent questionnaire's resume code
(submission.resume_hash, resume_until), so that typing it after Send opens the summary.

Drafts in progress when this runs count their answered questions as presented: a follow-up they never saw
is then asked before they can send, the safe side. Submissions sent before have no resume code kept.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""
import json
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: Union[str, Sequence[str], None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.add_column(sa.Column("presented", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    draft = sa.table("draft", sa.column("id", sa.String), sa.column("answers", sa.JSON),
                     sa.column("presented", sa.JSON))
    connection = op.get_bind()
    for draft_id, answers in connection.execute(sa.select(draft.c.id, draft.c.answers)).all():
        answers = json.loads(answers) if isinstance(answers, str) else (answers or {})
        connection.execute(draft.update().where(draft.c.id == draft_id).values(presented=list(answers)))

    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resume_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("resume_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_submission_resume_hash"), ["resume_hash"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submission_resume_hash"))
        batch_op.drop_column("resume_until")
        batch_op.drop_column("resume_hash")
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.drop_column("presented")
