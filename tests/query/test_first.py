"""A new list's first page and count are those of the query API, whichever path answers them;
the window's own views on SQLite are answered without the ORM."""

from __future__ import annotations

import pytest
from bench import generate

from leaddesk import query
from leaddesk.db import Database
from leaddesk.query import quick
from leaddesk.query.first import first_page
from leaddesk.query.spec import Filter, Sort
from tests.query.conftest import GENERATED_ROWS

from leaddesk.ui.views import Narrowing, builtin_views, combine

ME = "Ada"
LIMIT = 100  # the window's page (PAGE_SIZE)




# Every view the window starts on or switches to, in every order the list can be sorted by.
ORDERS = [Filter(), Filter(descending=False), Filter(sort=Sort.NAME),
          Filter(sort=Sort.STATUS, descending=False)]
VIEWS = [v.key for v in builtin_views(ME)]


@pytest.mark.parametrize("order", ORDERS, ids=lambda f: f"{f.sort.value}-{f.descending}")
@pytest.mark.parametrize("view", VIEWS)
def test_the_first_page_is_the_query_api_s(generated_db: Database, view: str, order: Filter) -> None:
    views = {v.key: v for v in builtin_views(ME)}
    flt = combine(views[view], Narrowing(), sort=order)
    with generated_db.session() as session:
        expected = (query.find(session, flt, limit=LIMIT, with_total=False).rows,
                    query.estimate(session, flt))
    with generated_db.session() as session:
        got = first_page(session, flt, limit=LIMIT)
    assert got == expected
    assert got[0] or view == "mine"  # the generated data fills the views


def test_the_window_s_starting_view_is_read_without_the_orm(
        generated_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    # The Inbox view newest first is what every start shows; the quick path must take it.
    start = combine({v.key: v for v in builtin_views(ME)}["inbox"], Narrowing(), sort=Filter())
    assert quick.handles(start)
    with generated_db.session() as session:
        expected = (query.find(session, start, limit=LIMIT, with_total=False).rows,
                    query.estimate(session, start))

    def no_orm(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the ORM was asked")
    monkeypatch.setattr(query, "find", no_orm)
    monkeypatch.setattr(query, "estimate", no_orm)
    with generated_db.session() as session:
        assert first_page(session, start, limit=LIMIT) == expected


def test_text_and_other_filters_take_the_usual_path(generated_db: Database) -> None:
    for flt in (Filter(text="pricing"), Filter(statuses=("new",), topics=(None,)),
                Filter(tags=("hot",)), Filter(needs_reply=True)):
        assert not quick.handles(flt)
        with generated_db.session() as session:
            expected = (query.find(session, flt, limit=LIMIT, with_total=False).rows,
                        query.estimate(session, flt))
            assert first_page(session, flt, limit=LIMIT) == expected


@pytest.mark.postgres
def test_on_postgresql_the_query_api_answers(postgres_url: str) -> None:
    database = Database.open(postgres_url)
    try:
        generate.populate(database, 80, progress=False)
        start = combine({v.key: v for v in builtin_views(ME)}["inbox"], Narrowing(), sort=Filter())
        with database.session() as session:
            expected = (query.find(session, start, limit=LIMIT, with_total=False).rows,
                        query.estimate(session, start))
            assert expected[0]
            assert first_page(session, start, limit=LIMIT) == expected
    finally:
        database.close()


def test_an_about_figure_never_contradicts_the_page_shown_with_it(
        generated_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    by_name = Filter(sort=Sort.NAME)  # not the quick path: the page and an estimate
    monkeypatch.setattr(query, "estimate", lambda _s, _f: query.Estimate(3, exact=False))
    with generated_db.session() as session:
        rows, total = first_page(session, by_name, limit=LIMIT)
        assert len(rows) == LIMIT
        assert total == query.Estimate(LIMIT, exact=False)
        rows, total = first_page(session, by_name, limit=10 * GENERATED_ROWS)  # a page of every match
        assert total == query.Estimate(len(rows), exact=True)
        monkeypatch.setattr(query, "estimate", lambda _s, _f: query.Estimate(7, exact=True))
        assert first_page(session, by_name, limit=LIMIT)[1] == query.Estimate(7, exact=True)
