"""The schema check on open: a plain read of the stamp, Alembic only when there is work to do."""

from __future__ import annotations

from pathlib import Path

from alembic import command

from leaddesk.db import Database, migrate
from leaddesk.db.engine import make_engine


def test_the_known_head_is_alembics_head() -> None:
    # Keep HEAD_REVISION equal to the newest file in migrations/versions/.
    assert migrate.head_revision() == migrate.HEAD_REVISION


def test_the_stamp_is_read_without_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    engine = make_engine(url)
    with engine.connect() as conn:
        assert migrate.stamped_revision(conn) is None
    Database.open(url).close()
    with engine.connect() as conn:
        assert migrate.stamped_revision(conn) == migrate.HEAD_REVISION
    engine.dispose()


def test_an_older_stamp_is_still_upgraded(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.begin() as conn:
        command.upgrade(migrate.alembic_config(conn), "0003")
    assert migrate.needs_upgrade(engine)
    assert migrate.upgrade(engine) == ("0003", migrate.HEAD_REVISION)
    assert not migrate.needs_upgrade(engine)
    engine.dispose()
