"""Suggestions learned from the team's triage (leaddesk.suggest): the examples the model
counted, the accept/reject feedback on suggestions, and the stored model itself.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 06:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leaddesk.db.types import PortableJSON, UTCDateTime

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('suggest_examples',
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('features', PortableJSON, nullable=False),
    sa.Column('topic', sa.String(length=255), nullable=True),
    sa.Column('owner', sa.String(length=120), nullable=True),
    sa.Column('tags', PortableJSON, nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_suggest_examples_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('submission_id', name=op.f('pk_suggest_examples'))
    )
    op.create_table('suggest_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('target', sa.String(length=16), nullable=False),
    sa.Column('value', sa.String(length=255), nullable=False),
    sa.Column('verdict', sa.String(length=8), nullable=False),
    sa.Column('confidence', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.Column('features', PortableJSON, nullable=False),
    sa.Column('counted', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.CheckConstraint("target IN ('topic', 'tags', 'owner')", name=op.f('ck_suggest_feedback_target')),
    sa.CheckConstraint("verdict IN ('accept', 'reject')", name=op.f('ck_suggest_feedback_verdict')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_suggest_feedback_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suggest_feedback'))
    )
    with op.batch_alter_table('suggest_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suggest_feedback_submission_id'), ['submission_id'], unique=False)
    op.create_table('suggest_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('examples', sa.Integer(), nullable=False),
    sa.Column('model', sa.LargeBinary(), nullable=True),
    sa.Column('trained_at', UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suggest_state'))
    )


def downgrade() -> None:
    op.drop_table('suggest_state')
    with op.batch_alter_table('suggest_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_suggest_feedback_submission_id'))
    op.drop_table('suggest_feedback')
    op.drop_table('suggest_examples')
