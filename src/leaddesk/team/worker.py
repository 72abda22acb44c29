"""The headless sync worker behind ``leaddesk sync --watch``: runs for weeks on a server.

One worker per account, enforced by the account's sync lock (a PostgreSQL advisory lock on a
shared database): a second worker started on the same account is refused at once. The worker
waits for mail with IMAP IDLE, or syncs every ``interval`` seconds (servers without IDLE, or
firewalls that cut idle connections). A dropped IMAP connection is reopened, and so is one whose
server stops answering (each command, IDLE's start and the answer to its end are under the IMAP
deadline, leaddesk.ingest.imap_deadline); a dropped database (restart, network cut) loses the
advisory lock with its connection, so the worker stops syncing, waits for the database, takes
the lock again and carries on. Every batch is stored with its new "last UID" in one transaction,
so a cut anywhere loses and duplicates nothing.

After each round the suggestion model is brought up to date when due (team.suggestions).

Logs are events (``worker.start``, ``sync.done``, ``db.unreachable``…) with fields; with
``--log-format json`` each is one JSON object per line, for journald and log shippers.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from leaddesk.account_settings import ImapSettings
from leaddesk.accounts import AccountInfo
from leaddesk.db import Database
from leaddesk.db.engine import translate_errors
from leaddesk.errors import DatabaseUnavailableError
from leaddesk.ingest import imap
from leaddesk.ingest.api import sync as api_sync
from leaddesk.ingest.api.errors import ApiAuthError, ApiError
from leaddesk.ingest.imap_deadline import deadline
from leaddesk.ingest.locks import HeldLock, SyncInProgressError, account_lock, holder_label
from leaddesk.ingest.store import BatchResult
from leaddesk.progress import Cancelled, CancelToken
from leaddesk.suggest import store
from leaddesk.team.suggestions import SuggestionUpkeep

log = logging.getLogger("leaddesk.worker")

LOCK_CHECK_SECONDS = 5.0
API_INTERVAL_SECONDS = 300.0  # form APIs cannot announce new records: they are polled


@dataclass(frozen=True)
class WorkerOptions:
    interval: float | None = None  # None: wait with IMAP IDLE
    batch_size: int = imap.BATCH_SIZE
    retry_seconds: float = 10.0  # before reopening a lost IMAP connection
    db_backoff: tuple[float, ...] = (1.0, 2.0, 5.0, 10.0)  # waiting for the database to return
    idle_check_seconds: float = 1.0  # how quickly a stop request ends an IDLE wait
    # At most this often, fold the latest triage into the suggestion model (None: never).
    suggest_every: float | None = store.UPDATE_EVERY_SECONDS


OnResult = Callable[[AccountInfo, BatchResult], None]


def event(name: str, message: str, *args: Any, level: int = logging.INFO,
          **fields: Any) -> None:
    """Log one worker event; ``fields`` become keys of the JSON line."""
    log.log(level, message, *args, extra={"event": name, "fields": fields})


class _LockLost(Exception):
    pass


def _pause(cancel: CancelToken, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not cancel.cancelled and time.monotonic() < deadline:
        time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))


def run_worker(db: Database, account: AccountInfo, password: Callable[[], str], *,
               cancel: CancelToken, options: WorkerOptions = WorkerOptions(),
               on_result: OnResult | None = None) -> None:
    """Sync ``account`` until ``cancel`` is set.

    Raises :class:`SyncInProgressError` when another worker holds the account at start, and
    :class:`~leaddesk.ingest.imap.ImapLoginError` when the server refuses the login (retrying a wrong
    password only locks the mailbox). Everything else is waited out and retried.
    """
    name = account.name
    held_before = False
    db_failures = 0
    interval = options.interval or (API_INTERVAL_SECONDS if account.kind == "api" else None)
    upkeep = SuggestionUpkeep(db, options.suggest_every)

    def after_round(synced: AccountInfo, result: BatchResult) -> None:
        upkeep.after_round(result)  # logs its own failures, never raises
        if on_result is not None:
            on_result(synced, result)

    event("worker.start", "worker %s syncing %s (%s)", holder_label(), name,
          f"every {interval:.0f} s" if interval else "IMAP IDLE",
          account=name, worker=holder_label(), interval=options.interval)
    while not cancel.cancelled:
        try:
            with translate_errors(db.engine.url), \
                    account_lock(db, account.id, name) as lock:
                if db_failures:
                    event("db.back", "database reachable again; %s resumes", name, account=name)
                db_failures = 0
                held_before = True
                event("lock.acquired", "holding the sync lock of %s", name, account=name)
                serve = _serve_api if account.kind == "api" else _serve
                serve(db, account, password, options, cancel, lock, after_round)
        except SyncInProgressError:
            if not held_before:
                event("lock.busy", "another worker already syncs %s; not started twice", name,
                      level=logging.ERROR, account=name)
                raise
            event("lock.taken", "another worker took %s over while the database was away; "
                  "standing by", name, level=logging.WARNING, account=name)
            _pause(cancel, options.retry_seconds)
        except _LockLost:
            event("lock.lost", "the database dropped the sync lock of %s; taking it again", name,
                  level=logging.WARNING, account=name)
        except DatabaseUnavailableError as exc:
            delay = options.db_backoff[min(db_failures, len(options.db_backoff) - 1)]
            db_failures += 1
            event("db.unreachable", "%s; retrying in %.0f s", exc, delay, level=logging.WARNING,
                  account=name, error=str(exc), retry_in=delay)
            _pause(cancel, delay)
        except Cancelled:
            break
    event("worker.stop", "worker for %s stopped", name, account=name)


def _serve(db: Database, account: AccountInfo, password: Callable[[], str],
           options: WorkerOptions, cancel: CancelToken, lock: HeldLock,
           on_result: OnResult | None) -> None:
    """While holding the lock: connect to IMAP, sync, wait, sync again; reconnect IMAP on loss."""
    settings = account.imap
    site_addresses = imap.with_mailbox((), settings)
    while not cancel.cancelled:
        try:
            client = imap.connect(settings, password())
        except imap.ImapLoginError:
            raise
        except imap.ImapError as exc:
            event("imap.unreachable", "%s; retrying in %.0f s", exc, options.retry_seconds,
                  level=logging.WARNING, account=account.name, error=str(exc))
            _wait(cancel, lock, options.retry_seconds)
            continue
        try:
            while not cancel.cancelled:
                started = time.monotonic()
                result = imap.sync_once(db, client, account, settings,
                                        batch_size=options.batch_size,
                                        site_addresses=site_addresses, cancel=cancel)
                _synced(account, result, started, on_result)
                if options.interval:
                    _wait(cancel, lock, options.interval)
                else:
                    _idle(client, settings, cancel, lock, options.idle_check_seconds)
        except imap.ImapError as exc:
            event("imap.reconnect", "%s; reconnecting in %.0f s", exc, options.retry_seconds,
                  level=logging.WARNING, account=account.name, error=str(exc))
            _wait(cancel, lock, options.retry_seconds)
        finally:
            imap.logout(client)


def _serve_api(db: Database, account: AccountInfo, token: Callable[[], str],
               options: WorkerOptions, cancel: CancelToken, lock: HeldLock,
               on_result: OnResult | None) -> None:
    """While holding the lock: poll a form API every interval; an unreachable API is retried at
    the next poll (its client already retried 429 and 5xx), a rejected token ends the worker."""
    interval = options.interval or API_INTERVAL_SECONDS
    while not cancel.cancelled:
        started = time.monotonic()
        try:
            result = api_sync.sync_once(db, account, token(), cancel=cancel)
        except ApiAuthError:
            raise
        except ApiError as exc:
            event("api.unreachable", "%s; retrying in %.0f s", exc, interval,
                  level=logging.WARNING, account=account.name, error=str(exc))
        else:
            _synced(account, result, started, on_result)
        _wait(cancel, lock, interval)


def _synced(account: AccountInfo, result: BatchResult, started: float,
            on_result: OnResult | None) -> None:
    event("sync.done", "%s: %d new, %d already there", account.name, result.added,
          result.duplicates, account=account.name, added=result.added,
          duplicates=result.duplicates, seconds=round(time.monotonic() - started, 3))
    if on_result is not None:
        on_result(account, result)


def _wait(cancel: CancelToken, lock: HeldLock, seconds: float) -> None:
    """Sleep, but notice a stop request within a fraction of a second and a lost lock within
    :data:`LOCK_CHECK_SECONDS`."""
    deadline = time.monotonic() + seconds
    while not cancel.cancelled and time.monotonic() < deadline:
        _pause(cancel, min(LOCK_CHECK_SECONDS, deadline - time.monotonic()))
        if not lock.alive():
            raise _LockLost


_RECONNECT = "nothing stored was lost"  # the worker's line goes on: "; reconnecting in N s"


def _idle(client: IMAPClient, settings: ImapSettings, cancel: CancelToken, lock: HeldLock,
          check_seconds: float) -> None:
    """Wait in IMAP IDLE until new mail, a stop request, a lost lock or the renewal time."""
    try:
        with deadline(client, settings, "its answer to IDLE", then=_RECONNECT):
            client.idle()
        started = last_check = time.monotonic()
        lost = False
        while not cancel.cancelled and time.monotonic() - started < imap.IDLE_RENEW_SECONDS:
            if any(imap.announces_mail(r) for r in client.idle_check(timeout=check_seconds)):
                break
            if time.monotonic() - last_check >= LOCK_CHECK_SECONDS:
                last_check = time.monotonic()
                if not lock.alive():
                    lost = True
                    break
        # A server that never answers DONE (or creeps) would hang the loop: cut, it is
        # reconnected like one that restarted.
        with deadline(client, settings, "its answer to the end of IDLE", then=_RECONNECT):
            client.idle_done()
    except (OSError, IMAPClientError, EOFError) as exc:
        raise imap.explain(exc, settings) from None
    if lost:
        raise _LockLost


# ------------------------------------------------------------------ logging

class JsonLines(logging.Formatter):
    """One JSON object per record: time, level, logger, event, message and the event's fields."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(), "logger": record.name,
            "event": getattr(record, "event", "log"), "message": record.getMessage()}
        data.update(getattr(record, "fields", {}) or {})
        if record.exc_info:
            data["error"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(data, ensure_ascii=False, default=str)


@contextmanager
def worker_logging(log_format: str, stream: TextIO) -> Iterator[None]:
    """For the block, LeadDesk's INFO and above go to ``stream`` as text or JSON lines."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLines() if log_format == "json" else
                         logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    root = logging.getLogger("leaddesk")
    saved = root.level, root.propagate
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    root.propagate = False  # not a second time through the CLI's own stderr handler
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(saved[0])
        root.propagate = saved[1]
