"""Alerts to the clinic: the alert, delivery and delivery_attempt tables (an outbox the deliverer sends from),
draft.urgent_since and alerted_at for the unsent-draft sweep, and submission.acknowledged_by / acknowledged_at.

Drafts and submissions from before get no alert: the columns stay empty.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: Union[str, Sequence[str], None] = "0004"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("submission_reference", sa.String(length=20), nullable=True),
        sa.Column("draft_id", sa.String(length=64), nullable=True),
        sa.Column("resume_hash", sa.String(length=64), nullable=True),
        sa.Column("urgent_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_alert_created_at", "alert", ["created_at"])
    op.create_index("ix_alert_submission_reference", "alert", ["submission_reference"])
    op.create_table(
        "delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=32), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["alert_id"], ["alert.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_delivery_alert_id", "delivery", ["alert_id"])
    op.create_index("ix_delivery_status_next", "delivery", ["status", "next_attempt_at"])
    op.create_table(
        "delivery_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["delivery_id"], ["delivery.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_delivery_attempt_delivery_id", "delivery_attempt", ["delivery_id"])
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.add_column(sa.Column("urgent_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("alerted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_draft_urgent_since", ["urgent_since"])
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("acknowledged_by", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_column("acknowledged_at")
        batch_op.drop_column("acknowledged_by")
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.drop_index("ix_draft_urgent_since")
        batch_op.drop_column("alerted_at")
        batch_op.drop_column("urgent_since")
    op.drop_index("ix_delivery_attempt_delivery_id", table_name="delivery_attempt")
    op.drop_table("delivery_attempt")
    op.drop_index("ix_delivery_status_next", table_name="delivery")
    op.drop_index("ix_delivery_alert_id", table_name="delivery")
    op.drop_table("delivery")
    op.drop_index("ix_alert_submission_reference", table_name="alert")
    op.drop_index("ix_alert_created_at", table_name="alert")
    op.drop_table("alert")
