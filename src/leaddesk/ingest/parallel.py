"""Parsing on every core while the main process stores: parse_message is pure and CPU-bound.

Large imports hand chunks of raw messages to a pool of worker processes (one per core but the
caller's) and read the drafts back in order, a few chunks ahead, so parsing batch N+1 overlaps
storing batch N; whenever the caller would wait for a worker, it parses the next chunk itself, so
its core is never idle however the parse and the store compare. Small jobs parse in process:
starting workers costs more than it saves. Workers are spawned (not forked) because the
caller may be a threaded GUI process. A command-line import starts them first thing
(:func:`start_early`), so that their start overlaps its own (the database code, the schema check).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

from leaddesk.ingest.labelbook import LabelBook, parse
from leaddesk.ingest.parse import SubmissionDraft

T = TypeVar("T")

# Below this many messages, parse in process.
POOL_THRESHOLD = 2000
AHEAD = 3  # chunks in flight per worker
LOCAL_AHEAD = 4  # chunks the caller parses itself, at most, while it waits for a worker's


def parse_chunk(raws: Sequence[bytes], site_addresses: Sequence[str],
                book: LabelBook | None = None) -> list[SubmissionDraft]:
    """Each message read with the labels taught for its form (``book``)."""
    return [parse(raw, site_addresses=site_addresses, book=book) for raw in raws]


def workers() -> int:
    """Worker processes for a large parse: one per core but the caller's (which parses too), at
    most 8; none on a single core."""
    return max(0, min((os.cpu_count() or 1) - 1, 8))


# Workers started by start_early, taken by the next parse_chunks that uses a pool.
_early: ProcessPoolExecutor | None = None


def _pool(count: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("spawn"))


def _ready() -> None:
    """A worker's first task when started early: unpickling it imports this module (the parser)."""


def start_early(total: int) -> None:
    """Start the workers for a parse of ``total`` messages now, if it will use them: a spawned
    worker needs ~0.15 s to start and import the parser, which the caller's own start-up can
    cover. The next :func:`parse_chunks` with a pool takes them over; one without drops them."""
    global _early
    count = workers()
    if _early is not None or count < 1 or total < POOL_THRESHOLD:
        return
    _early = _pool(count)
    for _ in range(count):  # the executor spawns one process per task while none is idle
        _early.submit(_ready)


def _take_early() -> ProcessPoolExecutor | None:
    global _early
    pool, _early = _early, None
    return pool


def parse_chunks(chunks: Iterable[tuple[T, Sequence[bytes]]], *, site_addresses: Sequence[str],
                 total: int | None, book: LabelBook | None = None
                 ) -> Iterator[tuple[T, list[SubmissionDraft]]]:
    """Parse each chunk's raw messages; ``T`` travels along (keys, dates). Order is kept.

    With a pool, the caller parses too: while the oldest chunk in flight is not back, it parses
    the next new chunk itself instead of waiting (up to ``LOCAL_AHEAD`` of them), so one core
    is not left to a worker's start-up or to an idle wait, whatever the store and the parse
    cost.
    """
    count = workers()
    early = _take_early()
    if count < 1 or total is None or total < POOL_THRESHOLD:
        if early is not None:
            early.shutdown(wait=True)
        for tag, raws in chunks:
            yield tag, parse_chunk(raws, site_addresses, book)
        return
    pool = early or _pool(count)
    source = iter(chunks)
    failure: list[Exception] = []

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

    # Each chunk's drafts: on their way from a worker, or parsed here already.
    pending: deque[tuple[T, Future[list[SubmissionDraft]] | list[SubmissionDraft]]] = deque()
    try:
        while True:
            while len(pending) < count * AHEAD and (following := take()) is not None:
                tag, raws = following
                pending.append((tag, pool.submit(parse_chunk, list(raws), list(site_addresses),
                                                 book)))
            if not pending:
                if failure:
                    raise failure[0]
                return
            tag, first = pending[0]
            while (isinstance(first, Future) and not first.done()
                   and len(pending) < count * AHEAD + LOCAL_AHEAD
                   and (following := take()) is not None):
                pending.append((following[0], parse_chunk(following[1], site_addresses, book)))
            pending.popleft()
            yield tag, first.result() if isinstance(first, Future) else first
    finally:
        # A cancelled import stops here: drop the chunks nobody will store.
        pool.shutdown(wait=True, cancel_futures=True)
