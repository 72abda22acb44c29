"""Rules on arrival cost less: tag links written in bulk count themselves, and a contact's first
lead is found in an index.

``tag_facet_counts_paused`` lets a writer that adds the per-tag facet counts of a whole batch of
new links itself skip the per-link trigger.

The trigger on ``submission_tags`` (0006) looks up the link's submission several times per link;
for the 13,000 links rules add during a 10k import that was ~0.11 s of SQLite's time, against
~0.01 s for the links alone. :func:`leaddesk.db.bulk.insert_tag_links` adds a row here, inserts
the links, removes the row and adds each (tag, shown, status) group's count once, all in its
transaction: the row is never committed, so every other writer (and a PostgreSQL transaction,
which cannot see another's uncommitted row) keeps the trigger, and the counts stay exact after
every committed write. Deleting links is not affected. The SQLite trigger itself reads the
link's submission once per statement now instead of ~7 times (a person's tag costs less too).

``ix_submissions_contact_received`` (contact, arrival) replaces ``ix_submissions_contact_id``:
the rules ask, per batch, when each contact's first lead arrived; ``received_at`` sits after
the raw mail in the row, so without it SQLite followed each earlier lead's overflow pages.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 11:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

PAUSED = "tag_facet_counts_paused"

def _sqlite_link_ai(paused: bool) -> str:
    """The tag link trigger: what 0006's counted, with the submission read once per statement
    instead of ~7 times per link (its status sits after the raw mail in the row, so each read
    followed the mail's overflow pages): a zero row for a new group, then the group's first row
    counts the link; no submission (a cascade): nothing. ``paused``: skipped while the
    transaction's writer counts its own links (the downgrade leaves that out)."""
    when = f"\n    WHEN NOT EXISTS (SELECT 1 FROM {PAUSED})" if paused else ""
    return f"""CREATE TRIGGER tag_facet_counts_link_ai AFTER INSERT ON submission_tags{when} BEGIN
        INSERT INTO tag_facet_counts (tag_id, is_submission, status, n)
        SELECT new.tag_id, s.is_submission, s.status, 0 FROM submissions AS s
        WHERE s.id = new.submission_id AND NOT EXISTS (
            SELECT 1 FROM tag_facet_counts AS t WHERE t.tag_id = new.tag_id
            AND t.is_submission = s.is_submission AND t.status = s.status);
        UPDATE tag_facet_counts SET n = n + 1 WHERE rowid = (
            SELECT min(t.rowid) FROM tag_facet_counts AS t JOIN submissions AS s
            ON s.id = new.submission_id AND t.tag_id = new.tag_id
            AND t.is_submission = s.is_submission AND t.status = s.status);
    END"""


def _postgres_link(paused: bool) -> str:
    """0006's link trigger function; ``paused``: inserts skip it while this transaction's writer
    counts its own links (only this transaction's own row can be seen: none is committed)."""
    skip = f"""
            IF EXISTS (SELECT 1 FROM {PAUSED}) THEN
                RETURN NULL;
            END IF;""" if paused else ""
    return f"""CREATE OR REPLACE FUNCTION leaddesk_tag_facet_link() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE sub RECORD; link RECORD; delta INTEGER;
    BEGIN
        IF TG_OP = 'INSERT' THEN{skip}
            link := NEW;
            delta := 1;
        ELSE
            link := OLD;
            delta := -1;
        END IF;
        SELECT is_submission, status INTO sub FROM submissions WHERE id = link.submission_id;
        IF FOUND THEN
            PERFORM leaddesk_tag_facet_add(link.tag_id, sub.is_submission, sub.status, delta);
        END IF;
        RETURN NULL;
    END $$"""


def _link_trigger(paused: bool) -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS tag_facet_counts_link_ai")
        op.execute(_sqlite_link_ai(paused))
    elif dialect == "postgresql":
        op.execute(_postgres_link(paused))


def upgrade() -> None:
    op.create_table(PAUSED, sa.Column('writer', sa.String(length=64), nullable=False))
    # Plain index statements (no batch mode: nothing here needs the table rebuilt).
    op.drop_index('ix_submissions_contact_id', table_name='submissions')
    op.create_index('ix_submissions_contact_received', 'submissions',
                    ['contact_id', 'received_at'], unique=False)
    _link_trigger(paused=True)


def downgrade() -> None:
    _link_trigger(paused=False)
    op.drop_index('ix_submissions_contact_received', table_name='submissions')
    op.create_index('ix_submissions_contact_id', 'submissions', ['contact_id'], unique=False)
    op.drop_table(PAUSED)
