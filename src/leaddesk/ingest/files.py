"""Local mail files as a source: single .eml files, Maildir folders and mbox files.

``leaddesk import PATH…`` and the demo use it. Each message's key is the SHA-256 of its bytes, so
importing the same file twice adds nothing, and a message also synced over IMAP is recognised by
its Message-ID. Reading the files (no database) is :mod:`leaddesk.ingest.mailfiles`; an import
started there early (:func:`~leaddesk.ingest.mailfiles.start_import`) is taken over here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy.orm import Session

from leaddesk.db import Database
from leaddesk.ingest import labels
from leaddesk.ingest.labels import LabelBook
from leaddesk.ingest.mailfiles import (
    ImportPathError,
    RawMessage,
    check_paths,
    chunks,
    count_messages,
    early_key,
    read_messages,
    source_key,
)
from leaddesk.ingest.parallel import parse_chunks
from leaddesk.ingest.store import BatchResult, Incoming, merge_batches, store_all
from leaddesk.progress import CancelToken, Reporter

# Re-exported: their home before mailfiles.py. The chunk and listing sizes live there alone.
__all__ = ["ImportPathError", "RawMessage", "check_paths", "count_messages", "import_paths",
           "read_messages", "source_key"]


def _parsed(messages: Iterable[RawMessage], site_addresses: Sequence[str], total: int,
            book: LabelBook, key: object
            ) -> Iterator[tuple[Sequence[Incoming], Callable[[Session], Any] | None]]:
    # ``messages`` is not read when an early start of the same import (``key``) is taken over.
    for batch, drafts in parse_chunks(chunks(messages), site_addresses=site_addresses,
                                      total=total, book=book, key=key):
        yield [Incoming(source_key(m.raw), m.raw, draft, m.mtime)
               for m, draft in zip(batch, drafts, strict=True)], None


def _batches(messages: Iterable[RawMessage], site_addresses: Sequence[str], total: int,
             book: LabelBook, key: object
             ) -> Iterator[tuple[Sequence[Incoming], Callable[[Session], Any] | None]]:
    # Parsed in chunks of BATCH_SIZE (the workers share them out), stored several to a
    # transaction.
    return merge_batches(_parsed(messages, site_addresses, total, book, key))


def import_paths(db: Database, paths: Sequence[str | os.PathLike[str]], *,
                 account_id: int | None = None, site_addresses: Sequence[str] = (),
                 reporter: Reporter | None = None, cancel: CancelToken | None = None) -> BatchResult:
    """Import every message under ``paths`` through the store pipeline."""
    total = count_messages(paths)
    with db.session() as session:
        book = labels.load(session)
    return store_all(db, _batches(read_messages(paths), site_addresses, total, book,
                                  early_key(paths, site_addresses)),
                     account_id=account_id,
                     what="import", total=total, reporter=reporter, cancel=cancel)
