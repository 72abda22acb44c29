"""A common word's kept map answers exactly what SQL answers, and never outlives the data it was
read from: not another connection's commit, not this connection's own writes, not a rollback."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from leaddesk import query, triage
from leaddesk.db import Database
from leaddesk.db.models import Submission
from leaddesk.query import Filter, text_plan, word_maps
from tests.support.factories import make_submission

WORD = Filter(text="engagement", statuses=("new", "open"), topics=("Speakers bureaus", None))
ALONE = Filter(text="engagement")
BODIES = ("About patient engagement", "Hello", "Engagement budget", "We engaged a bureau")


class Undo(Exception):
    """Raised to roll a session back."""


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every map read through the full-text index (not from the kept ones)."""
    monkeypatch.setattr(text_plan, "COMMON", 5)  # a word in more than 5 rows is common
    done: list[str] = []
    real = word_maps._read

    def spy(session: Any, expression: str, version: tuple[int, int]) -> Any:
        done.append(expression)
        return real(session, expression, version)
    monkeypatch.setattr(word_maps, "_read", spy)
    return done


@pytest.fixture
def db(sqlite_url: str) -> Iterator[Database]:
    db = Database.open(sqlite_url)
    with db.session() as s:
        for n in range(40):
            make_submission(s, body_text=BODIES[n % 4], status=("new", "open", "done")[n % 3],
                            topic=("Speakers bureaus", None, "Market access")[n % 3],
                            is_submission=n % 9 != 0)
    yield db
    db.close()


def plain(session: Any, flt: Filter) -> int:
    """The reference: the search's own index, row by row, nothing kept."""
    return int(session.execute(select(func.count()).select_from(Submission).where(
        *query.conditions(flt, "sqlite"))).scalar_one())


def counts(db: Database) -> tuple[int, int, int]:
    with db.session() as s:
        page = query.find(s, WORD, limit=5)
        got = (query.count(s, WORD), query.count(s, ALONE), page.total)
        assert got == (plain(s, WORD), plain(s, ALONE), plain(s, WORD))
        return got


def test_a_map_is_read_once_and_kept_while_nothing_changes(db: Database,
                                                           reads: list[str]) -> None:
    first = counts(db)
    assert first[0] > 0
    assert counts(db) == first
    assert reads == ['"engagement"*']


def test_another_connections_commit_is_seen(db: Database, sqlite_url: str,
                                            reads: list[str]) -> None:
    before = counts(db)
    other = Database.open(sqlite_url)
    try:
        with other.session() as s:
            make_submission(s, body_text="More engagement", status="new", topic=None)
    finally:
        other.close()
    after = counts(db)
    assert after == (before[0] + 1, before[1] + 1, before[2] + 1)
    assert len(reads) == 2


def test_own_writes_are_counted_and_a_rollback_forgets_them(db: Database,
                                                            reads: list[str]) -> None:
    before = counts(db)
    def pending() -> None:
        with db.session() as s:
            make_submission(s, body_text="Engagement again", status="open", topic=None)
            # Pending in this transaction: no map is read, kept or used (a rollback changes
            # neither data_version nor total_changes); SQL answers.
            assert query.count(s, WORD) == plain(s, WORD) == before[0] + 1
            assert query.count(s, ALONE) == before[1] + 1
            assert query.find(s, WORD, limit=5).total == before[0] + 1
            raise Undo

    with pytest.raises(Undo):
        pending()
    assert counts(db) == before
    with db.session() as s:
        row = s.execute(select(Submission.id).where(
            Submission.status == "new", Submission.topic == "Speakers bureaus",
            Submission.is_submission.is_(True),
            Submission.body_text.like("%ngagement%")).order_by(Submission.id)).scalars().first()
        assert row is not None
        triage.set_status(s, row, "spam", actor="Ada")
    after = counts(db)  # committed by this connection: total_changes moved
    assert after == (before[0] - 1, before[1] - 1, before[2] - 1)
    assert len(reads) >= 2


def test_the_kept_maps_are_bounded(db: Database, reads: list[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(word_maps, "KEPT_BYTES", 2 * 42)  # two maps of 40 rows and a bit
    for word in ("engagement", "hello", "bureau", "engagement"):
        with db.session() as s:
            flt = Filter(text=word, statuses=("new",))
            assert query.count(s, flt) == plain(s, flt)
    assert len(reads) == 4  # "engagement" was dropped for "bureau", read again


def test_a_page_walks_through_a_kept_map_to_the_same_rows(db: Database, reads: list[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    flt = Filter(text="engagement", statuses=("new", "open", "done"))
    monkeypatch.setattr(text_plan, "SORT_MAX", 0)  # the page is walked, not sorted from ids
    with db.session() as s:
        walked = [r.id for r in query.find(s, flt, limit=5, with_total=False).rows]
    with db.session() as s:
        assert query.count(s, flt) == plain(s, flt)  # reads the map
    taken: list[set[int] | None] = []
    real = word_maps.kept_among

    def spy(*args: Any) -> set[int] | None:
        taken.append(real(*args))
        return taken[-1]
    monkeypatch.setattr(word_maps, "kept_among", spy)
    with db.session() as s:
        assert [r.id for r in query.find(s, flt, limit=5, with_total=False).rows] == walked
    assert taken
    assert all(hits is not None for hits in taken)
