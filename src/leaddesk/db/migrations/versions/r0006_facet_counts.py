"""Facet counts kept by triggers: per (shown, status, topic, assignee) group and per tag, so the
sidebar of a million rows reads a few hundred rows instead of counting the table.

Triggers, not application code, keep them: every writer (sync, triage, erase, merge, re-read, a
colleague's desktop, another tool) changes them in the same transaction, so they are exact after
every write. New groups are added as a zero row first and then counted; readers sum per group, so
a group added twice at once by two PostgreSQL clients is still counted right.

On PostgreSQL a writer never waits for another's counts row: it takes a row of its group that no
one else has locked (SKIP LOCKED) or adds one. Waiting would serialise triage across desktops and
could deadlock two transactions that move rows between the same groups in opposite directions;
the price is a few more rows per group, at most one per concurrent writer.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 04:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

GROUP = "is_submission, status, topic, assignee_id"


def _sqlite_group(row: str, delta: str) -> str:
    """Add ``delta`` to the group of ``row`` (NEW or OLD), creating the group when missing."""
    match = (f"is_submission = {row}.is_submission AND status = {row}.status "
             f"AND topic IS {row}.topic AND assignee_id IS {row}.assignee_id")
    return f"""
        INSERT INTO facet_counts ({GROUP}, n)
        SELECT {row}.is_submission, {row}.status, {row}.topic, {row}.assignee_id, 0
        WHERE NOT EXISTS (SELECT 1 FROM facet_counts WHERE {match});
        UPDATE facet_counts SET n = n + ({delta}) WHERE rowid =
            (SELECT rowid FROM facet_counts WHERE {match} LIMIT 1);"""


def _sqlite_tags(links: str, is_submission: str, status: str, delta: str) -> str:
    """Add ``delta`` per link in ``links`` (a SELECT of tag_id) under (is_submission, status)."""
    match = f"tag_id = l.tag_id AND is_submission = {is_submission} AND status = {status}"
    return f"""
        INSERT INTO tag_facet_counts (tag_id, is_submission, status, n)
        SELECT l.tag_id, {is_submission}, {status}, 0 FROM ({links}) AS l
        WHERE NOT EXISTS (SELECT 1 FROM tag_facet_counts WHERE {match});
        UPDATE tag_facet_counts SET n = n + ({delta}) * (
            SELECT count(*) FROM ({links}) AS l WHERE l.tag_id = tag_facet_counts.tag_id)
        WHERE rowid IN (SELECT min(t.rowid) FROM tag_facet_counts AS t JOIN ({links}) AS l
                        ON t.tag_id = l.tag_id AND t.is_submission = {is_submission}
                        AND t.status = {status} GROUP BY t.tag_id);"""


def _links_of(row: str) -> str:
    return f"SELECT tag_id FROM submission_tags WHERE submission_id = {row}.id"


def _the_link(row: str) -> str:
    # The link's own tag, only while its submission exists (a cascade from a deleted submission
    # was already subtracted by submissions' BEFORE DELETE trigger).
    return (f"SELECT {row}.tag_id AS tag_id FROM submissions "
            f"WHERE id = {row}.submission_id")


def _of_submission(row: str, column: str) -> str:
    return f"(SELECT {column} FROM submissions WHERE id = {row}.submission_id)"


SQLITE_UP = [
    f"""CREATE TRIGGER facet_counts_ai AFTER INSERT ON submissions BEGIN
        {_sqlite_group("new", "1")}
    END""",
    f"""CREATE TRIGGER facet_counts_ad AFTER DELETE ON submissions BEGIN
        {_sqlite_group("old", "-1")}
    END""",
    f"""CREATE TRIGGER facet_counts_au AFTER UPDATE OF {GROUP} ON submissions
    WHEN old.is_submission IS NOT new.is_submission OR old.status IS NOT new.status
        OR old.topic IS NOT new.topic OR old.assignee_id IS NOT new.assignee_id BEGIN
        {_sqlite_group("old", "-1")}
        {_sqlite_group("new", "1")}
    END""",
    f"""CREATE TRIGGER tag_facet_counts_bd BEFORE DELETE ON submissions BEGIN
        {_sqlite_tags(_links_of("old"), "old.is_submission", "old.status", "-1")}
    END""",
    f"""CREATE TRIGGER tag_facet_counts_au AFTER UPDATE OF is_submission, status ON submissions
    WHEN old.is_submission IS NOT new.is_submission OR old.status IS NOT new.status BEGIN
        {_sqlite_tags(_links_of("old"), "old.is_submission", "old.status", "-1")}
        {_sqlite_tags(_links_of("new"), "new.is_submission", "new.status", "1")}
    END""",
    f"""CREATE TRIGGER tag_facet_counts_link_ai AFTER INSERT ON submission_tags BEGIN
        {_sqlite_tags(_the_link("new"), _of_submission("new", "is_submission"),
                      _of_submission("new", "status"), "1")}
    END""",
    f"""CREATE TRIGGER tag_facet_counts_link_ad AFTER DELETE ON submission_tags BEGIN
        {_sqlite_tags(_the_link("old"), _of_submission("old", "is_submission"),
                      _of_submission("old", "status"), "-1")}
    END""",
]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS {name}" for name in (
    "facet_counts_ai", "facet_counts_ad", "facet_counts_au", "tag_facet_counts_bd",
    "tag_facet_counts_au", "tag_facet_counts_link_ai", "tag_facet_counts_link_ad")]

POSTGRES_UP = [
    """CREATE FUNCTION leaddesk_facet_group_add(
        shown BOOLEAN, st VARCHAR, tp VARCHAR, member INTEGER, delta INTEGER) RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE facet_counts SET n = n + delta WHERE ctid = (
            SELECT ctid FROM facet_counts WHERE is_submission = shown AND status = st
              AND topic IS NOT DISTINCT FROM tp AND assignee_id IS NOT DISTINCT FROM member
            LIMIT 1 FOR UPDATE SKIP LOCKED);
        IF NOT FOUND THEN
            INSERT INTO facet_counts (is_submission, status, topic, assignee_id, n)
            VALUES (shown, st, tp, member, delta);
        END IF;
    END $$""",
    """CREATE FUNCTION leaddesk_tag_facet_add(
        tag INTEGER, shown BOOLEAN, st VARCHAR, delta INTEGER) RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE tag_facet_counts SET n = n + delta WHERE ctid = (
            SELECT ctid FROM tag_facet_counts WHERE tag_id = tag AND is_submission = shown
              AND status = st LIMIT 1 FOR UPDATE SKIP LOCKED);
        IF NOT FOUND THEN
            INSERT INTO tag_facet_counts (tag_id, is_submission, status, n)
            VALUES (tag, shown, st, delta);
        END IF;
    END $$""",
    """CREATE FUNCTION leaddesk_facet_counts_refresh() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE link RECORD;
    BEGIN
        IF TG_OP = 'UPDATE' AND NOT (
                OLD.is_submission IS DISTINCT FROM NEW.is_submission
                OR OLD.status IS DISTINCT FROM NEW.status OR OLD.topic IS DISTINCT FROM NEW.topic
                OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id) THEN
            RETURN NULL;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            PERFORM leaddesk_facet_group_add(
                OLD.is_submission, OLD.status, OLD.topic, OLD.assignee_id, -1);
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
            PERFORM leaddesk_facet_group_add(
                NEW.is_submission, NEW.status, NEW.topic, NEW.assignee_id, 1);
        END IF;
        IF TG_OP = 'UPDATE' AND (OLD.is_submission IS DISTINCT FROM NEW.is_submission
                                 OR OLD.status IS DISTINCT FROM NEW.status) THEN
            FOR link IN SELECT tag_id FROM submission_tags WHERE submission_id = NEW.id LOOP
                PERFORM leaddesk_tag_facet_add(link.tag_id, OLD.is_submission, OLD.status, -1);
                PERFORM leaddesk_tag_facet_add(link.tag_id, NEW.is_submission, NEW.status, 1);
            END LOOP;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER facet_counts_aiud AFTER INSERT OR UPDATE OR DELETE ON submissions
    FOR EACH ROW EXECUTE FUNCTION leaddesk_facet_counts_refresh()""",
    # Before the row goes: its links are still there to subtract (the cascade that removes them
    # finds no submission and leaves the counts alone).
    """CREATE FUNCTION leaddesk_tag_facet_before_delete() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE link RECORD;
    BEGIN
        FOR link IN SELECT tag_id FROM submission_tags WHERE submission_id = OLD.id LOOP
            PERFORM leaddesk_tag_facet_add(link.tag_id, OLD.is_submission, OLD.status, -1);
        END LOOP;
        RETURN OLD;
    END $$""",
    """CREATE TRIGGER tag_facet_counts_bd BEFORE DELETE ON submissions
    FOR EACH ROW EXECUTE FUNCTION leaddesk_tag_facet_before_delete()""",
    """CREATE FUNCTION leaddesk_tag_facet_link() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE sub RECORD;
    BEGIN
        IF TG_OP = 'INSERT' THEN
            SELECT is_submission, status INTO sub FROM submissions WHERE id = NEW.submission_id;
            IF FOUND THEN
                PERFORM leaddesk_tag_facet_add(NEW.tag_id, sub.is_submission, sub.status, 1);
            END IF;
        ELSE
            SELECT is_submission, status INTO sub FROM submissions WHERE id = OLD.submission_id;
            IF FOUND THEN
                PERFORM leaddesk_tag_facet_add(OLD.tag_id, sub.is_submission, sub.status, -1);
            END IF;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER tag_facet_counts_link AFTER INSERT OR DELETE ON submission_tags
    FOR EACH ROW EXECUTE FUNCTION leaddesk_tag_facet_link()""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS tag_facet_counts_link ON submission_tags",
    "DROP TRIGGER IF EXISTS tag_facet_counts_bd ON submissions",
    "DROP TRIGGER IF EXISTS facet_counts_aiud ON submissions",
    "DROP FUNCTION IF EXISTS leaddesk_tag_facet_link()",
    "DROP FUNCTION IF EXISTS leaddesk_tag_facet_before_delete()",
    "DROP FUNCTION IF EXISTS leaddesk_facet_counts_refresh()",
    "DROP FUNCTION IF EXISTS leaddesk_tag_facet_add(INTEGER, BOOLEAN, VARCHAR, INTEGER)",
    "DROP FUNCTION IF EXISTS leaddesk_facet_group_add(BOOLEAN, VARCHAR, VARCHAR, INTEGER, INTEGER)",
]


def upgrade() -> None:
    op.create_table('facet_counts',
    sa.Column('is_submission', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('topic', sa.String(length=255), nullable=True),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('n', sa.Integer(), nullable=False)
    )
    op.create_index('ix_facet_counts_group', 'facet_counts', ['status', 'topic', 'assignee_id'],
                    unique=False)
    op.create_table('tag_facet_counts',
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.Column('is_submission', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False)
    )
    op.create_index('ix_tag_facet_counts_group', 'tag_facet_counts', ['tag_id', 'status'],
                    unique=False)
    # Count what is already there, then keep counting.
    op.execute(f"INSERT INTO facet_counts ({GROUP}, n) "
               f"SELECT {GROUP}, count(*) FROM submissions GROUP BY {GROUP}")
    op.execute("INSERT INTO tag_facet_counts (tag_id, is_submission, status, n) "
               "SELECT l.tag_id, s.is_submission, s.status, count(*) FROM submission_tags AS l "
               "JOIN submissions AS s ON s.id = l.submission_id "
               "GROUP BY l.tag_id, s.is_submission, s.status")
    for statement in {"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}.get(
            op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade() -> None:
    for statement in {"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}.get(
            op.get_bind().dialect.name, []):
        op.execute(statement)
    op.drop_index('ix_tag_facet_counts_group', table_name='tag_facet_counts')
    op.drop_table('tag_facet_counts')
    op.drop_index('ix_facet_counts_group', table_name='facet_counts')
    op.drop_table('facet_counts')
