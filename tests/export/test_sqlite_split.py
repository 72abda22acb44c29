"""A large SQLite export in two processes writes the bytes of one process and leaves nothing behind.

The fixture is test_sqlite_csv's hostile database plus a group of rows received at the same
moment (ties on the ordering key, some without a name or a submission time), so that pivots
inside the group, at its edges, at the first and last row and past the end are all tried, for
several scopes and orders (newest first, oldest first, by name with NULLs first, by submission
time with NULLs last). Any pivot condition off by one loses or repeats a row there.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from leaddesk.db import Database
from leaddesk.export import (
    ExportError,
    ExportOptions,
    Per,
    export_to_file,
    export_to_stream,
    presets,
    sqlite_csv,
    sqlite_split,
)
from leaddesk.progress import Cancelled, CancelToken
from leaddesk.query import Filter, Sort
from tests.export.test_job import Recorder
from tests.export.test_sqlite_csv import SCOPES, START, build, built
from tests.support import factories

TIE = START + timedelta(days=3, hours=1)  # inside SCOPES["range"]
ORDERS = {
    **{scope: SCOPES[scope] for scope in ("all", "inbox", "selection", "range")},
    "name ascending": SCOPES["all"].with_(sort=Sort.NAME, descending=False),
    "submitted descending": SCOPES["all"].with_(sort=Sort.SUBMITTED),
}


@pytest.fixture(scope="module")
def split_db(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
             ) -> Iterator[Database]:
    db = built(tmp_path_factory.mktemp("sqlite_split"), sqlite_template)
    with db.session() as s:
        for k in range(9):
            factories.make_submission(
                s, source_key=f"tie:{k}", received_at=TIE,
                visitor_name=None if k % 3 == 0 else f"Tie {k % 2}",
                submitted_at=None if k % 2 else TIE - timedelta(minutes=k % 3),
                status="spam" if k == 4 else "new", subject=f'Tie "{k}"')
    yield db
    db.close()


@pytest.fixture
def splits(monkeypatch: pytest.MonkeyPatch) -> list[int | None]:
    """Every export in two processes from here on; records what each split returned (None: it
    handed the export back to one process)."""
    monkeypatch.setattr(sqlite_split, "THRESHOLD", 0)
    taken: list[int | None] = []
    real = sqlite_split._Split.write

    def spy(self: Any, *args: Any) -> int | None:
        done = real(self, *args)
        taken.append(done)
        return done

    monkeypatch.setattr(sqlite_split._Split, "write", spy)
    return taken


def export(db: Database, flt: Filter, path: Path, **options: Any) -> bytes:
    export_to_file(db, flt, path, ExportOptions(**options))
    return path.read_bytes()


def one_process(db: Database, flt: Filter, path: Path, monkeypatch: pytest.MonkeyPatch,
                **options: Any) -> bytes:
    with monkeypatch.context() as m:
        m.setattr(sqlite_split, "THRESHOLD", 10**12)
        return export(db, flt, path, **options)


def ids(data: bytes) -> list[str]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    return [row[0] for row in rows[1:]]


def pivots(order: list[str], ties: set[str]) -> list[int]:
    """Offsets worth a split: the ends, the middle, and around and inside the tie group."""
    at = [i for i, ident in enumerate(order) if ident in ties]
    near = {i + d for i in (at[0], at[len(at) // 2], at[-1]) for d in (-1, 0, 1)} if at else set()
    return sorted({0, 1, len(order) // 2, len(order) - 1, len(order)} | near)


def tie_ids(db: Database) -> set[str]:
    with db.session() as s:
        found = s.connection().exec_driver_sql(
            "SELECT id FROM submissions WHERE source_key LIKE 'tie:%'").scalars()
        return {str(i) for i in found}


@pytest.mark.parametrize("name", sorted(ORDERS))
def test_two_processes_write_the_bytes_of_one_at_every_pivot(
        split_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        splits: list[int | None], name: str) -> None:
    flt = ORDERS[name]
    expected = one_process(split_db, flt, tmp_path / "one.csv", monkeypatch, batch=4)
    order = ids(expected)
    assert len(order) == len(set(order)) > 5
    for offset in pivots(order, tie_ids(split_db)):
        monkeypatch.setattr(sqlite_split, "pivot_offset", lambda total, at=offset: at)
        got = export(split_db, flt, tmp_path / "two.csv", batch=4)
        assert got == expected, offset
        # Past the last row there is no pivot: one process wrote it all.
        assert splits.pop() == (None if offset >= len(order) else len(order)), offset
        assert sorted(os.listdir(tmp_path)) == ["one.csv", "two.csv"]  # no helper file left


def test_the_helpers_statement_is_what_this_process_would_run(split_db: Database) -> None:
    """The helper gets SQLAlchemy's SQL and parameters; checked for each kind of filter (the
    export also compares them with what it runs itself, and goes one process if they differ)."""
    for flt, ordered in [(flt, ordered) for flt in ORDERS.values() for ordered in (True, False)]:
        with split_db.session() as s:
            chosen = sqlite_csv.plan(s, presets.GENERIC.columns)
            assert chosen is not None
            stmt = sqlite_csv.statement(s, flt, False, chosen, ordered=ordered)
            sql, params = sqlite_split._driver_sql(stmt, s)
            with sqlite_csv.rows_as_bytes(s.connection(), stmt) as result:
                assert (result.context.statement, tuple(result.context.parameters[0])) == (
                    sql, params)


def test_per_lead_streams_and_small_exports_stay_in_one_process(
        split_db: Database, tmp_path: Path, splits: list[int | None],
        monkeypatch: pytest.MonkeyPatch) -> None:
    export(split_db, Filter(), tmp_path / "leads.csv", per=Per.LEAD)
    stream = io.BytesIO()  # no file to put the helper's part beside
    export_to_stream(split_db, Filter(), stream, ExportOptions())
    assert stream.getvalue() == export(split_db, Filter(), tmp_path / "split.csv")
    assert splits == [len(ids(stream.getvalue()))]  # the file only
    monkeypatch.setattr(sqlite_split, "THRESHOLD", 10**6)
    export(split_db, Filter(), tmp_path / "small.csv")
    assert splits == [len(ids(stream.getvalue()))]


@pytest.fixture
def helper_pids(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], list[int]]:
    """Send each helper ``signal`` as soon as it is started; returns the list of their pids."""
    def send(number: int) -> list[int]:
        pids: list[int] = []
        real = sqlite_split._Split.__init__

        def started(self: Any, *args: Any) -> None:
            real(self, *args)
            pids.append(self.helper.pid)
            os.kill(self.helper.pid, number)

        monkeypatch.setattr(sqlite_split._Split, "__init__", started)
        return pids
    return send


def assert_gone(pid: int) -> None:
    with pytest.raises(ProcessLookupError):  # ended and reaped, not a zombie
        os.kill(pid, 0)
    assert multiprocessing.active_children() == []


def test_a_cancel_kills_the_helper_and_removes_its_file(
        split_db: Database, tmp_path: Path, splits: list[int | None],
        helper_pids: Callable[[int], list[int]]) -> None:
    pids = helper_pids(signal.SIGSTOP)  # the helper cannot finish first: it runs at the cancel
    token = CancelToken()
    reporter = Recorder(cancel_after=1, token=token)
    with pytest.raises(Cancelled):
        export_to_file(split_db, ORDERS["all"], tmp_path / "out.csv", ExportOptions(batch=4),
                       reporter=reporter, cancel=token)
    assert os.listdir(tmp_path) == []  # neither the export nor the helper's part
    assert len(pids) == 1
    assert_gone(pids[0])


def test_a_helper_that_dies_fails_the_export_and_leaves_no_file(
        split_db: Database, tmp_path: Path, splits: list[int | None],
        helper_pids: Callable[[int], list[int]]) -> None:
    pids = helper_pids(signal.SIGKILL)
    with pytest.raises(ExportError, match=r"helper process failed: it stopped unexpectedly "
                                          r"\(exit code -9\); nothing was written"):
        export(split_db, ORDERS["all"], tmp_path / "out.csv", batch=4)
    assert os.listdir(tmp_path) == []
    assert_gone(pids[0])


def test_a_helper_that_fails_says_why(split_db: Database, tmp_path: Path,
                                      splits: list[int | None],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    real = sqlite_split._driver_sql
    calls: list[str] = []

    def broken(stmt: Any, session: Any) -> tuple[str, tuple[Any, ...]]:
        sql, params = real(stmt, session)
        calls.append(sql)
        if len(calls) == 1:  # the helper's statement comes first
            return "SELECT * FROM no_such_table", ()
        return sql, params

    monkeypatch.setattr(sqlite_split, "_driver_sql", broken)
    with pytest.raises(ExportError, match="helper process failed: OperationalError: no such "
                                          "table: no_such_table; nothing was written"):
        export(split_db, ORDERS["all"], tmp_path / "out.csv", batch=4)
    assert os.listdir(tmp_path) == []


def test_a_commit_between_the_two_starts_sends_the_export_to_one_process(
        tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch,
        splits: list[int | None]) -> None:
    """The two parts must read one snapshot: a write committed after this process's statement
    began and before the helper's did would show in one part only. The export starts again in
    one process, which sees the change everywhere."""
    db = Database.open(sqlite_url)
    build(db)
    path = sqlite_url.removeprefix("sqlite:///")
    real = sqlite_csv.rows_as_bytes
    committed: list[bool] = []

    @contextmanager
    def commit_once(connection: Any, stmt: Any) -> Iterator[Any]:
        with real(connection, stmt) as result:
            if not committed:  # this process's statement has read its snapshot
                other = sqlite3.connect(path)
                other.execute("UPDATE submissions SET body_text = 'changed' WHERE body_text IS NULL")
                other.commit()
                other.close()
                committed.append(True)
            yield result

    monkeypatch.setattr(sqlite_csv, "rows_as_bytes", commit_once)
    try:
        got = export(db, ORDERS["all"], tmp_path / "two.csv", batch=4)
        assert splits == [None]
        monkeypatch.setattr(sqlite_csv, "rows_as_bytes", real)
        assert got == one_process(db, ORDERS["all"], tmp_path / "one.csv", monkeypatch, batch=4)
        assert b'"changed"' in got
    finally:
        db.close()


def test_the_helper_imports_neither_sqlalchemy_nor_qt() -> None:
    code = ("import sys, leaddesk.export.sqlite_part; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('sqlalchemy', 'PySide6', 'alembic')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=os.environ)
    assert out.stdout.strip() == "[]"
