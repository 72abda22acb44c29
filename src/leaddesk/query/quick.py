"""The plain inbox's page straight from SQLite, without SQLAlchemy: what `leaddesk list` needs,
and the window's first page.

Importing SQLAlchemy's ORM and the models costs most of half a second, several times what the
query itself takes, and a script or a cron job calling `leaddesk list` waits for all of it. So
for the case that matters most (the inbox newest first, by status or not, spam and
non-submissions hidden or all shown, any page) this module reads the same rows with the standard
library's ``sqlite3`` and builds the same :class:`~leaddesk.query.results.SubmissionRow` values.
Everything else (text, other filters, other sorts, PostgreSQL, a database that needs an upgrade
or does not exist yet) answers ``None`` and the caller takes the usual path, which also migrates.
The window paints its first page through here too (:mod:`leaddesk.query.first`): the ORM's first
query (configuring the mappers, compiling the statements) is then off the start's path.

The statements are those :func:`leaddesk.query.find` and :func:`leaddesk.query.count` run for the
same filter; ``tests/query/test_quick.py`` checks that both paths give identical rows and totals.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from leaddesk.query.results import Page, SubmissionRow, reason_in
from leaddesk.query.spec import Filter, Sort
from leaddesk.statuses import Status

# Where the revisions are: their file names carry the revision id (r0006_facet_counts.py).
VERSIONS_DIR = Path(__file__).resolve().parent.parent / "db" / "migrations" / "versions"
_REVISION_FILE = re.compile(r"^r(\d+)_\w*\.pyc?$")
BUSY_TIMEOUT_S = 10.0  # as the app's engine (leaddesk.db.engine)

_COLUMNS = (
    "s.id, s.version, s.message_id, a.name, s.received_at, s.submitted_at, s.visitor_name, "
    "s.visitor_email, s.visitor_phone, s.visitor_company, s.topic, s.page_url, p.title, p.url, "
    "s.status, s.is_submission, m.name, s.subject, s.body_text, s.problems, s.contact_id, "
    "s.spam_reason, s.not_submission_reason, s.edited_fields, s.verdict_by, s.unread, "
    "s.message_count, s.last_inbound_at, s.last_outbound_at, s.first_answered_at"
)
_FROM = (
    "FROM submissions AS s LEFT OUTER JOIN accounts AS a ON a.id = s.account_id "
    "LEFT OUTER JOIN posts AS p ON p.id = s.post_id "
    "LEFT OUTER JOIN team_members AS m ON m.id = s.assignee_id"
)


def head_revision() -> str | None:
    """The newest schema revision this release ships (a test keeps it equal to
    ``leaddesk.db.migrate.HEAD_REVISION``, which cannot be imported without SQLAlchemy)."""
    try:
        names = [m.group(1) for m in map(_REVISION_FILE.match, (p.name for p in VERSIONS_DIR.iterdir()))
                 if m]
    except OSError:
        return None
    return max(names, key=int) if names else None


def sqlite_path(url: str) -> Path | None:
    """The file of a plain ``sqlite:///PATH`` URL that exists; None for anything else."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url or len(url) == len(prefix):
        return None
    path = Path(url[len(prefix):])
    return path if path.is_file() else None


def handles(flt: Filter) -> bool:
    """Is ``flt`` the plain inbox, newest or oldest first, narrowed by status at most (any page,
    spam and non-submissions hidden or shown)?"""
    return (flt == Filter(statuses=flt.statuses, include_spam=flt.include_spam,
                          include_non_submissions=flt.include_non_submissions,
                          descending=flt.descending)
            and flt.sort is Sort.RECEIVED)


def connect(url: str) -> sqlite3.Connection | None:
    """A connection to the database at ``url`` if it is a SQLite file at this release's schema."""
    path = sqlite_path(url)
    head = head_revision()
    if path is None or head is None:
        return None
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
    try:
        stamp = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.Error:
        stamp = []
    if stamp != [(head,)]:
        connection.close()
        return None
    return connection


def _statuses(flt: Filter, column: str) -> list[str]:
    # As leaddesk.query.filters.conditions: named statuses (spam too, when named), else no spam
    # unless asked for. The values are Status members (Filter checks them): safe to inline.
    if flt.statuses:
        named = ", ".join(f"'{Status(v).value}'" for v in flt.statuses)
        return [f"{column} IN ({named})"]
    return [] if flt.include_spam else [f"{column} != '{Status.SPAM.value}'"]


def _where(flt: Filter) -> str:
    # As leaddesk.query.filters.conditions with Steer.ORDERED: `+` keeps SQLite walking the
    # received-date index instead of a condition's index that reads several ranges (or none).
    column = "(+s.status)" if len(flt.statuses) > 1 else "s.status"
    parts = _statuses(flt, column)
    if not flt.include_non_submissions:
        parts.append("(+s.is_submission) IS 1")
    return f"WHERE {' AND '.join(parts)} " if parts else ""


def is_empty(connection: sqlite3.Connection) -> bool:
    """No submission stored at all (not even spam)?"""
    return connection.execute("SELECT 1 FROM submissions LIMIT 1").fetchone() is None


def total(connection: sqlite3.Connection, flt: Filter) -> int:
    """The number of rows of the plain inbox, from the trigger-kept ``facet_counts``."""
    where = _statuses(flt, "status")
    if not flt.include_non_submissions:
        where.append("is_submission IS 1")
    sql = "SELECT coalesce(sum(n), 0) FROM facet_counts" + (
        f" WHERE {' AND '.join(where)}" if where else "")
    return int(connection.execute(sql).fetchone()[0])


def page(connection: sqlite3.Connection, flt: Filter, *, limit: int, offset: int = 0,
         with_total: bool = True) -> Page:
    """One page of the plain inbox, as :func:`leaddesk.query.find` gives it (no cursor)."""
    order = "DESC" if flt.descending else "ASC"
    records = connection.execute(
        f"SELECT {_COLUMNS} {_FROM} {_where(flt)}"
        f"ORDER BY s.received_at {order}, s.id {order} LIMIT ? OFFSET ?", (limit, offset)).fetchall()
    rows = to_rows(connection, records)
    return Page(rows=tuple(rows), total=total(connection, flt) if with_total else -1,
                next_cursor=None)


def _tags_for(connection: sqlite3.Connection, ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = {}
    if ids:
        marks = ",".join("?" * len(ids))
        for submission_id, name, colour in connection.execute(
                "SELECT st.submission_id, t.name, t.colour FROM submission_tags AS st "
                f"JOIN tags AS t ON t.id = st.tag_id WHERE st.submission_id IN ({marks}) "
                "ORDER BY t.name", tuple(ids)):
            found.setdefault(submission_id, []).append((name, colour))
    return found


def _moment(stored: str | None) -> datetime | None:
    # SQLAlchemy's SQLite DateTime stores naive UTC as "YYYY-MM-DD HH:MM:SS.ffffff".
    return None if stored is None else datetime.fromisoformat(stored).replace(tzinfo=UTC)


def _json(stored: str | None) -> Any:
    return None if stored is None else json.loads(stored)


def to_rows(connection: sqlite3.Connection, records: Sequence[tuple[Any, ...]]) -> list[SubmissionRow]:
    """Rows of ``_COLUMNS`` as :func:`leaddesk.query.rows.to_rows` builds them."""
    tags = _tags_for(connection, [r[0] for r in records])
    rows = []
    for (id_, version, message_id, account, received, submitted, name, email, phone, company,
         topic, page_url, post_title, post_url, status, is_submission, assignee, subject, body,
         problems_json, contact_id, spam_reason, not_submission_reason, edited_json, verdict_by,
         unread, message_count, last_in, last_out, first_answered) in records:
        problems = _json(problems_json)
        received_at = _moment(received)
        assert received_at is not None  # NOT NULL in the schema
        rows.append(SubmissionRow(
            id=id_, version=version, message_id=message_id, account=account,
            received_at=received_at, submitted_at=_moment(submitted), name=name, email=email,
            phone=phone, company=company, topic=topic, page_url=page_url, post_title=post_title,
            status=status, is_submission=bool(is_submission), assignee=assignee,
            subject=subject, message=body, problems=tuple(problems or ()),
            contact_id=contact_id, tags=tuple(n for n, _ in tags.get(id_, ())),
            tag_colours=tuple(c for _, c in tags.get(id_, ())), post_url=post_url,
            spam_reason=spam_reason,
            not_submission_reason=not_submission_reason or reason_in(problems),
            edited_fields=dict(_json(edited_json) or {}), verdict_by=verdict_by,
            unread=bool(unread), message_count=message_count or 1,
            last_inbound_at=_moment(last_in), last_outbound_at=_moment(last_out),
            first_answered_at=_moment(first_answered)))
    return rows
