"""`leaddesk team init` and `leaddesk team status`: a shared database for a team.

``init`` migrates the database named by ``--db`` (the schema upgrade runs on open) and adds team
members; run it again at will, existing members are left alone. ``status`` shows members, which
worker holds which account's sync lock, and who is viewing which message.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import Any

from leaddesk.cli import output
from leaddesk.cli.context import Context
from leaddesk.team import members as team


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("team", help="team mode on a shared database: init, status")
    p.set_defaults(handler=run_status)
    commands = p.add_subparsers(dest="team_command", metavar="COMMAND")
    i = commands.add_parser("init", help="migrate the shared database and add team members")
    i.add_argument("--member", action="append", default=[], metavar="NAME[:EMAIL]",
                   help="a team member to add (repeatable)")
    i.add_argument("--json", action="store_true", help="print the result as one JSON object")
    i.set_defaults(handler=run_init)
    s = commands.add_parser("status", help="members, sync workers and who is viewing what")
    s.add_argument("--json", action="store_true", help="print the status as one JSON object")
    s.set_defaults(handler=run_status)


def _json(ctx: Context, data: dict[str, Any]) -> None:
    ctx.out.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")


def run_init(args: argparse.Namespace, ctx: Context) -> int:
    specs = [team.MemberSpec.parse(m) for m in args.member]  # a typo fails before any change
    result = team.init_team(ctx.database(), specs, actor=ctx.actor)
    if args.json:
        _json(ctx, asdict(result))
        return 0
    ctx.out.write(f"team database ready: {result.database} (schema {result.revision}, "
                  f"live updates: {result.live_updates})\n")
    for m in result.members:
        state = "added" if m.created else "already a member"
        ctx.out.write(f"  {m.name}{f' <{m.email}>' if m.email else ''}: {state}\n")
    ctx.out.write("each desktop: Settings → General → \"I am\", or LEADDESK_USER / --as\n")
    return 0


def run_status(args: argparse.Namespace, ctx: Context) -> int:
    status = team.team_status(ctx.database())
    if getattr(args, "json", False):
        _json(ctx, {
            "database": status.database, "dialect": status.dialect,
            "live_updates": team.live_updates(ctx.database()),
            "members": [asdict(m) for m in status.members],
            "workers": [asdict(w) for w in status.workers],
            "viewing": [{"submission_id": v.submission_id, "member": v.member,
                         "expires_at": v.expires_at} for v in status.viewing]})
        return 0
    ctx.out.write(f"database: {status.database} · live updates: "
                  f"{team.live_updates(ctx.database())}\n\nmembers:\n")
    output.table(["NAME", "E-MAIL", "ASSIGNED"],
                 ([m.name, m.email or "", str(m.assigned)] for m in status.members), ctx.out)
    ctx.out.write("\nsync workers:\n")
    if status.workers:
        output.table(["ACCOUNT", "WORKER", "SINCE"],
                     ([w.account, w.holder, output.local(w.since)] for w in status.workers),
                     ctx.out)
    else:
        ctx.out.write("  none running (start one with `leaddesk sync --watch`)\n")
    ctx.out.write("\nviewing now:\n")
    if status.viewing:
        output.table(["MESSAGE", "WHO"], ([f"#{v.submission_id}", v.member]
                                         for v in status.viewing), ctx.out)
    else:
        ctx.out.write("  nobody\n")
    return 0
