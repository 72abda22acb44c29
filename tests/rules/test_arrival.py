"""Rules on arrival through every route: IMAP sync and the headless worker against a real Dovecot
(the import route is in test_engine), and the hook's own guarantees."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from bench import bench_rules
from bench.ingest_corpus import build_maildir
from sqlalchemy import Table, select

from leaddesk.db import Database
from leaddesk.db.models import (
    AuditEvent,
    Contact,
    ContactAlias,
    RuleCounter,
    Submission,
    Tag,
    TeamMember,
    submission_tags,
)
from leaddesk.ingest import imap
from leaddesk.ingest.files import import_paths
from leaddesk.progress import CancelToken
from leaddesk.rules import arrival, service
from leaddesk.rules.engine import NewRun
from leaddesk.team.worker import WorkerOptions, run_worker
from tests.ingest.conftest import AccountFactory, Mailbox
from tests.rules.conftest import add_members, add_rule, audit_of, lead, mid
from tests.support.dovecot import PASSWORD
from tests.support.kept_counts import assert_exact
from tests.support.mail import notification
from tests.support.waiting import until


def test_rules_apply_to_leads_an_imap_sync_stores(db: Database, mailbox: Mailbox,
                                                  imap_account: AccountFactory) -> None:
    add_members(db, "Anna")
    add_rule(db, "imi", ["post=imi-public-private", "account=site"], ["assign=Anna", "tag=imi"])
    account = imap_account()
    mailbox.append(notification(1, page="imi"), notification(2))
    assert imap.sync_account(db, account, PASSWORD).added == 2
    first = lead(db, mid(1))
    assert first.assignee is not None
    assert first.assignee.name == "Anna"
    assert [t.name for t in first.tags] == ["imi"]
    assert audit_of(db, first.id) == [("rule: imi", "assign"), ("rule: imi", "tag.add")]
    assert lead(db, mid(2)).tags == []


def test_the_headless_worker_applies_rules(db: Database, mailbox: Mailbox,
                                           imap_account: AccountFactory) -> None:
    add_rule(db, "engagement", ["topic=Patient engagement"], ["tag=engagement"])
    from leaddesk.db.models import TopicMapping
    with db.session() as s:
        s.add(TopicMapping(kind="category", term="engagement", topic="Patient engagement"))
    account = imap_account()
    cancel = CancelToken()
    errors: list[BaseException] = []

    def target() -> None:
        try:
            run_worker(db, account, lambda: PASSWORD, cancel=cancel,
                       options=WorkerOptions(interval=0.3))
        except BaseException as exc:  # handed to the test
            errors.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    try:
        mailbox.append(notification(1), notification(2, topic="Market access"))

        def tagged() -> bool:
            with db.session() as s:
                return bool(s.execute(select(Submission.id).where(
                    Submission.message_id == mid(1), Submission.tags.any())).first())
        assert until(tagged), errors
    finally:
        cancel.cancel()
        thread.join(20)
    assert not thread.is_alive()
    assert audit_of(db, lead(db, mid(1)).id) == [("rule: engagement", "tag.add")]


def test_no_rules_costs_one_query_and_changes_nothing(db: Database) -> None:
    with db.session() as s:
        assert arrival.apply_new(s, [1, 2, 3]) == 0  # no rules: the ids are not even read
        assert arrival.apply_new(s, []) == 0


# ------------------------------------------------------------ decided before the insert

_TIMES = {"created_at", "updated_at", "at"}


def _masked(value: Any) -> Any:
    # When a rule marked a field edited differs between two imports.
    if isinstance(value, dict):
        return {k: "<at>" if k == "at" else _masked(v) for k, v in value.items()}
    return value


def _state(db: Database) -> dict[str, Any]:
    """Everything rules on arrival write, without the times of the two runs (and audit events
    without their ids: per lead, their order is compared)."""
    with db.session() as s:
        def rows(table: Table, order: Sequence[Any], *, skip: frozenset[str] = frozenset()
                 ) -> list[tuple[Any, ...]]:
            columns = [c for c in table.c if c.name not in _TIMES | skip]
            return [tuple(_masked(v) for v in row)
                    for row in s.execute(select(*columns).order_by(*order))]
        subs = cast(Table, Submission.__table__)
        events = cast(Table, AuditEvent.__table__)
        return {
            "submissions": rows(subs, [subs.c.id]),
            "tags": sorted(tuple(r) for r in s.execute(select(Tag.name, Tag.colour))),
            "links": sorted(tuple(r) for r in s.execute(
                select(submission_tags.c.submission_id, Tag.name)
                .join(Tag, Tag.id == submission_tags.c.tag_id))),
            "audit": rows(events, [events.c.entity, events.c.entity_id, events.c.id],
                          skip=frozenset({"id"})),
            "counters": sorted(tuple(r) for r in s.execute(
                select(RuleCounter.rule_id, RuleCounter.member, RuleCounter.assigned))),
        }


def _bench_db(path: Path) -> Database:
    db = bench_rules.prepare(path, with_rules=True)
    # A topic rule too (the one action that marks a field edited), below a stop rule.
    add_rule(db, "education", ["words=education,training"], ["topic=Medical education",
                                                               "tag=education"])
    return db


def test_rules_decided_before_the_insert_store_what_applying_them_after_it_does(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bench's ten rules (round-robin, owners, tags, spam, a status) and a topic rule on a
    varied corpus (returning contacts, spam, non-submissions, replies), imported once deciding
    before the insert and once with the rules applied to the stored leads: the same rows, tags,
    audit events, round-robin counters and exact facet counts, and undo gives the same result."""
    corpus = build_maildir(tmp_path / "maildir", 400, seed=3, reuse=False, workers=1)
    new_db, old_db = _bench_db(tmp_path / "new.db"), _bench_db(tmp_path / "old.db")
    decided = [0]
    real = arrival.decide_new

    def counted(*args: Any) -> Any:
        outcome = real(*args)
        decided[0] += isinstance(outcome, NewRun)
        return outcome
    monkeypatch.setattr(arrival, "decide_new", counted)
    try:
        import_paths(new_db, [corpus.path])
        assert decided[0] >= 2  # the import's batches were decided up front
        monkeypatch.setattr(arrival, "decide_new", lambda *args: "later")
        import_paths(old_db, [corpus.path])
        new, old = _state(new_db), _state(old_db)
        assert len(new["audit"]) > 400
        assert any(row for row in new["counters"])
        assert new == old
        for db in (new_db, old_db):
            assert_exact(db)
            with db.session() as s:  # undo what the rules did to every tenth lead
                for lead_id in sorted({row[0] for row in new["links"]})[::10]:
                    service.undo_rule(s, lead_id, actor="Ada")
            assert_exact(db)
        assert _state(new_db) == _state(old_db)
    finally:
        new_db.close()
        old_db.close()


def _import_at(db: Database, folder: Path, *mail: tuple[bytes, datetime]) -> None:
    """Import ``mail`` in one batch, each file dated (its mtime: when the import says it arrived)."""
    folder.mkdir(parents=True)
    for n, (raw, at) in enumerate(mail):
        path = folder / f"{n:04d}.eml"
        path.write_bytes(raw)
        os.utime(path, (at.timestamp(), at.timestamp()))
    import_paths(db, [folder])


@pytest.mark.parametrize("address", ["ida@example.org", "ida.private@example.org"])
def test_a_contacts_earlier_lead_stored_later_in_the_batch_makes_theirs_returning(
        db: Database, tmp_path: Path, address: str) -> None:
    """A batch is stored in two halves: mail that may continue a conversation (here an answer to
    a message no lead has, so it stays a lead of its own) goes in after the rest. When it is the
    contact's earliest lead, their lead in the first half is a returning contact's, as applying
    the rules to the whole stored batch made it: the first half must not be decided alone. The
    earlier mail is found by the contact's address or by an alias of it. The rules then run on
    the whole batch in id order, the second half's leads after the first half's, as before."""
    add_members(db, "Anna", "Ben")
    add_rule(db, "everyone", [], ["assign=round-robin:Anna,Ben"])
    add_rule(db, "returning", ["contact=returning"], ["tag=existing client"])
    add_rule(db, "new", ["contact=new"], ["tag=first contact"])
    with db.session() as s:  # a contact with no lead yet, and a second address of theirs
        s.add(Contact(email="ida@example.org", created_at=datetime.now(UTC),
                      aliases=[ContactAlias(email="ida.private@example.org")]))
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    answer = notification(1, email=address).replace(
        b"MIME-Version:", b"In-Reply-To: <gone@example.org>\r\nMIME-Version:")
    _import_at(db, tmp_path / "mail", (notification(2, email="ida@example.org"), at),
               (answer, at - timedelta(hours=1)), (notification(3), at))
    assert [t.name for t in lead(db, mid(1)).tags] == ["first contact"]  # the earliest
    assert [t.name for t in lead(db, mid(2)).tags] == ["existing client"]
    assert [t.name for t in lead(db, mid(3)).tags] == ["first contact"]
    owners = {n: (lead(db, mid(n)).assignee or TeamMember(name="")).name for n in (1, 2, 3)}
    assert owners == {2: "Anna", 3: "Ben", 1: "Anna"}  # the answer, stored last, comes last
