"""The headless sync worker against real Dovecot and PostgreSQL/SQLite: one worker per account,
IDLE and interval modes, structured logs, a database restart survived, a server that never
answers the end of IDLE left and reconnected; only a login that trying again cannot mend ends it
(a busy server or one restarting is waited out)."""

from __future__ import annotations

import io
import json
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, select

from leaddesk import accounts, net_deadline, secrets, suggest
from leaddesk.accounts import AccountInfo
from leaddesk.db import Database
from leaddesk.db.models import Submission
from leaddesk.ingest import imap
from leaddesk.ingest.locks import SyncInProgressError, held_locks
from leaddesk.ingest.store import BatchResult
from leaddesk.progress import CancelToken
from leaddesk.suggest import store
from leaddesk.team.worker import WorkerOptions, run_worker, worker_logging
from tests.ingest.conftest import AccountFactory, Mailbox
from tests.support.dovecot import PASSWORD, USER
from tests.support.factories import make_member, make_submission
from tests.support.fake_imap import REFUSE_LOGIN, FakeImapServer
from tests.support.keyrings import MemoryKeyring
from tests.support.mail import notification
from tests.support.postgres import PostgresServer
from tests.support.stalling_imap import StallingImapServer
from tests.support.suggest_history import triage_as
from tests.support.waiting import until


def _count(db: Database) -> int:
    with db.session() as s:
        return int(s.execute(select(func.count()).select_from(Submission)).scalar_one())


@dataclass
class Running:
    cancel: CancelToken
    thread: threading.Thread
    results: list[BatchResult] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)

    def stop(self) -> None:
        self.cancel.cancel()
        self.thread.join(20)
        assert not self.thread.is_alive(), "the worker stops promptly when asked"


@pytest.fixture
def start_worker() -> Iterator[Callable[..., Running]]:
    started: list[Running] = []

    def start(db: Database, account: AccountInfo, **options: object) -> Running:
        running = Running(CancelToken(), threading.Thread())

        def target() -> None:
            try:
                run_worker(db, account, lambda: PASSWORD, cancel=running.cancel,
                           options=WorkerOptions(**options),  # type: ignore[arg-type]
                           on_result=lambda a, r: running.results.append(r))
            except BaseException as exc:  # handed to the test
                running.errors.append(exc)

        running.thread = threading.Thread(target=target, daemon=True)
        running.thread.start()
        started.append(running)
        return running

    yield start
    for running in started:
        running.cancel.cancel()
        running.thread.join(20)


def test_two_workers_on_one_account_one_wins(db: Database, other: Database,
                                             imap_account: AccountFactory,
                                             start_worker: Callable[..., Running]) -> None:
    account = imap_account()
    first = start_worker(db, account, interval=1.0)
    assert until(lambda: bool(first.results)), first.errors
    assert [h.account_id for h in held_locks(other, [account.id])] == [account.id]
    second = start_worker(other, account, interval=1.0)
    second.thread.join(20)
    assert len(second.errors) == 1
    assert isinstance(second.errors[0], SyncInProgressError)
    assert "already running" in str(second.errors[0])
    assert first.thread.is_alive()
    assert not first.errors
    first.stop()
    assert held_locks(other, [account.id]) == []


def test_idle_worker_stores_new_mail_and_logs_json(db: Database, mailbox: Mailbox,
                                                   imap_account: AccountFactory,
                                                   start_worker: Callable[..., Running]) -> None:
    account = imap_account()
    stream = io.StringIO()
    with worker_logging("json", stream):
        running = start_worker(db, account, idle_check_seconds=0.2)
        assert until(lambda: bool(running.results)), running.errors
        mailbox.append(notification(1), notification(2))
        assert until(lambda: _count(db) == 2)
        running.stop()
    events = [json.loads(line) for line in stream.getvalue().splitlines()]
    names = [e["event"] for e in events]
    assert names[0] == "worker.start"
    assert names[-1] == "worker.stop"
    assert "lock.acquired" in names
    synced = [e for e in events if e["event"] == "sync.done"]
    assert sum(e["added"] for e in synced) == 2
    assert all(e["account"] == "site" and e["level"] == "info" for e in synced)
    assert PASSWORD not in stream.getvalue()


def test_cli_second_worker_exits_with_one_clear_line(db_url: str, db: Database, run: object,
                                                     imap_account: AccountFactory,
                                                     start_worker: Callable[..., Running]
                                                     ) -> None:
    account = imap_account()
    first = start_worker(db, account, interval=1.0)
    assert until(lambda: bool(first.results)), first.errors
    result = run("--db", db_url, "sync", "--interval", "1")  # type: ignore[operator]
    assert result.code == 1
    assert "a sync of site is already running" in result.err
    assert "Traceback" not in result.err


@pytest.mark.postgres
def test_worker_survives_a_database_restart(restartable_pg: PostgresServer,
                                            restartable_db: Database, mailbox: Mailbox,
                                            memory_keyring: MemoryKeyring,
                                            start_worker: Callable[..., Running]) -> None:
    db = restartable_db
    server = mailbox.server
    name = f"site-{uuid.uuid4().hex[:6]}"
    with db.session() as session:
        account = accounts.add_account(session, name, "imap", {
            "host": "127.0.0.1", "port": server.ssl_port, "security": "ssl", "user": USER,
            "folder": mailbox.folder, "ca_file": str(server.cert), "since": None}, actor="t")
    secrets.set_secret(secrets.secret_ref(name), PASSWORD)
    stream = io.StringIO()
    with worker_logging("json", stream):
        running = start_worker(db, account, interval=1.0, db_backoff=(0.5,))
        assert until(lambda: bool(running.results)), running.errors
        restartable_pg.restart()
        mailbox.append(notification(1))
        assert until(lambda: _count(db) == 1, 40), (stream.getvalue(), running.errors)
        assert until(lambda: bool(held_locks(db, [account.id])))  # it holds the lock again
        running.stop()
    assert not running.errors
    events = [json.loads(line)["event"] for line in stream.getvalue().splitlines()]
    assert {"lock.lost", "db.unreachable"} & set(events)
    assert events.count("lock.acquired") >= 2


def test_worker_keeps_the_suggestions_up_to_date_through_a_failure(
        db: Database, mailbox: Mailbox, imap_account: AccountFactory,
        start_worker: Callable[..., Running], monkeypatch: pytest.MonkeyPatch) -> None:
    account = imap_account()
    with db.session() as s:
        make_member(s, "Anna")
        leads = [make_submission(s, body_text="keynote speaker").id for _ in range(3)]
        triage_as(s, leads[0], "Speakers", "Anna", "event")
        suggest.retrain(s)
        triage_as(s, leads[1], "Speakers", "Anna", "event")  # a colleague, after the training
        trained_at = store.stored_revision(s)
    calls: list[int] = []
    real = store.update

    def flaky(session: object) -> store.Trained:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("disk full")
        return real(session)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "update", flaky)
    stream = io.StringIO()
    with worker_logging("json", stream):
        running = start_worker(db, account, interval=0.2, suggest_every=0.0)
        assert until(lambda: len(calls) >= 2), running.errors
        mailbox.append(notification(1))
        assert until(lambda: _count(db) == 4), running.errors  # still syncing
        running.stop()
    assert not running.errors
    events = [json.loads(line) for line in stream.getvalue().splitlines()]
    failed = [e for e in events if e["event"] == "suggest.failed"]
    assert [e["error"] for e in failed] == ["disk full"]
    updated = next(e for e in events if e["event"] == "suggest.updated")
    assert updated["changed"] == 1
    with db.session() as s:
        now = store.stored_revision(s)
    assert trained_at is not None
    assert now is not None
    assert now[0] > trained_at[0]


@pytest.mark.parametrize(("behaviour", "answer", "fatal"), [
    (REFUSE_LOGIN, b"NO [AUTHENTICATIONFAILED] Authentication failed.", True),
    (REFUSE_LOGIN, b"NO [ALERT] Account locked", True),
    (REFUSE_LOGIN, b"NO [UNAVAILABLE] Temporary authentication failure.", False),
    (REFUSE_LOGIN, b"NO [LIMIT] Too many connections", False),
    ("drop-at-login", b"", False),  # a server restarting
    ("close-after-greeting", b"", False),
])
def test_only_a_login_retrying_cannot_mend_ends_the_worker(
        db: Database, imap_account: AccountFactory, start_worker: Callable[..., Running],
        behaviour: str, answer: bytes, fatal: bool) -> None:
    server = FakeImapServer(behaviour, answer)
    try:
        account = imap_account(security="plain", port=server.port)
        running = start_worker(db, account, interval=1.0, retry_seconds=0.05)
        if fatal:
            running.thread.join(20)
            assert len(running.errors) == 1
            assert isinstance(running.errors[0], imap.ImapLoginError)
        else:
            # It keeps knocking: several connections, and still running.
            assert until(lambda: server.connections >= 3)
            assert running.thread.is_alive()
            running.stop()
            assert running.errors == []
    finally:
        server.close()


@pytest.mark.parametrize("trickle", [False, True], ids=["silent", "trickling"])
def test_a_server_that_never_answers_the_end_of_idle_is_left_and_reconnected(
        db: Database, imap_account: AccountFactory, start_worker: Callable[..., Running],
        monkeypatch: pytest.MonkeyPatch, trickle: bool) -> None:
    monkeypatch.setattr(net_deadline, "FLOOR_SECONDS", 1.0)
    # The first connection announces mail in IDLE, then never answers DONE; the next behaves.
    server = StallingImapServer("done", trickle=trickle)
    stream = io.StringIO()
    try:
        account = imap_account(security="plain", port=server.port, ca_file=None,
                               sent_sync=False)
        with worker_logging("json", stream):
            running = start_worker(db, account, idle_check_seconds=0.2, retry_seconds=0.05)
            assert until(lambda: len(running.results) >= 2, 20), running.errors
            running.stop()
    finally:
        server.close()
    assert running.errors == []
    assert server.connections >= 2
    events = [json.loads(line) for line in stream.getvalue().splitlines()]
    reconnects = [e for e in events if e["event"] == "imap.reconnect"]
    assert reconnects[0]["error"] == (f"the IMAP server {account.imap.where} stopped sending its "
                                      f"answer to the end of IDLE after 1 s; nothing stored was "
                                      f"lost")
    assert reconnects[0]["message"].endswith("; reconnecting in 0 s")
    assert PASSWORD not in stream.getvalue()
