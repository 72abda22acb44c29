"""PostgreSQL: how many documents hold each search word, kept by triggers, so the count of a
common word is a few rows instead of a visit to every matching row.

SQLite's FTS5 index counts a word's matches from its row ids alone; PostgreSQL's GIN index cannot
count without reading each matching row (4× SQLite at 100k rows, bench/README.md), nor intersect
them with the other filters without reading every candidate's document. So
``submission_search_terms`` holds, per lexeme of ``submission_search.document`` and per group of
``facet_counts`` (a submission or not, status, topic, owner), the number of documents holding it.
:mod:`leaddesk.query.words` reads it for a one-word search whose prefix names one lexeme, alone or
with filters on status, topic and owner.

Triggers keep it exact after every committed write, as ``facet_counts`` (0006): a document's
lexemes are added and subtracted when ``submission_search`` changes (insert, a re-read or an
edit: only the lexemes that differ), moved between groups before a submission's group changes
(the document then still holds its old lexemes, under the old group), and subtracted before a
submission is deleted (the cascade that then removes its document finds no submission and
leaves the counts alone). The row triggers only note these changes; a deferred trigger sums and
applies them once per transaction, at commit (so a transaction does not see its own changes in
the counts). A writer never waits for another's counts row: it takes a row of its (lexeme,
group) that no one else has locked (SKIP LOCKED) or adds one, so a group may have several rows;
readers sum them.

SQLite gets nothing here: it counts in FTS5.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 09:00:00.000000
"""

from __future__ import annotations

from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# The counts of every document, as the triggers would have kept them (also run by bench.generate
# after a bulk load with the triggers off).
FILL = """
    INSERT INTO submission_search_terms (term, is_submission, status, topic, assignee_id, n)
    SELECT t.term, s.is_submission, s.status, s.topic, s.assignee_id, count(*)
    FROM submission_search AS d JOIN submissions AS s ON s.id = d.submission_id,
         unnest(tsvector_to_array(d.document)) AS t(term)
    GROUP BY t.term, s.is_submission, s.status, s.topic, s.assignee_id"""

# A lexeme, a facet_counts group and a number of documents.
_COUNTED = """
        term TEXT COLLATE "C" NOT NULL,
        is_submission BOOLEAN NOT NULL,
        status VARCHAR(16) NOT NULL,
        topic VARCHAR(255),
        assignee_id INTEGER,
        n INTEGER NOT NULL)"""

# At commit: the transaction's changes summed; per (lexeme, group) a row nobody else has
# locked is bumped, or a row is added. (Revision 0013 finds that row through an index on
# the whole group and restores this body on downgrade.)
APPLY = """CREATE FUNCTION leaddesk_search_terms_apply() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM submission_search_term_marks WHERE txid = NEW.txid;
        WITH changes AS (
            DELETE FROM submission_search_term_changes WHERE txid = NEW.txid
            RETURNING term, is_submission, status, topic, assignee_id, n),
        deltas AS (
            SELECT term, is_submission, status, topic, assignee_id, sum(n) AS n FROM changes
            GROUP BY term, is_submission, status, topic, assignee_id HAVING sum(n) <> 0),
        mine AS (
            SELECT c.id, d.term, d.is_submission, d.status, d.topic, d.assignee_id, d.n
            FROM deltas AS d CROSS JOIN LATERAL (
                SELECT t.id FROM submission_search_terms AS t
                WHERE t.term = d.term AND t.status = d.status
                  AND t.is_submission = d.is_submission
                  AND t.topic IS NOT DISTINCT FROM d.topic
                  AND t.assignee_id IS NOT DISTINCT FROM d.assignee_id
                LIMIT 1 FOR UPDATE SKIP LOCKED) AS c),
        bumped AS (
            UPDATE submission_search_terms AS t SET n = t.n + mine.n FROM mine
            WHERE t.id = mine.id)  -- runs whether read or not
        INSERT INTO submission_search_terms (term, is_submission, status, topic, assignee_id, n)
        SELECT d.term, d.is_submission, d.status, d.topic, d.assignee_id, d.n FROM deltas AS d
        WHERE NOT EXISTS (SELECT 1 FROM mine AS m WHERE m.term = d.term
                          AND m.is_submission = d.is_submission AND m.status = d.status
                          AND m.topic IS NOT DISTINCT FROM d.topic
                          AND m.assignee_id IS NOT DISTINCT FROM d.assignee_id);
        RETURN NULL;
    END $$"""

POSTGRES_UP = [
    # COLLATE "C": byte order, so a prefix (LIKE 'word%') reads one range of the index whatever
    # the database's collation.
    """CREATE TABLE submission_search_terms (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,""" + _COUNTED,
    FILL,
    """CREATE INDEX ix_submission_search_terms_term
        ON submission_search_terms (term, status, is_submission)""",
    # Row triggers only note changes (inserts, no row is updated twice): updating a common
    # word's counts row once per document would leave a chain of versions as long as the
    # transaction's documents to walk at every update (4.7 ms per row for 300 rows, measured).
    # The changes are summed and applied once per transaction, at commit, by a deferred trigger
    # on the transaction's mark.
    """CREATE TABLE submission_search_term_changes (
        txid BIGINT NOT NULL,""" + _COUNTED,
    """CREATE INDEX ix_submission_search_term_changes_txid
        ON submission_search_term_changes (txid)""",
    "CREATE TABLE submission_search_term_marks (txid BIGINT PRIMARY KEY)",
    # Note ``delta`` for every lexeme of ``doc`` under one group.
    """CREATE FUNCTION leaddesk_search_terms_add(
        doc TSVECTOR, p_submission BOOLEAN, p_status VARCHAR, p_topic VARCHAR, p_assignee INTEGER,
        delta INTEGER) RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
        IF doc IS NULL OR length(doc) = 0 THEN
            RETURN;
        END IF;
        INSERT INTO submission_search_term_changes
            (txid, term, is_submission, status, topic, assignee_id, n)
        SELECT txid_current(), t.term, p_submission, p_status, p_topic, p_assignee, delta
        FROM unnest(tsvector_to_array(doc)) AS t(term);
        INSERT INTO submission_search_term_marks VALUES (txid_current()) ON CONFLICT DO NOTHING;
    END $$""",
    APPLY,
    """CREATE CONSTRAINT TRIGGER search_terms_apply AFTER INSERT ON submission_search_term_marks
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION leaddesk_search_terms_apply()""",
    """CREATE FUNCTION leaddesk_search_terms_document() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE sub RECORD;
    BEGIN
        SELECT is_submission, status, topic, assignee_id INTO sub FROM submissions
        WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.submission_id ELSE NEW.submission_id END;
        IF NOT FOUND THEN
            RETURN NULL;  -- deleted with its submission, whose trigger subtracted it
        END IF;
        IF TG_OP = 'INSERT' THEN
            PERFORM leaddesk_search_terms_add(NEW.document, sub.is_submission, sub.status, sub.topic, sub.assignee_id, 1);
        ELSIF TG_OP = 'DELETE' THEN
            PERFORM leaddesk_search_terms_add(OLD.document, sub.is_submission, sub.status, sub.topic, sub.assignee_id, -1);
        ELSIF OLD.document IS DISTINCT FROM NEW.document THEN
            -- Only the lexemes that differ: a re-read or an edit changes a few words.
            PERFORM leaddesk_search_terms_add(
                ts_delete(OLD.document, tsvector_to_array(NEW.document)),
                sub.is_submission, sub.status, sub.topic, sub.assignee_id, -1);
            PERFORM leaddesk_search_terms_add(
                ts_delete(NEW.document, tsvector_to_array(OLD.document)),
                sub.is_submission, sub.status, sub.topic, sub.assignee_id, 1);
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER search_terms_document AFTER INSERT OR UPDATE OR DELETE ON submission_search
    FOR EACH ROW EXECUTE FUNCTION leaddesk_search_terms_document()""",
    # BEFORE the row changes: the document (refreshed only by an AFTER trigger) still holds the
    # lexemes counted under the old group.
    """CREATE FUNCTION leaddesk_search_terms_group() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE doc TSVECTOR;
    BEGIN
        SELECT document INTO doc FROM submission_search WHERE submission_id = OLD.id;
        IF FOUND THEN
            PERFORM leaddesk_search_terms_add(
                doc, OLD.is_submission, OLD.status, OLD.topic, OLD.assignee_id, -1);
            IF TG_OP = 'UPDATE' THEN
                PERFORM leaddesk_search_terms_add(
                    doc, NEW.is_submission, NEW.status, NEW.topic, NEW.assignee_id, 1);
            END IF;
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER search_terms_group
    BEFORE UPDATE OF is_submission, status, topic, assignee_id ON submissions
    FOR EACH ROW WHEN (OLD.is_submission IS DISTINCT FROM NEW.is_submission
                       OR OLD.status IS DISTINCT FROM NEW.status
                       OR OLD.topic IS DISTINCT FROM NEW.topic
                       OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id)
    EXECUTE FUNCTION leaddesk_search_terms_group()""",
    """CREATE TRIGGER search_terms_bd BEFORE DELETE ON submissions
    FOR EACH ROW EXECUTE FUNCTION leaddesk_search_terms_group()""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS search_terms_apply ON submission_search_term_marks",
    "DROP TRIGGER IF EXISTS search_terms_bd ON submissions",
    "DROP TRIGGER IF EXISTS search_terms_group ON submissions",
    "DROP TRIGGER IF EXISTS search_terms_document ON submission_search",
    "DROP FUNCTION IF EXISTS leaddesk_search_terms_group()",
    "DROP FUNCTION IF EXISTS leaddesk_search_terms_document()",
    "DROP FUNCTION IF EXISTS leaddesk_search_terms_apply()",
    "DROP FUNCTION IF EXISTS leaddesk_search_terms_add("
    "TSVECTOR, BOOLEAN, VARCHAR, VARCHAR, INTEGER, INTEGER)",
    "DROP TABLE IF EXISTS submission_search_term_marks",
    "DROP TABLE IF EXISTS submission_search_term_changes",
    "DROP TABLE IF EXISTS submission_search_terms",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_DOWN:
            op.execute(statement)
