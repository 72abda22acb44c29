"""`leaddesk accounts …`: add, edit, remove, list and test sources and SMTP identities.

Secrets are read from standard input (``--password-stdin`` / ``--token-stdin``) and go to the
keyring only; the database keeps a reference. No command prints a secret.
"""

from __future__ import annotations

import argparse
from typing import Any

from leaddesk import accounts, connection, secrets
from leaddesk.cli import api_commands, output
from leaddesk.cli.context import Context
from leaddesk.cli.options import parse_when, read_secret, require_secret
from leaddesk.errors import LeadDeskError, ValidationError

Parser = argparse.ArgumentParser


def add_parsers(sub: argparse._SubParsersAction[Parser]) -> None:
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
    _server_options(imap, "imap", required=True)
    _imap_options(imap)
    imap.add_argument("--sent-folder", metavar="FOLDER",
                      help="the Sent folder to read replies from (default: the one marked \\Sent, "
                           "else Sent / Sent Items / Sent Messages)")
    _secret_option(imap, "password")
    imap.set_defaults(handler=run_add_imap)

    smtp = kinds.add_parser("smtp", help="an SMTP identity that sends replies")
    smtp.add_argument("name", metavar="NAME")
    _server_options(smtp, "smtp", required=True)
    _smtp_options(smtp)
    _secret_option(smtp, "password")
    smtp.set_defaults(handler=run_add_smtp)

    # API sources (form backends): issue #8's parser lives with its commands.
    api_commands.add_api_parser(kinds)

    edit = acc.add_parser("edit", help="change an account's settings or secret")
    edit.add_argument("name", metavar="NAME")
    _server_options(edit, None, required=False)
    _imap_options(edit)
    edit.add_argument("--sent-sync", dest="sent_sync", action="store_const", const=True,
                      help="IMAP: read the Sent folder again")
    _smtp_options(edit)
    edit.add_argument("--base-url", help="API: the form backend's base URL")
    edit.add_argument("--form", help="API: the form (site or form id) to read")
    state = edit.add_mutually_exclusive_group()
    state.add_argument("--enable", dest="enabled", action="store_const", const=True)
    state.add_argument("--disable", dest="enabled", action="store_const", const=False,
                       help="a disabled source is not synced; a disabled identity is not offered")
    secret = edit.add_mutually_exclusive_group()
    secret.add_argument("--password-stdin", action="store_true",
                        help="read a new password from standard input (it goes to the keyring)")
    secret.add_argument("--token-stdin", action="store_true",
                        help="read a new API token from standard input (it goes to the keyring)")
    edit.set_defaults(handler=run_edit)

    remove = acc.add_parser("remove", help="remove an account and its keyring entry "
                                           "(its messages stay)")
    remove.add_argument("name", metavar="NAME")
    remove.set_defaults(handler=run_remove)

    test = acc.add_parser("test", help="log in with the stored secret and report what failed")
    test.add_argument("name", metavar="NAME")
    test.add_argument("--json", action="store_true", help="one JSON object: name, ok, message")
    test.set_defaults(handler=run_test)


def _server_options(p: Parser, kind: str | None, *, required: bool) -> None:
    p.add_argument("--host", required=required)
    ports = {"imap": "993 for ssl, 143 otherwise", "smtp": "465 for ssl, 587 for starttls"}
    p.add_argument("--port", type=int, help=f"default: {ports.get(kind or '', 'per security')}")
    p.add_argument("--user", required=required and kind == "imap",
                   help="login name" + (" (default: the From address)" if kind == "smtp" else ""))
    p.add_argument("--security", choices=accounts.SECURITY_MODES,
                   default="ssl" if required else None,
                   help="ssl (default), starttls, or plain (only to localhost)")
    p.add_argument("--ca-file", help="CA certificate that signed the server's certificate "
                                     "(`none` clears it)")


def _imap_options(p: Parser) -> None:
    p.add_argument("--folder", help="IMAP: folder to read (default INBOX)")
    p.add_argument("--since", metavar="DATE", help="IMAP, first sync: only mail since DATE")
    p.add_argument("--no-sent-sync", dest="sent_sync", action="store_const", const=False,
                   help="IMAP: do not read the Sent folder")
    p.add_argument("--on-answer", choices=accounts.ON_ANSWER_CHOICES,
                   help="IMAP: what a visitor's answer does to a waiting or done lead "
                        "(default open; keep = unchanged)")


def _smtp_options(p: Parser) -> None:
    p.add_argument("--from", dest="from_address", metavar="ADDRESS",
                   help="SMTP: the From address of replies (default: the user, if an address)")
    p.add_argument("--from-name", metavar="NAME", help="SMTP: the name shown beside it")
    p.add_argument("--sent-copy", metavar="IMAP_ACCOUNT",
                   help="SMTP: keep a copy of each reply in this IMAP account's Sent folder "
                        "(`none` for no copy)")
    p.add_argument("--sent-folder", metavar="FOLDER",
                   help="SMTP: the Sent folder's name (default: the one the server marks \\Sent)")
    p.add_argument("--after-send", choices=accounts.AFTER_SEND_CHOICES,
                   help="SMTP: the lead's status once replied (default waiting; keep = unchanged)")


def _secret_option(p: Parser, what: str) -> None:
    p.add_argument(f"--{what}-stdin", action="store_true",
                   help=f"read the {what} from standard input (it goes to the keyring)")


def _none(value: str | None) -> str | None:
    return None if value is None or value.lower() == "none" else value


def _add(ctx: Context, name: str, kind: str, settings: dict[str, Any],
         secret: str) -> accounts.AccountInfo:
    return accounts.save_account(ctx.database(), name, settings, kind=kind, secret=secret,
                                 actor=ctx.actor)


def run_add_imap(args: argparse.Namespace, ctx: Context) -> int:
    password = require_secret(args.password_stdin, "password")
    settings = {"host": args.host, "port": args.port, "user": args.user,
                "security": args.security, "folder": args.folder or "INBOX",
                "ca_file": _none(args.ca_file),
                "since": parse_when(args.since).date().isoformat() if args.since else None,
                "sent_folder": _none(args.sent_folder), "sent_sync": args.sent_sync is not False,
                "on_answer": args.on_answer or accounts.ON_ANSWER_CHOICES[0]}
    info = _add(ctx, args.name, "imap", settings, password)
    ctx.out.write(f"added IMAP account {info.name} ({info.describe()}); run `leaddesk sync "
                  f"{info.name}`\n")
    return 0


def _smtp_settings(args: argparse.Namespace) -> dict[str, Any]:
    values = {"from_address": args.from_address, "from_name": args.from_name,
              "sent_account": args.sent_copy, "sent_folder": args.sent_folder,
              "after_send": args.after_send}
    return {k: (_none(v) if k in ("sent_account", "sent_folder") else v)
            for k, v in values.items() if v is not None}


def run_add_smtp(args: argparse.Namespace, ctx: Context) -> int:
    password = require_secret(args.password_stdin, "password")
    settings = {"host": args.host, "port": args.port, "security": args.security,
                "user": args.user or args.from_address, "ca_file": _none(args.ca_file),
                **_smtp_settings(args)}
    info = _add(ctx, args.name, "smtp", settings, password)
    ctx.out.write(f"added SMTP account {info.name} ({info.describe()}, From "
                  f"{info.settings['from_address']}); check it with `leaddesk accounts test "
                  f"{info.name}`\n")
    return 0


def run_edit(args: argparse.Namespace, ctx: Context) -> int:
    changes: dict[str, Any] = {k: v for k, v in {
        "host": args.host, "port": args.port, "user": args.user, "security": args.security,
        "folder": args.folder, "base_url": args.base_url, "form": args.form,
        "sent_sync": args.sent_sync, "on_answer": args.on_answer}.items()
        if v is not None}
    if args.ca_file is not None:
        changes["ca_file"] = _none(args.ca_file)
    if args.since is not None:
        changes["since"] = parse_when(args.since).date().isoformat()
    changes.update(_smtp_settings(args))
    secret = None
    if args.password_stdin or args.token_stdin:
        secret = read_secret("password" if args.password_stdin else "token")
    if not changes and args.enabled is None and secret is None:
        raise ValidationError("nothing to change; give a setting such as --host, or "
                              "--password-stdin")
    info = accounts.save_account(ctx.database(), args.name, changes, secret=secret,
                                 enabled=args.enabled, actor=ctx.actor)
    what = [*sorted(changes), *(["enabled"] if args.enabled is not None else []),
            *(["secret (in the keyring)"] if secret is not None else [])]
    ctx.out.write(f"changed {info.name}: {', '.join(what)}\n")
    return 0


def run_remove(args: argparse.Namespace, ctx: Context) -> int:
    info = accounts.delete_account(ctx.database(), args.name, actor=ctx.actor)
    ctx.out.write(f"removed {info.kind} account {info.name}; its messages are kept\n")
    return 0


def run_test(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        info = accounts.get_account(session, args.name)
    if info.secret_ref is None:
        raise ValidationError(f"{info.name} is a {info.kind} account: there is no connection to test")
    secret = secrets.get_secret(info.secret_ref)
    try:
        message = connection.check_connection(info, secret)
    except LeadDeskError as exc:
        if not args.json:
            raise
        output.json_lines([{"name": info.name, "ok": False, "message": str(exc)}], ctx.out)
        return 1
    if args.json:
        output.json_lines([{"name": info.name, "ok": True, "message": message}], ctx.out)
    else:
        ctx.out.write(f"{info.name}: OK, {message}\n")
    return 0


def run_list(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        found = accounts.list_accounts(session)
    if args.json:
        output.json_lines(({"name": a.name, "kind": a.kind, "host": a.settings.get("host"),
                            "port": a.settings.get("port"), "user": a.settings.get("user"),
                            "folder": a.settings.get("folder"), "enabled": a.enabled,
                            "security": a.settings.get("security"),
                            "from": a.settings.get("from_address"),
                            "sent_copy": a.settings.get("sent_account"),
                            "preset": a.settings.get("preset")}
                           for a in found), ctx.out)
    elif found:
        output.table(["NAME", "KIND", "HOST", "USER", "FOLDER / FROM"],
                     ([a.name + ("" if a.enabled else " (off)"), a.kind,
                       f"{a.settings.get('host', '')}:{a.settings.get('port', '')}"
                       if a.settings.get("host") else str(a.settings.get("base_url") or ""),
                       str(a.settings.get("user") or ""),
                       str(a.settings.get("folder") or a.settings.get("from_address") or "")]
                      for a in found), ctx.out)
    else:
        ctx.err.write("no accounts yet\n")
    return 0
