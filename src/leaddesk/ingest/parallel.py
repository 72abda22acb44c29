"""Parsing on every core while the main process stores: parse_message is pure and CPU-bound.

Large imports hand chunks of raw messages to a pool of worker processes and read the drafts back
in order, a few chunks ahead, so parsing batch N+1 overlaps storing batch N. Small jobs parse in
process: starting workers costs more than it saves. Workers are spawned (not forked) because the
caller may be a threaded GUI process.
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


def parse_chunk(raws: Sequence[bytes], site_addresses: Sequence[str],
                book: LabelBook | None = None) -> list[SubmissionDraft]:
    """Each message read with the labels taught for its form (``book``)."""
    return [parse(raw, site_addresses=site_addresses, book=book) for raw in raws]


def workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def parse_chunks(chunks: Iterable[tuple[T, Sequence[bytes]]], *, site_addresses: Sequence[str],
                 total: int | None, book: LabelBook | None = None
                 ) -> Iterator[tuple[T, list[SubmissionDraft]]]:
    """Parse each chunk's raw messages; ``T`` travels along (keys, dates). Order is kept."""
    count = workers()
    if count < 2 or total is None or total < POOL_THRESHOLD:
        for tag, raws in chunks:
            yield tag, parse_chunk(raws, site_addresses, book)
        return
    pool = ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("spawn"))
    pending: deque[tuple[T, Future[list[SubmissionDraft]]]] = deque()
    try:
        for tag, raws in chunks:
            pending.append((tag, pool.submit(parse_chunk, list(raws), list(site_addresses), book)))
            if len(pending) >= count * AHEAD:
                first, future = pending.popleft()
                yield first, future.result()
        while pending:
            first, future = pending.popleft()
            yield first, future.result()
    finally:
        # A cancelled import stops here: drop the chunks nobody will store.
        pool.shutdown(wait=True, cancel_futures=True)
