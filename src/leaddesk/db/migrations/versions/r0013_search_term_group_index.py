"""PostgreSQL: the kept word counts (0010) find a (lexeme, group) row through one index entry.

At commit, 0010's deferred trigger looks up, for each (lexeme, facet group) a transaction
changed, a row of ``submission_search_terms`` to bump. Its index stopped at (term, status,
is_submission), so each look-up visited every row of the lexeme's topics and owners (~90 rows
on as many heap pages for a common word) to find the one group: a 50-lead status change spent
~280 ms there at 10k rows (3,000 look-ups, 150,000 heap pages), against ~35 ms without the
word counts (bench/README.md). The index now holds the whole group, topic and owner written
``COALESCE(topic, '')`` and ``COALESCE(assignee_id, 0)`` so that "no topic" and "unassigned"
are equalities an index can serve; the look-up keeps ``IS NOT DISTINCT FROM`` as well, so a
topic that really is '' is never mistaken for none. It replaces the old index: its columns are
this one's first three, which the readers (a lexeme's prefix, its groups) use; it also holds
topic, owner and count, so that summing a word's groups reads the index alone (a common word's
~290 rows sat on ~270 heap pages).

SQLite gets nothing here: it counts in FTS5.

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-06 11:30:00.000000
"""

from __future__ import annotations

from alembic import op

from leaddesk.db.migrations.versions.r0010_search_term_counts import APPLY as APPLY_0010

revision = '0013'
down_revision = '0011'
branch_labels = None
depends_on = None

GROUP_INDEX = """CREATE INDEX ix_submission_search_terms_group ON submission_search_terms
    (term, status, is_submission, COALESCE(topic, ''), COALESCE(assignee_id, 0))
    INCLUDE (topic, assignee_id, n)"""

# 0010's look-up of a group's row, and the same look-up through the new index.
_LOOKUP_0010 = """
                  AND t.topic IS NOT DISTINCT FROM d.topic"""
_LOOKUP = """
                  AND COALESCE(t.topic, '') = COALESCE(d.topic, '')
                  AND COALESCE(t.assignee_id, 0) = COALESCE(d.assignee_id, 0)
                  AND t.topic IS NOT DISTINCT FROM d.topic"""


def _apply(lookup_from: str, lookup_to: str) -> str:
    """0010's function at commit, its group look-up replaced (the rest unchanged)."""
    assert APPLY_0010.count(lookup_from) == 1
    return APPLY_0010.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1).replace(
        lookup_from, lookup_to)


POSTGRES_UP = [
    GROUP_INDEX,
    "DROP INDEX ix_submission_search_terms_term",
    _apply(_LOOKUP_0010, _LOOKUP),
]
POSTGRES_DOWN = [
    """CREATE INDEX ix_submission_search_terms_term
        ON submission_search_terms (term, status, is_submission)""",
    "DROP INDEX ix_submission_search_terms_group",
    _apply(_LOOKUP_0010, _LOOKUP_0010),
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_DOWN:
            op.execute(statement)
