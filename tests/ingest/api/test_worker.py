"""The headless worker (`leaddesk sync --watch`) polls form-API accounts: new records arrive
without a restart, the worker holds the account's sync lock, and a rejected token ends it."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.ingest.api.conftest import TOKEN, ApiAccountFactory
from tests.ingest.api.server import FormApiServer, Netlify, Reply
from tests.ingest.api.test_presets import _netlify_new as add_newer_netlify_record
from tests.support.waiting import until

from leaddesk import accounts
from leaddesk.accounts import AccountInfo
from leaddesk.db import Database
from leaddesk.db.models import Submission
from leaddesk.ingest.api import ApiAuthError
from leaddesk.ingest.locks import held_locks
from leaddesk.ingest.store import BatchResult
from leaddesk.progress import CancelToken
from leaddesk.team.worker import WorkerOptions, run_worker, worker_logging

PLAINTEXT_KEYRING = "keyrings.alt.file.PlaintextKeyring"  # chosen explicitly: a test-only keyring


def test_worker_polls_an_api_account(db: Database, server: FormApiServer,
                                     api_account: ApiAccountFactory) -> None:
    fake = Netlify(server)
    account = api_account("netlify", form=fake.form, base_url=server.url + "/api/v1")
    results: list[BatchResult] = []
    cancel = CancelToken()
    stream = io.StringIO()
    worker = threading.Thread(target=lambda: run_worker(
        db, account, lambda: TOKEN, cancel=cancel, options=WorkerOptions(interval=0.3),
        on_result=lambda a, r: results.append(r)), daemon=True)
    with worker_logging("json", stream):
        worker.start()
        assert until(lambda: bool(results))
        assert results[0].added == len(fake.records)
        assert [h.account_id for h in held_locks(db, [account.id])] == [account.id]
        add_newer_netlify_record(fake)
        assert until(lambda: sum(r.added for r in results) == len(fake.records))
        cancel.cancel()
        worker.join(20)
    assert not worker.is_alive()
    events = [json.loads(line)["event"] for line in stream.getvalue().splitlines()]
    assert events[0] == "worker.start"
    assert events[-1] == "worker.stop"
    assert TOKEN not in stream.getvalue()


def test_rejected_token_ends_the_worker(db: Database, server: FormApiServer,
                                        api_account: ApiAccountFactory) -> None:
    fake = Netlify(server)
    account = api_account("netlify", form=fake.form, base_url=server.url + "/api/v1")
    server.inject(Reply(401, {"code": 401, "message": "Access Denied"}), times=100)
    with pytest.raises(ApiAuthError):
        run_worker(db, account, lambda: TOKEN, cancel=CancelToken(),
                   options=WorkerOptions(interval=0.3))
    assert held_locks(db, [account.id]) == []


def test_sigterm_stops_the_worker_process_cleanly(db: Database, server: FormApiServer,
                                                   sqlite_url: str, tmp_path: Path) -> None:
    """`leaddesk sync --watch` as systemd runs it: a real process, stopped by SIGTERM."""
    fake = Netlify(server)
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": PLAINTEXT_KEYRING,
           "XDG_DATA_HOME": str(tmp_path / "xdg"), "QT_QPA_PLATFORM": "offscreen"}
    leaddesk = [sys.executable, "-m", "leaddesk", "--db", sqlite_url]
    added = subprocess.run(
        [*leaddesk, "accounts", "add", "api", "forms", "--preset", "netlify",
         "--base-url", server.url + "/api/v1", "--form", fake.form, "--token-stdin"],
        input=TOKEN, text=True, capture_output=True, env=env, timeout=60)
    assert added.returncode == 0, added.stderr
    worker = subprocess.Popen([*leaddesk, "sync", "forms", "--watch", "--interval", "1",
                               "--log-format", "json"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert until(lambda: _stored(db) == len(fake.records), seconds=60)
        worker.send_signal(signal.SIGTERM)
        _, err = worker.communicate(timeout=30)
    finally:
        worker.kill()
    assert worker.returncode == 0, err
    events = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert [e["event"] for e in events][-1] == "worker.stop"
    assert TOKEN not in err
    assert held_locks(db, [a.id for a in _accounts(db)]) == []


def _stored(db: Database) -> int:
    with db.session() as session:
        return int(session.execute(select(func.count()).select_from(Submission)).scalar_one())


def _accounts(db: Database) -> list[AccountInfo]:
    with db.session() as session:
        return accounts.list_accounts(session)
