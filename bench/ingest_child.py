"""LeadDesk's side of the ingest benchmark, run as a child process of its own.

The parent (:mod:`bench.bench_ingest`) starts one process per measurement, so that its peak RSS is
LeadDesk's alone (``wait4`` gives the child's ``ru_maxrss``). Each command prints one JSON object on
stdout: the in-process timings, the store's counts and what the database holds afterwards.

    python -m bench.ingest_child import --db /tmp/x.db MAILDIR [--profile FILE] [--no-fts-triggers]
    python -m bench.ingest_child sync --db /tmp/x.db --host 127.0.0.1 --port 993 --ca-file cert.pem \
        --folder bench --batch-size 1000 [--profile FILE]
    python -m bench.ingest_child parse MAILDIR
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import resource
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def _timed(function: Callable[[], T], profile: Path | None) -> tuple[T, float, float]:
    """(result, wall seconds, CPU seconds) of ``function()``, under cProfile if asked."""
    profiler = cProfile.Profile() if profile else None
    started, cpu = time.perf_counter(), time.process_time()
    if profiler is not None:
        profiler.enable()
    try:
        result = function()
    finally:
        if profiler is not None:
            profiler.disable()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    if profiler is not None and profile is not None:
        profiler.dump_stats(str(profile))
    return result, wall, cpu


def _database_counts(db: Any) -> dict[str, int]:
    from sqlalchemy import func, select

    from leaddesk.db.models import Contact, Submission
    with db.session() as s:
        return {
            "submissions": s.execute(select(func.count()).select_from(Submission)).scalar_one(),
            "spam": s.execute(select(func.count()).select_from(Submission)
                              .where(Submission.status == "spam")).scalar_one(),
            "not_submissions": s.execute(select(func.count()).select_from(Submission)
                                         .where(Submission.is_submission.is_(False))).scalar_one(),
            "contacts": s.execute(select(func.count()).select_from(Contact)).scalar_one(),
        }


def _open(db_path: Path, no_fts_triggers: bool = False) -> tuple[Any, float]:
    from leaddesk.db import Database
    started = time.perf_counter()
    db = Database.open(f"sqlite:///{db_path}")
    if no_fts_triggers:   # diagnostic only: how much of the store time the FTS index costs
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS submissions_fts_ai")
    return db, time.perf_counter() - started


def _report(payload: dict[str, Any]) -> None:
    own = resource.getrusage(resource.RUSAGE_SELF)
    payload["self_maxrss_kb"] = own.ru_maxrss
    # The caller's own CPU, start-up included (the parse workers' is the rest of the whole
    # process's): the store's side of an import.
    payload["self_cpu_seconds"] = round(own.ru_utime + own.ru_stime, 3)
    print(json.dumps(payload), flush=True)


def cmd_import(args: argparse.Namespace) -> None:
    """Import a Maildir (or any paths) into a fresh SQLite database with the `leaddesk import`
    command itself: its module's imports, its early parse and its database open are all timed.
    ``--no-fts-triggers`` makes the schema (without the trigger) beforehand, untimed."""
    url = f"sqlite:///{args.db}"
    open_seconds = None
    if args.no_fts_triggers:
        made, open_seconds = _open(args.db, no_fts_triggers=True)
        made.close()
    from leaddesk.cli import main as leaddesk

    code, wall, cpu = _timed(lambda: leaddesk(["--db", url, "import", *map(str, args.paths)]),
                             args.profile)
    if code != 0:
        raise SystemExit(f"leaddesk import exited with {code}")
    from leaddesk.db import Database
    db = Database.open(url)
    try:
        _report({"open_seconds": open_seconds, "seconds": wall, "cpu_seconds": cpu,
                 "db": _database_counts(db)})
    finally:
        db.close()


def cmd_sync(args: argparse.Namespace) -> None:
    """Sync one IMAP folder into a fresh SQLite database (password given directly, no keyring)."""
    from leaddesk import accounts
    from leaddesk.ingest import imap
    db, open_seconds = _open(args.db)
    try:
        settings = {"host": args.host, "port": args.port, "security": args.security,
                    "user": args.user, "folder": args.folder, "ca_file": args.ca_file}
        with db.session() as session:
            account = accounts.add_account(session, "bench", "imap", settings, actor="bench")
        result, wall, cpu = _timed(
            lambda: imap.sync_account(db, account, args.password, batch_size=args.batch_size),
            args.profile)
        _report({"open_seconds": open_seconds, "seconds": wall, "cpu_seconds": cpu,
                 "added": result.added, "duplicates": result.duplicates, "erased": result.erased,
                 "db": _database_counts(db)})
    finally:
        db.close()


def cmd_parse(args: argparse.Namespace) -> None:
    """Parse every message of a Maildir with ``parse_message`` only (no database): the parser's
    share of an import."""
    from leaddesk.ingest.files import read_messages
    from leaddesk.ingest.parse import parse_message
    raws = [message.raw for message in read_messages(args.paths)]

    def parse_all() -> int:
        return sum(parse_message(raw).is_submission for raw in raws)

    submissions, wall, cpu = _timed(parse_all, args.profile)
    _report({"seconds": wall, "cpu_seconds": cpu, "messages": len(raws),
             "submissions": submissions})


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the command line and run one measurement."""
    parser = argparse.ArgumentParser(description="LeadDesk side of the ingest benchmark")
    commands = parser.add_subparsers(dest="command", required=True)
    imp = commands.add_parser("import")
    imp.add_argument("--db", type=Path, required=True)
    imp.add_argument("--profile", type=Path)
    imp.add_argument("--no-fts-triggers", action="store_true")
    imp.add_argument("paths", nargs="+")
    imp.set_defaults(run=cmd_import)
    sync = commands.add_parser("sync")
    sync.add_argument("--db", type=Path, required=True)
    sync.add_argument("--host", default="127.0.0.1")
    sync.add_argument("--port", type=int, required=True)
    sync.add_argument("--security", default="ssl", choices=("ssl", "starttls", "plain"))
    sync.add_argument("--ca-file")
    sync.add_argument("--user", default="alice")
    sync.add_argument("--password", default=os.environ.get("BENCH_IMAP_PASSWORD", "secret"))
    sync.add_argument("--folder", default="bench")
    sync.add_argument("--batch-size", type=int, default=1000)
    sync.add_argument("--profile", type=Path)
    sync.set_defaults(run=cmd_sync)
    parse = commands.add_parser("parse")
    parse.add_argument("--profile", type=Path)
    parse.add_argument("paths", nargs="+")
    parse.set_defaults(run=cmd_parse)
    args = parser.parse_args(argv)
    args.run(args)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
