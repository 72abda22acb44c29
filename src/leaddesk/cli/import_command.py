"""`leaddesk import`: .eml files, Maildir folders and mbox files into the database.

A module of its own, light to import: the parse workers start as soon as the paths are checked,
before the database code, the store and the parser are loaded (about half a second of start-up
that the workers spend parsing). The sibling commands' module (accounts, IMAP, the API presets,
the team worker) is never imported for it.
"""

from __future__ import annotations

import argparse

from leaddesk.cli.context import Context
from leaddesk.cli.progress import ProgressBar
from leaddesk.ingest import mailfiles, parallel


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("import", help="import .eml files, Maildir folders and mbox files")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.set_defaults(handler=run_import)


def run_import(args: argparse.Namespace, ctx: Context) -> int:
    mailfiles.check_paths(args.paths)  # a typo fails before the database is even opened
    mailfiles.start_import(args.paths)  # the parse starts while the rest loads and the database opens
    try:
        from leaddesk.ingest import files  # the database code, the store and the parser

        files.import_paths(ctx.database(), args.paths, reporter=ProgressBar(ctx.err))
    finally:
        parallel.drop_early()  # a database that fails to open leaves no parse running
    return 0
