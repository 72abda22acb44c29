"""Free text on SQLite: :class:`TextPlan` decides how a search reads its matches, and the
helpers that intersect the matches with the other filters.

On PostgreSQL (or without text) there is no plan and the conditions read the search index.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from leaddesk.db import search
from leaddesk.db.models import Submission
from leaddesk.query import word_maps
from leaddesk.query.filters import Filter, Steer, conditions, dialect_of
from leaddesk.query.rows import DEFAULT_PAGE_SIZE

# FTS5 yields matches in id order, but pages are in received order. The plan first tells a common
# word from a rarer one without merging prefix lists (whole words among the newest rows), and
# fetches every match of a rarer one once, so that later statements reuse the ids, never the index.
# Few matches are then looked up by id and sorted (cost grows with the matches); for more, a page
# walks the other conditions newest first in batches and keeps the candidates that match (cost
# shrinks as matches grow). The switch is where both cost about the same, measured:
# sqrt(rows needed * table size / 4) matches.

COMMON = 20_000             # a word matching more rows than this is "common"
RECENT_WINDOW = 2_000       # newest ids sampled to estimate a word's share
WALK_BATCH_MAX = 20_000     # candidates per batch of the walk
SORT_MAX = 5_000            # rows matching text and filters that are sorted rather than walked
NARROW_ROWS = 50_000        # filters passing fewer rows are intersected with the matches
KNOWN_SORT_MAX = 500        # known matches sorted for a page rather than walked (sorts_known)


@dataclass(frozen=True)
class TextPlan:
    found: int | None               # rows the text matches; None for a common word
    ids: str | None                 # those rows' ids as a JSON array; None for a common word
    largest_id: int
    share: float                    # estimated share of recent rows the text matches

    @classmethod
    def make(cls, session: Session, flt: Filter) -> TextPlan | None:
        """The plan for ``flt``'s text on SQLite; None without text or on another database."""
        if dialect_of(session) != "sqlite" or not search.terms(flt.text):
            return None
        largest = int(session.execute(select(func.max(Submission.id))).scalar() or 0)
        share = search.recent_share(session, flt.text, newest=largest, window=RECENT_WINDOW)
        if share * largest >= COMMON:
            return cls(found=None, ids=None, largest_id=largest, share=share)
        first = search.first_matches(session, flt.text, cap=COMMON)
        if first is None:
            return cls(found=None, ids=None, largest_id=largest,
                       share=max(share, COMMON / max(largest, 1)))
        found, ids = first
        return cls(found=found, ids=ids, largest_id=largest,
                   share=max(share, found / max(largest, 1)))

    @property
    def matches(self) -> int:
        """Rows the text matches (COMMON for a common word)."""
        return COMMON if self.found is None else self.found

    def by_id(self, need: int = DEFAULT_PAGE_SIZE) -> bool:
        """Fetch the matches by id and sort them, rather than walk in received order?"""
        limit = min(max(500, math.isqrt(need * self.largest_id // 4)), COMMON // 2)
        return self.found is not None and self.found <= limit

    def first_batch(self, need: int) -> int:
        return min(max(int(need / max(self.share, 1e-6) * 1.5) + 50, 200), WALK_BATCH_MAX)


def text_steer(plan: TextPlan | None) -> Steer:
    """For counts, facets and id lists: let few matches drive the statement, else the filters."""
    return Steer.BY_ID if plan is not None and plan.by_id() else Steer.FREE


def intersection(flt: Filter, plan: TextPlan) -> Select[int]:
    """The ids that pass ``flt`` with narrowing filters, matches looked up the cheaper way."""
    if plan.ids is None:  # a common word: read its many matches once, in order
        return search.matches_among(flt.text, select(Submission.id).where(
            *conditions(flt, "sqlite", with_text=False)))
    return select(Submission.id).where(*conditions(flt, "sqlite", plan=plan))


def kept_intersection(session: Session, flt: Filter, plan: TextPlan) -> list[int] | None:
    """A common word's matches among the ids that pass ``flt``'s other filters, from the word's
    kept map (:mod:`leaddesk.query.word_maps`); None when SQL must answer (:func:`intersection`)."""
    if plan.ids is not None:
        return None
    return word_maps.matching(session, flt.text, select(Submission.id).where(
        *conditions(flt, "sqlite", with_text=False)), largest=plan.largest_id)


def sorts_known(hits: int, need: int) -> bool:
    """With every match among the filters' rows known (``hits`` of them), is a page of ``need``
    rows in received order cheaper sorted from them by id (a row read each, ~7 µs at 1M rows)
    than walked along the received-date index (which checks each candidate in the known set)?"""
    return hits <= max(KNOWN_SORT_MAX, 10 * need)


def has_narrow_filters(flt: Filter) -> bool:
    """Do status, topic or owner filters (read from covering indexes) bound the rows to search?"""
    return bool(flt.statuses or flt.topics or flt.assignees) and not (
        flt.tags or flt.accounts or flt.replied is not None)
