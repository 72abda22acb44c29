"""What every command handler gets: the database (opened on first use), the actor, the streams."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from leaddesk.config import current_user

if TYPE_CHECKING:
    from leaddesk.db import Database


@dataclass
class Context:
    db_url: str | None = None
    actor: str = field(default_factory=current_user)
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    _database: Database | None = None

    def database(self) -> Database:
        """The database, schema upgraded on open (the app upgrades on start)."""
        if self._database is None:
            # Imported here: `leaddesk --version` and `--help` never load SQLAlchemy.
            from leaddesk.db import Database

            self._database = Database.open(self.db_url)
        return self._database

    def close(self) -> None:
        if self._database is not None:
            self._database.close()
            self._database = None
