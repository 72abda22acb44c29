"""`leaddesk export`: the filtered (or selected) leads as CSV for a CRM, or JSON Lines for scripts.

``leaddesk export [filters] [-o FILE]`` takes the same filter options as ``leaddesk list`` and
writes exactly those rows; ``leaddesk export presets …`` manages saved column mappings.
"""

from __future__ import annotations

import argparse

from leaddesk import export
from leaddesk.cli import names, output
from leaddesk.cli.context import Context
from leaddesk.cli.options import add_filter_options, filter_from_args, parse_ids, with_deadline
from leaddesk.cli.progress import ProgressBar
from leaddesk.errors import ValidationError
from leaddesk.export import presets
from leaddesk.query import Filter

EPILOG = """\
examples:
  leaddesk export --status new -o new-leads.csv
  leaddesk export --preset hubspot --per lead --since 2026-01-01 -o hubspot.csv
  leaddesk export --ids 12,40-45 --delimiter ';' -o picked.csv
  leaddesk export --format jsonl --all | jq .email
  leaddesk export presets save crm --columns "E-mail=email,Vorname=first_name,Nachname=last_name"
  leaddesk export --columns-preset crm -o crm.csv

CSV cells that start with = + - @ or a tab, CR or LF get a ' in front, so a spreadsheet never runs
them as a formula (this includes phone numbers such as +49 …). JSON Lines is never altered."""


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "export", help="export the filtered leads as CSV or JSON Lines",
        description="Write exactly the leads that `leaddesk list` shows for the same filters "
                    "(or a selection, --ids) as CSV for a CRM or JSON Lines for scripts.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_filter_options(p)
    picked = p.add_argument_group("selection")
    picked.add_argument("--ids", metavar="IDS",
                        help="only these submissions: 42, 42,43 or 40-45 (listed spam and other "
                             "mail included; other filters still apply)")
    out = p.add_argument_group("output")
    out.add_argument("--preset", choices=sorted(presets.BUILTIN), default=None,
                     help="column layout for CSV: hubspot, salesforce or generic (the default)")
    out.add_argument("--columns-preset", metavar="NAME",
                     help="a column mapping saved with `leaddesk export presets save`")
    out.add_argument("--per", choices=[per.value for per in export.Per], default="submission",
                     help="one row per submission (default) or per lead: a contact's latest "
                          "submission plus first touch, count and first/last contact")
    out.add_argument("-o", "--output", metavar="FILE",
                     help="write to FILE (default: standard output); the file appears only "
                          "when complete")
    out.add_argument("--format", choices=[fmt.value for fmt in export.Format], default="csv",
                     help="csv (default) or jsonl: one JSON object per line, for scripts")
    out.add_argument("--encoding", choices=export.ENCODINGS, default=None,
                     help="utf-8-sig: UTF-8 with a BOM, for Excel (CSV default); utf-8: without "
                          "(the salesforce preset's default)")
    out.add_argument("--delimiter", choices=export.DELIMITERS, default=",", metavar="{',',';'}",
                     help="cell separator: , (default) or ; (Excel in many European locales)")
    p.set_defaults(handler=run_export)

    actions = p.add_subparsers(dest="export_action", metavar="presets", title="saved mappings")
    pp = actions.add_parser("presets", help="list, save or delete saved column mappings")
    preset_actions = pp.add_subparsers(dest="presets_action", metavar="ACTION", required=True)
    q = preset_actions.add_parser("list", help="built-in presets and saved mappings")
    q.add_argument("--json", action="store_true", help="one JSON object per line")
    q.set_defaults(handler=run_presets_list)
    q = preset_actions.add_parser("fields", help="the field names a mapping can use")
    q.set_defaults(handler=run_presets_fields)
    q = preset_actions.add_parser("save", help="save (or replace) a column mapping under NAME")
    q.add_argument("name", metavar="NAME")
    q.add_argument("--columns", action="append", required=True, metavar="HEADER=FIELD,...",
                   help='columns in order, e.g. "E-mail=email,Name=name" (a bare field is its own '
                        "header; repeatable)")
    q.set_defaults(handler=run_presets_save)
    q = preset_actions.add_parser("delete", help="delete a saved column mapping")
    q.add_argument("name", metavar="NAME")
    q.set_defaults(handler=run_presets_delete)


def _filter(args: argparse.Namespace) -> Filter:
    flt = filter_from_args(args)
    if args.ids:
        # A listed id is asked for by name: show it even if it is spam or not a form submission.
        flt = flt.with_(ids=tuple(parse_ids(args.ids)), include_spam=True,
                        include_non_submissions=True)
    return flt


def _options(args: argparse.Namespace) -> export.ExportOptions:
    if args.preset and args.columns_preset:
        raise ValidationError("use --preset or --columns-preset, not both")
    fmt = export.Format(args.format)
    if fmt is export.Format.JSONL and (args.preset or args.columns_preset):
        raise ValidationError("presets lay out CSV columns; JSON Lines always has every field")
    if args.columns_preset:
        preset = presets.PresetStore().get(args.columns_preset)
    else:
        preset = presets.BUILTIN[args.preset or "generic"]
    return export.ExportOptions(preset=preset, per=export.Per(args.per), format=fmt,
                                encoding=args.encoding, delimiter=args.delimiter)


def run_export(args: argparse.Namespace, ctx: Context) -> int:
    flt = _filter(args)
    options = _options(args)
    bar = ProgressBar(ctx.err)
    db = ctx.database()
    flt = names.resolve_in(db, with_deadline(db, flt))
    if args.output and args.output != "-":
        export.export_to_file(db, flt, args.output, options, reporter=bar)
    else:
        export.export_to_stream(db, flt, ctx.out, options, reporter=bar)
    return 0


def run_presets_list(args: argparse.Namespace, ctx: Context) -> int:
    every = [*presets.BUILTIN.values(), *presets.PresetStore().all()]
    if args.json:
        output.json_lines(({"name": p.name, "builtin": p.builtin, "columns": [
            {"header": c.header, "field": c.field} for c in p.columns]} for p in every), ctx.out)
        return 0
    for p in every:
        kind = "built-in" if p.builtin else "saved"
        if p.builtin:
            columns = ", ".join(p.headers())
        else:
            columns = ", ".join(f"{c.header}={c.field}" for c in p.columns)
        ctx.out.write(f"{p.name} ({kind}): {columns}\n")
    return 0


def run_presets_fields(args: argparse.Namespace, ctx: Context) -> int:
    for name in export.FIELD_NAMES:
        ctx.out.write(name + "\n")
    return 0


def run_presets_save(args: argparse.Namespace, ctx: Context) -> int:
    preset = presets.custom_preset(args.name, presets.parse_columns(args.columns))
    presets.PresetStore().save(preset)
    ctx.out.write(f"saved export preset {preset.name!r}: {', '.join(preset.headers())}\n")
    return 0


def run_presets_delete(args: argparse.Namespace, ctx: Context) -> int:
    presets.PresetStore().delete(args.name)
    ctx.out.write(f"deleted export preset {args.name!r}\n")
    return 0
