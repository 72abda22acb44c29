"""Re-reading stored mail (leaddesk.reparse): how fast a parser upgrade catches up.

Builds a Maildir of realistic notifications (bench.ingest_corpus), imports it into a fresh SQLite
database, marks every row as read by an older parser, then times

- ``dry run``: the whole re-read with nothing written (what `leaddesk reparse --dry-run` costs);
- ``upgrade``: the background upgrade the window runs after a parser upgrade (every row re-read,
  its version recorded; rows whose fields come out the same are not rewritten);
- ``taught label``: the re-read after teaching one label on every form (a second parse of each
  message, and writes where the label changes a field).

    python -m bench.bench_reparse --count 5000
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import update

from bench.ingest_corpus import build_maildir
from leaddesk import reparse
from leaddesk.db import Database
from leaddesk.db.models import Submission
from leaddesk.ingest import labels
from leaddesk.ingest.files import import_paths


def _timed(what: str, count: int, run: Callable[[], reparse.ReparseReport]) -> None:
    started = time.perf_counter()
    report = run()
    seconds = time.perf_counter() - started
    print(f"{what:<14} {count:>7,} messages  {seconds:7.2f} s  {count / seconds:8,.0f} msg/s  "
          f"{seconds / count * 1000:6.2f} ms/msg  changed {report.changed:,}")


def _age(db: Database) -> None:
    with db.session() as session:
        session.execute(update(Submission).values(parser_version=0))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--corpus", type=Path, help="where to keep the Maildir (reused)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        root = args.corpus or Path(scratch) / "maildir"
        build_maildir(root, args.count)
        db = Database.open(f"sqlite:///{Path(scratch) / 'reparse.db'}")
        import_paths(db, [root])
        _age(db)
        with db.session() as session:
            count = reparse.stale_count(session)
        _timed("dry run", count, lambda: reparse.reparse(db, ids=_ids(db), dry_run=True))
        _timed("upgrade", count, lambda: reparse.upgrade(db))
        with db.session() as session:
            labels.map_label(session, "Message", "topic", actor="bench")
        _timed("taught label", count, lambda: reparse.reparse(db, ids=_ids(db)))
        db.close()


def _ids(db: Database) -> list[int]:
    with db.session() as session:
        return reparse.stale_ids(session) or [
            int(i) for i in session.scalars(Submission.__table__.select().with_only_columns(
                Submission.id))]


if __name__ == "__main__":
    main()
