"""Rules that triage on arrival: the rules, round-robin counters, acknowledgements sent, the
rules' options, and "away" on team members (round-robin skips them).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 06:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leaddesk.db.types import PortableJSON, UTCDateTime

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('stop', sa.Boolean(), nullable=False),
    sa.Column('conditions', PortableJSON, nullable=False),
    sa.Column('actions', PortableJSON, nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rules')),
    sa.UniqueConstraint('name', name=op.f('uq_rules_name'))
    )
    op.create_table('rule_counters',
    sa.Column('rule_id', sa.Integer(), nullable=False),
    sa.Column('member', sa.String(length=120), nullable=False),
    sa.Column('assigned', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['rule_id'], ['rules.id'], name=op.f('fk_rule_counters_rule_id_rules'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('rule_id', 'member', name=op.f('pk_rule_counters'))
    )
    op.create_table('rule_acknowledgements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact', sa.String(length=320), nullable=False),
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=True),
    sa.Column('rule', sa.String(length=120), nullable=False),
    sa.Column('template', sa.String(length=120), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('reply_id', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('sent_at', UTCDateTime(), nullable=True),
    sa.CheckConstraint("state IN ('pending', 'sending', 'sent', 'failed', 'skipped')",
                       name=op.f('ck_rule_acknowledgements_state')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'],
                            name=op.f('fk_rule_acknowledgements_submission_id_submissions'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_acknowledgements')),
    sa.UniqueConstraint('contact', 'day', name=op.f('uq_rule_acknowledgements_contact_day'))
    )
    op.create_index(op.f('ix_rule_acknowledgements_submission_id'), 'rule_acknowledgements',
                    ['submission_id'], unique=False)
    op.create_table('rule_options',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_rule_options'))
    )
    op.add_column('team_members', sa.Column('away', sa.Boolean(), server_default=sa.false(),
                                            nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('team_members', schema=None) as batch_op:
        batch_op.drop_column('away')
    op.drop_table('rule_options')
    op.drop_index(op.f('ix_rule_acknowledgements_submission_id'),
                  table_name='rule_acknowledgements')
    op.drop_table('rule_acknowledgements')
    op.drop_table('rule_counters')
    op.drop_table('rules')
