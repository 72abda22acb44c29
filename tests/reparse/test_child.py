"""The window's background re-read in a process of its own, on SQLite and PostgreSQL: it re-reads
what it is given and reports its progress and its report to the caller; a cancel stops it
between batches, keeping what it committed; a process that cannot do the job says so in one
line."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from leaddesk.db import Database
from leaddesk.db.models import Submission
from leaddesk.ingest.parse import PARSER_VERSION
from leaddesk.progress import Cancelled, CancelToken
from leaddesk.reparse import child
from tests.reparse.test_runner import misread
from tests.support.correction_mail import lead


class Recording:
    def __init__(self, cancel: CancelToken | None = None, after: int = 0) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.cancel, self.after = cancel, after

    def started(self, what: str, total: int | None) -> None:
        self.calls.append(("started", total))

    def progress(self, done: int, total: int | None) -> None:
        self.calls.append(("progress", done))
        if self.cancel is not None and done >= self.after:
            self.cancel.cancel()

    def item_failed(self, item: str, reason: str) -> None:
        self.calls.append(("failed", item))

    def finished(self, summary: str) -> None:
        self.calls.append(("finished", summary))


def url_of(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=False)


def versions(db: Database, ids: list[int]) -> list[int]:
    with db.session() as s:
        return list(s.scalars(select(Submission.parser_version).where(Submission.id.in_(ids))
                              .order_by(Submission.id)))


def test_the_child_re_reads_and_reports_as_the_worker_would(db: Database) -> None:
    ids = [misread(db, lead(message_id=f"<lead-{n}@example-pharma.com>")) for n in range(3)]
    reporter = Recording()
    report = child.reparse_in_child(url_of(db), ids, reporter=reporter)
    assert (report.examined, report.changed) == (3, 3)
    assert versions(db, ids) == [PARSER_VERSION] * 3
    with db.session() as s:
        names = set(s.scalars(select(Submission.visitor_name).where(Submission.id.in_(ids))))
    assert names == {"Jane Roe"}
    assert reporter.calls[0] == ("started", 3)
    assert ("progress", 3) in reporter.calls
    assert reporter.calls[-1] == ("finished", report.summary())


def test_a_cancel_stops_the_child_between_batches_and_keeps_what_it_committed(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = [misread(db, lead(message_id=f"<lead-{n}@example-pharma.com>")) for n in range(60)]
    cancel = CancelToken()
    with pytest.raises(Cancelled):
        child.reparse_in_child(url_of(db), ids, reporter=Recording(cancel, after=1),
                               cancel=cancel)
    done = versions(db, ids)
    assert done.count(PARSER_VERSION) >= 1  # the batches before the cancel are kept ...
    assert done.count(0) >= 1  # ... and the rest is left for the next start
    assert done == sorted(done, reverse=True)  # oldest first, as the worker does


def test_a_child_that_cannot_open_the_database_says_so_in_one_line(tmp_path: Any) -> None:
    missing = tmp_path / "nowhere" / "leads.db"
    with pytest.raises(child.ChildFailed) as caught:
        child.reparse_in_child(f"sqlite:///{missing}", [1])
    assert "\n" not in str(caught.value)
