"""Team mode: PostgreSQL announces every committed change on the ``leaddesk_changes`` channel.

Statement-level triggers with transition tables send one NOTIFY per statement (not per row) with
the table, the operation and up to 100 distinct ids (submission ids where the table has them);
more ids than that are sent as ``null``, meaning "many: refresh everything". Because they are
triggers, writes by the sync worker, the CLI and any other tool are announced too. NOTIFY is
transactional: listeners hear of a change only once it is committed, and never of a rollback.

Presence leases are announced on insert and delete only, so the renewal every few seconds of a
lease that already exists stays silent. SQLite has no NOTIFY; its desktops watch
``PRAGMA data_version`` instead (leaddesk.team.changes), so this revision does nothing there.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 00:00:00.000000
"""

from __future__ import annotations

from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

CHANNEL = "leaddesk_changes"
FUNCTION = "leaddesk_notify_change"

# table -> (id column announced, operations announced)
WATCHED: dict[str, tuple[str, tuple[str, ...]]] = {
    "submissions": ("id", ("INSERT", "UPDATE", "DELETE")),
    "submission_tags": ("submission_id", ("INSERT", "DELETE")),
    "notes": ("submission_id", ("INSERT", "UPDATE", "DELETE")),
    "replies": ("submission_id", ("INSERT", "UPDATE", "DELETE")),
    "tags": ("id", ("INSERT", "UPDATE", "DELETE")),
    "team_members": ("id", ("INSERT", "UPDATE", "DELETE")),
    "presence": ("submission_id", ("INSERT", "DELETE")),
}

# EXECUTE sees the transition tables: PL/pgSQL registers them with SPI for dynamic queries too.
FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    EXECUTE format('SELECT array_agg(x) FROM (SELECT DISTINCT %I AS x FROM %I LIMIT 101) s',
                   TG_ARGV[0], CASE WHEN TG_OP = 'DELETE' THEN 'old_rows' ELSE 'new_rows' END)
        INTO ids;
    IF ids IS NULL THEN
        RETURN NULL;  -- the statement touched no row
    END IF;
    PERFORM pg_notify('{CHANNEL}', json_build_object(
        'table', TG_TABLE_NAME, 'op', TG_OP,
        'ids', CASE WHEN cardinality(ids) > 100 THEN NULL ELSE ids END)::text);
    RETURN NULL;
END
$$
"""


def _trigger(table: str, operation: str) -> str:
    return f"{FUNCTION}_{table}_{operation.lower()}"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTION_SQL)
    for table, (column, operations) in WATCHED.items():
        for operation in operations:
            # A trigger with transition tables may name one event only, hence one per operation.
            referencing = "OLD TABLE AS old_rows" if operation == "DELETE" else \
                "NEW TABLE AS new_rows"
            op.execute(f"CREATE TRIGGER {_trigger(table, operation)} AFTER {operation} ON {table} "
                       f"REFERENCING {referencing} FOR EACH STATEMENT "
                       f"EXECUTE FUNCTION {FUNCTION}('{column}')")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, (_column, operations) in WATCHED.items():
        for operation in operations:
            op.execute(f"DROP TRIGGER IF EXISTS {_trigger(table, operation)} ON {table}")
    op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
