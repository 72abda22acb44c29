"""The handle every service, the CLI and the UI use: one engine, its sessions, schema checked.

``Database.open()`` resolves the URL (``--db``, ``LEADDESK_DB_URL``, the data directory), refuses a
database it must not touch, upgrades the schema to this release, then switches SQLite to WAL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from leaddesk.config import resolve_db_url
from leaddesk.db import migrate
from leaddesk.db.engine import (
    display_url,
    enable_wal,
    make_engine,
    read_session_factory,
    session_factory,
    translate_errors,
)
from leaddesk.errors import DatabaseError

T = TypeVar("T")


class WriteRunner(Protocol):
    """Runs a write (a whole transaction) where writes belong and returns its result or raises
    its exception. The window's runs it in its single database worker; by default it runs inline."""

    def __call__(self, work: Callable[[], T], /) -> T: ...


@dataclass
class Database:
    engine: Engine
    sessions: sessionmaker[Session]
    # Where the long-running services (sync, post lookup, re-read) run their write transactions:
    # None runs them inline (the CLI, the headless worker); the window hands them to its database
    # worker so network threads never write (see leaddesk.ui.context).
    writer: WriteRunner | None = None
    _readers: sessionmaker[Session] | None = field(default=None, init=False, repr=False)

    @classmethod
    def open(cls, url: str | None = None, *, upgrade: bool = True) -> Database:
        """Open the database at ``url`` (or the configured default) ready for this release."""
        engine = make_engine(resolve_db_url(url))
        try:
            with translate_errors(engine.url):
                if upgrade:
                    migrate.upgrade(engine)
                elif migrate.needs_upgrade(engine):
                    raise DatabaseError(
                        f"{display_url(engine.url)} uses an older schema; "
                        f"run `leaddesk db upgrade` first")
                enable_wal(engine)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine=engine, sessions=session_factory(engine))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def display_url(self) -> str:
        return display_url(self.engine.url)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error."""
        with translate_errors(self.engine.url), self.sessions.begin() as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only: on PostgreSQL without a transaction's BEGIN and COMMIT round
        trips; a write in it raises (see :func:`~leaddesk.db.engine.read_session_factory`)."""
        if self._readers is None:
            self._readers = read_session_factory(self.engine)
        with translate_errors(self.engine.url), self._readers.begin() as session:
            yield session

    def write(self, work: Callable[[], T]) -> T:
        """Run ``work`` (which opens its own transaction) through :attr:`writer`."""
        return work() if self.writer is None else self.writer(work)

    def transaction(self, work: Callable[[Session], T]) -> T:
        """``work`` in one transaction of its own, run through :attr:`writer` (the window's
        database worker when network work writes; inline everywhere else)."""
        def run() -> T:
            with self.session() as session:
                return work(session)
        return self.write(run)

    def close(self) -> None:
        self.engine.dispose()
