"""Counts of the sidebar's kind of filter (statuses, topics, owners) come from the trigger-kept
counts table, and a common word's from the full-text index less the hidden rows: each must equal
a row-by-row count after every kind of write."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import event, func, select, text

from leaddesk import contacts, query, triage
from leaddesk.db import Database
from leaddesk.db.models import Submission, TeamMember
from leaddesk.query import Filter, counts, text_plan, words
from leaddesk.query.filters import conditions, dialect_of
from tests.support.factories import make_contact, make_member, make_submission

TOPICS = ("Patient engagement", "Speakers bureaus", None)
STATUSES = ("new", "open", "done", "spam")


def _filters() -> list[Filter]:
    found = [Filter(), Filter(include_spam=True, include_non_submissions=True)]
    for statuses, topics, owners in itertools.product(
            [(), ("new",), ("new", "open"), ("spam",)], [(), (None,), ("Speakers bureaus", None)],
            [(), ("Ada",), (None,), ("Ada", "Bo", None)]):
        found.append(Filter(statuses=statuses, topics=topics, assignees=owners))
    return found


def _by_hand(db: Database, flt: Filter) -> int:
    """The reference: every row read and tested in Python."""
    with db.session() as s:
        members = dict(s.query(TeamMember.id, TeamMember.name).all())
        rows = s.query(Submission.status, Submission.topic, Submission.assignee_id,
                       Submission.is_submission).all()
    n = 0
    for status, topic, owner, is_submission in rows:
        if flt.statuses and status not in flt.statuses:
            continue
        if not flt.statuses and not flt.include_spam and status == "spam":
            continue
        if not flt.include_non_submissions and not is_submission:
            continue
        if flt.topics and topic not in flt.topics:
            continue
        if flt.assignees and (members.get(owner) if owner is not None else None) \
                not in flt.assignees:
            continue
        n += 1
    return n


def _check(db: Database) -> None:
    with db.session() as s:
        got = {flt: query.count(s, flt) for flt in _filters()}
    assert got == {flt: _by_hand(db, flt) for flt in _filters()}


def test_status_topic_and_owner_counts_stay_exact_after_every_write(db: Database) -> None:
    with db.session() as s:
        make_member(s, "Ada")
        make_member(s, "Bo")
        person = make_contact(s, "erase.me@example.org")
        ids = [make_submission(s, status=STATUSES[n % 4], topic=TOPICS[n % 3],
                               is_submission=n % 7 != 0,
                               contact_id=person.id if n % 5 == 0 else None).id
               for n in range(24)]
    _check(db)  # insert
    with db.session() as s:
        triage.set_status(s, ids[1], "spam", actor="Ada")
        triage.set_status(s, ids[3], "new", actor="Ada")
        triage.assign(s, ids[2], "Ada", actor="Ada")
        triage.assign(s, ids[4], "Bo", actor="Ada")
    _check(db)  # triage
    with db.session() as s:
        triage.assign(s, ids[2], None, actor="Ada")
        s.get(Submission, ids[6]).topic = "Speakers bureaus"  # type: ignore[union-attr]
    _check(db)  # edit
    with db.session() as s:
        contacts.erase_contact(s, person.id, actor="Ada")
    _check(db)  # erase


def test_a_common_word_is_counted_in_the_index_less_the_hidden_rows(
        sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_plan, "COMMON", 5)  # a word in more than 5 rows counts as common
    db = Database.open(sqlite_url)
    try:
        with db.session() as s:
            ids = [make_submission(s, status=STATUSES[n % 4], is_submission=n % 7 != 0,
                                   body_text="About patient engagement" if n % 4 else "Hello").id
                   for n in range(40)]
        with db.session() as s:
            plan = text_plan.TextPlan.make(s, Filter(text="engag"))
            assert plan is not None
            assert plan.ids is None  # common
        for step in range(2):
            with db.session() as s:
                for flt in (Filter(text="engag"), Filter(text="engag", include_spam=True),
                            Filter(text="engag", include_non_submissions=True),
                            Filter(text="engag", include_spam=True, include_non_submissions=True)):
                    expected = s.execute(select(func.count()).select_from(Submission).where(
                        *query.conditions(flt, "sqlite"))).scalar_one()
                    assert query.count(s, flt) == expected > 0
            if step == 0:  # after writes too: spam, a deletion
                with db.session() as s:
                    triage.set_status(s, ids[1], "spam", actor="Ada")
                    s.delete(s.get(Submission, ids[2]))
    finally:
        db.close()


BODIES = ("About patient engagement", "We engaged a speakers bureau", "Hello", "Engagement budget")
WORD_FILTERS = [
    *(Filter(text=word, include_spam=spam, include_non_submissions=other)
      for word in ("engagement", "engag", "patient engagement", "absent")
      for spam in (False, True) for other in (False, True)),
    *(Filter(text=word, statuses=statuses, topics=topics, assignees=owners)
      for word in ("engagement", "engag")
      for statuses, topics, owners in [(("new",), (), ()), (("new", "spam"), (None,), ()),
                                       ((), ("Speakers bureaus", None), ("Ada",)),
                                       ((), (), (None,)), (("open", "done"), (), ("Ada", None))]),
]


def _plain_count(db: Database, flt: Filter) -> int:
    """The reference: the search's own index, row by row, with nothing kept."""
    with db.session() as s:
        return int(s.execute(select(func.count()).select_from(Submission).where(
            *query.conditions(flt, s.get_bind().dialect.name))).scalar_one())


def test_a_word_alone_is_counted_exactly_after_every_write(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_plan, "COMMON", 5)  # on SQLite: counted in the index less hidden
    with db.session() as s:
        ada = make_member(s, "Ada")
        person = make_contact(s, "erase.me@example.org")
        ids = [make_submission(s, status=STATUSES[n % 4], is_submission=n % 7 != 0,
                               body_text=BODIES[n % 4], topic=TOPICS[n % 3],
                               assignee_id=ada.id if n % 3 == 1 else None,
                               contact_id=person.id if n % 5 == 0 else None).id
               for n in range(40)]

    def check() -> None:
        with db.session() as s:
            got = {flt: query.count(s, flt) for flt in WORD_FILTERS}
            estimates = {flt: query.estimate(s, flt) for flt in WORD_FILTERS}
        expected = {flt: _plain_count(db, flt) for flt in WORD_FILTERS}
        assert got == expected
        assert expected[Filter(text="engagement")] > 0
        for flt, guess in estimates.items():  # an estimate says so; an exact one is exact
            assert not guess.exact or guess.value == expected[flt], flt

    check()  # insert
    with db.session() as s:
        triage.set_status(s, ids[1], "spam", actor="Ada")
        triage.set_status(s, ids[4], "done", actor="Ada")
        triage.set_status(s, ids[3], "new", actor="Ada")
        triage.assign(s, ids[6], "Ada", actor="Ada")
        s.get(Submission, ids[7]).topic = None  # type: ignore[union-attr]
    check()  # triage
    with db.session() as s:
        s.get(Submission, ids[2]).body_text = "Now about engagement"  # type: ignore[union-attr]
        s.delete(s.get(Submission, ids[5]))
    check()  # a re-read text, a deletion
    with db.session() as s:
        contacts.erase_contact(s, person.id, actor="Ada")
    check()  # erase


@pytest.mark.postgres
def test_on_postgresql_a_word_alone_is_read_from_the_kept_word_counts(postgres_url: str) -> None:
    db = Database.open(postgres_url)
    try:
        with db.session() as s:
            for n in range(6):
                make_submission(s, body_text=BODIES[n % 4])
        with db.session() as s:
            s.execute(text("UPDATE submission_search_terms SET n = n + 100 "
                           "WHERE term = 'engagement' AND is_submission AND status = 'new'"))
        with db.session() as s:
            # Only a read of the kept counts sees the 100 rows that are not there.
            assert query.count(s, Filter(text="engagement")) == 103
            assert query.estimate(s, Filter(text="engagement")) == query.Estimate(103, exact=True)
            # "engag" names two words (engagement, engaged): counted from the documents.
            assert query.count(s, Filter(text="engag")) == 5
    finally:
        db.close()


@pytest.mark.postgres
def test_on_postgresql_a_word_postgresql_reads_otherwise_is_still_counted(postgres_url: str) -> None:
    # The kept counts are asked on the guess that PostgreSQL reads a word as Python splits it:
    # "engagement_plan" is one word to Python, two to PostgreSQL (a phrase), "istanbul" one.
    db = Database.open(postgres_url)
    try:
        with db.session() as s:
            for body in ("Meet us in Istanbul", "Istanbul engagement plan", "Engagement plan"):
                make_submission(s, body_text=body)
        for word, expected in (("engagement_plan", 2), ("istanbul", 2), ("istanbu", 2),
                               ("istanbulx", 0), ("zzz", 0)):
            with db.session() as s:
                assert query.count(s, Filter(text=word)) == expected == _plain_count(
                    db, Filter(text=word)), word
    finally:
        db.close()

@pytest.mark.postgres
def test_on_postgresql_a_word_with_filters_is_counted_or_estimated(
        postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_plan, "COMMON", 5)
    db = Database.open(postgres_url)
    try:
        with db.session() as s:
            for n in range(40):
                make_submission(s, body_text=BODIES[n % 4], status=("new", "done")[n % 2])
            triage.add_tag(s, make_submission(s, body_text="Adedutrin", status="new").id, "hot",
                           actor="Ada")
        with db.session() as s:
            one_word = query.estimate(s, Filter(text="engagement", statuses=("new",)))
            two_words = query.estimate(s, Filter(text="engag", statuses=("new",)))
            rare = query.estimate(s, Filter(text="adedutrin", statuses=("new",)))
            with_tag = query.estimate(s, Filter(text="engagement", tags=("hot",)))
        # With statuses: counted in the kept counts.
        assert one_word == query.Estimate(10, exact=True)
        # With a tag: "engagement" is in 20 of the 41 rows (the kept counts), 1 row is tagged.
        assert with_tag == query.Estimate(round(20 / 41 * 1), exact=False)
        # "engag" names two words: in 30 of the newest 41 documents (the sample).
        assert two_words == query.Estimate(round(30 / 41 * 21), exact=False)
        assert rare == query.Estimate(1, exact=True)  # few matches: counted
    finally:
        db.close()


@pytest.mark.postgres
def test_on_postgresql_a_search_the_kept_counts_cannot_tell_is_sampled_under_its_filters(
        postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # "engag" names two words (engagement, engaged), so the kept counts cannot tell; not rare
    # (at least SAMPLED_EXACT_BELOW matches), not common: the newest rows its filters pass are
    # sampled, and the estimate says "about" unless every such row was in the sample.
    monkeypatch.setattr(text_plan, "COMMON", 10_000)
    monkeypatch.setattr(counts, "SAMPLED_EXACT_BELOW", 5)
    monkeypatch.setattr(words, "RECENT_WINDOW", 8)
    db = Database.open(postgres_url)
    try:
        with db.session() as s:
            ids = [make_submission(s, body_text=BODIES[n % 4], status=("new", "done")[n % 2],
                                   topic="Rare" if n in (3, 5, 7) else None).id
                   for n in range(40)]
        many, few = Filter(text="engag", statuses=("new",)), Filter(text="engag", topics=("Rare",))
        with db.session() as s:
            about, exact = query.estimate(s, many), query.estimate(s, few)
            newest_new = [i for i in reversed(ids) if i % 2 == ids[0] % 2][:8]  # n even: "new"
            found = sum(1 for i in newest_new if BODIES[(i - ids[0]) % 4] != "Hello")
        assert about == query.Estimate(round(found / 8 * 20), exact=False)
        assert exact == query.Estimate(_plain_count(db, few), exact=True)
        assert exact.value == 3
        with db.session() as s:  # labelled exact only when it is
            for flt in (many, few, Filter(text="engag", statuses=("done",), topics=(None,)),
                        Filter(text="patient engagement", statuses=("new",)),
                        Filter(text="engag budget"), Filter(text="engag", tags=("hot",))):
                guess = query.estimate(s, flt)
                assert not guess.exact or guess.value == _plain_count(db, flt), flt
    finally:
        db.close()


@pytest.mark.parametrize(("flt", "index"), [
    (Filter(statuses=("new", "open", "waiting"), needs_reply=True), "ix_submissions_needs_reply"),
    (Filter(statuses=("new", "open", "waiting"), overdue=True), "ix_submissions_unanswered"),
])
def test_the_reply_views_count_from_their_partial_index_alone(sqlite_url: str, flt: Filter,
                                                              index: str) -> None:
    # SQLite takes a partial index only for a query holding its condition term for term: a
    # rewritten needs_reply_condition or overdue_condition would count every new, open and
    # waiting lead in the table again (1.9 s a count at a million leads, twice per sidebar).
    db = Database.open(sqlite_url)
    try:
        with db.session() as s:
            statement = select(func.count()).select_from(Submission).where(
                *conditions(flt, dialect_of(s)))
            sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
            plan = " ".join(row[-1] for row in s.connection().exec_driver_sql(
                f"EXPLAIN QUERY PLAN {sql}"))
    finally:
        db.close()
    assert f"COVERING INDEX {index}" in plan


def test_a_tags_count_reads_its_kept_counts_and_stays_exact(db: Database) -> None:
    # A tag's view counted an EXISTS on its links per lead: 0.7-1.0 s at a million leads.
    with db.session() as s:
        ids = [make_submission(s, status=STATUSES[n % 4], is_submission=n % 5 != 0).id
               for n in range(20)]
        for sid in ids[::2]:
            triage.add_tag(s, sid, "hot", actor="Ada")
        triage.add_tag(s, ids[1], "later", actor="Ada")
        triage.set_status(s, ids[2], "done", actor="Ada")
        triage.remove_tag(s, ids[4], "hot", actor="Ada")
    shapes = [Filter(tags=("hot",)), Filter(tags=("hot",), statuses=("new", "open")),
              Filter(tags=("hot",), statuses=("spam",)), Filter(tags=("hot",), include_spam=True),
              Filter(tags=("hot",), include_spam=True, include_non_submissions=True),
              Filter(tags=("later",)), Filter(tags=("nobody",))]
    statements: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)
    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        with db.session() as s:
            got = [query.count(s, flt) for flt in shapes]
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    with db.session() as s:
        want = [int(s.execute(select(func.count()).select_from(Submission).where(
            *conditions(flt, dialect_of(s)))).scalar_one()) for flt in shapes]
    assert got == want
    assert want[:2] != [0, 0]
    assert not any("submission_tags" in statement for statement in statements)
