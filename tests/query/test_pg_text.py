"""PostgreSQL: a search's prefixes written out as the words they name (leaddesk.query.pg_text)
find exactly the rows the prefix search finds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from leaddesk import query
from leaddesk.db import Database
from leaddesk.db.models import Submission
from leaddesk.query import Filter, pg_text
from tests.support.factories import make_submission

pytestmark = pytest.mark.postgres

BODIES = ("Our webinar on patient engagement", "Two webinars, one micro-influencer",
          "Micro-influencers and a white paper", "A white wall, a paper plane",
          "Proposal with a budget", "Proposals without budgets", "Cheers from Kraków")
NAMES = [f"hoffmann{n}" for n in range(pg_text.MAX_WORDS + 2)]


@pytest.fixture
def pg(postgres_url: str) -> Iterator[Database]:
    db = Database.open(postgres_url)
    with db.session() as s:
        for n, body in enumerate(BODIES * 2):
            make_submission(s, body_text=body, visitor_email=f"{NAMES[n % len(NAMES)]}@x.org")
        for name in NAMES:
            make_submission(s, body_text="Hello", visitor_email=f"{name}@example.org")
        gone = make_submission(s, body_text="A webinarium")
    with db.session() as s:  # its word stays in the kept counts with nothing left
        s.delete(s.get(Submission, gone.id))
    yield db
    db.close()


def _ids(db: Database, text: str, exact: str | None) -> set[int]:
    with db.session() as s:
        where = query.conditions(Filter(text=text, include_spam=True,
                                        include_non_submissions=True), "postgresql", exact=exact)
        return set(s.execute(select(Submission.id).where(*where)).scalars())


@pytest.mark.parametrize(("text", "written"), [
    ("webinar", "(('webinar' | 'webinars'))"),
    ("white paper", "('white') & ('paper')"),
    ("micro-influencer", "('micro' <-> ('influencer' | 'influencers'))"),
    ("proposal budget", "(('proposal' | 'proposals')) & (('budget' | 'budgets'))"),
    ("kraków", "('kraków')"),
    ("hoffmann", "('hoffmann':*)"),       # more words than MAX_WORDS: left a prefix
    ("hoffmann1", "('hoffmann1')"),
    ("zzz", "('zzz':*)"),                  # no such word: the prefix finds nothing, fast
])
def test_written_out_words_find_what_the_prefix_finds(pg: Database, text: str,
                                                      written: str) -> None:
    with pg.session() as s:
        exact = pg_text.expanded(s, text)
    assert exact == written
    found = _ids(pg, text, exact)
    assert found == _ids(pg, text, None)
    assert found or text == "zzz"


def test_a_search_postgresql_reads_otherwise_stays_a_prefix_search(pg: Database) -> None:
    with pg.session() as s:
        assert pg_text.expanded(s, "patient_engagement") is None  # two words to PostgreSQL
        assert pg_text.expanded(s, "   ") is None


def test_pages_and_counts_find_the_same_rows(pg: Database) -> None:
    for text in ("webinar", "white paper", "hoffmann", "micro-influencer"):
        flt = Filter(text=text)
        with pg.session() as s:
            page = query.find(s, flt, limit=100)
        assert {r.id for r in page.rows} == _ids(pg, text, None) & _ids(pg, "", None)
        assert page.total == len(page.rows)
