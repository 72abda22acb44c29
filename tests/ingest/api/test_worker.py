"""The headless worker (`leaddesk sync --watch`) polls form-API accounts: new records arrive
without a restart, the worker holds the account's sync lock, and a rejected token ends it."""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Callable

import pytest
from tests.ingest.api.conftest import TOKEN, ApiAccountFactory
from tests.ingest.api.server import FormApiServer, Netlify, Reply
from tests.ingest.api.test_presets import _netlify_new as add_newer_netlify_record

from leaddesk.db import Database
from leaddesk.ingest.api import ApiAuthError
from leaddesk.ingest.locks import held_locks
from leaddesk.ingest.store import BatchResult
from leaddesk.progress import CancelToken
from leaddesk.team.worker import WorkerOptions, run_worker, worker_logging


def _until(check: Callable[[], bool], seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


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
        assert _until(lambda: bool(results))
        assert results[0].added == len(fake.records)
        assert [h.account_id for h in held_locks(db, [account.id])] == [account.id]
        add_newer_netlify_record(fake)
        assert _until(lambda: sum(r.added for r in results) == len(fake.records))
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
