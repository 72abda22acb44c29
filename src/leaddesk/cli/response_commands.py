"""`leaddesk insights response-times` and `leaddesk business-hours`: how fast leads get a first
answer, and the team's business hours and response target those figures are measured in.

Business hours are a team-wide setting in the database (leaddesk.response_times), so on a shared
PostgreSQL `business-hours set` changes them for every desktop.
"""

from __future__ import annotations

import argparse
import json

from sqlalchemy.orm import Session

from leaddesk import response_stats, response_times
from leaddesk.business_hours import BusinessHours, format_week, parse_holidays, parse_week
from leaddesk.cli import output
from leaddesk.cli.context import Context
from leaddesk.cli.options import add_filter_options, filter_from_args
from leaddesk.response_stats import GROUPINGS, ResponseStat, duration_text
from leaddesk.response_times import ResponsePolicy


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("insights", help="figures for managers: response times")
    kinds = p.add_subparsers(dest="insights_command", metavar="WHAT", required=True)
    r = kinds.add_parser("response-times", help="median and 90th percentile of time to first "
                         "answer (business hours) per week, owner and topic")
    add_filter_options(r)
    r.add_argument("--by", action="append", choices=GROUPINGS, default=[],
                   help="only this grouping (repeatable; default: week, owner and topic)")
    r.add_argument("--json", action="store_true",
                   help="one JSON object per group: by, group, answered, waiting, overdue, "
                        "median_s, p90_s (business seconds)")
    r.set_defaults(handler=run_response_times)

    h = sub.add_parser("business-hours", help="the team's business hours and response target")
    h.set_defaults(handler=run_hours_show, json=False)
    actions = h.add_subparsers(dest="hours_command", metavar="ACTION")
    s = actions.add_parser("show", help="the hours, time zone, holidays and target")
    s.add_argument("--json", action="store_true", help="print one JSON object")
    s.set_defaults(handler=run_hours_show)
    e = actions.add_parser("set", help="change them for the whole team (unnamed parts are kept)")
    e.add_argument("--time-zone", metavar="ZONE", help="IANA name, e.g. Europe/Stockholm")
    e.add_argument("--week", metavar="HOURS",
                   help='working hours, e.g. "mon-fri 09:00-17:00; sat 10:00-12:00"')
    e.add_argument("--holidays", metavar="DATES",
                   help="days off, YYYY-MM-DD separated by commas ('' for none)")
    e.add_argument("--target-hours", type=float, metavar="H",
                   help="a lead unanswered for more than H business hours is overdue (default 8)")
    e.set_defaults(handler=run_hours_set)


def _group_text(stat: ResponseStat) -> str:
    if stat.key is None:
        return "(no owner)" if stat.by == "owner" else "(no topic)" if stat.by == "topic" else "all"
    return stat.key.isoformat() if not isinstance(stat.key, str) else stat.key


def run_response_times(args: argparse.Namespace, ctx: Context) -> int:
    db = ctx.database()
    flt = filter_from_args(args)
    with db.session() as session:
        flt = response_times.resolve(session, flt)
        found = response_stats.report(session, flt)
    wanted = args.by or list(GROUPINGS)
    if args.json:
        output.json_lines((s.as_json() for by in wanted for s in found.groups[by]), ctx.out)
        return 0
    ctx.out.write(f"Time to first answer in business hours ({_policy_line(found.policy)})\n")
    for by in wanted:
        ctx.out.write(f"\nper {by}\n")
        output.table([by.upper(), "ANSWERED", "MEDIAN", "P90", "WAITING", "OVERDUE"],
                     ([_group_text(s), str(s.answered), duration_text(s.median_s),
                       duration_text(s.p90_s), str(s.waiting), str(s.overdue)]
                      for s in found.groups[by]), ctx.out)
    return 0


def _policy_line(policy: ResponsePolicy) -> str:
    return (f"{format_week(policy.hours.week)}, {policy.hours.time_zone}; "
            f"overdue after {policy.target_hours:g} h")


def run_hours_show(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        policy = response_times.load_policy(session)
    if args.json:
        ctx.out.write(json.dumps(policy.as_json(), ensure_ascii=False) + "\n")
        return 0
    hours = policy.hours
    ctx.out.write(f"time zone:  {hours.time_zone}\nweek:       {format_week(hours.week)}\n"
                  f"holidays:   {', '.join(sorted(d.isoformat() for d in hours.holidays)) or 'none'}"
                  f"\ntarget:     {policy.target_hours:g} business hours to a first answer\n")
    return 0


def run_hours_set(args: argparse.Namespace, ctx: Context) -> int:
    db = ctx.database()

    def change(session: Session) -> ResponsePolicy:
        old = response_times.load_policy(session)
        hours = BusinessHours(
            time_zone=args.time_zone if args.time_zone is not None else old.hours.time_zone,
            week=parse_week(args.week) if args.week is not None else old.hours.week,
            holidays=(parse_holidays(args.holidays) if args.holidays is not None
                      else old.hours.holidays))
        target = args.target_hours if args.target_hours is not None else old.target_hours
        policy = ResponsePolicy(hours, target)
        response_times.save_policy(session, policy, actor=ctx.actor)
        return policy

    policy = db.transaction(change)
    ctx.out.write(f"business hours saved: {_policy_line(policy)}\n")
    return 0
