"""The floor of the import benchmark: the least a Python program can do to import a Maildir.

    python -m bench.ingest_floor --db /tmp/floor.db MAILDIR

One process, no LeadDesk code: each file is read, parsed with the standard library's ``compat32``
policy (``email.message_from_bytes``, the cheapest parser it has), and its sender, subject, date
and text body go into an SQLite FTS5 table, in one transaction per 1,000 rows. The whole process
is what the benchmark times (cold start included), as for LeadDesk: a rate far above LeadDesk's is
what "near the floor" is measured against. Prints one JSON line: messages and in-process seconds.
"""

from __future__ import annotations

import argparse
import email
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

BATCH = 1000


def _files(maildir: Path) -> Iterator[str]:
    for sub in ("cur", "new"):
        with os.scandir(maildir / sub) as entries:
            for entry in entries:
                if not entry.name.startswith("."):
                    yield entry.path


def _body(message: Message) -> str:
    """The first text/plain part (else the first text part), decoded; "" if none."""
    parts = list(message.walk()) if message.is_multipart() else [message]
    texts = [p for p in parts if p.get_content_maintype() == "text"]
    chosen = next((p for p in texts if p.get_content_subtype() == "plain"), None) or \
        (texts[0] if texts else None)
    if chosen is None:
        return ""
    payload = chosen.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    return payload.decode(chosen.get_content_charset() or "utf-8", "replace")


def run(maildir: Path, db_path: Path) -> int:
    """Import every message of ``maildir`` into a fresh FTS5 table at ``db_path``; the count."""
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS mail USING fts5(sender, subject, date, body)")
    count = 0
    rows: list[tuple[str, str, str, str]] = []
    for path in _files(maildir):
        with open(path, "rb") as handle:
            message = email.message_from_bytes(handle.read())  # compat32, the default policy
        rows.append((str(message.get("From", "")), str(message.get("Subject", "")),
                     str(message.get("Date", "")), _body(message)))
        if len(rows) >= BATCH:
            with conn:
                conn.executemany("INSERT INTO mail VALUES (?, ?, ?, ?)", rows)
            count += len(rows)
            rows = []
    if rows:
        with conn:
            conn.executemany("INSERT INTO mail VALUES (?, ?, ?, ?)", rows)
        count += len(rows)
    conn.close()
    return count


def main(argv: list[str] | None = None) -> None:
    """Run the floor on one Maildir and print its JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("maildir", type=Path)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    count = run(args.maildir, args.db)
    print(json.dumps({"messages": count, "seconds": time.perf_counter() - started}), flush=True)


if __name__ == "__main__":
    main()
