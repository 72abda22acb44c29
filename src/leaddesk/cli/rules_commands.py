"""`leaddesk rules …`: rules that triage leads on arrival (add, list, edit, remove, test, run…).

``--when FIELD=VALUE`` (all must hold) and ``--do ACTION[=VALUE]`` are typed as the rule is stored;
adding or editing prints how many of the last 500 leads the rule would have changed, and
``--preview`` (or ``rules preview``) prints only that, saving nothing.
"""

from __future__ import annotations

import argparse
from typing import TypeAlias

from sqlalchemy.orm import Session

from leaddesk.cli import output
from leaddesk.cli.context import Context
from leaddesk.cli.options import add_filter_options, filter_from_args, parse_ids
from leaddesk.errors import ValidationError
from leaddesk.rules import acknowledge, catalog, roundrobin, service
from leaddesk.rules.spec import (
    ACTIONS,
    FIELDS,
    Action,
    Condition,
    RuleSpec,
    parse_action,
    parse_condition,
)

Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def _rule_options(p: argparse.ArgumentParser, *, editing: bool) -> None:
    p.add_argument("--when", action="append", metavar="FIELD=VALUE",
                   help=f"a condition (repeatable; all must hold): {', '.join(FIELDS)}"
                        + ("; replaces the rule's conditions (--when '' clears them)"
                           if editing else ""))
    p.add_argument("--do", action="append", metavar="ACTION[=VALUE]", required=not editing,
                   help=f"an action (repeatable): {', '.join(ACTIONS)}; "
                        "assign=round-robin:A,B spreads leads evenly"
                        + ("; replaces the rule's actions" if editing else ""))
    if editing:
        stop = p.add_mutually_exclusive_group()
        stop.add_argument("--stop", dest="stop", action="store_const", const=True,
                          help="rules below do not run on a lead this one matched")
        stop.add_argument("--no-stop", dest="stop", action="store_const", const=False,
                          help="let the rules below run too")
        on = p.add_mutually_exclusive_group()
        on.add_argument("--enable", dest="enabled", action="store_const", const=True)
        on.add_argument("--disable", dest="enabled", action="store_const", const=False)
        p.add_argument("--rename", metavar="NEW_NAME")
    else:
        p.add_argument("--stop", action="store_true",
                       help="rules below do not run on a lead this one matched")
        p.add_argument("--disabled", action="store_true", help="save it switched off")
    p.add_argument("--position", type=int, metavar="N", help="run it N-th (1 is first)")
    p.add_argument("--preview", action="store_true",
                   help="only print how many recent leads it would change; save nothing")


def add_parsers(sub: Subparsers) -> None:
    p = sub.add_parser("rules", help="rules that triage new leads on arrival")
    p.set_defaults(handler=run_list, json=False)
    rules = p.add_subparsers(dest="rules_command", metavar="COMMAND")

    a = rules.add_parser("add", help="add a rule")
    a.add_argument("name", metavar="NAME")
    _rule_options(a, editing=False)
    a.set_defaults(handler=run_add)

    ls = rules.add_parser("list", help="the rules in the order they run")
    ls.add_argument("--json", action="store_true", help="one JSON object per line")
    ls.set_defaults(handler=run_list)

    e = rules.add_parser("edit", help="change a rule")
    e.add_argument("name", metavar="NAME")
    _rule_options(e, editing=True)
    e.set_defaults(handler=run_edit)

    pv = rules.add_parser("preview", help="how many of the last 500 leads a rule would change")
    pv.add_argument("name", metavar="NAME", nargs="?", help="a saved rule (or give --when/--do)")
    pv.add_argument("--when", action="append", metavar="FIELD=VALUE")
    pv.add_argument("--do", action="append", metavar="ACTION[=VALUE]")
    pv.add_argument("--last", type=int, default=service.PREVIEW_LEADS, metavar="N")
    pv.set_defaults(handler=run_preview)

    r = rules.add_parser("remove", help="delete a rule (what it changed stays)")
    r.add_argument("name", metavar="NAME")
    r.set_defaults(handler=run_remove)

    t = rules.add_parser("test", help="which conditions hold on a lead, what the rule would change")
    t.add_argument("name", metavar="NAME")
    t.add_argument("--on", dest="id", type=int, required=True, metavar="ID")
    t.add_argument("--json", action="store_true")
    t.set_defaults(handler=run_test)

    run = rules.add_parser("run", help="run the rules on stored leads (leads a person changed "
                                       "are left alone)")
    add_filter_options(run)
    run.add_argument("--ids", metavar="IDS", help="only these ids (42, 42,43, 40-45)")
    run.add_argument("--dry-run", action="store_true", help="say what would change; change nothing")
    run.add_argument("--json", action="store_true", help="one JSON object per changed lead")
    run.set_defaults(handler=run_run)

    u = rules.add_parser("undo", help="undo what rules changed on a lead")
    u.add_argument("id", type=int, metavar="ID")
    u.add_argument("--rule", metavar="NAME", help="only this rule's changes")
    u.set_defaults(handler=run_undo)

    o = rules.add_parser("options", help="the rules' time zone and acknowledgements")
    o.add_argument("--timezone", metavar="ZONE",
                   help="e.g. Europe/Stockholm ('' = the team's business hours' zone, "
                        "else this computer's)")
    o.add_argument("--acknowledgements", choices=("on", "off"),
                   help="let acknowledge=TEMPLATE send (off by default)")
    o.add_argument("--acknowledge-account", metavar="NAME",
                   help="the SMTP account acknowledgements go out through")
    o.add_argument("--json", action="store_true")
    o.set_defaults(handler=run_options)

    for word, away in (("away", True), ("back", False)):
        w = rules.add_parser(word, help=f"mark a team member {word} "
                                        + ("(round-robin skips them)" if away else ""))
        w.add_argument("member", metavar="MEMBER")
        w.set_defaults(handler=run_away, away=away)


def _conditions(values: list[str] | None) -> tuple[Condition, ...]:
    return tuple(parse_condition(v) for v in values or [] if v.strip())


def _actions(values: list[str] | None) -> tuple[Action, ...]:
    return tuple(parse_action(v) for v in values or [])


def _preview_line(session: Session, spec: RuleSpec, ctx: Context) -> None:
    ctx.out.write(f"{spec.name}: {service.preview(session, spec)}\n")


def run_add(args: argparse.Namespace, ctx: Context) -> int:
    spec = RuleSpec(args.name, _conditions(args.when), _actions(args.do), stop=args.stop,
                    enabled=not args.disabled)
    with ctx.database().session() as session:
        if args.preview:
            catalog.check_references(session, spec.actions)
            _preview_line(session, spec, ctx)
            return 0
        saved = catalog.add_rule(session, spec, actor=ctx.actor, position=args.position)
        ctx.out.write(f"added rule {saved.name} (runs {_nth(saved.position)})\n")
        _preview_line(session, saved, ctx)
    return 0


def _nth(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def run_edit(args: argparse.Namespace, ctx: Context) -> int:
    conditions = _conditions(args.when) if args.when is not None else None
    actions = _actions(args.do) if args.do is not None else None
    if all(v is None for v in (conditions, actions, args.stop, args.enabled, args.rename,
                               args.position)) and not args.preview:
        raise ValidationError("nothing to change; give --when, --do, --stop/--no-stop, "
                              "--enable/--disable, --rename or --position")
    with ctx.database().session() as session:
        if args.preview:
            old = catalog.get_rule(session, args.name)
            spec = RuleSpec(old.name, conditions if conditions is not None else old.conditions,
                            actions if actions is not None else old.actions,
                            stop=old.stop if args.stop is None else args.stop)
            catalog.check_references(session, spec.actions)
            _preview_line(session, spec, ctx)
            return 0
        saved = catalog.edit_rule(session, args.name, actor=ctx.actor, new_name=args.rename,
                                  conditions=conditions, actions=actions, stop=args.stop,
                                  enabled=args.enabled, position=args.position)
        ctx.out.write(f"changed rule {saved.name}\n")
        _preview_line(session, saved, ctx)
    return 0


def run_preview(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        if args.name and not (args.when or args.do):
            spec = catalog.get_rule(session, args.name)
        elif args.do:
            spec = RuleSpec(args.name or "new rule", _conditions(args.when), _actions(args.do))
            catalog.check_references(session, spec.actions)
        else:
            raise ValidationError("name a saved rule, or give --when/--do for an unsaved one")
        ctx.out.write(f"{spec.name}: {service.preview(session, spec, last=args.last)}\n")
    return 0


def run_list(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        found = catalog.list_rules(session)
        counts = {r.name: roundrobin.counters(session, r.id) for r in found
                  if r.id is not None and any(a.round_robin for a in r.actions)}
    if args.json:
        output.json_lines(({**r.as_json(), **({"round_robin": counts[r.name]}
                                               if r.name in counts else {})} for r in found),
                          ctx.out)
    elif found:
        output.table(["#", "NAME", "ON", "WHEN", "DO", "STOP"], (
            [str(r.position), r.name, "yes" if r.enabled else "no",
             output.clip(" ".join(str(c) for c in r.conditions) or "(every lead)", 50),
             output.clip(" ".join(str(a) for a in r.actions), 50), "stop" if r.stop else ""]
            for r in found), ctx.out)
    else:
        ctx.err.write("no rules yet; add one with `leaddesk rules add NAME --when FIELD=VALUE "
                      "--do ACTION=VALUE`\n")
    return 0


def run_remove(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        removed = catalog.remove_rule(session, args.name, actor=ctx.actor)
    ctx.out.write(f"removed rule {removed.name}\n")
    return 0


def run_test(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        result = service.check_rule(session, args.name, args.id)
    if args.json:
        output.json_lines([result.as_json()], ctx.out)
        return 0
    ctx.out.write(f"rule {result.rule} on submission {result.lead}: "
                  f"{'matches' if result.matches else 'does not match'}\n")
    for condition, held, value in result.held:
        ctx.out.write(f"  {'yes' if held else 'no ':3}  {condition}  (the lead: "
                      f"{output.clip(value, 60)})\n")
    if not result.held:
        ctx.out.write("  (no conditions: every lead)\n")
    if result.matches:
        for change in result.would or ["nothing: the lead already is so"]:
            ctx.out.write(f"  would change: {change}\n")
    if result.note:
        ctx.out.write(f"  note: {result.note}\n")
    return 0


def run_run(args: argparse.Namespace, ctx: Context) -> int:
    db = ctx.database()
    with db.session() as session:
        if args.ids:
            report = service.run_on(session, parse_ids(args.ids), dry_run=args.dry_run)
        else:
            report = service.run_filtered(session, filter_from_args(args), dry_run=args.dry_run)
    for failure in report.failed:
        ctx.err.write(f"leaddesk: not done: {failure}\n")
    if report.acknowledgements and not args.dry_run:
        acknowledge.send_pending(db)
    if args.json:
        output.json_lines(({"id": lead, "changes": changes}
                           for lead, changes in sorted(report.changes.items())), ctx.out)
    else:
        for lead, changes in sorted(report.changes.items()):
            ctx.out.write(f"{lead}: {'; '.join(changes)}\n")
        verb = "would change" if args.dry_run else "changed"
        skipped = (f"; {report.skipped_by_person} left alone (a person changed them)"
                   if report.skipped_by_person else "")
        ctx.out.write(f"{verb} {report.changed} of {report.examined} leads{skipped}\n")
    return 0


def run_undo(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        undone = service.undo_rule(session, args.id, actor=ctx.actor, rule=args.rule)
    ctx.out.write(f"undid {len(undone)} change{'s' if len(undone) != 1 else ''} on submission "
                  f"{args.id}\n")
    return 0


def run_options(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        for key, value in ((catalog.TIMEZONE, args.timezone),
                           (catalog.ACKNOWLEDGEMENTS, args.acknowledgements),
                           (catalog.ACK_ACCOUNT, args.acknowledge_account)):
            if value is not None:
                catalog.set_option(session, key, value, actor=ctx.actor)
        options = catalog.get_options(session)
        unset_zone = catalog.default_zone_label(session)
    if args.json:
        output.json_lines([options], ctx.out)
    else:
        for key, value in options.items():
            shown = value or (unset_zone if key == catalog.TIMEZONE
                              else "the only one" if key == catalog.ACK_ACCOUNT else value)
            ctx.out.write(f"{key}: {shown}\n")
    return 0


def run_away(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        name = catalog.set_away(session, args.member, args.away, actor=ctx.actor)
    ctx.out.write(f"{name} is {'away' if args.away else 'back'}\n")
    return 0
