"""Two SQLite databases hold the same rows: every table (the full-text index's shadow tables
included), every column with its SQLite value type, rowids included, and the schema; only the
columns that hold the clock (``created_at``, ``updated_at``) are left out.

Used to show that a change to the store leaves what an import stores as it was:

    python -m bench.ingest_child import --db /tmp/main.db MAILDIR     # with main's code
    python -m bench.ingest_child import --db /tmp/branch.db MAILDIR   # with the change
    python -m bench.same_rows /tmp/main.db /tmp/branch.db

Prints one line per table and, for a table that differs, the first rows that do; exits 1 if any.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Iterator, Sequence

CLOCK = frozenset({"created_at", "updated_at"})
SHOWN = 3  # differing rows printed per table


def _tables(db: sqlite3.Connection) -> dict[str, str]:
    return dict(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' "
                           "ORDER BY name").fetchall())


def _rows(db: sqlite3.Connection, table: str, sql: str) -> Iterator[tuple[object, ...]]:
    """The table's rows in rowid order (or by every column, WITHOUT ROWID), each value with its
    type: 1 and 1.0 and '1' are three different stored values."""
    columns = [row[1] for row in db.execute(f'PRAGMA table_xinfo("{table}")')
               if row[1] not in CLOCK]
    values = ", ".join(f'typeof("{c}"), "{c}"' for c in columns)
    if "WITHOUT ROWID" in sql.upper():
        order = ", ".join(f'"{c}"' for c in columns)
        yield from db.execute(f'SELECT {values} FROM "{table}" ORDER BY {order}')
    else:
        yield from db.execute(f'SELECT rowid, {values} FROM "{table}" ORDER BY rowid')


def compare(first: str, second: str) -> list[str]:
    """One line per table; a line starting with "DIFF" for each table that differs."""
    a, b = sqlite3.connect(f"file:{first}?mode=ro", uri=True), sqlite3.connect(
        f"file:{second}?mode=ro", uri=True)
    lines: list[str] = []
    try:
        left, right = _tables(a), _tables(b)
        for table in sorted(set(left) | set(right)):
            if table not in left or table not in right:
                lines.append(f"DIFF {table}: only in {first if table in left else second}")
                continue
            if left[table] != right[table]:
                lines.append(f"DIFF {table}: a different schema")
                continue
            rows_a, rows_b = list(_rows(a, table, left[table])), list(_rows(b, table, right[table]))
            if rows_a == rows_b:
                lines.append(f"same {table}: {len(rows_a)} rows")
                continue
            differing = [(x, y) for x, y in zip(rows_a, rows_b, strict=False) if x != y]
            lines.append(f"DIFF {table}: {len(rows_a)} against {len(rows_b)} rows, "
                         f"{len(differing)} of the first {min(len(rows_a), len(rows_b))} differ")
            lines.extend(f"     {x!r:.300}\n  vs {y!r:.300}" for x, y in differing[:SHOWN])
        objects = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        if a.execute(objects).fetchall() != b.execute(objects).fetchall():
            lines.append("DIFF sqlite_master: other indexes, triggers or views")
        for pragma in ("user_version", "application_id"):
            if a.execute(f"PRAGMA {pragma}").fetchall() != b.execute(f"PRAGMA {pragma}").fetchall():
                lines.append(f"DIFF PRAGMA {pragma}")
    finally:
        a.close()
        b.close()
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    """Compare the two databases named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("first")
    parser.add_argument("second")
    args = parser.parse_args(argv)
    lines = compare(args.first, args.second)
    print("\n".join(lines))
    differ = [line for line in lines if line.startswith("DIFF")]
    print(f"{len(differ)} of {len(lines)} checks differ" if differ else
          f"identical: {len(lines)} tables (all but {', '.join(sorted(CLOCK))})")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
