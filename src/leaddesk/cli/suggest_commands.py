"""`leaddesk suggest`: what the model learnt from the team suggests, and accepting or rejecting it.

    leaddesk suggest [ID] [--json] [--limit N]      suggestions for one lead, or the newest untriaged
    leaddesk suggest accept ID [topic|tags|owner…]  apply them through triage (audited as you)
    leaddesk suggest reject ID [topic|tags|owner…]  say no; the lead is left as it is
    leaddesk suggest retrain [--full] [--json]      fold in the latest triage (or count it all again)

Suggesting first folds the team's latest triage into the stored model (an incremental update,
milliseconds); nothing is applied to a lead without `accept`.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from leaddesk import suggest
from leaddesk.cli import output
from leaddesk.cli.context import Context
from leaddesk.errors import ConflictError, ValidationError

ACTIONS = ("accept", "reject", "retrain")


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "suggest", help="suggested topic, tags and owner for untriaged leads; accept or reject",
        description="Suggestions learnt on this machine from the team's own triage. "
                    "`suggest [ID]` shows them, `suggest accept ID [topic|tags|owner…]` applies "
                    "them, `suggest reject ID [topic|tags|owner…]` says no, `suggest retrain` "
                    "updates the model.")
    p.add_argument("words", nargs="*", metavar="ID | accept ID | reject ID | retrain",
                   help="a lead's id; or accept/reject ID [topic|tags|owner…]; or retrain")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("--limit", type=int, default=20,
                   help="without an id: how many untriaged leads (default 20)")
    p.add_argument("--full", action="store_true", help="retrain: count everything again")
    p.set_defaults(handler=run_suggest)


def _lead_id(word: str) -> int:
    try:
        return int(word.lstrip("#"))
    except ValueError:
        raise ValidationError(f"{word!r} is not a lead id; `leaddesk list` shows them") from None


def run_suggest(args: argparse.Namespace, ctx: Context) -> int:
    words: list[str] = args.words
    if words and words[0] in ACTIONS:
        action, rest = words[0], words[1:]
        if action == "retrain":
            if rest:
                raise ValidationError("`suggest retrain` takes no id; try `suggest retrain --full`")
            return _retrain(args, ctx)
        if not rest:
            raise ValidationError(f"which lead? `leaddesk suggest {action} ID [topic|tags|owner]`")
        return _decide(action, _lead_id(rest[0]), rest[1:] or None, args, ctx)
    if len(words) > 1:
        raise ValidationError("one lead at a time: `leaddesk suggest ID`, or no id for the newest")
    return _show(_lead_id(words[0]) if words else None, args, ctx)


def _refresh(ctx: Context) -> None:
    """Fold in the latest triage; a colleague updating at the same moment is no reason to stop."""
    try:
        with ctx.database().session() as session:
            suggest.update(session)
    except ConflictError:
        pass


def _show(lead: int | None, args: argparse.Namespace, ctx: Context) -> int:
    _refresh(ctx)
    with ctx.database().session() as session:
        ids = [lead] if lead is not None else suggest.untriaged(session, max(args.limit, 1))
        found = [suggest.suggest(session, sid) for sid in ids]
    if args.json:
        output.json_lines(({"id": f.submission_id, "suggestions": f.as_json()} for f in found),
                          ctx.out)
        return 0
    if not found:
        ctx.out.write("no untriaged leads\n")
    for f in found:
        _print(f, ctx)
    return 0


def _print(found: suggest.Suggestions, ctx: Context) -> None:
    sid = found.submission_id
    if not found.untriaged:
        ctx.out.write(f"#{sid}: already triaged, nothing to suggest\n")
        return
    if not found.trained:
        ctx.out.write(f"#{sid}: nothing learnt yet; triage some leads first\n")
        return
    items = found.all
    if not items:
        ctx.out.write(f"#{sid}: no suggestion (nothing like it was triaged before)\n")
        return
    ctx.out.write(f"#{sid}\n")
    output.table(["", "SUGGESTED", "CONFIDENCE", "BECAUSE"],
                 ([s.target, s.value, s.percent, s.because()] for s in items),
                 ctx.out)
    ctx.out.write(f"accept: leaddesk suggest accept {sid} [topic|tags|owner]  ·  "
                  f"reject: leaddesk suggest reject {sid} [topic|tags|owner]\n")


def _decide(action: str, sid: int, targets: Sequence[str] | None, args: argparse.Namespace,
            ctx: Context) -> int:
    with ctx.database().session() as session:
        if action == "accept":
            accepted = suggest.accept(session, sid, targets, actor=ctx.actor)
            chosen = list(accepted.accepted)
        else:
            chosen = suggest.reject(session, sid, targets, actor=ctx.actor)
    if args.json:
        output.json_lines([{"id": sid, action + "ed": [
            {"target": s.target, "value": s.value} for s in chosen]}], ctx.out)
        return 0
    what = ", ".join(f"{s.target} {s.value}" for s in chosen)
    if action == "accept":
        ctx.out.write(f"#{sid}: {what} (as {ctx.actor}; `leaddesk show {sid}` has the history)\n")
    else:
        ctx.out.write(f"#{sid}: rejected {what}; it is not suggested for this lead again\n")
    return 0


def _retrain(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.database().session() as session:
        trained = suggest.retrain(session) if args.full else suggest.update(session)
    if args.json:
        output.json_lines([trained.as_json()], ctx.out)
        return 0
    how = "retrained on" if trained.full else "updated:"
    ctx.out.write(f"suggestions {how} {trained.examples} triaged leads "
                  f"({trained.changed} changed, {trained.rejections} rejections counted)\n")
    return 0
