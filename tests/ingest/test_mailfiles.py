"""Mail files read before the database opens: an import started early stores every message once."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from leaddesk.db import Database
from leaddesk.ingest import files, mailfiles, parallel
from tests.support.cli import Runner
from tests.support.mail import notification_maildir


def test_an_import_started_early_is_taken_over_and_stores_every_message_once(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "POOL_THRESHOLD", 10)
    monkeypatch.setattr(parallel, "workers", lambda: 1)
    monkeypatch.setattr(mailfiles, "BATCH_SIZE", 4)
    assert mailfiles.start_import([notification_maildir(tmp_path / "box", 30)]) == 30
    result = files.import_paths(db, [tmp_path / "box"])
    assert (result.added, result.duplicates) == (30, 0)
    assert multiprocessing.active_children() == []
    # Started early for other paths: dropped, and the import reads its own (the folder above).
    mailfiles.start_import([tmp_path / "box"])
    assert files.import_paths(db, [tmp_path]).duplicates == 30
    assert multiprocessing.active_children() == []


def test_leaddesk_import_into_a_database_it_cannot_open_stops_the_early_parse(
        run: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "POOL_THRESHOLD", 10)
    monkeypatch.setattr(parallel, "workers", lambda: 1)
    box = notification_maildir(tmp_path / "box", 30)
    (tmp_path / "db").mkdir()  # a folder where the database file should be
    result = run("--db", f"sqlite:///{tmp_path / 'db'}", "import", str(box))
    assert result.code == 1
    assert "is a directory" in result.err
    assert multiprocessing.active_children() == []
