"""PostgreSQL: a page's rows, tags and kept total come in one statement
(:mod:`leaddesk.query.pg_page`) and are what separate statements answer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, select

from leaddesk import query, triage
from leaddesk.db import Database
from leaddesk.db.models import Submission
from leaddesk.query import Filter, Sort
from leaddesk.query.pages import ordered
from tests.support.factories import make_member, make_submission

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg(postgres_url: str) -> Iterator[Database]:
    db = Database.open(postgres_url)
    with db.session() as s:
        ada = make_member(s, "Ada")
        for n in range(30):
            lead = make_submission(s, status=("new", "open", "spam")[n % 3],
                                   topic=("Market access", None)[n % 2],
                                   assignee_id=ada.id if n % 4 == 0 else None)
            for tag in ("zeta", "Alpha", "hot")[: n % 5 % 4]:
                triage.add_tag(s, lead.id, tag, actor="Ada")
    yield db
    db.close()


def _statements(db: Database) -> list[str]:
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)
    event.listen(db.engine, "before_cursor_execute", note)
    return seen


@pytest.mark.parametrize("flt", [
    Filter(), Filter(statuses=("open",)), Filter(topics=("Market access",), assignees=("Ada",)),
    Filter(include_spam=True), Filter(tags=("hot",)), Filter(text="message")])
def test_a_page_carries_its_tags_and_total_in_one_statement(pg: Database, flt: Filter) -> None:
    with pg.session() as s:
        expected_rows = query.rows_by_ids(s, [r.id for r in query.find(s, flt, limit=500).rows])
        expected_total = query.count(s, flt)
    seen = _statements(pg)
    with pg.session() as s:
        page = query.find(s, flt, limit=7, offset=2)
    assert list(page.rows) == expected_rows[2:9]  # tags and colours in name order included
    assert page.total == expected_total
    assert any(r.tags for r in page.rows)
    # The kept counts tell: the total rides along. A tag: counted apart. A search: its words
    # looked up (leaddesk.query.pg_text), the page, the word's kept count.
    assert len(seen) == (3 if flt.text else 2 if flt.tags else 1), seen


def test_an_empty_page_still_has_its_total(pg: Database) -> None:
    with pg.session() as s:
        page = query.find(s, Filter(), limit=5, offset=1000)
        assert (page.rows, page.total) == ((), query.count(s, Filter()))


@pytest.mark.parametrize("flt", [
    Filter(), Filter(statuses=("new", "open"), topics=("Market access",)),
    Filter(text="message", statuses=("open",)), Filter(sort=Sort.STATUS, descending=False),
    Filter(sort=Sort.NAME, include_spam=True), Filter(include_spam=True, assignees=("Ada", None))])
def test_pages_chosen_by_id_first_are_the_plain_order_s(pg: Database, flt: Filter) -> None:
    # The page's ids are picked in a subquery of ids alone, then read whole: by offset and by
    # keyset, every page is the slice of the plain ordered list, and in its order.
    with pg.session() as s:
        everything = list(s.execute(ordered(
            select(Submission.id).where(*query.conditions(flt, "postgresql")), flt)).scalars())
        assert len(everything) > 7
        for offset in (0, 3, 7, len(everything) - 2):
            page = query.find(s, flt, limit=4, offset=offset)
            assert [r.id for r in page.rows] == everything[offset:offset + 4]
        if flt.sort is Sort.RECEIVED:
            walked: list[int] = []
            cursor = None
            while True:
                page = query.find(s, flt, limit=4, after=cursor, with_total=False)
                walked += [r.id for r in page.rows]
                if page.next_cursor is None:
                    break
                cursor = page.next_cursor
            assert walked == everything
