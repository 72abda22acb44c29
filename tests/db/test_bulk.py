"""insert_rows with ``shared``: value objects many rows hold are converted once, and every row
stores what a Core insert stores (the multi-row path itself is tested with the store, in
tests/ingest/test_store.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, insert, select

from leaddesk.db import Database
from leaddesk.db.bulk import insert_rows
from leaddesk.db.models import AuditEvent

EVENTS = cast(Table, AuditEvent.__table__)


def _events(entity: str) -> list[dict[str, Any]]:
    at, same_time = datetime(2026, 3, 2, 9, tzinfo=UTC), datetime(2026, 3, 2, 9, tzinfo=UTC)
    before: dict[str, list[str]] = {"tags": []}
    after = {"tags": ["hot"]}
    rows = [
        (at, before, after),  # then the same objects again
        (at, before, after),
        (same_time, {"tags": []}, {"tags": ["hot"]}),  # equal, not the same objects
        (at + timedelta(hours=1), after, {"tags": ["hot", "weekend"]}),  # swapped places
        (at, None, {"assignee": "Anna"}),
        (at, before, after),
    ]
    return [{"at": when, "actor": "rule: x", "action": "tag.add", "entity": entity,
             "entity_id": n, "before": b, "after": a} for n, (when, b, a) in enumerate(rows)]


def _stored(db: Database, entity: str) -> list[tuple[Any, ...]]:
    with db.session() as s:
        return [tuple(r) for r in s.execute(
            select(EVENTS.c.entity_id, EVENTS.c.at, EVENTS.c.before, EVENTS.c.after)
            .where(EVENTS.c.entity == entity).order_by(EVENTS.c.entity_id))]


def test_shared_values_store_what_a_core_insert_stores(db: Database) -> None:
    with db.sessions.begin() as s:
        insert_rows(s, EVENTS, _events("shared"), shared=True)
        insert_rows(s, EVENTS, _events("each"))
        s.execute(insert(EVENTS), _events("core"))
    core = _stored(db, "core")
    assert _stored(db, "shared") == core == _stored(db, "each")
    assert [r[3] for r in core][3:5] == [{"tags": ["hot", "weekend"]}, {"assignee": "Anna"}]
    assert [r[2] for r in core][3:5] == [{"tags": ["hot"]}, None]
