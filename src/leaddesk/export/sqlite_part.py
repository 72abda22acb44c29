"""The helper process of a large SQLite export: it writes the second part of the rows to a file.

:mod:`~leaddesk.export.sqlite_split` spawns this process, hands it a :class:`Job` (the statement
of finished cells for the rows from the pivot on, already bound, and a file beside the export)
and appends that file to the export once its own part is written. The process imports only
sqlite3 and the line code (:mod:`~leaddesk.export.csv_lines`), never SQLAlchemy or Qt: it starts
in a fraction of a second.

What it tells its parent, over the pipe it was given: ``("started",)`` once its statement has
read its first rows (its snapshot of the database is fixed from then on), ``("progress", rows)``
after each batch, then ``("done", rows)``, or ``("error", one line)`` and exit code 1. A parent
that is gone (a send fails) stops it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from leaddesk.export.csv_lines import layout, register, write_lines


@dataclass(frozen=True)
class Job:
    """One part of an export: run ``sql`` with ``params`` on the database at ``path`` and write
    its rows as CSV lines of the layout ``fields`` to ``target``."""

    path: str
    sql: str
    params: Sequence[Any]
    fields: tuple[str, ...]
    delimiter: str
    batch: int
    target: str
    busy_timeout: float  # seconds, as the app's own connections wait for a writer


def write_part(job: Job, pipe: Connection) -> int:
    """Write ``job``'s rows, telling ``pipe`` how far it got; the rows written."""
    database = sqlite3.connect(job.path, timeout=job.busy_timeout)
    try:
        register(database)
        database.text_factory = bytes  # the cells as SQLite holds them, UTF-8, never decoded
        cursor = database.execute(job.sql, job.params)
        first = cursor.fetchmany(job.batch)  # the statement has stepped: its snapshot is fixed
        pipe.send(("started",))
        pending = [first]

        def fetch(size: int) -> Sequence[Any]:
            return pending.pop() if pending else cursor.fetchmany(size)

        with open(job.target, "wb") as out:
            return write_lines(fetch, out.write, layout(job.fields), job.delimiter, job.batch,
                               lambda done: pipe.send(("progress", done)))
    finally:
        database.close()


def serve(pipe: Connection) -> None:
    """The helper process's entry point: wait for a job (None: there is none), do it, report."""
    try:
        job = pipe.recv()
    except EOFError:  # the parent gave up before it had a job to give
        return
    if job is None:
        return
    try:
        rows = write_part(job, pipe)
        pipe.send(("done", rows))
    except BaseException as exc:  # told to the parent, whatever it is
        with suppress(OSError):
            pipe.send(("error", f"{type(exc).__name__}: {exc}"))
        raise SystemExit(1) from None
