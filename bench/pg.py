"""PostgreSQL for the benchmark: a throwaway local server, and a scratch database on any server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from tests.support.postgres import PostgresServer, find_bindir

from leaddesk.db import Database


@contextmanager
def local_server() -> Iterator[str]:
    """Start a private cluster in /tmp (as the tests do); yield its maintenance database URL."""
    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("--start-postgres: no PostgreSQL binaries found (apt-get install postgresql)")
    server = PostgresServer.create(bindir)
    try:
        yield server.url()
    finally:
        server.destroy()


@contextmanager
def scratch_database(server_url: str, size: int) -> Iterator[str]:
    """A new, empty database ``leaddesk_bench_<size>_<random>`` on the server; dropped afterwards.

    ``server_url`` points at a database the user may create databases from (e.g. ``postgres``).
    """
    name = f"leaddesk_bench_{size}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}"))
        try:
            yield server_url.rsplit("/", 1)[0] + f"/{name}"
        finally:
            with admin.connect() as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    finally:
        admin.dispose()


def analyze(url: str) -> None:
    """What autovacuum does shortly after a bulk load: fresh planner statistics."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("VACUUM ANALYZE"))
    finally:
        engine.dispose()


def backend_cpu(db: Database) -> Callable[[], float]:
    """A reader of the CPU seconds used so far by the server processes of ``db``'s pooled
    connections (the server must run on this machine: /proc; 10 ms ticks)."""
    tick = os.sysconf("SC_CLK_TCK")

    def read() -> float:
        with db.engine.connect() as conn:
            pids = conn.execute(text("SELECT pid FROM pg_stat_activity WHERE "
                                     "application_name = 'leaddesk'")).scalars().all()
        total = 0.0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                return float("nan")
            total += (int(fields[11]) + int(fields[12])) / tick
        return total
    return read
