"""PostgreSQL's kept matches: a search's total under status, topic and owner filters stays exact
after every kind of write, inside a transaction that wrote too, and the kept matches are read
again only when the server's snapshot moved."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from leaddesk import contacts, query, triage
from leaddesk.db import Database
from leaddesk.db.models import Submission
from leaddesk.query import Filter, pg_matches
from tests.support.factories import make_contact, make_member, make_submission

pytestmark = pytest.mark.postgres

BODIES = ("Please send the white paper", "White papers on engagement", "Hello", "A paper, white")
# Searches the kept word counts cannot tell (a phrase; a prefix of two words), under filters.
FILTERS = [Filter(text=text, statuses=statuses, topics=topics, assignees=owners)
           for text in ("white paper", "white pap", "paper")
           for statuses, topics, owners in [((), (), ()), (("new",), (), ()),
                                            (("new", "open"), ("Rare", None), ()),
                                            ((), (), ("Ada", None)), (("spam",), (), ())]]


@pytest.fixture
def db(postgres_url: str) -> Iterator[Database]:
    pg_matches.forget()
    database = Database.open(postgres_url)
    yield database
    database.close()
    pg_matches.forget()


def _plain(db: Database, flt: Filter) -> int:
    with db.session() as s:
        return int(s.execute(select(func.count()).select_from(Submission).where(
            *query.conditions(flt, "postgresql"))).scalar_one())


def _check(db: Database) -> None:
    for _ in range(2):  # read, then kept
        with db.session() as s:
            got = {flt: query.count(s, flt) for flt in FILTERS}
        assert got == {flt: _plain(db, flt) for flt in FILTERS}


def _reads(monkeypatch: pytest.MonkeyPatch, maker: str) -> list[int]:
    """How many ids each value ``pg_matches.<maker>`` makes was read from (one entry a read)."""
    read: list[int] = []
    make = getattr(pg_matches, maker)

    def counted(ids: list[int]) -> object:
        read.append(len(ids))
        return make(ids)
    monkeypatch.setattr(pg_matches, maker, counted)
    return read


def test_a_search_s_total_stays_exact_after_every_write(db: Database) -> None:
    with db.session() as s:
        ada = make_member(s, "Ada")
        person = make_contact(s, "erase.me@example.org")
        ids = [make_submission(s, body_text=BODIES[n % 4], status=("new", "open", "spam")[n % 3],
                               topic="Rare" if n % 5 == 0 else None,
                               assignee_id=ada.id if n % 2 else None,
                               contact_id=person.id if n % 7 == 0 else None).id
               for n in range(30)]
    _check(db)  # insert
    with db.session() as s:
        make_submission(s, body_text="Another white paper", status="new")
    _check(db)  # another insert
    with db.session() as s:
        triage.set_status(s, ids[0], "spam", actor="Ada")
        triage.assign(s, ids[1], None, actor="Ada")
        s.get(Submission, ids[2]).topic = "Rare"  # type: ignore[union-attr]
    _check(db)  # triage
    with db.session() as s:
        s.get(Submission, ids[3]).body_text = "Now a white paper too"  # type: ignore[union-attr]
        s.delete(s.get(Submission, ids[4]))
    _check(db)  # a re-read text, a deletion
    with db.session() as s:
        contacts.erase_contact(s, person.id, actor="Ada")
    _check(db)  # erase


def test_a_transaction_that_wrote_counts_its_own_rows_and_keeps_nothing(db: Database) -> None:
    with db.session() as s:
        for n in range(6):
            make_submission(s, body_text=BODIES[n % 4], status="new")
    flt = Filter(text="white paper", statuses=("new",))
    _check(db)
    session = db.sessions()
    try:
        make_submission(session, body_text="A white paper of my own", status="new")
        assert query.count(session, flt) == _plain(db, flt) + 1  # its own row, not committed
        session.rollback()
    finally:
        session.close()
    _check(db)  # nothing of the rolled-back row was kept


def test_kept_matches_are_used_only_while_the_snapshot_is_unchanged(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    with db.session() as s:
        for n in range(8):
            make_submission(s, body_text=BODIES[n % 4], status="new")
    flt = Filter(text="white paper", statuses=("new",))
    read = _reads(monkeypatch, "_marks")
    with db.session() as s:
        first = query.count(s, flt)
    with db.session() as s:
        assert query.count(s, flt) == first
    assert len(read) == 1  # the second count used the kept matches
    with db.session() as s:
        make_submission(s, body_text="Yet another white paper", status="new")
    with db.session() as s:
        assert query.count(s, flt) == first + 1
    assert len(read) == 2  # a commit moved the snapshot: read again


def test_the_filters_ids_are_kept_per_filter_while_the_snapshot_is_unchanged(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    with db.session() as s:
        for n in range(8):
            make_submission(s, body_text=BODIES[n % 4], status=("new", "open")[n % 2])
    new, both = (Filter(text="white paper", statuses=statuses)
                 for statuses in (("new",), ("new", "open")))
    read = _reads(monkeypatch, "_held")
    with db.session() as s:
        first = query.count(s, new), query.count(s, both)
    assert first == (_plain(db, new), _plain(db, both))
    assert read == [4, 8]
    with db.session() as s:
        assert (query.count(s, new), query.count(s, both)) == first
    assert read == [4, 8]  # each filter's own ids, kept
    with db.session() as s:
        make_submission(s, body_text="Yet another white paper", status="new")
    with db.session() as s:
        assert query.count(s, new) == first[0] + 1
    assert read == [4, 8, 5]  # a commit moved the snapshot: read again
    with db.session() as s:  # no row passes the filter any more: none, not the kept ids
        for row in s.execute(select(Submission).where(Submission.status == "new")).scalars():
            row.status = "open"
    with db.session() as s:
        assert query.count(s, new) == 0
        assert query.count(s, both) == first[1] + 1
