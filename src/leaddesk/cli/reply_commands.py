"""`leaddesk reply ID …` and `leaddesk templates …`: answering a lead and the saved replies.

A reply goes out through an SMTP account; when it fails the draft is kept (shown as failed by
`leaddesk show`) and the next `leaddesk reply` on the same lead continues it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from leaddesk.cli import output
from leaddesk.cli.context import Context
from leaddesk.errors import ValidationError
from leaddesk.reply import compose, service, templates

Parser = argparse.ArgumentParser


def add_parsers(sub: argparse._SubParsersAction[Parser]) -> None:
    r = sub.add_parser("reply", help="answer a lead by e-mail (SMTP)")
    r.add_argument("id", type=int, metavar="ID", help="the submission to answer")
    body = r.add_mutually_exclusive_group(required=True)
    body.add_argument("--template", metavar="NAME", help="a saved reply (`leaddesk templates list`)")
    body.add_argument("--body-file", metavar="FILE", help="the reply's text (`-` reads stdin)")
    r.add_argument("--account", metavar="NAME", help="the SMTP account (default: the only one)")
    r.add_argument("--to", action="append", metavar="ADDRESS",
                   help="recipient (repeatable; default: the visitor)")
    r.add_argument("--cc", action="append", metavar="ADDRESS", help="copy to (repeatable)")
    r.add_argument("--subject", help="default: the template's, else \"Re: …\"")
    r.add_argument("--no-quote", action="store_true", help="leave out the quoted message")
    then = r.add_mutually_exclusive_group()
    then.add_argument("--status", choices=("new", "open", "waiting", "done"),
                      help="the lead's status once sent (default: the account's, waiting)")
    then.add_argument("--keep-status", action="store_true", help="leave the status as it is")
    r.add_argument("--json", action="store_true", help="print the result as one JSON object")
    r.set_defaults(handler=run_reply)

    t = sub.add_parser("templates", help="saved replies with {first_name}, {post_title}, …")
    t.set_defaults(handler=run_list, json=False)
    tsub = t.add_subparsers(dest="templates_command", metavar="COMMAND")
    ls = tsub.add_parser("list", help="the saved replies")
    ls.add_argument("--json", action="store_true", help="one JSON object per line")
    ls.set_defaults(handler=run_list)
    show = tsub.add_parser("show", help="one saved reply, as stored")
    show.add_argument("name", metavar="NAME")
    show.set_defaults(handler=run_show)
    add = tsub.add_parser("add", help="save a reply; placeholders: "
                                      + " ".join(f"{{{p}}}" for p in templates.PLACEHOLDERS))
    add.add_argument("name", metavar="NAME")
    add.add_argument("--body-file", required=True, metavar="FILE", help="the text (`-` reads stdin)")
    add.add_argument("--subject", help="the subject (default: \"Re: …\" of the lead)")
    add.set_defaults(handler=run_add)
    edit = tsub.add_parser("edit", help="change a saved reply")
    edit.add_argument("name", metavar="NAME")
    edit.add_argument("--body-file", metavar="FILE", help="new text (`-` reads stdin)")
    edit.add_argument("--subject", help="new subject (\"\" clears it)")
    edit.add_argument("--rename", metavar="NEW_NAME")
    edit.set_defaults(handler=run_edit)
    remove = tsub.add_parser("remove", help="delete a saved reply")
    remove.add_argument("name", metavar="NAME")
    remove.set_defaults(handler=run_remove)


def read_text(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    if Path(path).exists() and not Path(path).is_file():
        # A folder, a pipe or a device (/dev/zero would be read without end).
        raise ValidationError(f"{path} is not a text file")
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ValidationError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ValidationError(f"{path} is not UTF-8 text") from None


def run_reply(args: argparse.Namespace, ctx: Context) -> int:
    db = ctx.database()
    with db.session() as session:
        account = service.smtp_account(session, args.account)
        lead = compose.load_lead(session, args.id)
        template = templates.get_template(session, args.template) if args.template else None
    me = service.my_name(account, ctx.actor)
    draft = compose.default_draft(lead, my_name=me, template=template)
    body = draft.body
    if args.body_file:
        body = read_text(args.body_file).rstrip() + "\n\n" + compose.quote(lead)
    if args.no_quote:
        body = body.removesuffix(compose.quote(lead)).rstrip() + "\n"
    draft = compose.Draft(
        to=tuple(args.to) if args.to else draft.to, cc=tuple(args.cc or ()),
        subject=args.subject if args.subject is not None else draft.subject, body=body)
    status = "keep" if args.keep_status else (args.status or "account")
    result = service.send_reply(db, args.id, draft, account, actor=ctx.actor, status_after=status)
    if args.json:
        output.json_lines([result.as_json()], ctx.out)
    else:
        moved = f"; status {result.status}" if result.status else ""
        copy = f"; copy in {result.copied_to}" if result.copied_to else ""
        ctx.out.write(f"sent reply to {', '.join(result.recipients)} via {account.name}"
                      f"{moved}{copy}\n")
    if result.copy_error:
        ctx.err.write(f"leaddesk: {result.copy_error}\n")
    if result.refused:
        ctx.err.write(f"leaddesk: the server refused {', '.join(result.refused)}\n")
    return 0


def run_list(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        found = templates.list_templates(session)
    if args.json:
        output.json_lines(({"name": t.name, "subject": t.subject, "body": t.body} for t in found),
                          ctx.out)
    elif found:
        output.table(["NAME", "SUBJECT", "BEGINS"],
                     ([t.name, t.subject or "Re: …", output.clip(t.body, 50)] for t in found),
                     ctx.out)
    else:
        ctx.err.write("no templates yet; add one with `leaddesk templates add NAME --body-file F`\n")
    return 0


def run_show(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        t = templates.get_template(session, args.name)
    ctx.out.write(f"Name: {t.name}\nSubject: {t.subject or 'Re: …'}\n\n{t.body.rstrip()}\n")
    return 0


def run_add(args: argparse.Namespace, ctx: Context) -> int:
    body = read_text(args.body_file)
    with ctx.database().session() as session:
        t = templates.add_template(session, args.name, body, args.subject, actor=ctx.actor)
    ctx.out.write(f"saved template {t.name}\n")
    return 0


def run_edit(args: argparse.Namespace, ctx: Context) -> int:
    if args.body_file is None and args.subject is None and args.rename is None:
        raise ValidationError("nothing to change; give --body-file, --subject or --rename")
    body = read_text(args.body_file) if args.body_file else None
    with ctx.database().session() as session:
        t = templates.edit_template(session, args.name, actor=ctx.actor, new_name=args.rename,
                                    body=body, subject=args.subject)
    ctx.out.write(f"changed template {t.name}\n")
    return 0


def run_remove(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        t = templates.remove_template(session, args.name, actor=ctx.actor)
    ctx.out.write(f"removed template {t.name}\n")
    return 0
