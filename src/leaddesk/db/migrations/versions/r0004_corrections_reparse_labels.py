"""Corrections and re-reading: the parser version per message, what a person edited or overrode,
the not-a-submission reason in its own column, and labels taught per form.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 03:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leaddesk.db.types import PortableJSON, UTCDateTime

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('label_mappings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form', sa.String(length=320), server_default='', nullable=False),
    sa.Column('label', sa.String(length=255), nullable=False),
    sa.Column('label_key', sa.String(length=255), nullable=False),
    sa.Column('field', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_label_mappings')),
    sa.UniqueConstraint('form', 'label_key', name=op.f('uq_label_mappings_form_label_key'))
    )
    # Plain ADD COLUMNs: on SQLite they keep the table (and its search and change triggers).
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parser_version', sa.Integer(), server_default='1',
                                      nullable=False))
        batch_op.add_column(sa.Column('not_submission_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('edited_fields', PortableJSON, nullable=True))
        batch_op.add_column(sa.Column('status_set_by', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('verdict_by', sa.String(length=120), nullable=True))
        batch_op.create_index(batch_op.f('ix_submissions_parser_version'), ['parser_version'],
                              unique=False)
    # Statuses people set before this revision are in the audit log: a re-read must keep them,
    # and (erring towards never hiding a lead) the verdicts that went with them.
    op.execute("UPDATE submissions SET status_set_by = (SELECT a.actor FROM audit_events a "
               "WHERE a.entity = 'submission' AND a.entity_id = submissions.id "
               "AND a.action = 'status' ORDER BY a.id DESC LIMIT 1)")
    op.execute("UPDATE submissions SET verdict_by = status_set_by "
               "WHERE status_set_by IS NOT NULL")


def downgrade() -> None:
    # Plain DROP COLUMN, not a batch copy: SQLite refuses to rebuild tables the search triggers name.
    op.drop_index(op.f('ix_submissions_parser_version'), table_name='submissions')
    for column in ('verdict_by', 'status_set_by', 'edited_fields', 'not_submission_reason',
                   'parser_version'):
        op.drop_column('submissions', column)
    op.drop_table('label_mappings')
