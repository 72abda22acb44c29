"""Triage from the command line: status, tags, owners, notes, team members and contacts.

``ID`` takes one id, a list or a range (``42``, ``42,43``, ``40-45``); several ids run the bulk
version of the operation, all-or-nothing.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import TypeAlias

from sqlalchemy.orm import Session

from leaddesk import contacts, triage
from leaddesk.changes import Change
from leaddesk.cli import output
from leaddesk.cli.context import Context
from leaddesk.cli.options import NONE_WORDS, parse_ids
from leaddesk.db.models import Status
from leaddesk.errors import ValidationError
from leaddesk.triage.results import tag_diff

Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def add_parsers(sub: Subparsers) -> None:
    p = sub.add_parser("status", help="set the status of submissions")
    p.add_argument("ids", metavar="ID")
    p.add_argument("value", metavar="VALUE", help=", ".join(s.value for s in Status))
    p.add_argument("--expect-version", type=int, metavar="N",
                   help="fail with a conflict if the submission is no longer at version N")
    p.set_defaults(handler=run_status)

    p = sub.add_parser("tag", help="add a tag to submissions (created if new), or --remove it")
    p.add_argument("ids", metavar="ID")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--remove", action="store_true", help="remove the tag instead")
    p.set_defaults(handler=run_tag)

    p = sub.add_parser("assign", help="assign submissions to a team member ('none' unassigns)")
    p.add_argument("ids", metavar="ID")
    p.add_argument("who", metavar="WHO")
    p.set_defaults(handler=run_assign)

    p = sub.add_parser("note", help="add an internal note to a submission")
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("text", metavar="TEXT")
    p.set_defaults(handler=run_note)

    _add_tags_parsers(sub)
    _add_members_parsers(sub)
    _add_contacts_parsers(sub)


def _add_tags_parsers(sub: Subparsers) -> None:
    p = sub.add_parser("tags", help="the tag catalogue: list, create, rename, recolour, delete")
    p.set_defaults(handler=run_tags_list)
    tags = p.add_subparsers(dest="tags_command", metavar="COMMAND")
    tags.add_parser("list", help="tags with colours and counts").set_defaults(handler=run_tags_list)
    c = tags.add_parser("create", help="create a tag")
    c.add_argument("name")
    c.add_argument("--colour", "--color", default=triage.DEFAULT_TAG_COLOUR,
                   help="#rrggbb or a colour name (default grey)")
    c.set_defaults(handler=run_tags_create)
    r = tags.add_parser("rename", help="rename a tag everywhere")
    r.add_argument("old")
    r.add_argument("new")
    r.set_defaults(handler=run_tags_rename)
    rc = tags.add_parser("recolour", aliases=["recolor"], help="change a tag's colour")
    rc.add_argument("name")
    rc.add_argument("colour")
    rc.set_defaults(handler=run_tags_recolour)
    d = tags.add_parser("delete", help="delete a tag from every submission")
    d.add_argument("name")
    d.set_defaults(handler=run_tags_delete)


def _add_members_parsers(sub: Subparsers) -> None:
    p = sub.add_parser("members", help="team members who can own submissions")
    p.set_defaults(handler=run_members_list)
    p.add_argument("--json", action="store_true", help="one JSON object per member")
    members = p.add_subparsers(dest="members_command", metavar="COMMAND")
    listing = members.add_parser("list", help="list team members (and who is away)")
    # SUPPRESS: `members --json list` keeps the --json given before the word "list".
    listing.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                         help="one JSON object per member")
    listing.set_defaults(handler=run_members_list)
    a = members.add_parser("add", help="add a team member")
    a.add_argument("name")
    a.add_argument("--email")
    a.set_defaults(handler=run_members_add)
    r = members.add_parser("remove", help="remove a team member (kept inactive while they own work)")
    r.add_argument("name")
    r.set_defaults(handler=run_members_remove)


def _add_contacts_parsers(sub: Subparsers) -> None:
    p = sub.add_parser("contacts", help="visitors: show, merge duplicates, erase on request")
    people = p.add_subparsers(dest="contacts_command", metavar="COMMAND", required=True)
    s = people.add_parser("show", help="one contact by id or e-mail")
    s.add_argument("contact", metavar="ID_OR_EMAIL")
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=run_contacts_show)
    m = people.add_parser("merge", help="fold contact DROP into KEEP (one person, two addresses)")
    m.add_argument("keep", type=int, metavar="KEEP")
    m.add_argument("drop", type=int, metavar="DROP")
    m.set_defaults(handler=run_contacts_merge)
    e = people.add_parser("erase", help="erase a person and all their messages (GDPR request)")
    e.add_argument("contact", metavar="ID_OR_EMAIL")
    e.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")
    e.set_defaults(handler=run_contacts_erase)


# ------------------------------------------------------------------ submissions

def _apply(ctx: Context, ids: Sequence[int],
           one: Callable[[Session, int], triage.Edit],
           many: Callable[[Session, Sequence[int]], Change],
           describe: Callable[[triage.Edit], str] | None = None, what: str = "") -> int:
    """Run the single-row operation for one id (with its conflict check), the bulk one for more.

    ``describe`` words a single change instead of the audit phrase; ``what`` follows the bulk count
    (tagging names the tag either way: "already tagged" alone would not say which)."""
    with ctx.database().session() as session:
        if len(ids) == 1:
            change = one(session, ids[0])
            text = describe(change) if describe else triage.describe_change(
                change.action, change.before, change.after)
            state = "changed" if change.changed else "unchanged"
            ctx.out.write(f"#{change.submission_id} {state}: {text} (version {change.version})\n")
        else:
            changed = many(session, ids).count
            ctx.out.write(f"{changed} of {len(ids)} submissions changed{what}\n")
    return 0


def _tag_phrase(name: str, remove: bool) -> Callable[[triage.Edit], str]:
    def phrase(change: triage.Edit) -> str:
        # The stored spelling when the tag exists ("VIP" typed, "vip" stored).
        held = (change.after or change.before or {}).get("tags") or []
        names = tag_diff(change.before, change.after) or [
            t for t in held if t.casefold() == name.casefold()][:1] or [name]
        tag = ", ".join(f'"{n}"' for n in names)
        if remove:
            return f"tag {tag} removed" if change.changed else f"not tagged {tag}"
        return f"tagged {tag}" if change.changed else f"already tagged {tag}"
    return phrase


def run_status(args: argparse.Namespace, ctx: Context) -> int:
    ids = parse_ids(args.ids)
    value = args.value.lower()
    if args.expect_version is not None and len(ids) > 1:
        raise ValidationError("--expect-version works with a single ID")
    return _apply(
        ctx, ids,
        lambda s, i: triage.set_status(s, i, value, actor=ctx.actor,
                                       expected_version=args.expect_version),
        lambda s, many: triage.bulk_set_status(s, many, value, actor=ctx.actor))


def run_tag(args: argparse.Namespace, ctx: Context) -> int:
    ids = parse_ids(args.ids)
    name = " ".join(args.name.split())
    describe = _tag_phrase(name, args.remove)
    if args.remove:
        return _apply(ctx, ids,
                      lambda s, i: triage.remove_tag(s, i, args.name, actor=ctx.actor),
                      lambda s, many: triage.bulk_remove_tag(s, many, args.name, actor=ctx.actor),
                      describe, f' (tag "{name}" removed)')
    return _apply(ctx, ids,
                  lambda s, i: triage.add_tag(s, i, args.name, actor=ctx.actor),
                  lambda s, many: triage.bulk_add_tag(s, many, args.name, actor=ctx.actor),
                  describe, f' (tagged "{name}")')


def run_assign(args: argparse.Namespace, ctx: Context) -> int:
    ids = parse_ids(args.ids)
    who = None if args.who.lower() in NONE_WORDS else args.who
    return _apply(ctx, ids,
                  lambda s, i: triage.assign(s, i, who, actor=ctx.actor),
                  lambda s, many: triage.bulk_assign(s, many, who, actor=ctx.actor))


def run_note(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        triage.add_note(session, args.id, args.text, actor=ctx.actor)
    ctx.out.write(f"#{args.id}: note added\n")
    return 0


# ------------------------------------------------------------------ tags

def _print_tag(ctx: Context, verb: str, tag: triage.TagInfo) -> int:
    ctx.out.write(f"{verb} tag {tag.name} ({tag.colour}, {tag.submissions} submissions)\n")
    return 0


def run_tags_list(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        tags = triage.list_tags(session)
    if not tags:
        ctx.err.write("no tags yet; `leaddesk tag ID NAME` creates one\n")
        return 0
    output.table(["TAG", "COLOUR", "SUBMISSIONS"],
                 ([t.name, t.colour, str(t.submissions)] for t in tags), ctx.out)
    return 0


def run_tags_create(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        tag = triage.create_tag(session, args.name, args.colour, actor=ctx.actor)
    return _print_tag(ctx, "created", tag)


def run_tags_rename(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        tag = triage.rename_tag(session, args.old, args.new, actor=ctx.actor)
    return _print_tag(ctx, "renamed", tag)


def run_tags_recolour(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        tag = triage.recolour_tag(session, args.name, args.colour, actor=ctx.actor)
    return _print_tag(ctx, "recoloured", tag)


def run_tags_delete(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        tag = triage.delete_tag(session, args.name, actor=ctx.actor)
    return _print_tag(ctx, "deleted", tag)


# ------------------------------------------------------------------ members

def run_members_list(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        members = triage.list_members(session, include_inactive=True)
    if getattr(args, "json", False):
        output.json_lines((asdict(m) for m in members), ctx.out)
        return 0
    if not members:
        ctx.err.write("no team members yet; `leaddesk members add NAME` adds one\n")
        return 0
    output.table(["NAME", "E-MAIL", "ACTIVE", "ASSIGNED", "AWAY"],
                 ([m.name, m.email or "", "yes" if m.active else "no", str(m.assigned),
                   "yes" if m.away else "no"] for m in members), ctx.out)
    return 0


def run_members_add(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        member = triage.add_member(session, args.name, args.email, actor=ctx.actor)
    ctx.out.write(f"added team member {member.name}\n")
    return 0


def run_members_remove(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        removal = triage.remove_member(session, args.name, actor=ctx.actor)
    if removal.deleted:
        ctx.out.write(f"removed team member {removal.name}\n")
    else:
        ctx.out.write(f"{removal.name} still owns {removal.still_assigned} submissions: kept as "
                      f"inactive (reassign them, then remove again)\n")
    return 0


# ------------------------------------------------------------------ contacts

def _contact_key(text: str) -> int | str:
    return int(text) if text.isdigit() else text


def run_contacts_show(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        c = contacts.contact_summary(session, _contact_key(args.contact))
    if args.json:
        output.json_lines([{"id": c.id, "email": c.email, "name": c.name, "phone": c.phone,
                            "company": c.company, "aliases": list(c.aliases),
                            "submissions": c.submissions,
                            "first_seen_at": c.first_seen_at, "last_seen_at": c.last_seen_at}],
                          ctx.out)
        return 0
    ctx.out.write(f"contact {c.id}: {c.name or ''} <{c.email or ''}>\n")
    for label, value in (("phone", c.phone), ("company", c.company),
                         ("aliases", ", ".join(c.aliases)),
                         ("first seen", output.local(c.first_seen_at)),
                         ("last seen", output.local(c.last_seen_at))):
        if value:
            ctx.out.write(f"  {label}: {value}\n")
    ctx.out.write(f"  submissions: {c.submissions} (`leaddesk list --all` …)\n")
    return 0


def run_contacts_merge(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        result = contacts.merge_contacts(session, args.keep, args.drop, actor=ctx.actor)
    ctx.out.write(f"merged contact {result.dropped_id} into {result.kept.id} "
                  f"({result.submissions_moved} submissions moved)\n")
    return 0


def run_contacts_erase(args: argparse.Namespace, ctx: Context) -> int:
    if not args.yes:
        raise ValidationError("erasing deletes the person and all their messages for good; "
                              "add --yes to confirm")
    with ctx.database().session() as session:
        summary = contacts.erase_contact(session, _contact_key(args.contact), actor=ctx.actor)
    ctx.out.write(f"erased: {summary.submissions_erased} submissions, {summary.notes_erased} notes, "
                  f"{summary.replies_erased} replies; {summary.tombstones_written} tombstones keep "
                  f"a later sync from bringing them back\n")
    return 0
