"""Parsing on every core while the main process stores: parse_message is pure and CPU-bound.

Large imports hand chunks of raw messages to a pool of worker processes (one per core but the
caller's) and read the drafts back in order, a few chunks ahead, so parsing batch N+1 overlaps
storing batch N; whenever the caller would wait for a worker, it parses a chunk itself (the last
one queued that no worker has started, taken back from the pool, else the next new one), so its
core is never idle however the parse and the store compare. Small jobs parse in process:
starting workers costs more than it saves. Workers are spawned (not forked) because the
caller may be a threaded GUI process. A command-line import starts them first thing
(:func:`start_early`) and gives them the first chunks at once, so that they parse while the
caller is still starting (importing the database code, checking the schema).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:  # the parser is imported where it runs: an early start spawns before it loads
    from leaddesk.ingest.labelbook import LabelBook
    from leaddesk.ingest.parse import SubmissionDraft

T = TypeVar("T")

# Below this many messages, parse in process.
POOL_THRESHOLD = 2000
# Chunks in flight per worker. More than one store transaction's worth (up to 1,000 messages:
# five 200-message chunks): the caller hands chunks on only between transactions, so with fewer
# queued a worker ran dry while the caller stored and sat idle (10k import: the worker busy 63 %
# of the time with 3, the caller parsing 22 of 50 chunks itself; with 8 it parses 11-13, most
# while the worker starts, and the import takes ~10 % less wall clock).
AHEAD = 8
LOCAL_AHEAD = 4  # chunks the caller parses itself, at most, while it waits for a worker's
# Chunks per worker handed over by an early start: more than a worker parses while a
# command-line import starts (~0.1 s a chunk, 0.8-2 s of start-up on the machine measured, the
# longer on a busy machine), so that it is never left idle before the store takes over.
EARLY = 12


def parse_chunk(raws: Sequence[bytes], site_addresses: Sequence[str],
                book: LabelBook | None = None) -> list[SubmissionDraft]:
    """Each message read with the labels taught for its form (``book``)."""
    from leaddesk.ingest.labelbook import parse
    return [parse(raw, site_addresses=site_addresses, book=book) for raw in raws]


def workers() -> int:
    """Worker processes for a large parse: one per core but the caller's (which parses too), at
    most 8; none on a single core."""
    return max(0, min((os.cpu_count() or 1) - 1, 8))


@dataclass
class _Early:
    """Workers started early, and the chunks given to them before the parse that takes them over.

    ``key`` names the source the chunks came from (None: no chunks); ``source`` is the rest of it;
    each entry of ``pending`` holds a chunk's tag, its raw messages and the drafts to come (read
    without taught labels: the book is not known yet).
    """

    pool: ProcessPoolExecutor
    key: object = None
    site_addresses: tuple[str, ...] = ()
    source: Iterator[tuple[Any, Sequence[bytes]]] | None = None
    pending: deque[tuple[Any, Sequence[bytes], Future[list[SubmissionDraft]]]] = field(
        default_factory=deque)


# Workers started by start_early, taken by the next parse_chunks that uses a pool.
_early: _Early | None = None


def _pool(count: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("spawn"))


def _ready() -> None:
    """A worker's first task when started early: it imports the parser."""
    import leaddesk.ingest.labelbook  # noqa: F401


def start_early(total: int, chunks: Iterable[tuple[Any, Sequence[bytes]]] | None = None, *,
                key: object = None, site_addresses: Sequence[str] = ()) -> None:
    """Start the workers for a parse of ``total`` messages now, if it will use them: a spawned
    worker needs ~0.15 s to start and import the parser, which the caller's own start-up can
    cover. The next :func:`parse_chunks` with a pool takes them over; one without drops them.

    With ``chunks`` and a ``key`` naming their source, the first ``EARLY`` chunks per worker are
    read now and parsed at once, without taught labels; a :func:`parse_chunks` given the same
    ``key`` takes them and the rest of ``chunks`` over. A source that fails while these first
    chunks are read is dropped here: the parse that reads it again meets its error.
    """
    global _early
    count = workers()
    if _early is not None or count < 1 or total < POOL_THRESHOLD:
        return
    early = _early = _Early(_pool(count))
    if chunks is None or key is None:
        for _ in range(count):  # the executor spawns one process per task while none is idle
            early.pool.submit(_ready)
        return
    source = iter(chunks)
    addresses = list(site_addresses)
    try:
        for _ in range(count * EARLY):
            following = next(source, None)
            if following is None:
                break
            tag, raws = following
            early.pending.append((tag, raws, early.pool.submit(parse_chunk, list(raws),
                                                               addresses)))
    except Exception:
        for _tag, _raws, future in early.pending:
            future.cancel()
        early.pending.clear()
        return
    early.key, early.site_addresses, early.source = key, tuple(site_addresses), source


def drop_early() -> None:
    """Stop the workers of an early start no parse took over (the import failed before its parse
    began), dropping the chunks they were given: left to the interpreter's exit, they would be
    parsed to the end first."""
    early = _take_early()
    if early is not None:
        early.pool.shutdown(wait=True, cancel_futures=True)


def _take_early() -> _Early | None:
    global _early
    early, _early = _early, None
    return early


@dataclass
class _Pending(Generic[T]):
    """A chunk on its way: its drafts (coming from a worker, or parsed here already), its raw
    messages (to parse here instead, or to read again with the taught labels) and whether it is
    read with them (an early start's chunks are not: the book was not known yet)."""

    tag: T
    drafts: Future[list[SubmissionDraft]] | list[SubmissionDraft]
    raws: Sequence[bytes]
    labelled: bool = True


def _take_back(pending: deque[_Pending[T]], site_addresses: Sequence[str],
               book: LabelBook | None) -> bool:
    """Parse here the last chunk of ``pending`` that no worker has started (its future is
    cancelled, so the pool skips it); False when every chunk is started or done."""
    for chunk in reversed(pending):
        if isinstance(chunk.drafts, Future) and chunk.drafts.cancel():
            chunk.drafts = parse_chunk(chunk.raws, site_addresses, book)
            chunk.labelled = True
            return True
    return False


def parse_chunks(chunks: Iterable[tuple[T, Sequence[bytes]]], *, site_addresses: Sequence[str],
                 total: int | None, book: LabelBook | None = None, key: object = None
                 ) -> Iterator[tuple[T, list[SubmissionDraft]]]:
    """Parse each chunk's raw messages; ``T`` travels along (keys, dates). Order is kept.

    With a pool, the caller parses too: while the oldest chunk in flight is not back, it parses
    the next new chunk itself instead of waiting (up to ``LOCAL_AHEAD`` of them), so one core
    is not left to a worker's start-up or to an idle wait, whatever the store and the parse
    cost. ``key``: when :func:`start_early` was given chunks of the same source under this key
    (and the same site addresses), its chunks and the rest of its source are parsed instead of
    ``chunks``, which is then never read; their drafts get ``book``'s labels here.
    """
    count = workers()
    early = _take_early()
    if count < 1 or total is None or total < POOL_THRESHOLD:
        if early is not None:
            early.pool.shutdown(wait=True, cancel_futures=True)
        for tag, raws in chunks:
            yield tag, parse_chunk(raws, site_addresses, book)
        return
    pending: deque[_Pending[T]] = deque()
    source: Iterator[tuple[T, Sequence[bytes]]] = iter(chunks)
    if early is not None and early.source is not None and (
            key is None or early.key != key or early.site_addresses != tuple(site_addresses)):
        early.pool.shutdown(wait=True, cancel_futures=True)  # an early start of something else
        early = None
    if early is not None and early.source is not None:
        source = early.source
        pending.extend(_Pending(tag, future, raws, labelled=False)
                       for tag, raws, future in early.pending)
    pool = early.pool if early is not None else _pool(count)
    failure: list[Exception] = []
    # Chunks an early start handed over that are still to be handed on: in flight beside the
    # workers' AHEAD each, so the workers get more as soon as they are done with them.
    early_left = len(pending)

    def take() -> tuple[T, Sequence[bytes]] | None:
        """The next chunk, None at the end; the source's error is kept until the chunks read
        before it are handed on (an IMAP connection lost: what was fetched is still stored)."""
        if failure:
            return None
        try:
            return next(source, None)
        except Exception as error:
            failure.append(error)
            return None

    try:
        while True:
            while (len(pending) < count * AHEAD + early_left
                   and (following := take()) is not None):
                tag, raws = following
                pending.append(_Pending(tag, pool.submit(parse_chunk, list(raws),
                                                         list(site_addresses), book), raws))
            if not pending:
                if failure:
                    raise failure[0]
                return
            first = pending[0]
            while isinstance(first.drafts, Future) and not first.drafts.done():
                # Rather than wait: parse here the last chunk no worker has started (taken back
                # from the pool), else the next new one. However fast the store is, the caller
                # does its share of the parse, and the workers' queue never ends after it.
                if _take_back(pending, site_addresses, book):
                    continue
                if (len(pending) < count * AHEAD + early_left + LOCAL_AHEAD
                        and (following := take()) is not None):
                    pending.append(_Pending(following[0], parse_chunk(following[1],
                                                                      site_addresses, book),
                                            following[1]))
                    continue
                break
            pending.popleft()
            early_left = max(0, early_left - 1)
            drafts = first.drafts.result() if isinstance(first.drafts, Future) else first.drafts
            if not first.labelled and book:
                from leaddesk.ingest.labelbook import relabel
                drafts = [relabel(raw, draft, site_addresses=site_addresses, book=book)
                          for raw, draft in zip(first.raws, drafts, strict=True)]
            yield first.tag, drafts
    finally:
        # A cancelled import stops here: drop the chunks nobody will store.
        pool.shutdown(wait=True, cancel_futures=True)
