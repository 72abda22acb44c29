"""Commands whose feature arrives in a later release: each says so in one line and exits 1.

Their names and options are already part of the public command line, so scripts written today keep
working when the feature lands.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from leaddesk.cli.context import Context
from leaddesk.cli.options import add_filter_options
from leaddesk.errors import NotYetAvailableError

Handler = Callable[[argparse.Namespace, Context], int]


def not_yet(feature: str) -> Handler:
    def handler(args: argparse.Namespace, ctx: Context) -> int:
        raise NotYetAvailableError(f"{feature} is not in this release yet; it comes with the "
                                   f"next ones (see README, Roadmap)")
    return handler


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("gui", help="open the desktop window (the default command)")
    p.set_defaults(handler=not_yet("the desktop window"))

    p = sub.add_parser("demo", help="open the app on a fresh database with demo leads")
    p.set_defaults(handler=not_yet("the demo mailbox"))

    p = sub.add_parser("import", help="import .eml files, Maildir folders and mbox files")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.set_defaults(handler=not_yet("importing mail files"))

    p = sub.add_parser("sync", help="fetch new submissions from accounts")
    p.add_argument("name", nargs="?", metavar="NAME", help="one account (default: all)")
    p.add_argument("--watch", action="store_true", help="keep running and sync as mail arrives")
    p.set_defaults(handler=not_yet("syncing accounts"))

    p = sub.add_parser("export", help="export the filtered leads as CSV or JSON Lines")
    add_filter_options(p)
    p.add_argument("--preset", default="generic", help="hubspot, salesforce or generic")
    p.add_argument("--per", choices=["lead", "submission"], default="submission")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: stdout)")
    p.set_defaults(handler=not_yet("CSV export"))
