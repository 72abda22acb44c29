"""A common word's matches among a filter's rows, through the sieve or a kept map, are exactly what
SQL answers, and never outlive the data they were read from: not another connection's commit
(even one landing between two statements of the same call), not this connection's own writes, not
a rollback; and a prefix is read as one word only when it names one word."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from leaddesk import query, triage
from leaddesk.db import Database, search
from leaddesk.db.models import Submission
from leaddesk.query import Filter, text_plan, word_maps
from tests.support.factories import make_submission

WORD = Filter(text="engagement", statuses=("new", "open"), topics=("Speakers bureaus", None))
ALONE = Filter(text="engagement")
BODIES = ("About patient engagement", "Hello", "Engagement budget", "We engaged a bureau")


class Undo(Exception):
    """Raised to roll a session back."""


def _spy(monkeypatch: pytest.MonkeyPatch, name: str, record: Callable[..., object]) -> None:
    real = getattr(word_maps, name)

    def call(*args: Any, **kwargs: Any) -> Any:
        record(*args, **kwargs)
        return real(*args, **kwargs)
    monkeypatch.setattr(word_maps, name, call)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every map read through the full-text index (not from the kept ones)."""
    monkeypatch.setattr(text_plan, "COMMON", 5)  # a word in more than 5 rows is common
    done: list[str] = []
    _spy(monkeypatch, "_read", lambda session, expression, version: done.append(expression))
    return done


@pytest.fixture
def sieves(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every pass of the sieve (a word's matches checked against a filter's ids)."""
    monkeypatch.setattr(text_plan, "COMMON", 5)
    done: list[str] = []
    _spy(monkeypatch, "_sieve", lambda session, expression, marks, **kw: done.append(expression))
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


def mapped(db: Database) -> tuple[int, int, int]:
    """:func:`counts`, once the word's map is read (the count alone reads it when asked again)."""
    counts(db)
    return counts(db)


def test_first_searches_sieve_and_the_count_alone_reads_the_map_when_asked_again(
        db: Database, reads: list[str], sieves: list[str]) -> None:
    first = counts(db)
    assert first[0] > 0
    assert reads == []  # a search never reads a map: the sieve answers
    # One word in the index: read as that word. The page's total and the count alone sieve;
    # the count of the page's own search is answered from what its sieve found out.
    assert sieves == ['"engagement"'] * 2
    assert counts(db) == first
    assert reads == ['"engagement"']  # the count alone, asked again
    sieves.clear()
    assert counts(db) == first
    assert (reads, sieves) == (['"engagement"'], [])  # kept: everything looked up in it


def test_a_prefix_is_read_as_one_word_only_when_it_names_one(db: Database, sqlite_url: str,
                                                            sieves: list[str]) -> None:
    budget = Filter(text="budget", statuses=("new", "open", "done"))
    with db.session() as s:
        assert query.count(s, budget) == plain(s, budget)
        assert query.count(s, Filter(text="engag", statuses=("new",))) == plain(
            s, Filter(text="engag", statuses=("new",)))
    assert sieves == ['"budget"', '"engag"*']  # engaged, engagement
    before = counts(db)
    other = Database.open(sqlite_url)
    try:
        with other.session() as s:
            make_submission(s, body_text="Engagements", status="new", topic=None)
            make_submission(s, body_text="Budgets", status="new", topic=None)
    finally:
        other.close()
    sieves.clear()
    assert counts(db) == (before[0] + 1, before[1] + 1, before[2] + 1)
    with db.session() as s:
        assert query.count(s, budget) == plain(s, budget)
    assert set(sieves) == {'"engagement"*', '"budget"*'}


def test_words_the_tokenizer_changes_stay_prefixes(db: Database) -> None:
    with db.session() as s:
        make_submission(s, body_text="Müllers und Muller", status="new", topic=None)
    with db.session() as s:
        raw = s.connection().connection.dbapi_connection
        # "müller" is indexed as "muller"; asking the index for words after "müller" would
        # find none and drop the prefix, losing "mullers".
        assert word_maps._cheapest(raw, {}, "müller") == '"müller"*'
        assert word_maps._cheapest(raw, {}, "muller") == '"muller"*'
        assert word_maps._cheapest(raw, {}, "hello budget") == '"hello" "budget"'
        assert word_maps._cheapest(raw, {}, "white paper_x") == '"white" "paper_x"*'
        for text in ("müller", "muller", "mulle"):
            flt = Filter(text=text, statuses=("new",))
            assert query.count(s, flt) == plain(s, flt) == 1


def test_another_connections_commit_is_seen(db: Database, sqlite_url: str,
                                            reads: list[str]) -> None:
    before = mapped(db)
    other = Database.open(sqlite_url)
    try:
        with other.session() as s:
            make_submission(s, body_text="More engagement", status="new", topic=None)
    finally:
        other.close()
    after = counts(db)
    assert after == (before[0] + 1, before[1] + 1, before[2] + 1)
    assert len(reads) == 2  # the kept map was stale: read again


@pytest.mark.parametrize("asked", ["search", "count alone"])
def test_a_commit_between_the_ids_and_the_sieve_sends_the_call_to_sql(
        db: Database, sqlite_url: str, monkeypatch: pytest.MonkeyPatch, asked: str) -> None:
    """The filter's ids and the word's matches are two statements, each its own snapshot."""
    monkeypatch.setattr(text_plan, "COMMON", 5)
    other = Database.open(sqlite_url)

    def commit_first(*args: Any, **kwargs: Any) -> None:
        with other.session() as s:  # a matching row the ids just read do not hold
            make_submission(s, body_text="Engagement now", status="new", topic=None,
                            is_submission=asked == "search")
    _spy(monkeypatch, "_sieve", commit_first)
    flt = WORD if asked == "search" else ALONE
    try:
        with db.session() as s:
            before = plain(s, flt)
            got = query.count(s, flt)
            assert got == plain(s, flt) == before + (asked == "search")
    finally:
        other.close()


def test_own_writes_are_counted_and_a_rollback_forgets_them(db: Database,
                                                            reads: list[str]) -> None:
    before = mapped(db)

    def pending() -> None:
        with db.session() as s:
            make_submission(s, body_text="Engagement again", status="open", topic=None)
            # Pending in this transaction: no map is read, kept or used and no sieve runs (a
            # rollback changes neither data_version nor total_changes); SQL answers.
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
        for _ in range(2):
            with db.session() as s:
                flt = Filter(text=word)
                assert query.count(s, flt) == plain(s, flt)
    assert len(reads) == 4  # "engagement" was dropped for "bureau", read again


def test_a_page_walks_through_a_kept_map_to_the_same_rows(db: Database, reads: list[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    flt = Filter(text="engagement", statuses=("new", "open", "done"))
    monkeypatch.setattr(text_plan, "SORT_MAX", 0)  # the page is walked, not sorted from ids
    with db.session() as s:
        walked = [r.id for r in query.find(s, flt, limit=5, with_total=False).rows]
    mapped(db)
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


@pytest.mark.parametrize("sorted_max", [0, 1_000], ids=["walked", "sorted"])
def test_a_page_from_the_known_matches_is_the_same_page(db: Database, reads: list[str],
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        sorted_max: int) -> None:
    monkeypatch.setattr(text_plan, "KNOWN_SORT_MAX", sorted_max)
    flt = Filter(text="engagement", statuses=("new", "open", "done"))
    with db.session() as s:
        expected = [r.id for r in query.find(s, flt, limit=4, with_total=False).rows]
        page = query.find(s, flt, limit=4)  # the total sieves: every match is known
        assert [r.id for r in page.rows] == expected
        assert page.total == plain(s, flt)
        second = query.find(s, flt, limit=4, after=page.next_cursor)
        assert [r.id for r in second.rows] == [r.id for r in query.find(
            s, flt, limit=4, after=page.next_cursor, with_total=False).rows]


def test_a_row_id_below_one_is_no_false_hit(db: Database, sieves: list[str]) -> None:
    """substr() counts a negative offset from the BLOB's end: the sieve must not read there."""
    flt = Filter(text="engagement", statuses=("open",))
    with db.session() as s:
        make_submission(s, id=-3, body_text="Engagement", status="done", topic=None)
        top = s.execute(select(func.max(Submission.id))).scalar_one()
        for n in range(1, 4):  # the last bytes of the filter's BLOB are set
            make_submission(s, id=top + n, body_text="Hello", status="open", topic=None)
    with db.session() as s:
        assert query.count(s, flt) == plain(s, flt)
        assert query.count(s, Filter(text="engagement")) == plain(s, Filter(text="engagement"))
    assert sieves


@pytest.mark.parametrize("below", [-3, 0])
def test_a_filtered_row_id_below_one_sends_the_call_to_sql(db: Database, reads: list[str],
                                                           below: int) -> None:
    """A byte-per-id map has no place for it (a negative index counts from the end)."""
    flt = Filter(text="engagement", statuses=("open",))
    with db.session() as s:
        make_submission(s, id=below, body_text="Engagement", status="open", topic=None)
    for _ in range(3):  # the sieve, then a kept map (which counts the row alone)
        with db.session() as s:
            assert query.count(s, flt) == plain(s, flt)
            assert query.count(s, ALONE) == plain(s, ALONE)
    assert reads


@pytest.mark.parametrize("below", [-12, 0])
def test_an_id_below_one_is_found_wherever_it_stands_in_the_filters_ids(
        db: Database, below: int) -> None:
    """The ids' JSON text is searched for one, not the ids (first, last, between, alone)."""
    with db.session() as s:
        make_submission(s, id=below, status="open", topic=None)
        orders = (Submission.id, Submission.id.desc(), func.abs(Submission.id - 5))
        for order in orders:
            assert word_maps._ids(s, select(Submission.id).order_by(order)) is None
        assert word_maps._ids(s, select(Submission.id).where(Submission.id == below)) is None
        found = word_maps._ids(s, select(Submission.id).where(Submission.id > below).order_by(
            func.abs(Submission.id - 10)))  # 10 and 20 stand where a 0 would
        assert found is not None
        assert sorted(found[0]) == list(range(1, 41))


def test_a_walk_reads_a_one_word_prefix_as_that_word_and_a_commit_sends_it_back(
        db: Database, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page walked without a map asks the index for each batch; a prefix naming one word is
    read as that word, which holds only while nothing is committed."""
    monkeypatch.setattr(text_plan, "COMMON", 5)
    monkeypatch.setattr(text_plan, "SORT_MAX", 0)
    flt = Filter(text="engagement", statuses=("new", "open", "done"))
    asked: list[str | None] = []
    real = search.matching_ids

    def spy(*args: Any, **kwargs: Any) -> set[int]:
        asked.append(kwargs.get("expression"))
        return real(*args, **kwargs)
    monkeypatch.setattr(search, "matching_ids", spy)

    def page() -> list[int]:
        with db.session() as s:
            return [r.id for r in query.find(s, flt, limit=30, with_total=False).rows]

    def reference() -> list[int]:
        with db.session() as s:
            return list(s.execute(select(Submission.id).where(*query.conditions(
                flt, "sqlite")).order_by(Submission.received_at.desc(), Submission.id.desc())
                .limit(30)).scalars())
    assert page() == reference()
    assert set(asked) == {'"engagement"'}
    other = Database.open(sqlite_url)
    with db.session() as s:
        hello = s.execute(select(Submission.id).where(Submission.body_text == "Hello").order_by(
            Submission.id.desc())).scalars().first()

    def commit_first(*args: Any, **kwargs: Any) -> set[int]:
        if kwargs.get("expression"):  # a batch row now holds a longer word with the prefix
            with other.session() as s:
                s.get_one(Submission, hello).body_text = "Engagements"
        return spy(*args, **kwargs)
    monkeypatch.setattr(search, "matching_ids", commit_first)
    asked.clear()
    try:
        got = page()
    finally:
        other.close()
    assert hello in got
    assert got == reference()
    assert None in asked  # the batch asked again with the prefix


NARROWER = Filter(text="engagement", statuses=("new",), topics=("Speakers bureaus",))
ELSEWHERE = Filter(text="engagement", statuses=("done",), topics=("Market access",))


def test_a_narrower_search_is_answered_from_what_the_sieve_found_out(
        db: Database, sieves: list[str]) -> None:
    every = Filter(text="engagement", statuses=("new", "open", "done"))
    with db.session() as s:
        assert query.count(s, NARROWER) == plain(s, NARROWER) > 0
        assert query.count(s, WORD) == plain(s, WORD)  # holds ids NARROWER's sieve never saw
        assert len(sieves) == 2
        assert query.count(s, NARROWER) == plain(s, NARROWER)  # all among WORD's
        assert query.count(s, ELSEWHERE) == plain(s, ELSEWHERE) > 0
        assert len(sieves) == 3
        assert query.count(s, every) == plain(s, every)  # WORD's and ELSEWHERE's together
        assert query.find(s, every, limit=5).total == plain(s, every)
        assert len(sieves) == 3


def test_what_the_sieve_found_out_is_forgotten_when_the_database_changes(
        db: Database, sqlite_url: str, sieves: list[str]) -> None:
    with db.session() as s:
        quiet = list(s.execute(select(Submission.id).where(
            Submission.status == "new", Submission.topic == "Speakers bureaus",
            Submission.is_submission.is_(True),
            Submission.body_text.not_like("%ngagement%"))).scalars())
    assert len(quiet) >= 2

    def now_matches(row: int) -> None:
        """A row NARROWER's sieve checked, and found not matching, now matches."""
        other = Database.open(sqlite_url)
        try:
            with other.session() as s:
                s.get_one(Submission, row).body_text = "Engagement too"
        finally:
            other.close()

    with db.session() as s:
        before = query.count(s, NARROWER)
        assert before == plain(s, NARROWER)
    now_matches(quiet[0])
    with db.session() as s:
        assert query.count(s, NARROWER) == plain(s, NARROWER) == before + 1
    now_matches(quiet[1])
    with db.session() as s:
        # ELSEWHERE's sieve, at the new version, must not carry NARROWER's old answers along.
        assert query.count(s, ELSEWHERE) == plain(s, ELSEWHERE)
        assert query.count(s, NARROWER) == plain(s, NARROWER) == before + 2
    assert len(sieves) == 4


# A filter's ids kept for the next word (a user typing one word after another under the same
# filters reads them once per version).
UNDER = Filter(statuses=("new",))


@pytest.fixture
def id_reads(monkeypatch: pytest.MonkeyPatch, sieves: list[str]) -> list[str]:
    """Every read of a filter's ids (not from the kept ones), as the filter's statement."""
    done: list[str] = []
    _spy(monkeypatch, "_ids", lambda session, candidates: done.append(str(candidates)))
    return done


def each_word(db: Database, flt: Filter, words: tuple[str, ...]) -> list[int]:
    with db.session() as s:
        got = [query.count(s, replace(flt, text=w)) for w in words]
        assert got == [plain(s, replace(flt, text=w)) for w in words]
        return got


def test_a_filters_ids_are_read_once_for_the_next_words(db: Database,
                                                         id_reads: list[str]) -> None:
    each_word(db, UNDER, ("engagement", "budget", "hello", "engagement"))
    assert len(id_reads) == 1
    with db.session() as s:  # the page's total too
        assert query.find(s, replace(UNDER, text="bureau"), limit=3).total == plain(
            s, replace(UNDER, text="bureau"))
    assert len(id_reads) == 1
    for word in ("engagement", "budget"):  # a word alone: the rows the inbox hides, read once
        with db.session() as s:
            assert query.count(s, Filter(text=word)) == plain(s, Filter(text=word))
    assert len(id_reads) == 2


def test_a_filters_kept_ids_are_read_again_after_another_connections_commit(
        db: Database, sqlite_url: str, id_reads: list[str]) -> None:
    before = each_word(db, UNDER, ("engagement", "budget"))
    other = Database.open(sqlite_url)
    try:
        with other.session() as s:  # a new row under UNDER, matching "budget"
            make_submission(s, body_text="A budget", status="new", topic=None)
    finally:
        other.close()
    assert each_word(db, UNDER, ("budget",)) == [before[1] + 1]
    assert len(id_reads) == 2


def test_a_filters_kept_ids_are_read_again_after_this_connection_changes_a_status(
        db: Database, id_reads: list[str]) -> None:
    before = each_word(db, UNDER, ("engagement", "budget"))
    with db.session() as s:
        row = s.execute(select(Submission.id).where(
            Submission.status == "done", Submission.is_submission.is_(True),
            Submission.body_text == "Engagement budget").limit(1)).scalar_one()
        triage.set_status(s, row, "new", actor="Ada")  # now under UNDER: total_changes moved
    assert each_word(db, UNDER, ("budget",)) == [before[1] + 1]
    assert len(id_reads) == 2


def test_another_filter_never_gets_a_kept_filters_ids(db: Database,
                                                      id_reads: list[str]) -> None:
    """The same statement with other parameters (statuses here) is another filter."""
    opened = Filter(statuses=("open",))
    with db.session() as s:
        assert plain(s, replace(UNDER, text="budget")) != plain(s, replace(opened, text="budget"))
    each_word(db, UNDER, ("engagement",))
    each_word(db, opened, ("budget",))
    each_word(db, UNDER, ("budget",))
    assert len(id_reads) == 2


def test_a_filter_holding_the_time_of_the_call_is_told_apart_by_it(db: Database) -> None:
    """A filter's conditions may hold the time of the call ("overdue"): the same Filter later
    selects other rows, so the parameters' values are part of what is kept under."""
    with db.session() as s:
        def key(at: datetime) -> tuple[str, str]:
            return word_maps._filter_key(s, select(Submission.id).where(
                Submission.received_at < at))
        assert key(datetime(2026, 1, 1, 12)) != key(datetime(2026, 1, 1, 13))
        assert key(datetime(2026, 1, 1, 12)) == key(datetime(2026, 1, 1, 12))


def test_kept_filters_are_bounded(db: Database, id_reads: list[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    opened = Filter(statuses=("open",))
    each_word(db, UNDER, ("engagement",))
    with db.session() as s:
        info = s.connection().connection.info
        [one] = info[word_maps._FILTERS_KEY].values()
        monkeypatch.setattr(word_maps, "FILTER_BYTES", len(one.text) + 2)  # one filter, not two
    each_word(db, opened, ("engagement",))
    each_word(db, UNDER, ("budget",))  # dropped for ``opened``: read again
    each_word(db, UNDER, ("hello",))
    assert len(id_reads) == 3
    monkeypatch.setattr(word_maps, "FILTER_BYTES", 0)
    each_word(db, UNDER, ("budget",))  # the one kept, then dropped: nothing fits now
    each_word(db, UNDER, ("engagement",))
    each_word(db, UNDER, ("hello",))
    assert len(id_reads) == 5


def test_a_commit_between_a_kept_filters_search_and_the_sieve_sends_it_to_sql(
        db: Database, sqlite_url: str, monkeypatch: pytest.MonkeyPatch,
        id_reads: list[str]) -> None:
    """Kept ids are of one version; a commit landing during the sieve is another."""
    each_word(db, UNDER, ("engagement",))
    other = Database.open(sqlite_url)

    def commit_first(*args: Any, **kwargs: Any) -> None:
        with other.session() as s:
            make_submission(s, body_text="Budget now", status="new", topic=None)
    _spy(monkeypatch, "_sieve", commit_first)
    try:
        with db.session() as s:
            before = plain(s, replace(UNDER, text="budget"))
            assert query.count(s, replace(UNDER, text="budget")) == before + 1
    finally:
        other.close()
    assert len(id_reads) == 1  # the kept ids were used, then the answer came from SQL
