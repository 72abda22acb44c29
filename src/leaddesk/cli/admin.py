"""`leaddesk db …`: looking after the database and its schema."""

from __future__ import annotations

import argparse

from leaddesk.cli.context import Context
from leaddesk.config import resolve_db_url
from leaddesk.db import migrate
from leaddesk.db.engine import display_url, make_engine, translate_errors


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("db", help="the database: upgrade its schema, show where it is")
    db_sub = p.add_subparsers(dest="db_command", metavar="COMMAND", required=True)
    up = db_sub.add_parser("upgrade", help="upgrade the schema to this release")
    up.set_defaults(handler=run_db_upgrade)
    st = db_sub.add_parser("status", help="where the database is and its schema version")
    st.set_defaults(handler=run_db_status)


def run_db_upgrade(args: argparse.Namespace, ctx: Context) -> int:
    engine = make_engine(resolve_db_url(ctx.db_url))
    try:
        with translate_errors(engine.url):
            before, after = migrate.upgrade(engine)
    finally:
        engine.dispose()
    where = display_url(engine.url)
    if before == after:
        ctx.out.write(f"{where} is up to date (schema {after})\n")
    else:
        ctx.out.write(f"{where} upgraded from schema {before or 'empty'} to {after}\n")
    return 0


def run_db_status(args: argparse.Namespace, ctx: Context) -> int:
    engine = make_engine(resolve_db_url(ctx.db_url))
    try:
        with translate_errors(engine.url), engine.connect() as conn:
            current = migrate.check_schema(conn)
    finally:
        engine.dispose()
    head = migrate.head_revision()
    state = "up to date" if current == head else "needs `leaddesk db upgrade`"
    ctx.out.write(f"database: {display_url(engine.url)}\n"
                  f"schema:   {current or 'empty'} (this release: {head}; {state})\n")
    return 0
