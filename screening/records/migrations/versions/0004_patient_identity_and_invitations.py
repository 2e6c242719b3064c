"""Who the patient is: identity columns on submission (name, date of birth, record number, contact) with the
name_key table the staff search reads, and clinic invitations, which a draft and a submission may come from.

Submissions sent before have no identity: the columns stay empty and pages show "Not recorded".

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: Union[str, Sequence[str], None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("record_number", sa.String(length=30), nullable=True),
        sa.Column("appointment_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submission_reference", sa.String(length=20), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.String(length=10), nullable=True),
        sa.Column("draft_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_invitation_created_at", "invitation", ["created_at"])

    op.create_table(
        "name_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_name_key_key_submission", "name_key", ["key", "submission_id"])
    op.create_index("ix_name_key_submission_id", "name_key", ["submission_id"])

    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invitation_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_draft_invitation_id", ["invitation_id"])
        batch_op.create_foreign_key("fk_draft_invitation", "invitation", ["invitation_id"], ["id"],
                                    ondelete="SET NULL")

    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_name", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("last_name", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("date_of_birth", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("record_number", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("phone", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("invitation_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_submission_birth_submitted", ["date_of_birth", "submitted_at", "id"])
        batch_op.create_index("ix_submission_record_submitted", ["record_number", "submitted_at", "id"])
        batch_op.create_index("ix_submission_invitation_id", ["invitation_id"])
        batch_op.create_foreign_key("fk_submission_invitation", "invitation", ["invitation_id"], ["id"],
                                    ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_constraint("fk_submission_invitation", type_="foreignkey")
        batch_op.drop_index("ix_submission_invitation_id")
        batch_op.drop_index("ix_submission_record_submitted")
        batch_op.drop_index("ix_submission_birth_submitted")
        for column in ("invitation_id", "email", "phone", "record_number", "date_of_birth", "last_name",
                       "first_name"):
            batch_op.drop_column(column)
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.drop_constraint("fk_draft_invitation", type_="foreignkey")
        batch_op.drop_index("ix_draft_invitation_id")
        batch_op.drop_column("invitation_id")
    op.drop_index("ix_name_key_submission_id", table_name="name_key")
    op.drop_index("ix_name_key_key_submission", table_name="name_key")
    op.drop_table("name_key")
    op.drop_index("ix_invitation_created_at", table_name="invitation")
    op.drop_table("invitation")
