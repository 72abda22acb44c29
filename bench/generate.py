"""Fill a fresh LeadDesk database with N realistic submissions (see :mod:`bench.dataset`), fast.

The database is opened with :meth:`Database.open`, so the schema, indexes and full-text triggers
are the real ones. A second process builds and encodes the rows while this one only writes them
(``executemany`` in transactions of 50,000 submissions), so both cores are busy. On SQLite the
values are pre-encoded exactly as LeadDesk's column types store them and go to the driver directly.
On PostgreSQL they go through COPY in one transaction with the row triggers off and their work
done set-wise at the end (:mod:`bench.pg_load`); ``--row-triggers`` inserts them through
SQLAlchemy Core and the triggers instead (~250 rows/s here: the reference for the bulk load).

    python -m bench.generate --rows 100000 --db /tmp/leaddesk-100k.db
    python -m bench.generate --rows 1000000 --db postgresql+psycopg://postgres@127.0.0.1:PORT/lead1m
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Column, Connection, Table, insert, text

from bench import pg_load
from bench.dataset import Dataset
from leaddesk.db import Database
from leaddesk.db.models import Base
from leaddesk.db.types import PortableJSONType, UTCDateTime

COMMIT_EVERY = 50_000   # submissions per transaction
QUEUE_DEPTH = 8         # batches the generator may run ahead of the writer
LOAD_CACHE_MB = 256     # page cache of the loading connection only (SQLite's default is 2 MB)


@dataclass(frozen=True)
class Result:
    """What :func:`populate` inserted and how fast."""

    rows: int               # submissions
    seconds: float          # wall time of the submissions phase (with FTS rows and tag links)
    write_seconds: float    # of which spent inside the database's executemany and commits
    total_seconds: float    # everything: reference rows, contacts, summaries

    @property
    def rate(self) -> float:
        """Submissions per second, end to end."""
        return self.rows / self.seconds if self.seconds else 0.0

    @property
    def write_rate(self) -> float:
        """Submissions per second the database absorbed (generation not counted)."""
        return self.rows / self.write_seconds if self.write_seconds else 0.0


# ----------------------------------------------------------------- encoding for SQLite

def _sqlite_datetime(value: datetime | None) -> str | None:
    # The text SQLAlchemy's SQLite DateTime stores (naive UTC, always six fractional digits).
    if value is None:
        return None
    v = value.astimezone(UTC)
    return (f"{v.year:04d}-{v.month:02d}-{v.day:02d} {v.hour:02d}:{v.minute:02d}:{v.second:02d}"
            f".{v.microsecond:06d}")


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value)


def _bool(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _same(value: Any) -> Any:
    return value


def _encoder(column: Column[Any], dialect: str) -> Callable[[Any], Any]:
    if isinstance(column.type, JSON | PortableJSONType):
        # A None given stays SQL NULL on SQLite; PostgreSQL gets JSON null, as a Core insert
        # stores it there.
        return _json if dialect == "sqlite" else json.dumps
    if dialect != "sqlite":  # COPY takes aware datetimes and booleans as they are
        return _same
    if isinstance(column.type, UTCDateTime):
        return _sqlite_datetime
    if isinstance(column.type, Boolean):
        return _bool
    return _same


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _sqlite_insert(table: Table) -> str:
    names = [c.name for c in table.columns]
    return f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"


def _encode(table: Table, rows: list[dict[str, Any]], dialect: str) -> list[tuple[Any, ...]]:
    # A column the generator does not fill gets its scalar model default (e.g. posts.attempts = 0),
    # as an ORM insert would; the rest are NULL.
    pairs = [(c.name, _encoder(c, dialect), _scalar_default(c)) for c in table.columns]
    return [tuple(encode(row[name]) if name in row else None if default is None else encode(default)
                  for name, encode, default in pairs) for row in rows]


def _scalar_default(column: Any) -> Any:
    default = column.default
    return default.arg if default is not None and default.is_scalar else None


# ----------------------------------------------------------------- the two processes

def _produce(queue: Any, count: int, seed: int, encode_for: str | None) -> None:
    """Generator process: every batch of the data set, encoded for a dialect if asked, then None."""
    for name, rows in Dataset(count, seed).batches():
        queue.put((name, _encode(_table(name), rows, encode_for) if encode_for else rows))
    queue.put(None)


def _write(conn: Connection, name: str, rows: list[Any], encoded: str | None) -> None:
    if not rows:
        return
    if encoded is None:
        conn.execute(insert(_table(name)), rows)
    elif encoded == "postgresql":
        pg_load.copy(conn, _table(name), rows)
    elif name == "submissions":
        _write_staged(conn, _table(name), rows)
    else:
        conn.exec_driver_sql(_sqlite_insert(_table(name)), rows)


def _write_staged(conn: Connection, table: Table, rows: list[tuple[Any, ...]]) -> None:
    """One INSERT ... SELECT per batch instead of one INSERT per row.

    FTS5 (SQLite 3.40) writes its pending terms to disk at every statement that fires the index
    trigger, so row-by-row inserts leave thousands of tiny segments to merge: ~3x slower.
    """
    names = ", ".join(c.name for c in table.columns)
    stage = f"stage_{table.name}"
    conn.exec_driver_sql(f"CREATE TEMP TABLE IF NOT EXISTS {stage} ({names})")  # no affinity
    conn.exec_driver_sql(f"INSERT INTO temp.{stage} ({names}) "
                         f"VALUES ({', '.join('?' * len(table.columns))})", rows)
    conn.exec_driver_sql(f"INSERT INTO {table.name} ({names}) SELECT {names} FROM temp.{stage}")
    conn.exec_driver_sql(f"DELETE FROM temp.{stage}")


def _finish(conn: Connection) -> None:
    """Contacts' first/last seen from their submissions; PostgreSQL sequences past the given ids.

    One grouped pass over the submissions (a subquery per contact took minutes on PostgreSQL at
    1M rows, inside the load's transaction).
    """
    conn.execute(text(
        "UPDATE contacts SET first_seen_at = seen.lo, last_seen_at = seen.hi FROM ("
        "SELECT contact_id, min(received_at) AS lo, max(received_at) AS hi "
        "FROM submissions WHERE contact_id IS NOT NULL GROUP BY contact_id) AS seen "
        "WHERE seen.contact_id = contacts.id"))
    if conn.dialect.name == "postgresql":
        for table in ("accounts", "team_members", "tags", "posts", "contacts", "submissions"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"(SELECT max(id) FROM {table}))"))


def populate(db: Database, count: int, *, seed: int = 2026, progress: bool = True,
             row_triggers: bool = False) -> Result:
    """Insert ``count`` submissions (plus contacts, posts, team, tags) into an empty database.

    On PostgreSQL, in one transaction through COPY unless ``row_triggers`` (see the module).
    """
    encoded: str | None = db.dialect
    if db.dialect != "sqlite" and row_triggers:
        encoded = None
    bulk = encoded == "postgresql"
    context = multiprocessing.get_context("spawn")
    queue = context.Queue(maxsize=QUEUE_DEPTH)
    producer = context.Process(target=_produce, args=(queue, count, seed, encoded), daemon=True)
    started = time.perf_counter()
    producer.start()
    done, write_seconds, bulk_started = 0, 0.0, 0.0
    try:
        with db.engine.connect() as conn:
            if encoded == "sqlite":
                conn.exec_driver_sql(f"PRAGMA cache_size = -{LOAD_CACHE_MB * 1024}")
            if bulk:
                pg_load.begin(conn)
            # Transactions begin on the first statement after each commit (SQLAlchemy autobegin).
            while (item := queue.get()) is not None:
                name, rows = item
                if name == "submissions" and not bulk_started:
                    if not bulk:
                        conn.commit()
                    bulk_started = time.perf_counter()
                t0 = time.perf_counter()
                _write(conn, name, rows, encoded)
                if name == "submissions":
                    done += len(rows)
                    if done % COMMIT_EVERY == 0:
                        if not bulk:
                            conn.commit()
                        if progress:
                            _report(done, count, bulk_started)
                write_seconds += time.perf_counter() - t0
            t0 = time.perf_counter()
            if bulk:
                pg_load.finish(conn)
            conn.commit()
            write_seconds += time.perf_counter() - t0
            bulk_seconds = time.perf_counter() - bulk_started
            _finish(conn)
            conn.commit()
    finally:
        producer.join(timeout=10)
        if producer.is_alive():
            producer.terminate()
    return Result(rows=done, seconds=bulk_seconds, write_seconds=write_seconds,
                  total_seconds=time.perf_counter() - started)


def _report(done: int, count: int, since: float) -> None:
    elapsed = time.perf_counter() - since
    print(f"    {done:>9,} / {count:,} submissions  {done / elapsed:>8,.0f} rows/s", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fill a new LeadDesk database with N "
                                     "realistic submissions.")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db", required=True, help="a new SQLite file, or an empty database's URL")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--row-triggers", action="store_true",
                        help="PostgreSQL: insert row by row through the triggers, not by COPY")
    args = parser.parse_args(argv)
    url = args.db if "://" in args.db else f"sqlite:///{args.db}"
    db = Database.open(url)
    try:
        result = populate(db, args.rows, seed=args.seed, row_triggers=args.row_triggers)
    finally:
        db.close()
    print(f"{result.rows:,} submissions in {result.seconds:.1f} s: {result.rate:,.0f} rows/s "
          f"(database alone {result.write_rate:,.0f} rows/s); {result.total_seconds:.1f} s in all")


if __name__ == "__main__":
    main()
