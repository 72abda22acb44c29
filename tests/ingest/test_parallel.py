"""The parse pool: a consumer that stops early shuts the worker processes down at once, in its own
thread (left to the garbage collector, the pool was shut down from its own manager thread and
raised "cannot join current thread")."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from typing import Any

import pytest

from leaddesk.db import Database
from leaddesk.ingest import imap, mailfiles, parallel, store
from leaddesk.ingest.labelbook import LabelBook, parse
from leaddesk.ingest.parse import SubmissionDraft, parse_message
from leaddesk.ingest.parse.synonyms import label_key
from leaddesk.ingest.store import Incoming, store_all
from leaddesk.progress import Cancelled, CancelToken, NullReporter
from tests.support.correction_mail import SENDER, lead
from tests.support.mail import notification


class CancelAfterFirstBatch(NullReporter):
    def __init__(self, token: CancelToken) -> None:
        self.token = token

    def progress(self, done: int, total: int | None) -> None:
        self.token.cancel()


def test_a_cancelled_store_stops_the_parse_pool_before_returning(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "POOL_THRESHOLD", 10)
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    raws = [notification(n) for n in range(60)]
    chunks = ((start, raws[start:start + 5]) for start in range(0, len(raws), 5))

    def batches() -> Iterator[tuple[Sequence[Incoming], None]]:
        for start, drafts in parallel.parse_chunks(chunks, site_addresses=(), total=len(raws)):
            yield [Incoming(f"test:{start + i}", raws[start + i], draft)
                   for i, draft in enumerate(drafts)], None

    source = batches()  # still referenced here: only an explicit close stops its pool
    token = CancelToken()
    with pytest.raises(Cancelled):
        store_all(db, source, account_id=None, what="import", total=len(raws),
                  reporter=CancelAfterFirstBatch(token), cancel=token)
    assert multiprocessing.active_children() == []


def test_a_parse_worker_imports_the_parser_and_no_database_code() -> None:
    """A spawned worker imports the module of the function it runs: kept free of SQLAlchemy and
    the models, a worker starts in a fraction of the time (it was ~0.5 s of CPU each)."""
    import subprocess
    import sys

    code = ("import sys, leaddesk.ingest.parallel; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic') "
            "or m.startswith('leaddesk.db')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def _chunks(raws: list[bytes]) -> Iterator[tuple[int, list[bytes]]]:
    return ((start, raws[start:start + 5]) for start in range(0, len(raws), 5))


def test_workers_started_early_do_the_parse_and_stop_with_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "POOL_THRESHOLD", 10)
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    parallel.start_early(60)
    early = {child.pid for child in multiprocessing.active_children()}
    assert len(early) == 2
    raws = [notification(n) for n in range(60)]
    drafts = []
    for _, chunk in parallel.parse_chunks(_chunks(raws), site_addresses=(), total=len(raws)):
        assert {child.pid for child in multiprocessing.active_children()} == early  # no new ones
        drafts.extend(chunk)
    assert drafts == [parse_message(raw) for raw in raws]
    assert multiprocessing.active_children() == []


def test_workers_started_early_are_stopped_by_a_parse_too_small_for_them(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "POOL_THRESHOLD", 10)
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    parallel.start_early(9)  # below the threshold: nothing starts
    assert multiprocessing.active_children() == []
    parallel.start_early(60)
    raws = [notification(n) for n in range(6)]
    assert len(list(parallel.parse_chunks(_chunks(raws), site_addresses=(), total=6))) == 2
    assert multiprocessing.active_children() == []


class _SlowFuture(Future[list[SubmissionDraft]]):
    """A worker's result that is not back until asked for: the caller must not wait idle."""

    def __init__(self, work: Callable[[], list[SubmissionDraft]]) -> None:
        super().__init__()
        self.work = work

    def done(self) -> bool:
        return False

    def result(self, timeout: float | None = None) -> list[SubmissionDraft]:
        return self.work()


class _SlowPool:
    def __init__(self) -> None:
        self.submitted = 0
        self.futures: list[_SlowFuture] = []

    def submit(self, function: Callable[..., list[SubmissionDraft]], *args: Any) -> _SlowFuture:
        self.submitted += 1
        self.futures.append(_SlowFuture(lambda: function(*args)))
        return self.futures[-1]

    def taken_back(self) -> int:
        return sum(future.cancelled() for future in self.futures)

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        pass


def _parsed_in_order_through(pool: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """Parse 12 chunks of 5 with ``pool`` as the one worker's: every draft, in order."""
    monkeypatch.setattr(parallel, "POOL_THRESHOLD", 10)
    monkeypatch.setattr(parallel, "workers", lambda: 1)
    monkeypatch.setattr(parallel, "_pool", lambda count: pool)
    raws = [notification(n) for n in range(60)]
    tags, drafts = [], []
    for tag, chunk in parallel.parse_chunks(_chunks(raws), site_addresses=(), total=len(raws)):
        tags.append(tag)
        drafts.extend(chunk)
    assert tags == list(range(0, 60, 5))
    assert drafts == [parse_message(raw) for raw in raws]


def test_the_caller_parses_the_next_chunks_itself_while_a_worker_is_busy_and_keeps_the_order(
        monkeypatch: pytest.MonkeyPatch) -> None:
    pool = _SlowPool()
    _parsed_in_order_through(pool, monkeypatch)
    # Chunks went to the worker; while it was busy the caller parsed them itself (taken back).
    assert pool.submitted > 0
    assert pool.taken_back() > 0


class _StartedFuture(Future[list[SubmissionDraft]]):
    """A chunk a worker has started: it cannot be taken back, its result comes when asked."""

    def __init__(self, work: Callable[[], list[SubmissionDraft]]) -> None:
        super().__init__()
        self.set_running_or_notify_cancel()
        self.work = work

    def result(self, timeout: float | None = None) -> list[SubmissionDraft]:
        return self.work()


class _OneWorkerPool:
    """A worker that has started the first chunk it was given and not yet the others."""

    def __init__(self) -> None:
        self.futures: list[Future[list[SubmissionDraft]]] = []

    def submit(self, function: Callable[..., list[SubmissionDraft]], *args: Any
               ) -> Future[list[SubmissionDraft]]:
        future: Future[list[SubmissionDraft]] = (
            _StartedFuture(lambda: function(*args)) if not self.futures
            else _SlowFuture(lambda: function(*args)))
        self.futures.append(future)
        return future

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        pass


def test_chunks_no_worker_has_started_are_taken_back_and_parsed_in_order(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """While the caller would wait for a busy worker, it parses the chunks queued behind (the
    last first): each chunk is parsed once, by one side, and handed on in order."""
    pool = _OneWorkerPool()
    _parsed_in_order_through(pool, monkeypatch)
    started, *queued = pool.futures
    assert not started.cancelled()
    assert queued
    assert all(future.cancelled() for future in queued)  # taken back, parsed by the caller


def test_an_error_of_the_source_comes_after_the_chunks_read_before_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "POOL_THRESHOLD", 10)
    monkeypatch.setattr(parallel, "workers", lambda: 1)
    monkeypatch.setattr(parallel, "_pool", lambda count: _SlowPool())
    raws = [notification(n) for n in range(20)]

    def source() -> Iterator[tuple[int, list[bytes]]]:
        yield from _chunks(raws)
        raise OSError("connection lost")

    parsed = parallel.parse_chunks(source(), site_addresses=(), total=100)
    # Every chunk read before the error is handed on first, then the error.
    assert [next(parsed)[0] for _ in range(4)] == [0, 5, 10, 15]
    with pytest.raises(OSError, match="connection lost"):
        next(parsed)


class _NeverRead:
    """Chunks that must not be read: those of an early start taken over are not read again."""

    def __iter__(self) -> Iterator[tuple[int, list[bytes]]]:
        return self

    def __next__(self) -> tuple[int, list[bytes]]:
        raise AssertionError("read the chunks of an import whose early start was taken over")


def test_chunks_started_early_are_taken_over_and_read_with_the_labels_taught(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The early chunks are parsed before the book is known; the taught labels still apply."""
    monkeypatch.setattr(parallel, "POOL_THRESHOLD", 10)
    monkeypatch.setattr(parallel, "workers", lambda: 1)
    monkeypatch.setattr(parallel, "EARLY", 2)
    raws = [lead() if n % 3 == 0 else notification(n) for n in range(40)]  # 8 chunks of 5
    parallel.start_early(len(raws), _chunks(raws), key="box", site_addresses=["a@example.org"])
    book = LabelBook({SENDER: {label_key("Area of work"): "topic"}})
    tags, drafts = [], []
    for tag, chunk in parallel.parse_chunks(_NeverRead(), site_addresses=["a@example.org"],
                                            total=len(raws), book=book, key="box"):
        tags.append(tag)
        drafts.extend(chunk)
    assert tags == list(range(0, 40, 5))
    assert drafts == [parse(raw, site_addresses=["a@example.org"], book=book) for raw in raws]
    assert drafts[0].topic == "Oncology"  # parsed early
    assert drafts[30].topic == "Oncology"  # parsed after the takeover
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize(("key", "addresses"), [("other", ()), ("box", ("a@example.org",))])
def test_chunks_started_early_for_another_source_are_dropped(
        monkeypatch: pytest.MonkeyPatch, key: str, addresses: tuple[str, ...]) -> None:
    monkeypatch.setattr(parallel, "POOL_THRESHOLD", 10)
    monkeypatch.setattr(parallel, "workers", lambda: 1)
    parallel.start_early(60, _chunks([notification(n) for n in range(60)]), key="box")
    raws = [notification(n) for n in range(100, 120)]
    drafts = [draft for _, chunk in parallel.parse_chunks(
        _chunks(raws), site_addresses=addresses, total=len(raws), key=key) for draft in chunk]
    assert drafts == [parse_message(raw, site_addresses=addresses) for raw in raws]
    assert multiprocessing.active_children() == []


def test_a_source_failing_while_started_early_is_read_again_by_the_parse(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The early start drops a failing source quietly: the parse reading it meets the error."""
    monkeypatch.setattr(parallel, "POOL_THRESHOLD", 10)
    monkeypatch.setattr(parallel, "workers", lambda: 1)
    raws = [notification(n) for n in range(20)]

    def failing() -> Iterator[tuple[int, list[bytes]]]:
        yield from _chunks(raws[:5])
        raise OSError("permission denied")

    parallel.start_early(60, failing(), key="box")
    parsed = parallel.parse_chunks(failing(), site_addresses=(), total=60, key="box")
    assert next(parsed)[1] == [parse_message(raw) for raw in raws[:5]]
    with pytest.raises(OSError, match="permission denied"):
        next(parsed)
    assert multiprocessing.active_children() == []


def test_chunks_started_early_for_an_import_that_failed_first_are_dropped_at_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "POOL_THRESHOLD", 10)
    monkeypatch.setattr(parallel, "workers", lambda: 1)
    parallel.start_early(60, _chunks([notification(n) for n in range(60)]), key="box")
    assert len(multiprocessing.active_children()) == 1
    parallel.drop_early()
    assert multiprocessing.active_children() == []
    parallel.drop_early()  # nothing left to drop


def test_a_worker_has_more_than_a_store_transaction_of_chunks_queued() -> None:
    # The caller hands chunks on only between store transactions: with fewer queued, the worker
    # runs dry while a transaction is stored (an import-speed regression, not a wrong result).
    assert parallel.AHEAD * mailfiles.BATCH_SIZE > store.MERGED_ITEMS
    assert parallel.AHEAD * imap.FETCH_SIZE > store.MERGED_ITEMS
