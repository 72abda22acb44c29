"""A normalised dump of a database, to compare the demo built by two routes.

Every table, every row, sorted; only what differs by the clock or the machine is left out: when a
row was written (created/updated/added/fetched/synced, a post snapshot's ``taken_at``, an edit's
``at``), audit times, the demo blog's loopback port (``sites.fetch_base``), and the open windows'
"also viewing" leases (``presence``), which are no content, and the suggestion model
(``suggest_*``): a cache the window trains from the same content in the background as soon as it
opens.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from leaddesk.db import Database
from leaddesk.db.models import Base

VOLATILE = {"created_at", "updated_at", "added_at", "fetched_at", "next_fetch_at", "synced_at",
            "expires_at", "erased_at"}
VOLATILE_IN = {("audit_events", "at"), ("sites", "fetch_base")}
# Inside JSON columns: a post snapshot's time, and when a person's edit was made (edited_fields
# and its audit event), which the demo story leaves at the time the demo was built.
VOLATILE_KEYS = {"taken_at", "at"}
VOLATILE_TABLES = {"presence", "suggest_state", "suggest_examples", "suggest_feedback"}


def _stable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if k not in VOLATILE_KEYS}
    return value


def _value(value: Any) -> str:
    return repr(_stable(value))


def dump(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    out: dict[str, list[tuple[Any, ...]]] = {}
    with db.session() as session:
        for table in Base.metadata.sorted_tables:
            if table.name in VOLATILE_TABLES:
                continue
            columns = [c for c in table.columns if c.name not in VOLATILE
                       and (table.name, c.name) not in VOLATILE_IN]
            rows = session.execute(select(*columns)).all()
            out[table.name] = sorted(tuple(_value(v) for v in row) for row in rows)
    return out


def dump_url(url: str) -> dict[str, list[tuple[Any, ...]]]:
    db = Database.open(url)
    try:
        return dump(db)
    finally:
        db.close()
