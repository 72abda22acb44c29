"""Fixtures of the query tests: a database of generated leads, shared by a module's read-only tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from bench import generate

from leaddesk.db import Database

GENERATED_ROWS = 600  # tags, owners, posts, spam and non-submissions, in a second or two


@pytest.fixture(scope="module")
def generated_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """``bench.generate``'s leads in a new SQLite file: the shapes a real inbox has, few rows."""
    path: Path = tmp_path_factory.mktemp("generated") / "leads.db"
    database = Database.open(f"sqlite:///{path}")
    generate.populate(database, GENERATED_ROWS, progress=False)
    yield database
    database.close()
