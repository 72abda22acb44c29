"""A large SQLite export written by two processes: this one and a helper, one part each.

SQLite's fast path (:mod:`~leaddesk.export.sqlite_csv`) spends most of its time in SQLite
evaluating the cells and in the driver making a bytes object per cell, at about half the rate of
the sqlite3 shell on one core. For a large export on a machine with a second core, the rows are
split at a pivot on the export's order (its sort column, then the id: unique, so each row falls
on exactly one side): this process writes the rows before the pivot into the export, a spawned
helper (:mod:`~leaddesk.export.sqlite_part`, no SQLAlchemy) writes the pivot row and every row
after it into a file beside the export, which is appended when both are done. The bytes are
those of one process (tests/export/test_sqlite_split.py).

* **One snapshot.** Each part is one statement, and a statement reads one snapshot. Another
  connection's ``PRAGMA data_version`` is read before this process's statement starts and again
  once the helper's has read its first rows: equal, nothing was committed between the two starts,
  so both read the same snapshot. Otherwise (a sync stored mail at that moment) what this process
  wrote is taken back and the export runs in one process.
* **Progress and cancel.** Progress counts both parts; a cancel (or any error) kills the helper
  and removes its file, and the caller removes the unfinished export as before.
* **A helper that fails** (an error, a crash, killed) makes the export fail with a one-line error
  saying so; no partial file stays.
* **When it does not pay.** Below :data:`THRESHOLD` rows (starting the helper costs ~0.1-0.3 s
  of its core), on one core, per lead (each part would compute every lead's window), for an
  in-memory database, or to a stream that is not a regular file (stdout to a pipe), the export
  runs in one process, as does any layout off the fast path.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sqlite3
import stat
import tempfile
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import ColumnElement, and_, or_, tuple_
from sqlalchemy.orm import Session

from leaddesk.db.engine import SQLITE_BUSY_TIMEOUT_MS, sqlite_path
from leaddesk.db.models import Submission
from leaddesk.export import source, sqlite_csv, sqlite_part
from leaddesk.export.csv_lines import Plan, write_lines
from leaddesk.export.errors import ExportError
from leaddesk.progress import CancelToken
from leaddesk.query import Filter

# Rows below which one process writes the export (at 100k rows the helper saved ~0.3 s of 1.4).
THRESHOLD = 50_000
_WAIT = 0.05  # seconds between cancel checks while this process waits for the helper


def pivot_offset(total: int) -> int:
    """Where the helper's part starts, counted in rows: the middle (tests move it)."""
    return total // 2


class _Diverged(Exception):
    """A commit came between the two statements' starts: the parts would read two snapshots."""


def write_rows(session: Session, flt: Filter, per_lead: bool, chosen: Plan, out: TextIO,
               delimiter: str, batch: int, cancel: CancelToken,
               progress: Callable[[int], None], total: int) -> int:
    """:func:`sqlite_csv.write_rows`, in two processes when that pays (see the module)."""
    path = _database_file(session)
    folder = _folder_of(out)
    if (per_lead or total < THRESHOLD or (os.cpu_count() or 1) < 2 or path is None
            or folder is None or multiprocessing.current_process().daemon):
        return sqlite_csv.write_rows(session, flt, per_lead, chosen, out, delimiter, batch,
                                     cancel, progress)
    split = _Split(session, flt, chosen, out, path, folder)
    try:
        done = split.write(delimiter, batch, cancel, progress, total)
    finally:
        split.close()
    if done is not None:
        return done
    return sqlite_csv.write_rows(session, flt, per_lead, chosen, out, delimiter, batch, cancel,
                                 progress)


def _database_file(session: Session) -> str | None:
    path = sqlite_path(session.get_bind().engine.url)
    return str(path) if path is not None else None


def _folder_of(out: TextIO) -> Path | None:
    """The folder of the file ``out`` writes (its name names it), if the helper's file can be
    appended to it as bytes; None for anything else (a pipe, standard output, memory)."""
    buffer = getattr(out, "buffer", None)
    name = getattr(out, "name", None)
    if buffer is None or not isinstance(name, str) or sqlite_csv.byte_writer(out) != buffer.write:
        return None
    try:
        here, there = os.fstat(out.fileno()), os.stat(name)
    except (OSError, ValueError):  # no descriptor, or the name is no file
        return None
    if not stat.S_ISREG(here.st_mode) or (here.st_dev, here.st_ino) != (there.st_dev, there.st_ino):
        return None
    return Path(name).parent


def _halves(flt: Filter, key: Any, ident: int) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """The rows before the pivot row (``key``, ``ident``) in the export's order, and the pivot
    row with every row after it. SQLite orders NULL below every value; ``(a, b) > (x, y)``
    compares like the ORDER BY (the column's own collation, then the id)."""
    column, descending = source.order_key(flt)
    nullable = getattr(column.expression, "nullable", True)
    ident_sql = sqlite_csv.constant(ident)
    pair = tuple_(column, Submission.id)

    def greater(inclusive: bool) -> ColumnElement[bool]:
        if key is None:  # every non-NULL value, then the NULLs with a larger id
            larger = Submission.id >= ident_sql if inclusive else Submission.id > ident_sql
            return or_(column.is_not(None), and_(column.is_(None), larger))
        pivot = tuple_(sqlite_csv.constant(key), ident_sql)
        return pair >= pivot if inclusive else pair > pivot  # NULL is below: false, as it should

    def less(inclusive: bool) -> ColumnElement[bool]:
        if key is None:
            smaller = Submission.id <= ident_sql if inclusive else Submission.id < ident_sql
            return and_(column.is_(None), smaller)
        pivot = tuple_(sqlite_csv.constant(key), ident_sql)
        below = pair <= pivot if inclusive else pair < pivot
        return or_(below, column.is_(None)) if nullable else below

    if descending:
        return greater(False), less(True)
    return less(False), greater(True)


def _driver_sql(stmt: Any, session: Session) -> tuple[str, tuple[Any, ...]]:
    """The SQL text and parameters SQLAlchemy hands the driver for ``stmt`` (what it would
    execute), for the helper to run with sqlite3 alone."""
    dialect = session.get_bind().dialect
    compiled = stmt.compile(dialect=dialect)
    state = compiled.construct_expanded_state()
    params = []
    for name, value in zip(state.positiontup or (), state.positional_parameters, strict=True):
        # An IN list's values have their processors here; other parameters their type's.
        process = state.processors.get(name)
        if process is None and name in compiled.binds:
            process = compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
        params.append(value if process is None else process(value))
    return state.statement, tuple(params)


class _Split:
    """One export in two parts: the helper process, its file and the pipe to it."""

    def __init__(self, session: Session, flt: Filter, chosen: Plan, out: TextIO, path: str,
                 folder: Path) -> None:
        self.session, self.flt, self.chosen, self.out = session, flt, chosen, out
        self.path, self.folder = path, folder
        context = multiprocessing.get_context("spawn")  # the GUI is threaded: never fork
        self.pipe, theirs = context.Pipe()
        # Started first: it imports and connects while this process finds the pivot.
        self.helper = context.Process(target=sqlite_part.serve, args=(theirs,), daemon=True,
                                      name="leaddesk-export-part")
        self.helper.start()
        theirs.close()  # only the helper holds its end: its exit reads as EOF here
        self.target: Path | None = None
        self.helper_done = 0
        self.started = self.finished = False

    def write(self, delimiter: str, batch: int, cancel: CancelToken,
              progress: Callable[[int], None], total: int) -> int | None:
        """Both parts written into ``out``; None if the export must run in one process (then
        nothing was written)."""
        session, out = self.session, self.out
        # In received order each part walks its range of the received-date index: SQLite's
        # own plan for the inbox reads the facets index and sorts, and each part would read
        # every match to find its own.
        stmt = sqlite_csv.statement(session, self.flt, False, self.chosen, ordered=True)
        pivot = session.execute(
            source.pivot_statement(session, self.flt, pivot_offset(total))).first()
        if pivot is None or not _literal(pivot[0]):
            return None  # fewer rows than counted, or a key SQL cannot spell: one process
        before, after = _halves(self.flt, pivot[0], pivot[1])
        mine, theirs = stmt.where(before), stmt.where(after)
        sql, params = _driver_sql(theirs, session)
        expected = _driver_sql(mine, session)
        out.flush()
        start = out.buffer.tell()
        try:
            fd, name = tempfile.mkstemp(prefix=f".{Path(out.name).name}.", suffix=".part2",
                                        dir=self.folder)
        except OSError:  # no room for a second file there: one process
            return None
        os.close(fd)
        self.target = Path(name)
        watcher = sqlite3.connect(self.path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
        try:
            version = watcher.execute("PRAGMA data_version").fetchone()[0]
            with sqlite_csv.rows_as_bytes(session.connection(), mine) as result:
                if (result.context.statement, tuple(result.context.parameters[0])) != expected:
                    return None  # the helper's SQL would not be what this process runs
                try:
                    self.pipe.send(sqlite_part.Job(
                        self.path, sql, params, self.chosen.fields, delimiter, batch, str(name),
                        SQLITE_BUSY_TIMEOUT_MS / 1000))
                except OSError:  # the helper is gone already
                    raise self._failed() from None

                def check(done: int) -> None:
                    cancel.raise_if_cancelled()
                    self._read(watcher, version)
                    progress(done + self.helper_done)

                mine_done = write_lines(result.cursor.fetchmany, out.buffer.write, self.chosen,
                                        delimiter, batch, check)
            while not self.finished:
                cancel.raise_if_cancelled()
                if self.pipe.poll(_WAIT):
                    self._read(watcher, version)
                    progress(mine_done + self.helper_done)
        except _Diverged:
            out.buffer.seek(start)
            out.buffer.truncate()
            return None
        finally:
            watcher.close()
        self.helper.join()
        if self.helper.exitcode != 0:
            raise self._failed()
        self._append(out)
        return mine_done + self.helper_done

    def _read(self, watcher: sqlite3.Connection, version: int) -> None:
        """Take in what the helper said since last time (after "done", its exit closes the pipe)."""
        while not self.finished and self.pipe.poll():
            try:
                message = self.pipe.recv()
            except EOFError:
                raise self._failed() from None
            if message[0] == "started":
                if watcher.execute("PRAGMA data_version").fetchone()[0] != version:
                    raise _Diverged
                self.started = True
            elif message[0] == "progress":
                self.helper_done = message[1]
            elif message[0] == "done" and self.started:
                self.helper_done, self.finished = message[1], True
            else:
                raise self._failed(message[1] if message[0] == "error" else None)

    def _failed(self, reason: str | None = None) -> ExportError:
        self.helper.join(timeout=5)
        what = reason or f"it stopped unexpectedly (exit code {self.helper.exitcode})"
        return ExportError(f"the export's helper process failed: {what}; nothing was written. "
                           f"Try again; if it fails again, report it")

    def _append(self, out: TextIO) -> None:
        """The helper's file after this process's part, copied by the kernel where it can."""
        assert self.target is not None
        out.flush()
        with open(self.target, "rb") as part:
            copy_range = getattr(os, "copy_file_range", None)
            try:
                if copy_range is None:
                    raise OSError("no copy_file_range")
                while copy_range(part.fileno(), out.fileno(), 1 << 30):
                    pass
            except OSError:  # another platform or file system: copy through Python
                part.seek(0)
                out.buffer.seek(0, os.SEEK_END)
                shutil.copyfileobj(part, out.buffer, 1 << 20)
        out.buffer.seek(0, os.SEEK_END)  # the buffered layer's position, past what the kernel wrote

    def close(self) -> None:
        """Stop the helper if it still runs (cancel, error) and remove its file."""
        with suppress(OSError):
            self.pipe.send(None)  # a helper still waiting for its job ends at once
        if self.helper.is_alive():
            self.helper.kill()
        self.helper.join()
        self.helper.close()
        self.pipe.close()
        if self.target is not None:
            self.target.unlink(missing_ok=True)


def _literal(key: Any) -> bool:
    """Can ``key`` be written into the SQL exactly (the pivot is a constant, see _halves)?"""
    return key is None or type(key) is int or (type(key) is str and "\x00" not in key)
