"""Correcting and re-reading leads: `leaddesk edit`, `leaddesk reparse` and `leaddesk labels`."""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import TypeAlias

from leaddesk import contacts, reparse, triage
from leaddesk.cli import names, output
from leaddesk.cli.context import Context
from leaddesk.cli.options import add_filter_options, filter_from_args, with_deadline
from leaddesk.cli.progress import ProgressBar
from leaddesk.errors import ValidationError
from leaddesk.ingest import labels

Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def add_parsers(sub: Subparsers) -> None:
    p = sub.add_parser("edit", help="correct a lead's name, e-mail, phone, company, topic or page")
    p.add_argument("id", type=int, metavar="ID")
    for name in triage.EDITABLE:
        flag = "--" + name.replace("_", "-")
        p.add_argument(flag, dest=name, metavar="VALUE",
                       help=f"the {name.replace('_', ' ')} ('' clears it)")
    p.add_argument("--merge-contact", action="store_true",
                   help="when the new e-mail belongs to another contact, merge the two")
    p.add_argument("--expect-version", type=int, metavar="N",
                   help="fail with a conflict if the submission is no longer at version N")
    p.set_defaults(handler=run_edit)

    p = sub.add_parser("reparse", help="re-read stored mail with the current parser and taught "
                                       "labels (keeps every correction a person made)")
    add_filter_options(p)
    p.add_argument("--dry-run", action="store_true", help="say what would change, with examples")
    p.add_argument("--stale", action="store_true",
                   help="only messages an older parser read (what the window does by itself)")
    p.add_argument("--json", action="store_true", help="print the report as one JSON object")
    p.set_defaults(handler=run_reparse)

    p = sub.add_parser("labels", help="labels taught per form: map, list, remove")
    p.set_defaults(handler=run_labels_list)
    taught = p.add_subparsers(dest="labels_command", metavar="COMMAND")
    m = taught.add_parser("map", help="say once what a label is, e.g. labels map 'Area' topic")
    m.add_argument("label", metavar="LABEL")
    m.add_argument("field", metavar="FIELD", help=", ".join(labels.TEACHABLE))
    m.add_argument("--form", default="", help="the notification's sender address or the site's "
                                              "host (default: every form)")
    m.set_defaults(handler=run_labels_map)
    ls = taught.add_parser("list", help="every taught label")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=run_labels_list)
    r = taught.add_parser("remove", help="forget a taught label")
    r.add_argument("label", metavar="LABEL")
    r.add_argument("--form", default="")
    r.set_defaults(handler=run_labels_remove)


def run_edit(args: argparse.Namespace, ctx: Context) -> int:
    changes = {name: getattr(args, name) for name in triage.EDITABLE
               if getattr(args, name) is not None}
    if not changes:
        raise ValidationError("nothing to edit; give at least one of "
                              + ", ".join("--" + n.replace("_", "-") for n in triage.EDITABLE))
    with ctx.database().session() as session:
        result = triage.edit_submission(session, args.id, changes, actor=ctx.actor,
                                        expected_version=args.expect_version)
        merged = None
        if result.merge_offer is not None and args.merge_contact:
            keep, drop = result.merge_offer
            merged = contacts.merge_contacts(session, keep, drop, actor=ctx.actor)
    change = result.change
    state = "changed" if change.changed else "unchanged"
    text = triage.describe_change(change.action, change.before, change.after)
    ctx.out.write(f"#{change.submission_id} {state}: {text} (version {change.version})\n")
    if merged is not None:
        ctx.out.write(f"merged contact {merged.dropped_id} into {merged.kept.id}\n")
    elif result.merge_offer is not None:
        keep, drop = result.merge_offer
        ctx.out.write(f"contact {keep} already has this address; `leaddesk contacts merge {keep} "
                      f"{drop}` merges contact {drop} into it (or add --merge-contact)\n")
    return 0


def run_reparse(args: argparse.Namespace, ctx: Context) -> int:
    db = ctx.database()
    bar = ProgressBar(ctx.err)
    if args.stale:
        with db.session() as session:
            ids = reparse.stale_ids(session)
        report = reparse.reparse(db, ids=ids, dry_run=args.dry_run, reporter=bar)
    else:
        # Re-reading is how hidden leads come back: spam and non-submissions are always included.
        flt = names.resolve_in(db, replace(with_deadline(db, filter_from_args(args)),
                                           include_spam=True, include_non_submissions=True))
        report = reparse.reparse(db, flt, dry_run=args.dry_run, reporter=bar)
    if args.json:
        output.json_lines([report.as_json()], ctx.out)
        return 0
    if report.counts:
        output.table(["FIELD", "MESSAGES"],
                     ([name, str(n)] for name, n in sorted(report.counts.items())), ctx.out)
    if args.dry_run and report.examples:
        ctx.out.write("\nExamples:\n")
        for e in report.examples:
            ctx.out.write(f"  #{e.submission_id} {e.field}: {e.before or '(empty)'!s} → "
                          f"{e.after or '(empty)'!s}\n")
        ctx.out.write("\nNothing was written (--dry-run).\n")
    return 0


def run_labels_map(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        rule = labels.map_label(session, args.label, args.field, form=args.form, actor=ctx.actor)
    where = f"on {rule.form}" if rule.form else "on every form"
    ctx.out.write(f"label {rule.label!r} is {rule.field} {where}; new mail is read with it, "
                  f"`leaddesk reparse` re-reads stored mail\n")
    return 0


def run_labels_list(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        rules = labels.list_labels(session)
    if getattr(args, "json", False):
        output.json_lines((r.as_json() for r in rules), ctx.out)
        return 0
    if not rules:
        ctx.err.write("no labels taught yet; `leaddesk labels map LABEL FIELD` teaches one\n")
        return 0
    output.table(["FORM", "LABEL", "FIELD", "BY"],
                 ([r.form or "(every form)", r.label, r.field, r.created_by] for r in rules),
                 ctx.out)
    return 0


def run_labels_remove(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        rule = labels.remove_label(session, args.label, form=args.form, actor=ctx.actor)
    ctx.out.write(f"forgot label {rule.label!r} ({rule.field})\n")
    return 0
