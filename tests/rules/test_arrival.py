"""Rules on arrival through every route: IMAP sync and the headless worker against a real Dovecot
(the import route is in test_engine), and the hook's own guarantees."""

from __future__ import annotations

import threading

from sqlalchemy import select

from leaddesk.db import Database
from leaddesk.db.models import Submission
from leaddesk.ingest import imap
from leaddesk.progress import CancelToken
from leaddesk.rules import arrival
from leaddesk.team.worker import WorkerOptions, run_worker
from tests.ingest.conftest import AccountFactory, Mailbox
from tests.rules.conftest import add_members, add_rule, audit_of, lead, mid
from tests.support.dovecot import PASSWORD
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
