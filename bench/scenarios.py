"""What the query benchmark measures: each scenario is one call of :mod:`leaddesk.query` as the UI
makes it, varied over the runs where the brief asks for varied queries.

Every run opens its own session (one transaction, as the UI does) and times the whole call, rows
turned into :class:`~leaddesk.query.SubmissionRow` included.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from bench import corpus
from leaddesk import query
from leaddesk.db import Database
from leaddesk.query import Cursor, Filter

PAGE = 50
KEYSET_PAGE = 100

# Search words from very common to rare (match shares at 1M rows in brackets): they hit every
# column of the index (message, topic, post title, name, company) and include two-word queries.
WORDS = (
    "engagement",          # ~33 %: topic, messages, post titles
    "white paper",         # ~20 %, two terms
    "micro",               # ~20 %, a prefix of micro-influencer(s)
    "proposal",            # ~10 %
    "webinar",             # ~8 %
    "oncology",            # ~4 %
    "nordics",             # ~2.4 %
    "müller",              # ~1 %, a surname with an umlaut
    "hoffmann",            # ~1 %
    "proposal budget",     # ~0.5 %, two terms
    "berlin",              # ~0.3 %
    "novagen",             # ~0.1 %, a company
    "kraków",              # ~0.1 %
    "adedutrin",           # ~0.01 %, a rare brand name
)
TOPICS = tuple(t for t, _ in corpus.TOPICS if t is not None)
COMMON_WORD = "engagement"  # in a third of all rows
STATUS_CHOICES: tuple[tuple[str, ...], ...] = (
    ("new",), ("open",), ("done",), ("waiting",), ("new", "open"), ("new", "open", "waiting"))


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    run: Callable[[int], object]     # run(i): the i-th variant of the call


def text_filters(runs: int, seed: int = 7) -> list[Filter]:
    """``runs`` searches: every word in turn, each with a random topic and status choice."""
    rng = random.Random(seed)
    return [Filter(text=WORDS[i % len(WORDS)], topics=(rng.choice(TOPICS),),
                   statuses=rng.choice(STATUS_CHOICES)) for i in range(runs)]


def keyset_cursor(db: Database, page: int) -> Cursor | None:
    """The cursor that opens page ``page`` of the inbox (found by paging, not timed)."""
    cursor = None
    with db.session() as session:
        for _ in range(page - 1):
            found = query.find(session, Filter(), limit=PAGE, after=cursor, with_total=False)
            cursor = found.next_cursor
    return cursor


def scenarios(db: Database, runs: int) -> list[Scenario]:
    """The measured calls, in report order."""
    searches = text_filters(runs)
    deep = keyset_cursor(db, KEYSET_PAGE)

    def call(fn: Callable[..., object]) -> Callable[[int], object]:
        def run(i: int) -> object:
            with db.session() as session:
                return fn(session, i)
        return run

    return [
        Scenario("page_total", "(a) inbox first page, with total",
                 call(lambda s, i: query.find(s, Filter(), limit=PAGE))),
        Scenario("page", "(a) inbox first page, no total",
                 call(lambda s, i: query.find(s, Filter(), limit=PAGE, with_total=False))),
        Scenario("text", "(b) text + topic + status, no total",
                 call(lambda s, i: query.find(s, searches[i], limit=PAGE, with_total=False))),
        Scenario("text_total", "(b) text + topic + status, with total",
                 call(lambda s, i: query.find(s, searches[i], limit=PAGE))),
        Scenario("text_about", "(b) with the total shown at once (estimate: exact or about N)",
                 call(lambda s, i: (query.find(s, searches[i], limit=PAGE, with_total=False),
                                    query.estimate(s, searches[i])))),
        Scenario("facets", "(c) facets of the inbox",
                 call(lambda s, i: query.facets(s, Filter()))),
        Scenario("count", "(d) count of the inbox",
                 call(lambda s, i: query.count(s, Filter()))),
        Scenario("count_word", f"(e) count of a common word ({COMMON_WORD!r})",
                 call(lambda s, i: query.count(s, Filter(text=COMMON_WORD)))),
        Scenario("estimate_word", "(e) estimate of that count (about N)",
                 call(lambda s, i: query.estimate(s, Filter(text=COMMON_WORD)))),
        Scenario("keyset", f"(d) keyset page {KEYSET_PAGE}",
                 call(lambda s, i: query.find(s, Filter(), limit=PAGE, after=deep,
                                              with_total=False))),
    ]
