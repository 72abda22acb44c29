"""`leaddesk list` and `leaddesk show`: reading submissions from the command line."""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from leaddesk import query
from leaddesk.cli import output
from leaddesk.cli.context import Context
from leaddesk.cli.options import add_filter_options, filter_from_args, with_deadline
from leaddesk.config import default_db_path, demo_db_url, resolve_db_url
from leaddesk.query import quick

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# SQLAlchemy, the models and the name resolver are imported in the functions that need them:
# the plain inbox's `list` (see _quick_list) must start without them.

BATCH = 1000


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("list", help="list submissions (newest first; spam hidden unless --all)")
    add_filter_options(p)
    p.add_argument("-n", "--limit", type=int, default=50,
                   help="how many rows (default 50; 0 for all)")
    p.add_argument("--offset", type=int, default=0, help="skip this many rows first")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("--count", action="store_true", help="print only the number of matches")
    p.set_defaults(handler=run_list)

    p = sub.add_parser("show", help="show one submission with its fields, notes and history")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--raw", action="store_true", help="print the original message bytes")
    p.set_defaults(handler=run_show)


def demo_hint(session: Session, ctx: Context) -> str | None:
    """For the default database when it holds nothing at all: where the demo's leads are (the
    demo has a database of its own, so after `leaddesk demo` a plain `list` shows nothing)."""
    from sqlalchemy import select

    from leaddesk.db.models import Submission

    if not _is_default_database(ctx):
        return None
    if session.execute(select(Submission.id).limit(1)).first() is not None:
        return None
    demo = demo_db_url()
    if Path(demo.removeprefix("sqlite:///")).exists():
        where = (f"the demo has its own database: `leaddesk demo` opens it, "
                 f"`leaddesk --db {demo} list` lists it")
    else:
        where = "`leaddesk demo` opens demo leads, in a database of their own"
    return f"leaddesk: no messages in {default_db_path()} yet; {where}\n"


def _is_default_database(ctx: Context) -> bool:
    return resolve_db_url(ctx.db_url) == f"sqlite:///{default_db_path()}"


def run_list(args: argparse.Namespace, ctx: Context) -> int:
    flt = filter_from_args(args)
    if _quick_list(args, flt, ctx):
        return 0
    from leaddesk.cli import names

    db = ctx.database()
    flt = with_deadline(db, flt)
    with db.reading() as session:  # reads only: on PostgreSQL no BEGIN / COMMIT round trips
        hint = demo_hint(session, ctx)
        if hint:
            ctx.err.write(hint)
        flt = names.resolve(session, flt)
        if args.count:
            ctx.out.write(f"{query.count(session, flt)}\n")
            return 0
        if args.limit == 0 and args.offset == 0:
            # Everything: stream in keyset batches so a million rows need no memory.
            rows = query.iterate(session, flt, batch=BATCH)
            if args.json:
                output.json_lines((r.as_json() for r in rows), ctx.out)
            else:
                output.submission_table(list(rows), ctx.out)
            return 0
        limit = args.limit if args.limit > 0 else 2**62
        page = query.find(session, flt, limit=limit, offset=args.offset)
    _print_page(args, page, ctx)
    return 0


def _print_page(args: argparse.Namespace, page: query.Page, ctx: Context) -> None:
    if args.json:
        output.json_lines((r.as_json() for r in page.rows), ctx.out)
        return
    output.submission_table(page.rows, ctx.out)
    shown = len(page.rows)
    if page.total > shown + args.offset:
        ctx.err.write(f"{shown} of {page.total:,} shown; use --limit 0 for all, or --offset\n")


def _quick_list(args: argparse.Namespace, flt: query.Filter, ctx: Context) -> bool:
    """A page (or the count) of the plain inbox read without SQLAlchemy, when that applies
    (see :mod:`leaddesk.query.quick`); False leaves the call to the usual path."""
    if not quick.handles(flt) or (args.limit == 0 and not args.count):
        return False
    connection = quick.connect(resolve_db_url(ctx.db_url))
    if connection is None:
        return False
    if _is_default_database(ctx) and quick.is_empty(connection):
        connection.close()
        return False  # the usual path says where the demo's leads are (demo_hint)
    try:
        if args.count:
            total = quick.total(connection, flt)
        else:
            limit = args.limit if args.limit > 0 else 2**62
            page = quick.page(connection, flt, limit=limit, offset=args.offset,
                              with_total=not args.json)
    except sqlite3.Error:
        return False  # busy, damaged…: the usual path says what happened in one line
    finally:
        connection.close()
    if args.count:
        ctx.out.write(f"{total}\n")
    else:
        _print_page(args, page, ctx)
    return True


def run_show(args: argparse.Namespace, ctx: Context) -> int:
    # Imported here so that `list` does not load the posts and history readers it never uses.
    from leaddesk import detail, suggest

    db = ctx.database()
    with db.session() as session:
        info = detail.load(session, args.id)
        raw = detail.raw_bytes(session, args.id) if args.raw else None
        # Read only: the stored model as it is (`leaddesk suggest` brings it up to date).
        suggested = suggest.suggest(session, args.id).as_json() if args.json else None
    if raw is not None:
        ctx.out.flush()
        buffer = getattr(ctx.out, "buffer", None)
        if buffer is not None:
            buffer.write(raw)
        else:
            ctx.out.write(raw.decode("utf-8", "replace"))
        return 0
    if args.json:
        output.json_lines([{**info.as_json(), "suggestions": suggested}], ctx.out)
    else:
        output.submission_detail(info, ctx.out)
    return 0
