"""The rules as the team keeps them: add, edit, remove, reorder, list; their options; away members.

Saving a rule checks that its members and template exist (naming the closest ones on a typo), keeps
names unique in any letter case and positions dense (1, 2, 3 …). Every change is audited (entity
"rule"). Options are shared by every desktop and worker: the time zone hours and days are read in,
whether acknowledgements may be sent and through which SMTP account.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from datetime import tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from leaddesk.changes import Change, Kind
from leaddesk.db.models import ReplyTemplate, Rule, RuleOption, TeamMember
from leaddesk.db.types import utcnow
from leaddesk.errors import NotFoundError, ValidationError
from leaddesk.response_times import stored_time_zone
from leaddesk.rules.spec import Action, Condition, RuleSpec, clean_rule_name, closest, from_stored
from leaddesk.triage.validation import clean_actor
from leaddesk.triage.versions import audit

# Option keys and their defaults.
TIMEZONE = "timezone"  # an IANA name; "" is the team's business-hours zone (see rules_zone)
ACKNOWLEDGEMENTS = "acknowledgements"  # "on" lets acknowledge=TEMPLATE send; off by default
ACK_ACCOUNT = "acknowledge-account"  # the SMTP account (default: the only one)
OPTIONS = {TIMEZONE: "", ACKNOWLEDGEMENTS: "off", ACK_ACCOUNT: ""}


def rules_change(ids: Sequence[int] = ()) -> Change:
    return Change.of(Kind.SETTING, ids, {"rules"})


def list_rules(session: Session, *, enabled_only: bool = False) -> list[RuleSpec]:
    """The rules in the order they run."""
    query = select(Rule.id, Rule.name, Rule.position, Rule.enabled, Rule.stop, Rule.conditions,
                   Rule.actions).order_by(Rule.position, Rule.id)
    if enabled_only:
        query = query.where(Rule.enabled)
    return [from_stored(*row) for row in session.execute(query)]


def _row(session: Session, name: str) -> Rule:
    key = " ".join(name.split()).casefold()
    rows = list(session.scalars(select(Rule).where(func.lower(Rule.name) == key)))
    if not rows:
        names = [r.name for r in list_rules(session)]
        if names:
            raise closest(name, names, "rule")
        raise NotFoundError(f"no rule {name!r}; add one with `leaddesk rules add NAME --do …`")
    return rows[0]


def get_rule(session: Session, name: str) -> RuleSpec:
    row = _row(session, name)
    return from_stored(row.id, row.name, row.position, row.enabled, row.stop, row.conditions,
                       row.actions)


def check_references(session: Session, actions: Sequence[Action]) -> None:
    """Refuse actions naming members or templates that do not exist (closest names offered)."""
    members = [m for (m,) in session.execute(select(TeamMember.name).where(TeamMember.active))]
    templates = [t for (t,) in session.execute(select(ReplyTemplate.name))]
    for action in actions:
        if action.name == "assign":
            for name in action.round_robin or [action.value or ""]:
                if name.casefold() not in {m.casefold() for m in members}:
                    if not members:
                        raise NotFoundError(f"no team member {name!r}; add one with "
                                            f"`leaddesk members add {shlex.quote(name)}`")
                    raise closest(name, members, "team member")
        if action.name == "acknowledge" and (action.value or "") not in templates:
            if not templates:
                raise NotFoundError(f"no template {action.value!r}; add one with "
                                    f"`leaddesk templates add NAME --body-file F`")
            raise closest(action.value or "", templates, "template")


def _check(spec: RuleSpec) -> None:
    if not spec.actions:
        raise ValidationError("a rule needs at least one action (--do ACTION[=VALUE])")


def _renumber(session: Session, rows: list[Rule]) -> None:
    for position, row in enumerate(rows, start=1):
        if row.position != position:
            row.position = position


def _ordered(session: Session) -> list[Rule]:
    return list(session.scalars(select(Rule).order_by(Rule.position, Rule.id)))


def _place(session: Session, row: Rule, position: int | None) -> None:
    rows = [r for r in _ordered(session) if r is not row]
    index = len(rows) if position is None else max(0, min(position - 1, len(rows)))
    rows.insert(index, row)
    _renumber(session, rows)


def _snapshot(row: Rule) -> dict[str, object]:
    return {"name": row.name, "position": row.position, "enabled": row.enabled, "stop": row.stop,
            "when": list(row.conditions), "do": list(row.actions)}


def add_rule(session: Session, spec: RuleSpec, *, actor: str, position: int | None = None
             ) -> RuleSpec:
    """Save a new rule, last or at ``position`` (1 is first)."""
    actor = clean_actor(actor)
    name = clean_rule_name(spec.name)
    _check(spec)
    existing = session.scalar(select(Rule.name).where(func.lower(Rule.name) == name.casefold()))
    if existing is not None:
        raise ValidationError(f"a rule named {existing!r} exists; choose another name or "
                              f"`leaddesk rules edit {shlex.quote(existing)}`")
    check_references(session, spec.actions)
    now = utcnow()
    row = Rule(name=name, position=0, enabled=spec.enabled, stop=spec.stop,
               conditions=[[c.field, c.value] for c in spec.conditions],
               actions=[[a.name, a.value] for a in spec.actions], created_by=actor,
               created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    _place(session, row, position)
    session.flush()
    audit(session, actor=actor, action="rule.add", entity="rule", entity_id=row.id, before=None,
          after=_snapshot(row))
    return get_rule(session, name)


def edit_rule(session: Session, name: str, *, actor: str, new_name: str | None = None,
              conditions: Sequence[Condition] | None = None,
              actions: Sequence[Action] | None = None, stop: bool | None = None,
              enabled: bool | None = None, position: int | None = None) -> RuleSpec:
    """Change what is given; the rest stays."""
    actor = clean_actor(actor)
    row = _row(session, name)
    before = _snapshot(row)
    if new_name is not None:
        cleaned = clean_rule_name(new_name)
        clash = session.scalar(select(Rule.id).where(func.lower(Rule.name) == cleaned.casefold(),
                                                     Rule.id != row.id))
        if clash is not None:
            raise ValidationError(f"a rule named {cleaned!r} exists; choose another name")
        row.name = cleaned
    if conditions is not None:
        row.conditions = [[c.field, c.value] for c in conditions]
    if actions is not None:
        if not actions:
            raise ValidationError("a rule needs at least one action (--do ACTION[=VALUE])")
        check_references(session, actions)
        row.actions = [[a.name, a.value] for a in actions]
    if stop is not None:
        row.stop = stop
    if enabled is not None:
        row.enabled = enabled
    if position is not None:
        _place(session, row, position)
    row.updated_at = utcnow()
    session.flush()
    audit(session, actor=actor, action="rule.edit", entity="rule", entity_id=row.id,
          before=before, after=_snapshot(row))
    return get_rule(session, row.name)


def remove_rule(session: Session, name: str, *, actor: str) -> RuleSpec:
    actor = clean_actor(actor)
    row = _row(session, name)
    removed = get_rule(session, row.name)
    audit(session, actor=actor, action="rule.remove", entity="rule", entity_id=row.id,
          before=_snapshot(row), after=None)
    session.delete(row)
    session.flush()
    _renumber(session, _ordered(session))
    return removed


def move_rule(session: Session, name: str, by: int, *, actor: str) -> RuleSpec:
    """Move a rule ``by`` places (negative: up, runs earlier)."""
    spec = get_rule(session, name)
    return edit_rule(session, spec.name, actor=actor, position=max(1, spec.position + by))


# ------------------------------------------------------------------ options

def get_options(session: Session) -> dict[str, str]:
    stored = dict(session.execute(select(RuleOption.key, RuleOption.value)).all())
    return {key: stored.get(key, default) for key, default in OPTIONS.items()}


def set_option(session: Session, key: str, value: str, *, actor: str) -> dict[str, str]:
    actor = clean_actor(actor)
    if key not in OPTIONS:
        raise closest(key, list(OPTIONS), "rules option")
    value = value.strip()
    if key == TIMEZONE and value:
        zone_of(value)
    if key == ACKNOWLEDGEMENTS:
        value = value.casefold()
        if value not in ("on", "off"):
            raise ValidationError(f"acknowledgements is on or off, not {value!r}")
    row = session.get(RuleOption, key)
    before = row.value if row is not None else OPTIONS[key]
    if row is None:
        session.add(RuleOption(key=key, value=value))
    else:
        row.value = value
    session.flush()
    audit(session, actor=actor, action="rules.option", entity="rules", entity_id=None,
          before={key: before}, after={key: value})
    return get_options(session)


def zone_of(name: str) -> tzinfo:
    """The time zone called ``name``; "" is this computer's local time."""
    if not name:
        local = utcnow().astimezone().tzinfo
        assert local is not None  # astimezone() always attaches the local zone
        return local
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            f"unknown time zone {name!r}; use a name like Europe/Stockholm") from None


def rules_zone(session: Session) -> tzinfo:
    """The zone hours and days conditions are read in: the rules' own option, else the zone of
    the team's business hours, else this computer's.

    The team's zone before the computer's: the headless worker often runs on a server in UTC,
    and a rule must give the same answer there as in `rules test` on a colleague's desktop.
    """
    return zone_of(get_options(session)[TIMEZONE] or stored_time_zone(session) or "")


def default_zone_label(session: Session) -> str:
    """What an unset time zone option means for this team, in words."""
    team = stored_time_zone(session)
    return f"the team's business hours ({team})" if team else "this computer's"


# ------------------------------------------------------------------ away members

def set_away(session: Session, name: str, away: bool, *, actor: str) -> str:
    """Mark a team member away (round-robin skips them) or back; returns their name."""
    actor = clean_actor(actor)
    members = list(session.scalars(select(TeamMember).where(TeamMember.active)))
    found = next((m for m in members if m.name.casefold() == name.strip().casefold()), None)
    if found is None:
        if not members:
            raise NotFoundError(f"no team member {name!r}; add one with "
                                f"`leaddesk members add {shlex.quote(name)}`")
        raise closest(name, [m.name for m in members], "team member")
    if found.away != away:
        audit(session, actor=actor, action="member.away", entity="member", entity_id=found.id,
              before={"away": found.away}, after={"away": away})
        found.away = away
        session.flush()
    return found.name


def away_members(session: Session) -> set[str]:
    return {n.casefold() for (n,) in session.execute(
        select(TeamMember.name).where(TeamMember.away, TeamMember.active))}
