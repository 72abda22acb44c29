"""`leaddesk import`: .eml files, Maildir folders and mbox files."""

from __future__ import annotations

import mailbox
from pathlib import Path

import pytest

from leaddesk.db import Database
from leaddesk.ingest import files, mailfiles
from leaddesk.progress import Cancelled, CancelToken
from tests.support.cli import Runner
from tests.support.mail import notification, notification_maildir


@pytest.fixture
def maildir(tmp_path: Path) -> Path:
    box = mailbox.Maildir(tmp_path / "Maildir", create=True)
    for n in range(1, 6):
        box.add(notification(n))
    return tmp_path / "Maildir"


@pytest.fixture
def mbox(tmp_path: Path) -> Path:
    box = mailbox.mbox(tmp_path / "leads.mbox", create=True)
    for n in range(10, 13):
        box.add(notification(n))
    box.flush()
    box.close()
    return tmp_path / "leads.mbox"


def test_maildir_mbox_and_eml_in_one_go(db: Database, maildir: Path, mbox: Path,
                                        tmp_path: Path) -> None:
    eml = tmp_path / "one.eml"
    eml.write_bytes(notification(20))
    assert files.count_messages([maildir, mbox, eml]) == 9
    result = files.import_paths(db, [maildir, mbox, eml])
    assert (result.added, result.duplicates) == (9, 0)
    again = files.import_paths(db, [maildir, mbox, eml])
    assert (again.added, again.duplicates) == (0, 9)


def test_a_folder_of_eml_files(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "exported"
    folder.mkdir()
    for n in range(3):
        (folder / f"{n}.eml").write_bytes(notification(n))
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    assert files.import_paths(db, [folder]).added == 3


def test_cancel_stops_between_batches(db: Database, maildir: Path) -> None:
    cancel = CancelToken()
    cancel.cancel()
    with pytest.raises(Cancelled):
        files.import_paths(db, [maildir], cancel=cancel)


def test_import_command(run: Runner, sqlite_url: str, maildir: Path) -> None:
    result = run("--db", sqlite_url, "import", str(maildir))
    assert result.code == 0, result.err
    assert "import: 5 added, 0 already there" in result.err
    assert run("--db", sqlite_url, "list", "--count").out.strip() == "5"


def test_import_of_a_missing_path_is_one_line(run: Runner, sqlite_url: str) -> None:
    result = run("--db", sqlite_url, "import", "/nonexistent/leads.mbox")
    assert result.code == 1
    assert result.err == "leaddesk: /nonexistent/leads.mbox: no such file or directory\n"


def test_large_imports_parse_in_worker_processes(db: Database, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from leaddesk.ingest import parallel
    monkeypatch.setattr(parallel, "POOL_THRESHOLD", 10)
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    monkeypatch.setattr(mailfiles, "BATCH_SIZE", 7)
    result = files.import_paths(db, [notification_maildir(tmp_path / "big", 40)])
    assert (result.added, result.duplicates) == (40, 0)
    with db.session() as s:
        from sqlalchemy import select

        from leaddesk.db.models import Submission
        emails = sorted(str(e) for e in s.execute(select(Submission.visitor_email)).scalars())
    assert emails == sorted(f"visitor{n}@example.net" for n in range(40))


def test_a_large_maildir_is_listed_in_chunks_and_read_whole(db: Database, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The listing is streamed in chunks (memory stays flat): every message is still read once,
    dotfiles and stray folders are not mail, and each chunk comes in key order."""
    monkeypatch.setattr(mailfiles, "LISTING_CHUNK", 3)
    box = mailbox.Maildir(tmp_path / "big", create=True)
    keys = [box.add(notification(n)) for n in range(1, 9)]
    (tmp_path / "big" / "cur" / ".gitkeep").write_text("")
    (tmp_path / "big" / "new" / "folder").mkdir()
    read = [m.label.split("#", 1)[1] for m in files.read_messages([tmp_path / "big"])]
    assert sorted(read) == sorted(keys)
    assert all(read[i:i + 3] == sorted(read[i:i + 3]) for i in range(0, 8, 3))
    assert files.count_messages([tmp_path / "big"]) == 8
    assert files.import_paths(db, [tmp_path / "big"]).added == 8


def test_a_small_maildir_is_read_in_key_order_across_new_and_cur(tmp_path: Path) -> None:
    box = mailbox.Maildir(tmp_path / "box", create=True)
    keys = [box.add(notification(n)) for n in range(1, 5)]
    for key in keys[:2]:  # two of them read already: moved to cur/ with flags
        message = box.get_message(key)
        message.set_subdir("cur")
        message.add_flag("S")
        box[key] = message
    labels = [m.label for m in files.read_messages([tmp_path / "box"])]
    assert labels == [f"{tmp_path / 'box'}#{key}" for key in sorted(keys)]


def test_a_giant_message_is_stored_whole_and_read_cut_down(db: Database, tmp_path: Path) -> None:
    from leaddesk.db.models import Submission
    from leaddesk.ingest.parse import slim
    from tests.ingest.parse.test_slim import HEAD, TEXT_PART, attachment, mixed

    with_attachment = mixed(TEXT_PART, attachment(2 * slim.READ_LIMIT))
    line = b"The quick brown fox jumps over the lazy dog.\r\n"
    long_text = (HEAD.replace(b"<big@", b"<long@") + b"Content-Type: text/plain\r\n\r\n"
                 + line * (3 * slim.READ_LIMIT // len(line)))
    (tmp_path / "attachment.eml").write_bytes(with_attachment)
    (tmp_path / "text.eml").write_bytes(long_text)
    assert files.import_paths(db, [tmp_path]).added == 2
    with db.session() as session:
        stored = {row.raw: row for row in session.query(Submission)}
    assert set(stored) == {with_attachment, long_text}  # the raw bytes kept whole
    assert stored[with_attachment].visitor_email == "jane@example.org"
    assert slim.TEXT_CUT in stored[long_text].problems
    assert len(stored[long_text].body_text or "") <= slim.READ_LIMIT
