"""Local mail files read as raw messages (single .eml files, Maildir folders, mbox files), and the
start of their parse before the database is open (:func:`start_import`).

No database code here: ``leaddesk import`` calls :func:`start_import` first thing, so that the parse
workers read the first chunks while the caller still imports SQLAlchemy and checks the schema;
:func:`leaddesk.ingest.files.import_paths` takes them over (:func:`early_key` names the source).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from leaddesk.errors import LeadDeskError
from leaddesk.ingest import parallel
from leaddesk.ingest.read_ahead import read_ahead

BATCH_SIZE = 200  # messages parsed as one chunk (store transactions join several)
# A chunk also ends before it holds more than this much mail (a larger message goes alone): the
# parse keeps about a dozen chunks in flight, and 200 messages with attachments (a visitor's CV,
# a brochure) could be hundreds of megabytes each. The IMAP sync cuts its FETCHes the same way.
CHUNK_BYTES = 4 * 1024 * 1024
LISTING_CHUNK = 5000  # Maildir file names held (and sorted) at once
MAIL_SUFFIXES = (".eml", ".txt")


class ImportPathError(LeadDeskError):
    """Raised when a path given to import does not exist or is not mail."""


@dataclass(frozen=True)
class RawMessage:
    label: str  # where it came from, for error lines: path or path#key
    raw: bytes
    mtime: datetime | None


def _is_maildir(path: Path) -> bool:
    return all((path / sub).is_dir() for sub in ("cur", "new", "tmp"))


def _is_mbox(path: Path) -> bool:
    if not path.is_file():
        return False
    with path.open("rb") as handle:
        return handle.read(5) == b"From "


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def _sources(path: Path, *, explicit: bool = True,
             seen: set[Path] | None = None) -> Iterator[tuple[str, Path]]:
    """(kind, path) for every mail container under ``path``: "maildir", "mbox" or "file".

    A file named on the command line is always read; inside folders only files that look like
    mail (.eml and friends, or an mbox) are, so a stray PDF is passed over. Only regular files
    are read (a pipe or a device would block or never end), and a folder reached again through a
    link is passed over (a link to a parent folder would be walked without end).
    """
    if path.is_dir():
        seen = set() if seen is None else seen
        real = path.resolve()
        if real in seen:
            return
        seen.add(real)
        if _is_maildir(path):
            yield "maildir", path
            return
        for child in sorted(path.iterdir()):
            if child.is_dir() or (child.is_file() and (child.suffix.lower() in MAIL_SUFFIXES
                                                       or _is_mbox(child))):
                yield from _sources(child, explicit=False, seen=seen)
        return
    if not path.is_file():
        return  # only named on the command line is it an error (check_paths)
    if _is_mbox(path):
        yield "mbox", path
    elif explicit or path.suffix.lower() in MAIL_SUFFIXES:
        yield "file", path


def _from_source(kind: str, path: Path) -> Iterator[RawMessage]:
    if kind == "file":
        yield RawMessage(str(path), path.read_bytes(), _mtime(path))
    elif kind == "maildir":
        for key, file in _maildir_files(path):
            with open(file, "rb") as handle:
                yield RawMessage(f"{path}#{key}", handle.read(), None)
    else:
        import mailbox  # only for mbox files: it takes a tenth of the start of an early import

        box = mailbox.mbox(path, factory=None, create=False)
        try:
            for key in box.iterkeys():
                yield RawMessage(f"{path}#{key}", box.get_bytes(key), None)
        finally:
            box.close()


def _maildir_entries(path: Path) -> Iterator[os.DirEntry[str]]:
    """The message files of a Maildir as the directory lists them (new/, then cur/)."""
    for sub in ("new", "cur"):
        with os.scandir(path / sub) as entries:
            for entry in entries:
                # .gitkeep and other dotfiles are not mail; neither is a stray folder.
                if not entry.name.startswith(".") and entry.is_file():
                    yield entry


def _maildir_files(path: Path) -> Iterator[tuple[str, str]]:
    """(key, file path) of every message, in key order within runs of ``LISTING_CHUNK`` files.

    The listing is streamed rather than read whole (``mailbox.Maildir`` keeps a table of contents
    of the entire folder): memory stays flat however large the folder is. A folder of up to
    ``LISTING_CHUNK`` messages is read in key order, as ``mailbox.Maildir`` gave it; a larger one
    in key order chunk by chunk (Maildir names start with the delivery time, so that is close to
    the order mail arrived in).
    """
    chunk: list[tuple[str, str]] = []
    for entry in _maildir_entries(path):
        chunk.append((entry.name.split(":", 1)[0], entry.path))  # the key: the name before ":2,"
        if len(chunk) >= LISTING_CHUNK:
            yield from sorted(chunk)
            chunk = []
    yield from sorted(chunk)


def check_paths(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """Resolve the paths given by the user, refusing missing ones before anything is stored."""
    resolved = [Path(p).expanduser() for p in paths]
    for path in resolved:
        if not path.exists():
            raise ImportPathError(f"{path}: no such file or directory")
        if not os.access(path, os.R_OK):
            raise ImportPathError(f"{path}: not readable (check its permissions)")
        if not (path.is_file() or path.is_dir()):
            raise ImportPathError(f"{path}: not a file or folder (a pipe or a device); give .eml "
                                  f"files, Maildir folders or mbox files")
    return resolved


def read_messages(paths: Sequence[str | os.PathLike[str]]) -> Iterator[RawMessage]:
    """Every message under ``paths``, in order; the files are read by a thread of their own ahead
    of the caller (:mod:`leaddesk.ingest.read_ahead`), the paths checked before it starts."""
    return read_ahead(_read_messages(check_paths(paths)))


def _read_messages(paths: Sequence[Path]) -> Iterator[RawMessage]:
    for path in paths:
        for kind, source in _sources(path):
            try:
                yield from _from_source(kind, source)
            except OSError as exc:
                # What was stored so far stays; stored again, it is recognised and not doubled.
                raise ImportPathError(
                    f"{exc.filename or source}: cannot be read ({exc.strerror or exc}); fix it or "
                    f"leave it out and import again (what was imported is kept, and not "
                    f"doubled)") from None


def count_messages(paths: Sequence[str | os.PathLike[str]]) -> int:
    """How many messages the paths hold (cheap: no parsing), for the progress bar."""
    total = 0
    for path in check_paths(paths):
        for kind, source in _sources(path):
            if kind == "maildir":
                total += sum(1 for _ in _maildir_entries(source))
            elif kind == "mbox":
                total += _count_mbox(source)
            else:
                total += 1
    return total


def _count_mbox(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.startswith(b"From "))


def source_key(raw: bytes) -> str:
    return "file:" + hashlib.sha256(raw).hexdigest()


def chunks(messages: Iterable[RawMessage]) -> Iterator[tuple[list[RawMessage], list[bytes]]]:
    """The messages in chunks of ``BATCH_SIZE`` and about ``CHUNK_BYTES`` at most, each with its
    raw bytes (what a worker parses)."""
    batch: list[RawMessage] = []
    held = 0
    for message in messages:
        if batch and held + len(message.raw) > CHUNK_BYTES:
            yield batch, [m.raw for m in batch]
            batch, held = [], 0
        batch.append(message)
        held += len(message.raw)
        if len(batch) >= BATCH_SIZE:
            yield batch, [m.raw for m in batch]
            batch, held = [], 0
    if batch:
        yield batch, [m.raw for m in batch]


def early_key(paths: Sequence[str | os.PathLike[str]], site_addresses: Sequence[str]) -> object:
    """What an early parse read from: an import of the same paths and addresses takes it over."""
    return ("files", tuple(str(Path(p).expanduser()) for p in paths), tuple(site_addresses))


def start_import(paths: Sequence[str | os.PathLike[str]], site_addresses: Sequence[str] = ()
                 ) -> int:
    """Start parsing the mail under ``paths`` before the database is open; the message count.

    For an import large enough for the parse workers, they start at once and parse the first
    chunks without the taught labels (read from the database later; the import re-reads only the
    messages of a form that has some). :func:`leaddesk.ingest.files.import_paths` with the same
    paths and addresses takes the chunks in flight and the rest of the listing over; anything
    else drops them.
    """
    total = count_messages(paths)
    parallel.start_early(total, chunks(read_messages(paths)), key=early_key(paths, site_addresses),
                         site_addresses=site_addresses)
    return total
