"""The query API: filters, search, sorting, paging and facets, on SQLite and PostgreSQL."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import ScalarResult

from leaddesk import query
from leaddesk.db import Database
from leaddesk.db.models import Reply, Tag
from leaddesk.errors import ValidationError
from leaddesk.query import Filter, Sort
from tests.support.factories import (
    BASE_TIME,
    make_account,
    make_member,
    make_post,
    make_submission,
)


@pytest.fixture
def seeded(db: Database) -> Database:
    """Six submissions across topics, statuses, tags, owners and one post."""
    with db.session() as s:
        ada = make_member(s, "Ada")
        web = make_account(s, "website")
        post = make_post(s, "https://example.org/imi", "Europe's IMI Sets Pace")
        hot = Tag(name="hot", colour="#ff0000")
        cold = Tag(name="cold", colour="#0000ff")
        s.add_all([hot, cold])
        a = make_submission(s, visitor_name="Zoë Müller", visitor_email="zoe@pharma.example",
                            visitor_company="Acme Pharma", topic="Patient engagement",
                            body_text="Could you share the white paper?", post_id=post.id,
                            account_id=web.id, received_at=BASE_TIME)
        b = make_submission(s, visitor_name="Bob Stone", topic="Speakers bureaus",
                            status="open", assignee_id=ada.id,
                            received_at=BASE_TIME + timedelta(days=1))
        make_submission(s, visitor_name="Carla Spam", status="spam", topic="Speakers bureaus",
                        received_at=BASE_TIME + timedelta(days=2))
        make_submission(s, visitor_name="Newsletter", is_submission=False,
                        received_at=BASE_TIME + timedelta(days=3))
        d = make_submission(s, visitor_name="Dana Roe", topic=None, status="done",
                            body_text="Micro-influencers campaign budget",
                            received_at=BASE_TIME + timedelta(days=4))
        e = make_submission(s, visitor_name="Eve Ng", topic="Patient engagement",
                            received_at=BASE_TIME + timedelta(days=5))
        a.tags.append(hot)
        b.tags.extend([hot, cold])
        e.tags.append(cold)
        s.add(Reply(submission_id=d.id, author="Ada", to_addrs="d@example.org",
                    subject="Re", body="Thanks", state="sent"))
    return db


def names(db: Database, flt: Filter) -> list[str | None]:
    with db.session() as s:
        return [r.name for r in query.find(s, flt).rows]


def test_default_inbox_hides_spam_and_non_submissions_newest_first(seeded: Database) -> None:
    assert names(seeded, Filter()) == ["Eve Ng", "Dana Roe", "Bob Stone", "Zoë Müller"]


def test_spam_and_non_submissions_can_be_shown(seeded: Database) -> None:
    everything = Filter(include_spam=True, include_non_submissions=True)
    assert len(names(seeded, everything)) == 6
    assert names(seeded, Filter(statuses=("spam",))) == ["Carla Spam"]


@pytest.mark.parametrize(("flt", "expected"), [
    (Filter(statuses=("new",)), ["Eve Ng", "Zoë Müller"]),
    (Filter(topics=("Speakers bureaus",)), ["Bob Stone"]),
    (Filter(topics=(None,)), ["Dana Roe"]),
    (Filter(topics=(None, "Speakers bureaus")), ["Dana Roe", "Bob Stone"]),
    (Filter(tags=("hot",)), ["Bob Stone", "Zoë Müller"]),
    (Filter(tags=("hot", "cold")), ["Bob Stone"]),
    (Filter(assignees=("Ada",)), ["Bob Stone"]),
    (Filter(assignees=(None,)), ["Eve Ng", "Dana Roe", "Zoë Müller"]),
    (Filter(accounts=("website",)), ["Zoë Müller"]),
    (Filter(replied=True), ["Dana Roe"]),
    (Filter(replied=False), ["Eve Ng", "Bob Stone", "Zoë Müller"]),
    (Filter(received_from=BASE_TIME + timedelta(days=1),
            received_to=BASE_TIME + timedelta(days=5)), ["Dana Roe", "Bob Stone"]),
    (Filter(sort=Sort.NAME, descending=False), ["Bob Stone", "Dana Roe", "Eve Ng", "Zoë Müller"]),
])
def test_filters(seeded: Database, flt: Filter, expected: list[str]) -> None:
    assert names(seeded, flt) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("white paper", ["Zoë Müller"]),          # message
    ("zoe@pharma.example", ["Zoë Müller"]),    # e-mail, split like a sentence
    ("acme", ["Zoë Müller"]),                  # company
    ("IMI", ["Zoë Müller"]),                   # the post's title
    ("speak", ["Bob Stone"]),                  # topic, by prefix
    ("micro-influencers", ["Dana Roe"]),
    ("MICRO budget", ["Dana Roe"]),            # case-insensitive, all terms required
    ("budget paper", []),
    ('" OR * NEAR(', []),                      # query syntax is never passed through
])
def test_text_search(seeded: Database, text: str, expected: list[str]) -> None:
    assert names(seeded, Filter(text=text)) == expected


def test_text_search_combines_with_filters(seeded: Database) -> None:
    assert names(seeded, Filter(text="engagement", statuses=("new",))) == ["Eve Ng", "Zoë Müller"]
    assert names(seeded, Filter(text="engagement", tags=("cold",))) == ["Eve Ng"]


def test_search_index_follows_updates_deletes_and_post_titles(seeded: Database) -> None:
    with seeded.session() as s:
        from leaddesk.db.models import Post, Submission
        row = s.query(Submission).filter_by(visitor_name="Eve Ng").one()
        row.body_text = "Interested in oncology webinars"
        s.query(Post).one().title = "Renamed headline"
    assert names(seeded, Filter(text="oncology")) == ["Eve Ng"]
    assert names(seeded, Filter(text="renamed headline")) == ["Zoë Müller"]
    assert names(seeded, Filter(text="IMI")) == []
    with seeded.session() as s:
        s.delete(s.query(Submission).filter_by(visitor_name="Eve Ng").one())
    assert names(seeded, Filter(text="oncology")) == []


def test_totals_and_keyset_paging(seeded: Database) -> None:
    with seeded.session() as s:
        first = query.find(s, Filter(), limit=3)
        assert first.total == 4
        assert first.next_cursor is not None
        second = query.find(s, Filter(), limit=3, after=first.next_cursor)
    assert [r.name for r in second.rows] == ["Zoë Müller"]
    assert second.next_cursor is None


def test_ids_and_rows_by_ids_keep_order(seeded: Database) -> None:
    with seeded.session() as s:
        ids = query.ids(s, Filter())
        rows = query.rows_by_ids(s, list(reversed(ids)))
    assert [r.id for r in rows] == list(reversed(ids))
    zoe = rows[0]
    assert zoe.tags == ("hot",)
    assert zoe.tag_colours == ("#ff0000",)
    assert zoe.post_title == "Europe's IMI Sets Pace"
    assert zoe.account == "website"


def test_postgresql_reads_a_list_of_ids_with_the_cyclic_collector_paused(
        seeded: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """A million ids as SQLAlchemy rows set off full collections, each holding the GIL while the
    window waits (SQLite's come as the driver's tuples instead)."""
    if seeded.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's server-side cursor; SQLite reads the driver's tuples")
    enabled: list[bool] = []
    partitions = ScalarResult.partitions

    def spy(self: ScalarResult[Any], size: int | None = None) -> Iterator[Sequence[Any]]:
        for part in partitions(self, size):
            enabled.append(gc.isenabled())
            yield part
    monkeypatch.setattr(ScalarResult, "partitions", spy)
    with seeded.session() as s:
        assert query.ids(s, Filter())
    assert enabled == [False]
    assert gc.isenabled()


def test_iterate_streams_everything_in_batches(seeded: Database) -> None:
    with seeded.session() as s:
        streamed = [r.name for r in query.iterate(s, Filter(include_spam=True), batch=2)]
    assert streamed == ["Eve Ng", "Dana Roe", "Carla Spam", "Bob Stone", "Zoë Müller"]


def test_facets_ignore_their_own_dimension(seeded: Database) -> None:
    with seeded.session() as s:
        f = query.facets(s, Filter(topics=("Speakers bureaus",)))
    assert f.topics == {"Patient engagement": 2, "Speakers bureaus": 1, None: 1}
    assert f.statuses == {"open": 1, "spam": 1}
    assert f.tags == {"hot": 1, "cold": 1}
    assert f.assignees == {"Ada": 1}


def test_facets_of_the_inbox(seeded: Database) -> None:
    with seeded.session() as s:
        f = query.facets(s, Filter())
    assert f.statuses == {"new": 2, "open": 1, "done": 1, "spam": 1}
    assert f.tags == {"hot": 2, "cold": 2}
    assert f.assignees == {"Ada": 1, None: 3}


def test_json_shape_has_the_documented_keys(seeded: Database) -> None:
    with seeded.session() as s:
        row = query.find(s, Filter(text="acme")).rows[0]
    data = row.as_json()
    for key in ("id", "message_id", "account", "received_at", "submitted_at", "name", "email",
                "phone", "company", "topic", "page_url", "post_title", "status", "is_spam",
                "is_submission", "tags", "assignee", "subject", "message", "problems"):
        assert key in data
    assert data["received_at"].endswith("+00:00")


def test_invalid_status_and_sort_are_refused() -> None:
    with pytest.raises(ValidationError, match="unknown status 'later'"):
        Filter(statuses=("later",))
    with pytest.raises(ValidationError, match="cannot sort by 'colour'"):
        Filter(sort="colour")  # type: ignore[arg-type]


def test_an_estimate_is_exact_when_counting_is_cheap(seeded: Database) -> None:
    for flt in (Filter(), Filter(text="oncology"), Filter(statuses=("new",))):
        with seeded.session() as s:
            assert query.estimate(s, flt) == query.Estimate(query.count(s, flt), exact=True)


def test_a_common_word_is_estimated_from_its_share_of_the_newest_rows(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from leaddesk.query import text_plan

    monkeypatch.setattr(text_plan, "COMMON", 3)  # so that a handful of rows make a word common
    with db.session() as s:
        for i in range(8):
            make_submission(s, body_text="webinar please" if i % 2 else "a quote please")
    with db.session() as s:
        guess = query.estimate(s, Filter(text="webinar"))
        exact = query.count(s, Filter(text="webinar"))
    if db.dialect == "sqlite":
        assert not guess.exact
        assert 0 < guess.value <= 8  # a share of the rows the other filters pass
    else:
        assert guess == query.Estimate(exact, exact=True)
