"""A database with the seeded team history (tests/support/suggest_history.py)."""

from __future__ import annotations

import pytest

from leaddesk.db import Database
from tests.support.suggest_history import seed


@pytest.fixture
def team(db: Database) -> Database:
    with db.session() as s:
        seed(s)
    return db
