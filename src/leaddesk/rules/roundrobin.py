"""Round-robin assignment with an even spread that survives restarts.

Each rule keeps a counter per member in the database (``rule_counters``): the next lead goes to the
available member with the fewest, ties to the one listed first. A member marked away is skipped;
while away their counter is kept level with the lowest of the others, so coming back does not
bring them a flood of leads to "catch up".
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from leaddesk.db.models import RuleCounter, TeamMember


def pick_many(session: Session, rule_id: int | None, members: Sequence[str], count: int
              ) -> list[str | None]:
    """Who gets each of the next ``count`` leads (counted), None for a lead when all are away."""
    rows = session.execute(select(TeamMember.name, TeamMember.away).where(TeamMember.active))
    status = {name.casefold(): (name, bool(away)) for name, away in rows}
    listed = [status[m.casefold()] for m in members if m.casefold() in status]
    available = [name for name, away in listed if not away]
    if not available:
        return [None] * count
    stored: dict[str, RuleCounter] = {}
    if rule_id is not None:
        stored = {c.member.casefold(): c for c in session.scalars(
            select(RuleCounter).where(RuleCounter.rule_id == rule_id))}
    counts = {name: stored[name.casefold()].assigned if name.casefold() in stored else 0
              for name, _ in listed}
    order = [name for name, _ in listed]
    chosen: list[str | None] = []
    for _ in range(count):
        choice = min(available, key=lambda name: (counts[name], order.index(name)))
        counts[choice] += 1
        for name, away in listed:
            if away and counts[name] < counts[choice]:
                counts[name] = counts[choice]
        chosen.append(choice)
    if rule_id is not None:
        for name, value in counts.items():
            if value:
                _set(session, stored, rule_id, name, value)
        session.flush()
    return chosen


def pick(session: Session, rule_id: int | None, members: Sequence[str]) -> str | None:
    """The member who gets the next lead (their counter counted), or None when all are away."""
    return pick_many(session, rule_id, members, 1)[0]


def _set(session: Session, stored: dict[str, RuleCounter], rule_id: int, name: str,
         value: int) -> None:
    row = stored.get(name.casefold())
    if row is None:
        row = stored[name.casefold()] = RuleCounter(rule_id=rule_id, member=name, assigned=0)
        session.add(row)
    row.assigned = value


def counters(session: Session, rule_id: int) -> dict[str, int]:
    """How many leads the rule gave each member so far."""
    rows = session.execute(select(RuleCounter.member, RuleCounter.assigned)
                           .where(RuleCounter.rule_id == rule_id))
    return {str(member): int(n) for member, n in rows}
