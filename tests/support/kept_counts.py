"""The trigger-kept counts tables against the rows they count: ``facet_counts`` and
``tag_facet_counts`` (revision 0006) and, on PostgreSQL, ``submission_search_terms`` (0010)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from leaddesk.db import Database
from leaddesk.db.migrations.versions.r0010_search_term_counts import FILL

KEPT_GROUPS = """SELECT is_submission, status, topic, assignee_id, sum(n) FROM facet_counts
                 GROUP BY is_submission, status, topic, assignee_id HAVING sum(n) <> 0"""
PLAIN_GROUPS = """SELECT is_submission, status, topic, assignee_id, count(*) FROM submissions
                  GROUP BY is_submission, status, topic, assignee_id"""
KEPT_TAGS = """SELECT tag_id, is_submission, status, sum(n) FROM tag_facet_counts
               GROUP BY tag_id, is_submission, status HAVING sum(n) <> 0"""
PLAIN_TAGS = """SELECT l.tag_id, s.is_submission, s.status, count(*) FROM submission_tags AS l
                JOIN submissions AS s ON s.id = l.submission_id
                GROUP BY l.tag_id, s.is_submission, s.status"""
KEPT_WORDS = """SELECT term, is_submission, status, topic, assignee_id, sum(n)
                FROM submission_search_terms
                GROUP BY term, is_submission, status, topic, assignee_id HAVING sum(n) <> 0"""
# The migration's own fill: documents per lexeme and group, counted from the documents.
PLAIN_WORDS = FILL.split(")", 1)[1]


def rows(db: Database, sql: str) -> set[tuple[Any, ...]]:
    with db.session() as s:
        return {tuple(r) for r in s.execute(text(sql))}


def assert_exact(db: Database) -> None:
    assert rows(db, KEPT_GROUPS) == rows(db, PLAIN_GROUPS)
    assert rows(db, KEPT_TAGS) == rows(db, PLAIN_TAGS)
    if db.dialect == "postgresql":
        words = rows(db, KEPT_WORDS)
        assert words == rows(db, PLAIN_WORDS)
        assert words  # the documents hold words at all
