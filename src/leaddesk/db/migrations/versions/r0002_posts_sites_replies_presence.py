"""Post resolution (sites allowlist, topic mappings, fetch backoff), SMTP replies and templates,
and presence leases for team mode.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 00:00:24.144647
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leaddesk.db.types import UTCDateTime

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reply_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('subject', sa.Text(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reply_templates')),
    sa.UniqueConstraint('name', name=op.f('uq_reply_templates_name'))
    )
    op.create_table('sites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('origin', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=True),
    sa.Column('fetch_base', sa.String(length=255), nullable=True),
    sa.Column('added_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sites')),
    sa.UniqueConstraint('origin', name=op.f('uq_sites_origin'))
    )
    op.create_table('topic_mappings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('term', sa.String(length=255), nullable=False),
    sa.Column('topic', sa.String(length=255), nullable=False),
    sa.CheckConstraint("kind IN ('category', 'tag')", name=op.f('ck_topic_mappings_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topic_mappings')),
    sa.UniqueConstraint('kind', 'term', name=op.f('uq_topic_mappings_kind_term'))
    )
    op.create_table('presence',
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('member', sa.String(length=120), nullable=False),
    sa.Column('expires_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_presence_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('submission_id', 'client_id', name=op.f('pk_presence'))
    )
    with op.batch_alter_table('presence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_presence_expires_at'), ['expires_at'], unique=False)

    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('source', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('wp_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('slug', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('modified_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('next_fetch_at', UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_posts_next_fetch_at'), ['next_fetch_at'], unique=False)

    with op.batch_alter_table('replies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('in_reply_to', sa.String(length=998), nullable=True))
        batch_op.add_column(sa.Column('references', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('raw', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('copied_to_sent_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('updated_at', UTCDateTime(), nullable=True))

    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('topic_source', sa.String(length=16), nullable=True))



def downgrade() -> None:
    # Plain DROP COLUMN, not a batch copy: SQLite refuses to rebuild tables the search triggers name.
    op.drop_column('submissions', 'topic_source')

    op.drop_column('replies', 'updated_at')
    op.drop_column('replies', 'copied_to_sent_at')
    op.drop_column('replies', 'raw')
    op.drop_column('replies', 'references')
    op.drop_column('replies', 'in_reply_to')

    op.drop_index(op.f('ix_posts_next_fetch_at'), table_name='posts')
    op.drop_column('posts', 'next_fetch_at')
    op.drop_column('posts', 'attempts')
    op.drop_column('posts', 'modified_at')
    op.drop_column('posts', 'slug')
    op.drop_column('posts', 'wp_id')
    op.drop_column('posts', 'source')
    op.drop_column('posts', 'kind')

    op.drop_index(op.f('ix_presence_expires_at'), table_name='presence')

    op.drop_table('presence')
    op.drop_table('topic_mappings')
    op.drop_table('sites')
    op.drop_table('reply_templates')
