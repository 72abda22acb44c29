"""A page walked through the known matches of a common word is the page the batched walk gives,
in either order and after a cursor, and the walk never takes a row it was not told of."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from leaddesk import query
from leaddesk.db import Database
from leaddesk.db.models import Submission
from leaddesk.query import Filter, known_walk, text_plan
from tests.support.factories import BASE_TIME, make_submission

BODIES = ("About patient engagement", "Hello", "Engagement budget", "We engaged a bureau")


@pytest.fixture
def db(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setattr(text_plan, "COMMON", 5)  # a word in more than 5 rows is common
    monkeypatch.setattr(text_plan, "KNOWN_SORT_MAX", 0)  # known matches walked, not sorted
    db = Database.open(sqlite_url)
    with db.session() as s:
        for n in range(200):  # received out of id order, some at the same minute
            make_submission(s, body_text=BODIES[n % 4], status=("new", "open", "done")[n % 3],
                            topic="Speakers bureaus" if n % 5 < 3 else None,
                            received_at=BASE_TIME + timedelta(minutes=(n * 37) % 150))
    yield db
    db.close()


def pages(db: Database, flt: Filter) -> list[list[int]]:
    """The first three pages of two rows, each after the last one's cursor (more than ten
    times two known matches: walked, not sorted, see ``text_plan.sorts_known``)."""
    found, after = [], None
    with db.session() as s:
        for _ in range(3):
            page = query.find(s, flt, limit=2, after=after)
            assert page.total == s.execute(select(func.count()).select_from(Submission).where(
                *query.conditions(flt, "sqlite"))).scalar_one()
            found.append([r.id for r in page.rows])
            after = page.next_cursor
    return found


@pytest.mark.parametrize("descending", [True, False], ids=["newest first", "oldest first"])
@pytest.mark.parametrize("flt", [
    Filter(text="engagement", statuses=("new", "open")),
    Filter(text="bureau", statuses=("new", "open", "done"), topics=("Speakers bureaus",)),
    Filter(text="hello", statuses=("new", "open", "done"))], ids=["two", "topic", "three"])
def test_the_same_pages_as_the_batched_walk(db: Database, monkeypatch: pytest.MonkeyPatch,
                                            flt: Filter, descending: bool) -> None:
    flt = replace(flt, descending=descending)
    walked: list[list[int] | None] = []
    real = known_walk.first

    def spy(*args: Any) -> list[int] | None:
        walked.append(real(*args))
        return walked[-1]
    monkeypatch.setattr("leaddesk.query.pages.known_walk.first", spy)
    got = pages(db, flt)
    assert walked
    assert all(w is not None for w in walked)
    monkeypatch.setattr("leaddesk.query.pages.known_walk.first", lambda *args: None)
    assert got == pages(db, flt)
    assert any(got)


def newest_first(**where: Any) -> Any:
    return select(Submission.id).filter_by(**where).order_by(
        Submission.received_at.desc(), Submission.id.desc())


def test_a_row_id_below_one_is_no_false_hit(db: Database) -> None:
    """substr() counts a negative offset from the BLOB's end, where the known ids' bytes are."""
    with db.session() as s:
        make_submission(s, id=-3, body_text="Hello", status="waiting",
                        received_at=BASE_TIME + timedelta(days=1))  # the walk's first row
        top = s.execute(select(func.max(Submission.id))).scalar_one()
        for n in (2, 1, 0):
            s.get_one(Submission, top - n).status = "waiting"
    with db.session() as s:
        assert known_walk.first(s, newest_first(status="waiting"), {top, top - 1, top - 2},
                                10) is not None
        assert -3 not in known_walk.first(s, newest_first(status="waiting"),
                                          {top, top - 1, top - 2}, 10)  # type: ignore[operator]


def test_known_ids_below_one_or_too_many_go_to_the_batched_walk(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    with db.session() as s:
        assert known_walk.first(s, newest_first(status="new"), {0, 3}, 4) is None
        assert known_walk.first(s, newest_first(status="new"), {-2, 3}, 4) is None
        assert known_walk.first(s, newest_first(status="new"), {1, 3}, 4) is not None
        assert known_walk.first(s, newest_first(status="new"), set(), 4) == []
        monkeypatch.setattr(known_walk, "MOST", 1)
        assert known_walk.first(s, newest_first(status="new"), {1, 3}, 4) is None


def test_a_walk_never_sees_an_earlier_walks_ids(db: Database) -> None:
    """The marks' buffer is kept on the connection for the next walk, and left zeroed."""
    with db.session() as s:
        newest = list(s.execute(newest_first(status="new")).scalars())
        assert known_walk.first(s, newest_first(status="new"), set(newest[:5]), 10) == newest[:5]
        assert known_walk.first(s, newest_first(status="new"), {newest[7]}, 10) == [newest[7]]
