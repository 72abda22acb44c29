"""One query API for the UI, the CLI and export: a Filter in, plain rows, counts and facets out.

Everything filters in the database (never in Python), so it scales to a million submissions.
Rows are frozen dataclasses, safe to hand to another thread after the session is gone.

On SQLite the statements are shaped to get fast plans with or without planner statistics (see
the modules below); bench/README.md has the figures and bench/verify.py checks that every shape
answers exactly what plain SQL answers.

Callers use the names exported here; each module says what it owns:

* :mod:`~leaddesk.query.spec`: :class:`Filter` and :class:`Sort` (no SQLAlchemy);
* :mod:`~leaddesk.query.results`: :class:`SubmissionRow`, :class:`Page`, :class:`Cursor`,
  :class:`Estimate` (no SQLAlchemy);
* :mod:`~leaddesk.query.filters`: the WHERE :func:`conditions` a filter becomes, steered for
  SQLite's planner (:class:`Steer`);
* :mod:`~leaddesk.query.rows`: loading rows, :func:`rows_by_ids`;
* :mod:`~leaddesk.query.pages`: sort order, keyset and offset paging, :func:`find`;
* :mod:`~leaddesk.query.counts`: :func:`count`, :func:`estimate` (a count to show at once) and
  :func:`facets` (:class:`Facets`);
* :mod:`~leaddesk.query.stream`: :func:`ids` and :func:`iterate`, every match at constant memory;
* :mod:`~leaddesk.query.text_plan`: how a text search reads its matches on SQLite;
* :mod:`~leaddesk.query.word_maps`: on SQLite, a common word's matches kept per connection
  (a byte per id) while the database is unchanged, for exact totals under other filters;
* :mod:`~leaddesk.query.words`: on PostgreSQL, a search word's documents from the kept word
  counts (revision 0010), or its share of the newest documents;
* :mod:`~leaddesk.query.pg_text`: on PostgreSQL, a search's prefixes written out as the words
  they name, so the GIN index matches them exactly;
* :mod:`~leaddesk.query.pg_page`: on PostgreSQL, a page's rows, tags and kept total in one
  statement;
* :mod:`~leaddesk.query.pg_sql`: on PostgreSQL, the kept totals compiled once per filter and sent
  as plain SQL;
* :mod:`~leaddesk.query.pg_matches`: on PostgreSQL, a search's matches kept while the server's
  snapshot is unchanged, for exact totals under status, topic and owner filters;
* :mod:`~leaddesk.query.quick`: the plain inbox's page straight from SQLite, for `leaddesk list`;
* :mod:`~leaddesk.query.first`: a new list's first page and count, through ``quick`` when it can.

The names are loaded on first use (PEP 562), so that ``from leaddesk.query import Filter`` does
not import SQLAlchemy: `leaddesk list` must start in a blink.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from leaddesk.query.counts import Facets, count, estimate, facets
    from leaddesk.query.filters import SORT_COLUMNS, Steer, conditions
    from leaddesk.query.pages import find
    from leaddesk.query.results import Cursor, Estimate, Page, SubmissionRow
    from leaddesk.query.rows import rows_by_ids
    from leaddesk.query.spec import NO_TOPIC, UNASSIGNED, Filter, Sort
    from leaddesk.query.stream import ids, iterate

__all__ = [
    "NO_TOPIC", "SORT_COLUMNS", "UNASSIGNED", "Cursor", "Estimate", "Facets", "Filter", "Page",
    "Sort", "Steer", "SubmissionRow", "conditions", "count", "estimate", "facets", "find", "ids",
    "iterate", "rows_by_ids",
]

# Where each name lives: the first two without SQLAlchemy.
_HOMES = {
    "spec": ("NO_TOPIC", "UNASSIGNED", "Filter", "Sort"),
    "results": ("Cursor", "Estimate", "Page", "SubmissionRow"),
    "counts": ("Facets", "count", "estimate", "facets"),
    "filters": ("SORT_COLUMNS", "Steer", "conditions"),
    "pages": ("find",),
    "rows": ("rows_by_ids",),
    "stream": ("ids", "iterate"),
}
_MODULE_OF = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
