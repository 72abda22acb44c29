"""The `leaddesk` command line: a public interface that scripts, cron jobs and other tools call.

Command names, options and ``--json`` keys are kept stable: add to them, never rename. Every user
error is one line on stderr and a non-zero exit, never a traceback.

Each call imports only the module of the command it runs (``COMMAND_MODULES``): `--version` and
`list` start without the accounts, Alembic, httpx or Qt. Whenever the command is not plain to
see (help, an unknown word, anything the quick look cannot parse) every module is loaded, so the
parser, its help and its errors are exactly those of the full command line.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Iterable, Sequence
from typing import NoReturn

from leaddesk import __version__
from leaddesk.cli.context import Context
from leaddesk.errors import LeadDeskError
from leaddesk.progress import Cancelled

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

log = logging.getLogger("leaddesk")

# The command modules in the order their commands are listed by `leaddesk --help`.
MODULES = ("gui_commands", "browse", "triage_commands", "correction_commands", "import_command",
           "ingest_commands",
           "accounts_commands", "reply_commands", "export_commands", "admin", "posts_commands",
           "team_commands", "suggest_commands", "rules_commands", "response_commands")
# Which module adds each top-level command; tests/cli/test_init.py keeps it equal to the parsers.
COMMAND_MODULES = {
    "gui": "gui_commands",
    "list": "browse", "show": "browse",
    "status": "triage_commands", "tag": "triage_commands", "assign": "triage_commands",
    "note": "triage_commands", "tags": "triage_commands", "members": "triage_commands",
    "contacts": "triage_commands",
    "edit": "correction_commands", "reparse": "correction_commands",
    "labels": "correction_commands",
    "import": "import_command", "sync": "ingest_commands", "demo": "ingest_commands",
    "accounts": "accounts_commands",
    "reply": "reply_commands", "templates": "reply_commands",
    "export": "export_commands",
    "db": "admin",
    "posts": "posts_commands", "sites": "posts_commands", "topics": "posts_commands",
    "team": "team_commands",
    "suggest": "suggest_commands",
    "rules": "rules_commands",
    "insights": "response_commands", "business-hours": "response_commands",
}


def build_parser(modules: Iterable[str] = MODULES) -> argparse.ArgumentParser:
    """The command line with the commands of ``modules`` (all of them unless told)."""
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
    wanted = set(modules)
    for name in MODULES:
        if name in wanted:
            importlib.import_module(f"leaddesk.cli.{name}").add_parsers(sub)
    return parser


class _Unclear(Exception):
    """The quick look at the arguments could not tell the command."""


class _QuickParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _Unclear(message)


def modules_for(argv: Sequence[str]) -> tuple[str, ...]:
    """The command modules a call needs: the command's own, none for `--version`, else all."""
    quick = _QuickParser(prog="leaddesk", add_help=False)
    quick.add_argument("-h", "--help", action="store_true")
    quick.add_argument("--version", action="store_true")
    quick.add_argument("--db")
    quick.add_argument("--as", dest="actor")
    quick.add_argument("-v", "--verbose", action="store_true")
    quick.add_argument("command", nargs="?")
    quick.add_argument("rest", nargs=argparse.REMAINDER)
    try:
        known, _ = quick.parse_known_args(argv)
    except _Unclear:
        return MODULES
    if known.help:
        return MODULES
    if known.command is None:
        # Without a command LeadDesk opens its window (see main), unless it only prints its version.
        return () if known.version else (COMMAND_MODULES["gui"],)
    module = COMMAND_MODULES.get(known.command)
    return MODULES if module is None else (module,)


def setup_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s", stream=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(modules_for(argv))
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args([*argv, "gui"])
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
    except Exception as exc:
        # A fault nothing below named (a bug, a library's own error): one line still, and only
        # its kind, since a library's message may quote a URL or a server's answer; -v shows the
        # traceback for a report.
        log.info("unexpected failure", exc_info=True)
        ctx.err.write(f"leaddesk: unexpected failure ({type(exc).__name__}); what was saved "
                      f"before it is kept. Run the command again with -v to see the details, "
                      f"and report them\n")
        return EXIT_ERROR
    finally:
        ctx.close()
