"""The export job: filter or selection in, a CSV or JSON Lines file out, with progress and cancel.

This is what the CLI's ``export`` command and the desktop's Export dialog call. The job reads
in one transaction (a consistent snapshot), streams batches from :mod:`leaddesk.export.source`
to a writer, reports after every batch and checks the cancel token between batches.

Files are written to a temporary file beside the target and renamed over it only when complete:
a cancelled or failed export leaves no partial file, and an existing file stays as it was. A
large SQLite export is written by two processes (:mod:`~leaddesk.export.sqlite_split`); the
second part's file beside the target is removed in every case. A stream (stdout) cannot be taken
back; what was written before a cancel stays written.
"""

from __future__ import annotations

import enum
import io
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, TextIO, cast

from leaddesk import query
from leaddesk.db import Database
from leaddesk.errors import ValidationError
from leaddesk.export import source, sqlite_csv, sqlite_split
from leaddesk.export.errors import ExportError
from leaddesk.export.presets import GENERIC, Preset
from leaddesk.export.writer import DELIMITERS, CsvWriter, JsonLinesWriter, Writer
from leaddesk.progress import Cancelled, CancelToken, NullReporter, Reporter
from leaddesk.query import Filter

ENCODINGS = ("utf-8-sig", "utf-8")


class Per(enum.StrEnum):
    SUBMISSION = "submission"
    LEAD = "lead"


class Format(enum.StrEnum):
    CSV = "csv"
    JSONL = "jsonl"


@dataclass(frozen=True)
class ExportOptions:
    """How to export. ``encoding`` None means the preset's (Salesforce: no BOM), else UTF-8 with
    BOM for CSV (Excel), plain for JSON Lines."""

    preset: Preset = GENERIC
    per: Per = Per.SUBMISSION
    format: Format = Format.CSV
    encoding: str | None = None
    delimiter: str = ","
    batch: int = field(default=source.DEFAULT_BATCH)

    def __post_init__(self) -> None:
        # Plain strings are welcome (the CLI, saved dialog settings); anything else is an error.
        for name, kind in (("per", Per), ("format", Format)):
            try:
                object.__setattr__(self, name, kind(getattr(self, name)))
            except ValueError:
                raise ValidationError(f"unknown {name} {getattr(self, name)!r}; use "
                                      f"{' or '.join(kind)}") from None
        if self.encoding is not None and self.encoding not in ENCODINGS:
            raise ValidationError(f"unknown encoding {self.encoding!r}; use {' or '.join(ENCODINGS)}")
        if self.format is Format.JSONL and self.encoding == "utf-8-sig":
            raise ValidationError("JSON Lines is always plain UTF-8 (a BOM breaks JSON readers)")
        if self.delimiter not in DELIMITERS:
            raise ValidationError(f"the delimiter must be {' or '.join(DELIMITERS)}")
        if self.batch < 1:
            raise ValidationError("the batch size must be positive")

    @property
    def text_encoding(self) -> str:
        if self.encoding is not None:
            return self.encoding
        if self.format is not Format.CSV:
            return "utf-8"
        return self.preset.encoding or "utf-8-sig"

    @property
    def per_lead(self) -> bool:
        return self.per is Per.LEAD


@dataclass(frozen=True)
class ExportResult:
    rows: int
    seconds: float
    path: Path | None = None


def selection(ids: Iterable[int]) -> Filter:
    """The filter for exactly these submissions: a selection includes spam and other mail if picked."""
    return Filter(ids=tuple(ids), include_spam=True, include_non_submissions=True)


def _noun(options: ExportOptions, n: int | None = None) -> str:
    word = "lead" if options.per_lead else "submission"
    return word if n == 1 else word + "s"


def _write(db: Database, flt: Filter, out: TextIO, options: ExportOptions, reporter: Reporter,
           cancel: CancelToken) -> int:
    per_lead = options.per_lead
    columns = options.preset.columns_for(per_lead)
    writer: Writer
    if options.format is Format.CSV:
        writer = CsvWriter(out, columns, options.delimiter)
    else:
        writer = JsonLinesWriter(out, per_lead=per_lead)
    cancel.raise_if_cancelled()
    with db.session() as session:
        total = source.count(session, flt, per_lead=per_lead)
        reporter.started(f"Exporting {_noun(options)}", total)
        writer.header()
        fast = sqlite_csv.plan(session, columns) if options.format is Format.CSV else None
        if fast is not None:
            return sqlite_split.write_rows(session, flt, per_lead, fast, out, options.delimiter,
                                           options.batch, cancel,
                                           lambda done: reporter.progress(done, total), total)
        done = 0
        for batch in source.batches(session, flt, per_lead=per_lead, batch=options.batch):
            cancel.raise_if_cancelled()
            full = None
            if writer.needs_full_rows:
                full = query.rows_by_ids(session, [r.id for r in batch])
            writer.rows(batch, full)
            done += len(batch)
            reporter.progress(done, total)
    return done


def _run(db: Database, flt: Filter, out: TextIO, options: ExportOptions, reporter: Reporter | None,
         cancel: CancelToken | None, target: Path | None) -> int:
    reporter = reporter if reporter is not None else NullReporter()
    try:
        done = _write(db, flt, out, options, reporter, cancel or CancelToken())
    except (Cancelled, KeyboardInterrupt):  # a Cancel button, or Ctrl-C in a terminal
        reporter.finished(f"Export cancelled; {target} was not written" if target is not None
                          else "Export cancelled")
        raise
    where = str(target) if target is not None else "standard output"
    reporter.finished(f"Exported {done:,} {_noun(options, done)} to {where}")
    return done


def export_to_file(db: Database, flt: Filter, path: str | os.PathLike[str],
                   options: ExportOptions | None = None, *, reporter: Reporter | None = None,
                   cancel: CancelToken | None = None) -> ExportResult:
    """Export to ``path``, atomically: the file appears complete or not at all.

    A new file is readable by its owner only (leads are personal data); a replaced file keeps
    its permissions.
    """
    options = options or ExportOptions()
    target = Path(path)
    started = time.perf_counter()
    with _temporary_beside(target) as temp:
        try:
            with open(temp, "w", encoding=options.text_encoding, newline="") as out:
                done = _run(db, flt, out, options, reporter, cancel, target)
                out.flush()
                os.fsync(out.fileno())
        except OSError as exc:
            raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None
    return ExportResult(rows=done, seconds=time.perf_counter() - started, path=target)


@contextmanager
def _temporary_beside(target: Path) -> Iterator[Path]:
    """A temporary file in the target's folder, renamed to the target if the block succeeds."""
    if target.is_dir():
        raise ExportError(f"{target} is a folder; give a file name")
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial",
                                    dir=target.parent if str(target.parent) else ".")
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
        if target.exists():  # replacing a file keeps its permissions
            shutil.copymode(target, temp)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def export_to_stream(db: Database, flt: Filter, out: BinaryIO | TextIO,
                     options: ExportOptions | None = None, *, reporter: Reporter | None = None,
                     cancel: CancelToken | None = None) -> ExportResult:
    """Export to an open stream (stdout): bytes in the chosen encoding, even to a text stream."""
    options = options or ExportOptions()
    started = time.perf_counter()
    if not isinstance(out, io.TextIOBase):
        binary: Any = out
    else:
        binary = getattr(out, "buffer", None)
        if binary is None:  # a text stream with no bytes underneath (StringIO): text it is
            if options.text_encoding == "utf-8-sig":
                out.write("\ufeff")
            done = _run(db, flt, cast(TextIO, out), options, reporter, cancel, None)
            return ExportResult(rows=done, seconds=time.perf_counter() - started)
        out.flush()  # what was printed before must come first
    wrapper = io.TextIOWrapper(binary, encoding=options.text_encoding, newline="")
    try:
        done = _run(db, flt, wrapper, options, reporter, cancel, None)
    finally:
        wrapper.flush()
        wrapper.detach()  # the caller's stream stays open
    return ExportResult(rows=done, seconds=time.perf_counter() - started)
