"""Paging faults of a form backend: a page that repeats an earlier one (a page number ignored, a
cursor pointing back) is never taken as read, so its real records are asked for again and a loop
ends; an empty page with more after it is never taken as the end; a redirect loop is one line
naming it, and so is a redirect to another host (which never sees the token). Each is checked by
syncing again once the service is well: every record stored once."""

from __future__ import annotations

from typing import Any

import pytest
from tests.ingest.api.conftest import TOKEN, ApiAccountFactory
from tests.ingest.api.server import FormApiServer, GravityForms, Netlify, Reply, Seen
from tests.ingest.api.test_robustness import FAST, FORM, Spy, count, page

from leaddesk.db import Database
from leaddesk.ingest import api
from leaddesk.ingest.api.errors import ApiConnectionError
from leaddesk.ingest.api.sync import MAX_FAILED_PAGES


@pytest.fixture
def paged(server: FormApiServer, api_account: ApiAccountFactory) -> tuple[Netlify, Any]:
    """A Netlify form read one record a page: every page fault is a whole page."""
    fake = Netlify(server)
    return fake, api_account("netlify", form=FORM, base_url=server.url + "/api/v1",
                             config={"per_page": 1})


def _page_one_again(fake: Netlify, number: int) -> Reply:
    """What the service answers for page 1, sent as page ``number`` with a link to the next."""
    first = fake.handle(Seen(fake.path, {"page": "1", "per_page": "1"}, {}))
    link = f'<{fake.path}?page={number + 1}&per_page=1>; rel="next"'
    return Reply(200, first.body, {"Link": link})


def _page_two_skipped_then_read(db: Database, paged: tuple[Netlify, Any], reason: str) -> None:
    """A sync reports page 2 (of one record) with ``reason`` and stores the rest; the next sync
    reads page 2: every record once."""
    fake, account = paged
    spy = Spy()
    result = api.sync_api_account(db, account, TOKEN, reporter=spy)
    assert result.failed_pages == 1
    assert [item for item, _ in spy.failed] == [f"{account.name} page 2"]
    assert reason in spy.failed[0][1]
    assert count(db) == len(fake.records) - 1  # the real page 2 is missing, not skipped for good
    again = api.sync_api_account(db, account, TOKEN)
    assert (again.added, again.failed_pages) == (1, 0)
    assert count(db) == len(fake.records)


def test_a_page_repeating_an_earlier_one_is_asked_for_again(
        db: Database, server: FormApiServer, paged: tuple[Netlify, Any]) -> None:
    server.inject(_page_one_again(paged[0], 2), when=page(2))
    _page_two_skipped_then_read(db, paged, "sent again the records of an earlier page")


def test_a_service_paging_in_a_loop_stops_and_loses_nothing(
        db: Database, server: FormApiServer, paged: tuple[Netlify, Any]) -> None:
    fake, account = paged
    for number in range(2, 50):
        server.inject(_page_one_again(fake, number), when=page(number))
    spy = Spy()
    result = api.sync_api_account(db, account, TOKEN, reporter=spy)
    assert result.failed_pages == MAX_FAILED_PAGES
    assert spy.failed[-1][1].startswith(f"{MAX_FAILED_PAGES} unreadable pages in a row")
    assert count(db) == 1
    server.faults.clear()
    api.sync_api_account(db, account, TOKEN)
    assert count(db) == len(fake.records)


def test_a_redirect_loop_is_one_line_naming_it(
        db: Database, server: FormApiServer, paged: tuple[Netlify, Any]) -> None:
    fake, account = paged
    loop = Reply(302, b"", {"Location": f"{fake.path}?page=2&per_page=1"})
    server.inject(loop, times=100, when=page(2))
    with pytest.raises(ApiConnectionError) as caught:
        api.sync_api_account(db, account, TOKEN, **FAST)
    message = str(caught.value)
    assert "redirect after redirect" in message
    assert "check the base URL" in message
    assert "\n" not in message
    assert TOKEN not in message
    assert count(db) == 1  # the page before the loop is kept
    server.faults.clear()
    api.sync_api_account(db, account, TOKEN)
    assert count(db) == len(fake.records)


def test_a_redirect_to_another_host_stops_the_sync_and_keeps_what_was_read(
        db: Database, server: FormApiServer, paged: tuple[Netlify, Any]) -> None:
    fake, account = paged
    other = FormApiServer()
    try:
        elsewhere = other.url.replace("127.0.0.1", "localhost")
        server.inject(Reply(302, b"", {"Location": f"{elsewhere}{fake.path}?page=2"}),
                      when=page(2))
        with pytest.raises(api.ApiError, match=r"sent LeadDesk on to another host, localhost:"):
            api.sync_api_account(db, account, TOKEN, **FAST)
        assert other.requests == []
    finally:
        other.close()
    assert count(db) == 1  # the page before the redirect is kept
    api.sync_api_account(db, account, TOKEN)
    assert count(db) == len(fake.records)


@pytest.mark.parametrize("link", [True, False])
def test_an_empty_page_in_the_middle_is_asked_for_again_not_taken_as_the_end(
        db: Database, server: FormApiServer, paged: tuple[Netlify, Any], link: bool) -> None:
    # With a Link to page 3, or none at all (a proxy dropped it): page 3 holds records either way.
    headers = {"Link": f'<{paged[0].path}?page=3&per_page=1>; rel="next"'} if link else {}
    server.inject(Reply(200, [], headers), when=page(2))
    _page_two_skipped_then_read(db, paged, "sent an empty page although")


def test_empty_pages_that_always_name_a_next_one_end_the_sync(
        db: Database, server: FormApiServer, paged: tuple[Netlify, Any]) -> None:
    fake, account = paged
    for number in range(2, 60):
        server.inject(Reply(200, [], {"Link": f'<{fake.path}?page={number + 1}&per_page=1>; '
                                              f'rel="next"'}), when=page(number))
    result = api.sync_api_account(db, account, TOKEN)
    assert result.failed_pages == MAX_FAILED_PAGES
    server.faults.clear()
    api.sync_api_account(db, account, TOKEN)
    assert count(db) == len(fake.records)


def test_a_gravity_forms_page_empty_below_its_total_is_asked_for_again(
        db: Database, server: FormApiServer, api_account: ApiAccountFactory) -> None:
    fake = GravityForms(server)
    account = api_account("gravityforms", form="3", config={"page_size": 1})
    empty = Reply(200, {"total_count": str(len(fake.records)), "entries": []})
    server.inject(empty, when=lambda seen: seen.query.get("paging[current_page]") == "2")
    assert api.sync_api_account(db, account, "ck_4f3e2d1c:cs_9a8b7c6d").failed_pages == 1
    assert count(db) == len(fake.records) - 1
    api.sync_api_account(db, account, "ck_4f3e2d1c:cs_9a8b7c6d")
    assert count(db) == len(fake.records)
