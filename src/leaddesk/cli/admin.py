"""`leaddesk db …` and `leaddesk accounts list`: looking after the database and its sources."""

from __future__ import annotations

import argparse

from sqlalchemy import select

from leaddesk.cli import output
from leaddesk.cli.context import Context
from leaddesk.cli.later import not_yet
from leaddesk.config import resolve_db_url
from leaddesk.db import migrate
from leaddesk.db.engine import display_url, make_engine, translate_errors
from leaddesk.db.models import Account


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("db", help="the database: upgrade its schema, show where it is")
    db_sub = p.add_subparsers(dest="db_command", metavar="COMMAND", required=True)
    up = db_sub.add_parser("upgrade", help="upgrade the schema to this release")
    up.set_defaults(handler=run_db_upgrade)
    st = db_sub.add_parser("status", help="where the database is and its schema version")
    st.set_defaults(handler=run_db_status)

    p = sub.add_parser("accounts", help="mailboxes, form APIs and SMTP identities")
    acc_sub = p.add_subparsers(dest="accounts_command", metavar="COMMAND")
    p.set_defaults(handler=run_accounts_list, json=False)
    ls = acc_sub.add_parser("list", help="list the accounts (no secrets are shown)")
    ls.add_argument("--json", action="store_true", help="one JSON object per line")
    ls.set_defaults(handler=run_accounts_list)
    for name, feature in (("add", "adding accounts"), ("edit", "editing accounts"),
                          ("remove", "removing accounts"), ("test", "testing connections")):
        later = acc_sub.add_parser(name, help=f"{feature} (coming soon)")
        later.add_argument("rest", nargs=argparse.REMAINDER)
        later.set_defaults(handler=not_yet(feature))


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


def run_accounts_list(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        accounts = session.execute(select(Account).order_by(Account.name)).scalars().all()
        rows = [[a.name, a.kind, str(a.settings.get("host") or a.settings.get("base_url") or ""),
                 str(a.settings.get("user") or ""), "yes" if a.enabled else "no"]
                for a in accounts]
    if args.json:
        output.json_lines(({"name": r[0], "kind": r[1], "host": r[2], "user": r[3],
                            "enabled": r[4] == "yes"} for r in rows), ctx.out)
    elif rows:
        output.table(["NAME", "KIND", "HOST", "USER", "ENABLED"], rows, ctx.out)
    else:
        ctx.err.write("no accounts yet\n")
    return 0
