"""PostgreSQL: a page's rows, their tags and its total in one statement.

Each statement is a round trip to the server (a context switch each way, more on a busy
machine): on SQLite, in process, a page, its tags and a kept total are three cheap statements;
on PostgreSQL they were three round trips inside the transaction's two, for ~2 ms of work
(bench/README.md). So on PostgreSQL the page's statement also carries each row's tags (a
correlated subquery over the tag links' primary key) and, when the trigger-kept counts answer
it, the total (an uncorrelated subquery PostgreSQL runs once). :func:`~leaddesk.query.rows.to_rows`
takes the tags from the rows when they are there.

The page's ids are chosen first, in a subquery of ids alone (:func:`leaddesk.query.find` builds
it), and only those rows are read whole: the search and the filters then meet on narrow rows
that the covering indexes answer without the table ("hoffmann" with a topic and a status read
7.6k whole rows to hash-join them with the search's matches, 90-130 ms; ids first, 33-47 ms).
"""

from __future__ import annotations

from sqlalchemy import func, select

from leaddesk.db.models import Submission, Tag, submission_tags
from leaddesk.query.counts import kept_total
from leaddesk.query.filters import Filter
from leaddesk.query.rows import TAGS_COLUMN, TOTAL_COLUMN, AnySelect


def with_extras(stmt: AnySelect, flt: Filter, *, total: bool) -> AnySelect:
    """``stmt`` (a :func:`~leaddesk.query.rows.row_select`) with each row's tags and, when
    ``total`` and the kept counts can tell, the filter's total on every row."""
    # Imported here: a SQLite window must paint its first rows without SQLAlchemy's PostgreSQL
    # dialect (tests/ui/test_app.py holds the first paint free of it).
    from sqlalchemy.dialects.postgresql import aggregate_order_by

    pairs = (select(func.json_agg(aggregate_order_by(
                 func.json_build_array(Tag.name, Tag.colour), Tag.name)))
             .select_from(submission_tags).join(Tag, Tag.id == submission_tags.c.tag_id)
             .where(submission_tags.c.submission_id == Submission.id)
             .scalar_subquery().label(TAGS_COLUMN))
    stmt = stmt.add_columns(pairs)
    counted = kept_total(flt) if total else None
    if counted is not None:
        stmt = stmt.add_columns(counted.label(TOTAL_COLUMN))
    return stmt
