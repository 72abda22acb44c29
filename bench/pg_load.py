"""Bulk load for PostgreSQL: COPY with the row triggers off, their work done set-wise after.

Row by row, every submission fires the search document trigger, the ``facet_counts`` and word
count triggers (each taking its counts rows with ``FOR UPDATE SKIP LOCKED``) and a change
notification: ~250 rows/s here, over an hour for a million. So :func:`begin` turns the user
triggers of the loaded tables off (one transaction, on an empty database), :func:`copy` writes
each batch with COPY, and :func:`finish` builds in one statement each what the triggers would have
built (search documents, facet counts, tag facet counts, word counts), rebuilds the GIN index,
turns the triggers back on and checks the derived tables against the rows. The notifications are
not state: no one listens to a database being filled.

The statements here restate the migrations' trigger bodies (r0001, r0006, r0010);
``python -m bench.pg_load --compare URL_A URL_B`` checks that a bulk-loaded database and a
trigger-loaded one hold the same derived rows (bench/README.md).
"""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import Connection, Table, create_engine, text
from tests.support.kept_counts import KEPT_GROUPS, KEPT_TAGS, KEPT_WORDS

from leaddesk.db.migrations.versions.r0010_search_term_counts import FILL as FILL_WORD_COUNTS
from leaddesk.db.models import Base

SEARCH_INDEX = "ix_submission_search_document"

# r0001's leaddesk_submission_search_refresh(), for every submission at once.
FILL_SEARCH = """
    INSERT INTO submission_search (submission_id, document)
    SELECT s.id, to_tsvector('simple', regexp_replace(concat_ws(' ',
        s.visitor_name, s.visitor_email, s.visitor_company, s.subject, s.body_text,
        s.topic, p.title), '[^[:alnum:]_]+', ' ', 'g'))
    FROM submissions AS s LEFT JOIN posts AS p ON p.id = s.post_id"""
# r0006's upgrade: what its triggers keep.
FILL_FACETS = """
    INSERT INTO facet_counts (is_submission, status, topic, assignee_id, n)
    SELECT is_submission, status, topic, assignee_id, count(*) FROM submissions
    GROUP BY is_submission, status, topic, assignee_id"""
FILL_TAG_FACETS = """
    INSERT INTO tag_facet_counts (tag_id, is_submission, status, n)
    SELECT l.tag_id, s.is_submission, s.status, count(*) FROM submission_tags AS l
    JOIN submissions AS s ON s.id = l.submission_id
    GROUP BY l.tag_id, s.is_submission, s.status"""

# Each derived table as readers see it (groups summed, empty groups left out), for the checks.
DERIVED = {
    "submission_search": "SELECT submission_id, document::text FROM submission_search",
    "facet_counts": KEPT_GROUPS,
    "tag_facet_counts": KEPT_TAGS,
    "submission_search_terms": KEPT_WORDS,
}


def _triggered_tables() -> list[str]:
    return [*Base.metadata.tables, "submission_search"]


def begin(conn: Connection) -> None:
    """Triggers off and the GIN index gone, inside the caller's transaction (which must load an
    empty database and end with :func:`finish`)."""
    if conn.execute(text("SELECT count(*) FROM submissions")).scalar_one():
        raise SystemExit("the PostgreSQL bulk load needs an empty database")
    for table in _triggered_tables():
        conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
    conn.execute(text(f"DROP INDEX {SEARCH_INDEX}"))


def copy(conn: Connection, table: Table, rows: list[tuple[Any, ...]]) -> None:
    """One batch of encoded rows (JSON as text, datetimes aware) through COPY."""
    names = ", ".join(c.name for c in table.columns)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as stream:
        for row in rows:
            stream.write_row(row)


def finish(conn: Connection) -> None:
    """What the triggers would have built, set-wise; the index back; the triggers back on."""
    for statement in (FILL_SEARCH, FILL_FACETS, FILL_TAG_FACETS, FILL_WORD_COUNTS):
        conn.execute(text(statement))
    conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
    conn.execute(text(f"CREATE INDEX {SEARCH_INDEX} ON submission_search USING GIN (document)"))
    for table in _triggered_tables():
        conn.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
    # Statistics for the statements that follow in this transaction (the rows are not
    # committed yet, so autovacuum has not seen them).
    conn.execute(text("ANALYZE"))


def derived_rows(url: str) -> dict[str, set[tuple[Any, ...]]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {name: {tuple(r) for r in conn.execute(text(sql))}
                    for name, sql in DERIVED.items()}
    finally:
        engine.dispose()


def compare(one: str, other: str) -> list[str]:
    """The derived tables that differ between two databases loaded with the same rows."""
    a, b = derived_rows(one), derived_rows(other)
    return [f"{name}: {len(a[name] - b[name])} rows only in the first, "
            f"{len(b[name] - a[name])} only in the second"
            for name in DERIVED if a[name] != b[name]]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Compare the derived tables of two PostgreSQL "
                                     "databases (a bulk load and a trigger load of the same rows)")
    parser.add_argument("--compare", nargs=2, metavar="URL", required=True)
    args = parser.parse_args(argv)
    differences = compare(*args.compare)
    sizes = {name: len(rows) for name, rows in derived_rows(args.compare[0]).items()}
    print(f"derived rows: {sizes}")
    print("\n".join(differences) or "the derived tables are identical")
    if differences:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
