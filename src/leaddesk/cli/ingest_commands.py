"""`leaddesk sync` and `demo`: getting submissions in from the command line (`import` is in
:mod:`leaddesk.cli.import_command`, light to import so that its parse starts at once)."""

from __future__ import annotations

import argparse
import signal
import threading
from types import FrameType

from leaddesk import accounts, demo, secrets
from leaddesk.cli import api_commands
from leaddesk.cli.context import Context
from leaddesk.cli.gui_commands import check_display, open_window
from leaddesk.cli.progress import ProgressBar
from leaddesk.db import Database
from leaddesk.errors import LeadDeskError
from leaddesk.ingest import imap
from leaddesk.ingest.store import BatchResult
from leaddesk.ingest.sync_all import sync_targets
from leaddesk.posts.resolve import resolve_after_sync
from leaddesk.progress import CancelToken
from leaddesk.team import worker


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("sync", help="fetch new submissions from accounts")
    p.add_argument("name", nargs="?", metavar="NAME", help="one account (default: all)")
    p.add_argument("--watch", action="store_true",
                   help="keep running: wait for new mail with IMAP IDLE and sync it")
    p.add_argument("--no-sent-sync", dest="sent_sync", action="store_false",
                   help="this time, read only the mailbox's folder, not its Sent folder")
    p.add_argument("--batch-size", type=int, default=imap.BATCH_SIZE, metavar="N",
                   help=f"messages per transaction (default {imap.BATCH_SIZE})")
    p.add_argument("--interval", type=float, metavar="SECONDS",
                   help="with --watch (implied): sync every SECONDS instead of waiting in IDLE")
    p.add_argument("--log-format", choices=("text", "json"), default="text",
                   help="--watch logs events to stderr as text or JSON lines (default text)")
    p.set_defaults(handler=run_sync)

    p = sub.add_parser("demo", help="a demo database filled from the bundled demo mailbox")
    p.add_argument("--reset", action="store_true", help="start the demo database afresh")
    p.add_argument("--no-gui", action="store_true", help="only fill the demo database")
    p.set_defaults(handler=run_demo)


def _cancel_on_sigterm(cancel: CancelToken) -> None:
    def handler(signum: int, frame: FrameType | None) -> None:
        cancel.cancel()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, handler)


def _report(name: str, result: BatchResult, ctx: Context) -> None:
    joined = f", {result.threaded} joined conversations" if result.threaded else ""
    ctx.out.write(f"{name}: {result.added} new, {result.duplicates} already there{joined}\n")
    ctx.out.flush()


def run_sync(args: argparse.Namespace, ctx: Context) -> int:
    if args.batch_size < 1:
        raise LeadDeskError("--batch-size must be at least 1")
    db = ctx.database()
    with db.session() as session:
        targets = sync_targets(session, args.name)
    if not targets:
        raise LeadDeskError("no accounts to sync; add one with `leaddesk accounts add imap NAME …`")
    cancel = CancelToken()
    _cancel_on_sigterm(cancel)
    if args.watch or args.interval is not None:
        return _watch(db, targets, args, cancel, ctx)
    failures = 0
    for account in targets:
        try:
            if account.kind == "api":  # token from the keyring, one page per batch
                result = api_commands.sync_api(db, account, ctx, cancel)
            else:
                result = imap.sync_account(db, account, _password(account),
                                           batch_size=args.batch_size,
                                           reporter=ProgressBar(ctx.err), cancel=cancel,
                                           sent=args.sent_sync)
            _report(account.name, result, ctx)
            unread = getattr(result, "failed_pages", 0) + getattr(result, "skipped", 0)
            if unread:
                # Everything else was stored; a script or cron job still hears of the gap.
                failures += 1
                ctx.err.write(f"leaddesk: {account.name}: {unread} page(s) or record(s) could "
                              f"not be read (named above); the next sync asks for the pages "
                              f"again\n")
        except LeadDeskError as exc:
            if len(targets) == 1:
                raise
            failures += 1
            ctx.err.write(f"leaddesk: {account.name}: {exc}\n")
    # New leads' posts are looked up after the sync, outside its transactions: best effort, a
    # site that is down never turns a good sync into a failure (it is retried with backoff).
    posts = resolve_after_sync(db)
    if posts is not None and (posts.resolved or posts.failed):
        ctx.err.write(posts.summary() + "\n")
    return 1 if failures else 0


def _password(account: accounts.AccountInfo) -> str:
    return secrets.get_secret(account.secret_ref or secrets.secret_ref(account.name))


def _watch(db: Database, targets: list[accounts.AccountInfo], args: argparse.Namespace,
           cancel: CancelToken, ctx: Context) -> int:
    """The headless worker (leaddesk.team.worker): one thread per account until Ctrl-C or
    SIGTERM; the first fatal error (login refused, account already synced elsewhere) ends all."""
    if args.interval is not None and args.interval < 1:
        raise LeadDeskError("--interval must be at least 1 second")
    options = worker.WorkerOptions(interval=args.interval, batch_size=args.batch_size)
    errors: list[str] = []

    def watch(account: accounts.AccountInfo) -> None:
        try:
            worker.run_worker(db, account, lambda: _password(account), cancel=cancel,
                              options=options, on_result=lambda a, result: _report(
                                  a.name, result, ctx) if args.log_format == "text" else None)
        except LeadDeskError as exc:
            errors.append(f"{account.name}: {exc}")
            cancel.cancel()

    threads = [threading.Thread(target=watch, args=(a,), name=f"watch-{a.name}", daemon=True)
               for a in targets]
    with worker.worker_logging(args.log_format, ctx.err):
        for thread in threads:
            thread.start()
        try:
            while any(t.is_alive() for t in threads):
                for thread in threads:
                    thread.join(0.5)
        except KeyboardInterrupt:
            cancel.cancel()
            for thread in threads:
                thread.join(15)
    for error in errors:
        ctx.err.write(f"leaddesk: {error}\n")
    return 1 if errors else 0


def run_demo(args: argparse.Namespace, ctx: Context) -> int:
    if not args.no_gui:
        check_display()  # before any work: a headless box gets one clear line
    # The same function the welcome screen's "Open the demo" calls: one demo, whichever way in.
    opened = demo.open_demo(ctx.db_url, fresh=args.reset, reporter=ProgressBar(ctx.err))
    try:
        ctx.out.write(opened.summary() + "\n")
        ctx.out.flush()
        if args.no_gui:
            ctx.out.write(f"try: leaddesk --db {opened.url} list\n")
            return 0
        return open_window(opened.db, title_suffix=demo.TITLE_SUFFIX)
    finally:
        opened.close()
