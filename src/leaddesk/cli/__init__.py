"""The `leaddesk` command line: a public interface that scripts, cron jobs and other tools call.

Command names, options and ``--json`` keys are kept stable: add to them, never rename. Every user
error is one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from leaddesk import __version__
from leaddesk.cli import (
    accounts_commands,
    admin,
    browse,
    correction_commands,
    export_commands,
    gui_commands,
    ingest_commands,
    posts_commands,
    reply_commands,
    team_commands,
    triage_commands,
)
from leaddesk.cli.context import Context
from leaddesk.errors import LeadDeskError
from leaddesk.progress import Cancelled

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

log = logging.getLogger("leaddesk")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="leaddesk",
        description="LeadDesk: a desktop inbox for website contact-form leads.",
        epilog="Without a command, LeadDesk opens its window. "
               "Run `leaddesk COMMAND --help` for a command's options.")
    parser.add_argument("--version", action="version", version=f"leaddesk {__version__}")
    parser.add_argument("--db", metavar="URL",
                        help="database URL (sqlite:///PATH or postgresql+psycopg://…); "
                             "default: $LEADDESK_DB_URL, else SQLite in the data directory")
    parser.add_argument("--as", dest="actor", metavar="NAME",
                        help="who is acting, for the audit log (default: $LEADDESK_USER or login)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    gui_commands.add_parsers(sub)
    browse.add_parsers(sub)
    triage_commands.add_parsers(sub)
    correction_commands.add_parsers(sub)
    ingest_commands.add_parsers(sub)
    accounts_commands.add_parsers(sub)
    reply_commands.add_parsers(sub)
    export_commands.add_parsers(sub)
    admin.add_parsers(sub)
    posts_commands.add_parsers(sub)
    team_commands.add_parsers(sub)
    return parser


def setup_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s", stream=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args([*(argv if argv is not None else sys.argv[1:]), "gui"])
    setup_logging(args.verbose)
    ctx = Context(db_url=args.db)
    if args.actor:
        ctx.actor = args.actor
    try:
        return int(args.handler(args, ctx))
    except Cancelled as exc:
        ctx.err.write(f"leaddesk: {exc}\n")
        return EXIT_INTERRUPTED
    except LeadDeskError as exc:
        ctx.err.write(f"leaddesk: {exc}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        ctx.err.write("leaddesk: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `leaddesk list | head`: the reader left; not an error worth a traceback.
        sys.stderr.close()
        return 0
    finally:
        ctx.close()
