"""Parsing of the values users type: id lists, dates, filter options shared by list and export."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from leaddesk.errors import ValidationError
from leaddesk.query import Filter, Sort
from leaddesk.statuses import Status

if TYPE_CHECKING:
    from leaddesk.db import Database

NONE_WORDS = ("none", "-")


def parse_ids(text: str) -> list[int]:
    """``42``, ``42,43`` or ``40-45`` (and mixes of these) to a list of ids."""
    ids: list[int] = []
    for part in text.split(","):
        part = part.strip()
        try:
            if "-" in part:
                low, high = (int(x) for x in part.split("-", 1))
                if high < low or high - low > 1_000_000:
                    raise ValueError
                ids.extend(range(low, high + 1))
            else:
                ids.append(int(part))
        except ValueError:
            raise ValidationError(f"not a submission id or range: {part!r} "
                                  f"(use 42, 42,43 or 40-45)") from None
    return ids


def parse_when(text: str, *, end_of_day: bool = False) -> datetime:
    """A date or date-time in ISO 8601; without a zone it means local time."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime.combine(day + timedelta(days=1) if end_of_day else day, time())
        else:
            moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"not a date: {text!r} (use YYYY-MM-DD or YYYY-MM-DDTHH:MM)") from None
    return moment if moment.tzinfo else moment.astimezone()


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("filters")
    group.add_argument("-q", "--text", "--search", dest="text", default="",
                       help="free text over name, e-mail, company, subject, message, topic, post")
    group.add_argument("--status", action="append", default=[], metavar="STATUS",
                       help=f"one of {', '.join(s.value for s in Status)} (repeat or comma-separate)")
    group.add_argument("--topic", action="append", default=[], metavar="TOPIC",
                       help="topic of interest (repeatable); 'none' for leads without a topic")
    group.add_argument("--tag", action="append", default=[], metavar="TAG",
                       help="has this tag (repeatable: all must be present)")
    group.add_argument("--assignee", "--owner", dest="assignee", action="append", default=[],
                       metavar="WHO", help="assigned to WHO (repeatable); 'none' for unassigned")
    group.add_argument("--unassigned", action="store_true", help="same as --assignee none")
    group.add_argument("--account", action="append", default=[], metavar="NAME",
                       help="from this account (repeatable)")
    group.add_argument("--since", metavar="DATE", help="received on or after DATE")
    group.add_argument("--until", metavar="DATE", help="received on or before DATE")
    replied = group.add_mutually_exclusive_group()
    replied.add_argument("--replied", dest="replied", action="store_const", const=True,
                         default=None, help="only leads that were answered")
    replied.add_argument("--not-replied", dest="replied", action="store_const", const=False,
                         help="only leads still waiting for an answer")
    group.add_argument("--needs-reply", action="store_true", default=None,
                       help="only leads whose last message is the visitor's (not done)")
    group.add_argument("--unread", action="store_true", default=None,
                       help="only leads with an answer their owner has not read")
    group.add_argument("--overdue", action="store_true", default=None,
                       help="only leads nobody answered within the team's target in business "
                            "hours (`leaddesk business-hours show`)")
    group.add_argument("--all", action="store_true",
                       help="include spam and messages that are not form submissions")
    group.add_argument("--sort", default=Sort.RECEIVED.value,
                       choices=[s.value for s in Sort], help="sort key (default: received)")
    group.add_argument("--asc", action="store_true", help="oldest / A first")


def _split(values: list[str]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def _none_aware(values: list[str]) -> tuple[str | None, ...]:
    return tuple(None if v.lower() in NONE_WORDS else v for v in values)


def filter_from_args(args: argparse.Namespace) -> Filter:
    assignees = list(_none_aware(args.assignee))
    if args.unassigned:
        assignees.append(None)
    return Filter(
        text=args.text,
        statuses=tuple(s.lower() for s in _split(args.status)),
        topics=_none_aware(args.topic),
        tags=tuple(args.tag),
        assignees=tuple(assignees),
        accounts=tuple(args.account),
        received_from=parse_when(args.since) if args.since else None,
        received_to=parse_when(args.until, end_of_day=True) if args.until else None,
        replied=args.replied,
        needs_reply=True if getattr(args, "needs_reply", None) else None,
        unread=True if getattr(args, "unread", None) else None,
        overdue=True if getattr(args, "overdue", None) else None,
        include_spam=args.all,
        include_non_submissions=args.all,
        sort=Sort(args.sort),
        descending=not args.asc,
    )


def with_deadline(db: Database, flt: Filter) -> Filter:
    """``--overdue`` asks for the team's stored policy: its deadline, worked out once for now."""
    if flt.overdue is None:
        return flt
    from leaddesk import response_times  # only `--overdue` needs the business-hours arithmetic

    with db.session() as session:
        return response_times.resolve(session, flt)


def read_secret(what: str) -> str:
    """A password or token from standard input (one line): never on the command line."""
    if sys.stdin is None or sys.stdin.closed:
        raise ValidationError(f"--{what}-stdin was given but standard input is closed")
    value = sys.stdin.readline().rstrip("\r\n")
    if not value:
        raise ValidationError(f"no {what} on standard input")
    return value


def require_secret(given: bool, what: str) -> str:
    """:func:`read_secret`, or the error that says how to give it."""
    if not given:
        raise ValidationError(f"give the {what} with --{what}-stdin (it goes to the keyring, "
                              f"never on the command line)")
    return read_secret(what)
