"""One query API for the UI, the CLI and export: a Filter in, plain rows, counts and facets out.

Everything filters in the database (never in Python), so it scales to a million submissions.
Rows are frozen dataclasses, safe to hand to another thread after the session is gone.

On SQLite the statements are shaped to get fast plans with or without planner statistics (see
the modules below); bench/README.md has the figures and bench/verify.py checks that every shape
answers exactly what plain SQL answers.

Callers use the names exported here; each module says what it owns:

* :mod:`~leaddesk.query.filters`: :class:`Filter`, :class:`Sort`, and the WHERE
  :func:`conditions` a filter becomes, steered for SQLite's planner (:class:`Steer`);
* :mod:`~leaddesk.query.rows`: :class:`SubmissionRow`, :class:`Page`, :class:`Cursor`,
  :func:`rows_by_ids`;
* :mod:`~leaddesk.query.pages`: sort order, keyset and offset paging, :func:`find`;
* :mod:`~leaddesk.query.counts`: :func:`count`, :func:`estimate` (:class:`Estimate`, a count
  to show at once) and :func:`facets` (:class:`Facets`);
* :mod:`~leaddesk.query.stream`: :func:`ids` and :func:`iterate`, every match at constant memory;
* :mod:`~leaddesk.query.text_plan`: how a text search reads its matches on SQLite.
"""

from leaddesk.query.counts import Estimate, Facets, count, estimate, facets
from leaddesk.query.filters import NO_TOPIC, SORT_COLUMNS, UNASSIGNED, Filter, Sort, Steer, conditions
from leaddesk.query.pages import find
from leaddesk.query.rows import Cursor, Page, SubmissionRow, rows_by_ids
from leaddesk.query.stream import ids, iterate

__all__ = [
    "NO_TOPIC", "SORT_COLUMNS", "UNASSIGNED", "Cursor", "Estimate", "Facets", "Filter", "Page",
    "Sort", "Steer", "SubmissionRow", "conditions", "count", "estimate", "facets", "find", "ids",
    "iterate", "rows_by_ids",
]
