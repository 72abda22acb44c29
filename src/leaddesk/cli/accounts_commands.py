"""`leaddesk accounts …`: adding and listing sources; secrets go to the keyring only."""

from __future__ import annotations

import argparse
import sys

from leaddesk import accounts, secrets
from leaddesk.cli import output
from leaddesk.cli.context import Context
from leaddesk.cli.later import not_yet
from leaddesk.cli.options import parse_when
from leaddesk.errors import ValidationError


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("accounts", help="mailboxes, form APIs and SMTP identities")
    p.set_defaults(handler=run_list, json=False)
    acc = p.add_subparsers(dest="accounts_command", metavar="COMMAND")

    ls = acc.add_parser("list", help="list the accounts (no secrets are shown)")
    ls.add_argument("--json", action="store_true", help="one JSON object per line")
    ls.set_defaults(handler=run_list)

    add = acc.add_parser("add", help="add an account")
    kinds = add.add_subparsers(dest="kind", metavar="KIND", required=True)
    imap = kinds.add_parser("imap", help="an IMAP mailbox that receives the form notifications")
    imap.add_argument("name", metavar="NAME")
    imap.add_argument("--host", required=True)
    imap.add_argument("--port", type=int, help="default: 993 for ssl, 143 otherwise")
    imap.add_argument("--user", required=True)
    imap.add_argument("--security", choices=accounts.SECURITY_MODES, default="ssl",
                      help="ssl (default), starttls, or plain (only to localhost)")
    imap.add_argument("--ca-file", help="CA certificate that signed the server's certificate")
    imap.add_argument("--folder", default="INBOX", help="folder to read (default INBOX)")
    imap.add_argument("--since", metavar="DATE", help="first sync: only mail since DATE")
    imap.add_argument("--password-stdin", action="store_true",
                      help="read the password from standard input (it goes to the keyring)")
    imap.set_defaults(handler=run_add_imap)
    for kind in ("api", "smtp"):
        later = kinds.add_parser(kind, help=f"a {kind} account (coming soon)")
        later.add_argument("rest", nargs=argparse.REMAINDER)
        later.set_defaults(handler=not_yet(f"adding {kind} accounts"))

    for name, feature in (("edit", "editing accounts"), ("remove", "removing accounts"),
                          ("test", "testing connections")):
        later = acc.add_parser(name, help=f"{feature} (coming soon)")
        later.add_argument("rest", nargs=argparse.REMAINDER)
        later.set_defaults(handler=not_yet(feature))


def read_secret_from_stdin(what: str) -> str:
    if sys.stdin is None or sys.stdin.closed:
        raise ValidationError(f"--{what}-stdin was given but standard input is closed")
    value = sys.stdin.readline().rstrip("\r\n")
    if not value:
        raise ValidationError(f"no {what} on standard input")
    return value


def run_add_imap(args: argparse.Namespace, ctx: Context) -> int:
    if not args.password_stdin:
        raise ValidationError("give the password with --password-stdin (it goes to the keyring, "
                              "never on the command line)")
    password = read_secret_from_stdin("password")
    settings = {"host": args.host, "port": args.port, "user": args.user,
                "security": args.security, "folder": args.folder,
                "ca_file": args.ca_file,
                "since": parse_when(args.since).date().isoformat() if args.since else None}
    with ctx.database().session() as session:
        info = accounts.add_account(session, args.name, "imap", settings, actor=ctx.actor)
        # Inside the transaction: if the keyring refuses, the account is not left half-made.
        secrets.set_secret(info.secret_ref or secrets.secret_ref(info.name), password)
    ctx.out.write(f"added IMAP account {info.name} ({info.settings['user']} at "
                  f"{info.settings['host']}:{info.settings['port']}); run `leaddesk sync "
                  f"{info.name}`\n")
    return 0


def run_list(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        found = accounts.list_accounts(session)
    if args.json:
        output.json_lines(({"name": a.name, "kind": a.kind, "host": a.settings.get("host"),
                            "port": a.settings.get("port"), "user": a.settings.get("user"),
                            "folder": a.settings.get("folder"), "enabled": a.enabled}
                           for a in found), ctx.out)
    elif found:
        output.table(["NAME", "KIND", "HOST", "USER", "FOLDER"],
                     ([a.name, a.kind, f"{a.settings.get('host', '')}:{a.settings.get('port', '')}",
                       str(a.settings.get("user") or ""), str(a.settings.get("folder") or "")]
                      for a in found), ctx.out)
    else:
        ctx.err.write("no accounts yet\n")
    return 0
