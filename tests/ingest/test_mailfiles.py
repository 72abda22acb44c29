"""Mail files read before the database opens: an import started early stores every message once.
Only regular files are read (never a pipe or a device), a link loop is walked once, and a file
that cannot be read is named."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from leaddesk.db import Database
from leaddesk.ingest import files, mailfiles, parallel
from tests.support.cli import Runner
from tests.support.mail import notification, notification_maildir


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


def _message(n: int, size: int) -> mailfiles.RawMessage:
    return mailfiles.RawMessage(f"m{n}", b"x" * size, None)


def test_a_chunk_holds_at_most_chunk_bytes_of_mail_and_a_larger_message_goes_alone(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mailfiles, "CHUNK_BYTES", 1000)
    sizes = [300, 300, 300, 300, 5000, 10, 990, 10]
    chunks = list(mailfiles.chunks(_message(n, size) for n, size in enumerate(sizes)))
    assert [[m.label for m in batch] for batch, _ in chunks] == [
        ["m0", "m1", "m2"], ["m3"], ["m4"], ["m5", "m6"], ["m7"]]
    # Every message once, in order, each chunk's raw bytes its messages'.
    assert [m.raw for batch, _ in chunks for m in batch] == [b"x" * size for size in sizes]
    assert all(raws == [m.raw for m in batch] for batch, raws in chunks)


def test_small_messages_are_chunked_by_count() -> None:
    chunks = list(mailfiles.chunks(_message(n, 100) for n in range(450)))
    assert [len(batch) for batch, _ in chunks] == [mailfiles.BATCH_SIZE, mailfiles.BATCH_SIZE, 50]


def test_pipes_devices_and_link_loops_are_never_read(db: Database, tmp_path: Path,
                                                      run: Runner, sqlite_url: str) -> None:
    folder = tmp_path / "mail"
    folder.mkdir()
    box = notification_maildir(folder / "box", 3)
    os.mkfifo(folder / "waiting.eml")  # read, it would block the import for ever
    os.mkfifo(box / "cur" / "1700000000.fifo:2,")
    (folder / "again").symlink_to(folder)  # walked, a loop without end
    (folder / "box-too").symlink_to(box)  # the same Maildir twice: read once
    assert mailfiles.count_messages([folder]) == 3
    assert files.import_paths(db, [folder]).added == 3
    for device in (str(folder / "waiting.eml"), "/dev/zero"):
        result = run("--db", sqlite_url, "import", device)
        assert result.code == 1
        assert result.err == (f"leaddesk: {device}: not a file or folder (a pipe or a device); "
                              f"give .eml files, Maildir folders or mbox files\n")


def test_a_file_that_cannot_be_read_is_named_and_what_was_read_is_kept(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "mail"
    folder.mkdir()
    for number in (1, 2):
        (folder / f"{number}.eml").write_bytes(notification(number))
    real = Path.read_bytes

    def failing(path: Path) -> bytes:
        if path.name == "2.eml":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)
    monkeypatch.setattr(Path, "read_bytes", failing)
    with pytest.raises(mailfiles.ImportPathError) as caught:
        files.import_paths(db, [folder])
    assert str(caught.value) == (f"{folder / '2.eml'}: cannot be read (Permission denied); fix it "
                                 f"or leave it out and import again (what was imported is kept, "
                                 f"and not doubled)")
    monkeypatch.setattr(Path, "read_bytes", real)
    result = files.import_paths(db, [folder])
    # The chunk it broke off was never stored: everything now, once.
    assert (result.added, result.duplicates) == (2, 0)
    assert files.import_paths(db, [folder]).duplicates == 2
