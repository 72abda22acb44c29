"""Running rules on leads: plan what each rule would change, then change it through triage.

Planning is plain Python over :class:`~leaddesk.rules.facts.Facts` (dry runs, previews and `rules
test` stop there). Applying goes through the same triage functions a person's click does, with
the actor ``rule: NAME``: each change is version-checked, audited and undoable like a person's.

A person's decision outranks a rule: a lead any person has changed (any audit event not written by
a rule, the parser or the sync) is left alone by `rules run`, and a rule that already ran on a lead
is not run on it again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo
from itertools import repeat
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from leaddesk import triage
from leaddesk.changes import Change, merge
from leaddesk.db.models import AuditEvent, Status
from leaddesk.errors import LeadDeskError
from leaddesk.rules import acknowledge, roundrobin
from leaddesk.rules.facts import Facts
from leaddesk.rules.matching import Test, compile_condition
from leaddesk.rules.spec import Action, Condition, RuleSpec
from leaddesk.triage.versions import chunks

log = logging.getLogger(__name__)

RULE_PREFIX = "rule: "
# The parser's re-read and the sync (leaddesk.reparse.runner.SYSTEM_ACTOR,
# leaddesk.conversations.record.SYNC_ACTOR; a test keeps them equal): not importable from here,
# since the store pipeline that runs the rules is below both.
MACHINE_ACTORS = frozenset({"parser", "LeadDesk sync"})


def is_person(actor: str) -> bool:
    return actor not in MACHINE_ACTORS and not actor.startswith(RULE_PREFIX)


@dataclass(frozen=True)
class PlannedAction:
    rule: RuleSpec
    action: Action
    description: str
    order: tuple[int, int] = (0, 0)  # (the rule's place, the action's place in it)
    line: str = ""  # "NAME: description", as reports list it
    # Whether the action would change a lead's facts (noted in them when it would).
    would: Callable[[Facts], bool] = lambda f: False

    @classmethod
    def of(cls, rule: RuleSpec, action: Action, order: tuple[int, int]) -> PlannedAction:
        description = _description(rule, action)
        return cls(rule, action, description, order, f"{rule.name}: {description}",
                   _planner(rule, action))


@dataclass(frozen=True)
class CompiledRule:
    spec: RuleSpec
    tests: tuple[tuple[Condition, Test], ...]
    matches: Test  # all the tests hold (one call per lead: planning runs it on every lead)
    # Each action as planned: what it changes in words is the same on every lead.
    actions: tuple[PlannedAction, ...] = ()

    def held(self, facts: Facts) -> list[tuple[Condition, bool]]:
        return [(condition, test(facts)) for condition, test in self.tests]


def _all(tests: Sequence[Test]) -> Test:
    if not tests:
        return lambda f: True
    if len(tests) == 1:
        return tests[0]
    first, rest = tests[0], _all(tests[1:])
    return lambda f: first(f) and rest(f)


def compile_rules(specs: Sequence[RuleSpec], zone: tzinfo) -> list[CompiledRule]:
    """Once per batch: each condition becomes a plain test."""
    compiled: list[CompiledRule] = []
    for spec in specs:
        if spec.enabled:
            tests = tuple((c, compile_condition(c, zone)) for c in spec.conditions)
            place = len(compiled)
            compiled.append(CompiledRule(
                spec, tests, _all([test for _, test in tests]),
                tuple(PlannedAction.of(spec, action, (place, index))
                      for index, action in enumerate(spec.actions))))
    return compiled


@dataclass
class RunReport:
    """What a run did (or, dry, would do): per lead, the changes in words."""

    examined: int = 0
    skipped_by_person: int = 0
    changes: dict[int, list[str]] = field(default_factory=dict)
    written: list[Change] = field(default_factory=list)
    acknowledgements: int = 0  # queued, sent after the transaction commits
    failed: list[str] = field(default_factory=list)  # actions that could not be done, and why

    @property
    def changed(self) -> int:
        return len(self.changes)

    @property
    def change(self) -> Change | None:
        written = [c for c in self.written if c.ids]
        return merge(written)[0] if written else None

    def merge(self, other: RunReport) -> None:
        self.examined += other.examined
        self.skipped_by_person += other.skipped_by_person
        self.changes.update(other.changes)
        self.written.extend(other.written)
        self.acknowledgements += other.acknowledgements
        self.failed.extend(other.failed)


def _description(rule: RuleSpec, action: Action) -> str:
    """What ``action`` changes, in words."""
    value = action.value or ""
    group = action.round_robin
    if group is not None:
        return f"owner → round-robin among {', '.join(group)}"
    words = {"assign": f"owner → {value}", "tag": f"tag + {value}", "status": f"status → {value}",
             "topic": f"topic → {value}", "spam": f"spam ({rule.actor})",
             "acknowledge": f"acknowledge with template {value}"}
    if action.name not in words:
        raise AssertionError(f"unchecked action {action.name!r}")  # parse_action refuses it
    return words[action.name]


def _planner(rule: RuleSpec, action: Action) -> Callable[[Facts], bool]:
    """Whether ``action`` would change a lead's facts (noted in them when it would): made once
    per rule action, so what the action's value needs is worked out once, not per lead."""
    value = action.value or ""
    folded = value.casefold()
    group = action.round_robin
    if group is not None:
        members, first = frozenset(m.casefold() for m in group), group[0]

        def round_robin(f: Facts) -> bool:
            if (f.assignee or "").casefold() in members:
                return False
            f.assignee = first
            return True
        return round_robin
    if action.name == "assign":
        def assign(f: Facts) -> bool:
            if (f.assignee or "").casefold() == folded:
                return False
            f.assignee = value
            return True
        return assign
    if action.name == "tag":
        def tag(f: Facts) -> bool:
            if f.tags and any(t.casefold() == folded for t in f.tags):
                return False
            f.tags.append(value)
            return True
        return tag
    if action.name == "status":
        def status(f: Facts) -> bool:
            if f.status == value and f.is_submission:
                return False
            f.status, f.is_submission = value, True
            return True
        return status
    if action.name == "topic":
        def topic(f: Facts) -> bool:
            if f.topic == value:
                return False
            f.topic = value
            return True
        return topic
    if action.name == "spam":
        def spam(f: Facts) -> bool:
            if f.status == Status.SPAM.value:
                return False
            f.status = Status.SPAM.value
            return True
        return spam
    if action.name == "acknowledge":
        def acknowledge(f: Facts) -> bool:
            if f.acknowledge is not None:
                return False
            f.acknowledge = (rule.name, value)
            return True
        return acknowledge
    raise AssertionError(f"unchecked action {action.name!r}")  # parse_action refuses it


def plan(rules: Sequence[CompiledRule], f: Facts, *, already: frozenset[str] = frozenset()
         ) -> list[PlannedAction]:
    """What the rules, in order, would change on ``f``; ``f`` ends as it would be afterwards.

    Rules named in ``already`` ran on this lead before and do not run again (their stop still
    holds, so the rules below behave as they did).
    """
    planned: list[PlannedAction] = []
    for rule in rules:
        if not rule.matches(f):
            continue
        if not already or rule.spec.name not in already:
            for item in rule.actions:
                if item.would(f):
                    planned.append(item)
        if rule.spec.stop:
            break
    return planned


def _apply(session: Session, item: PlannedAction, leads: Sequence[int]) -> list[Change]:
    """One action of one rule on every lead it was planned for, through triage's bulk calls
    (version-checked, one audit event per lead, all in the caller's transaction)."""
    actor, action, value = item.rule.actor, item.action, item.action.value or ""
    group = action.round_robin
    if group is not None:
        by_member: dict[str, list[int]] = {}
        for lead, member in zip(leads, roundrobin.pick_many(session, item.rule.id, group,
                                                            len(leads)), strict=True):
            if member is not None:
                by_member.setdefault(member, []).append(lead)
        return [triage.bulk_assign(session, ids, member, actor=actor)
                for member, ids in by_member.items()]
    if action.name == "assign":
        return [triage.bulk_assign(session, leads, value, actor=actor)]
    if action.name == "tag":
        return [triage.bulk_add_tag(session, leads, value, actor=actor)]
    if action.name == "status":
        return [triage.bulk_set_status(session, leads, value, actor=actor)]
    if action.name == "spam":
        return [triage.bulk_set_status(session, leads, Status.SPAM.value, actor=actor,
                                       reason=actor)]
    if action.name == "topic":
        return [triage.edit_submission(session, lead, {"topic": value}, actor=actor).change.change
                for lead in leads]
    return []  # acknowledge: queued once all rules ran


def _steps(session: Session, groups: dict[tuple[int, int], tuple[PlannedAction, list[int]]]
           ) -> list[tuple[int, triage.Step]]:
    """The planned changes as triage steps, in the rules' order, then each rule's actions'
    order, then lead order: per lead, what a later rule sets wins, exactly as planned."""
    steps: list[tuple[int, triage.Step]] = []
    for order in sorted(groups):
        item, leads = groups[order]
        actor, action, value = item.rule.actor, item.action, item.action.value or ""
        group = action.round_robin
        if group is not None:
            picks = roundrobin.pick_many(session, item.rule.id, group, len(leads))
            to = {m: triage.Step(actor, triage.ASSIGN, m) for m in set(picks) if m is not None}
            steps.extend((lead, to[member])
                         for lead, member in zip(leads, picks, strict=True) if member is not None)
        elif action.name in _STEP_OF:
            reason = actor if action.name == "spam" else None
            step = triage.Step(actor, _STEP_OF[action.name],
                               Status.SPAM.value if action.name == "spam" else value, reason)
            steps.extend(zip(leads, repeat(step)))
    return steps


_STEP_OF = {"assign": triage.ASSIGN, "tag": triage.TAG_ADD, "status": triage.STATUS,
            "spam": triage.STATUS, "topic": triage.EDIT}  # acknowledge: queued once all rules ran


def _apply_each(session: Session, groups: dict[tuple[int, int], tuple[PlannedAction, list[int]]],
                report: RunReport) -> None:
    """One (rule, action) at a time, through triage's bulk calls: an action that cannot be done
    (its member was removed since the rule was saved) is skipped and logged, never costing the
    leads being stored or the other actions."""
    for order in sorted(groups):
        item, leads = groups[order]
        try:
            with session.begin_nested():
                report.written.extend(_apply(session, item, leads))
        except LeadDeskError as exc:
            log.warning("rule %r could not %s on %d leads: %s", item.rule.name, item.action,
                        len(leads), exc)
            report.failed.append(f"{item.rule.name}: {item.action}: {exc}")
            for lead in leads:
                done = report.changes.get(lead, [])
                if item.line in done:
                    done.remove(item.line)


def history(session: Session, ids: Sequence[int]) -> tuple[set[int], dict[int, set[str]]]:
    """(leads a person changed, the rules that already ran on each lead), from the audit log."""
    touched: set[int] = set()
    ran: dict[int, set[str]] = {}
    for chunk in chunks(sorted(set(ids))):
        for lead, actor in session.execute(
                select(AuditEvent.entity_id, AuditEvent.actor).distinct()
                .where(AuditEvent.entity == "submission", AuditEvent.entity_id.in_(chunk))):
            if lead is None:
                continue
            if actor.startswith(RULE_PREFIX):
                ran.setdefault(lead, set()).add(actor[len(RULE_PREFIX):])
            elif is_person(actor):
                touched.add(lead)
    return touched, ran


def run(session: Session, rules: Sequence[CompiledRule], facts: Sequence[Facts], *,
        zone: tzinfo, fresh: bool = False, dry_run: bool = False,
        acknowledgements: bool = False) -> RunReport:
    """Run ``rules`` on the leads of ``facts`` in the caller's transaction.

    ``fresh``: the leads were just stored (nobody can have touched them; saves a query).
    """
    report = RunReport()
    if not rules or not facts:
        return report
    touched, ran = (set(), {}) if fresh else history(session, [f.id for f in facts])
    groups = _plan_all(report, rules, facts, touched, ran, dry_run=dry_run)
    if dry_run:
        return report
    try:
        # Fast path: every lead's changes played in memory and written at once (one version
        # bump per lead, the same audit events as below). All or nothing, in a savepoint.
        with session.begin_nested():
            written = triage.apply_steps(session, _steps(session, groups))
        report.written.extend(written)
    except LeadDeskError as exc:
        log.info("rules: writing the batch at once failed (%s); applying action by action", exc)
        _apply_each(session, groups, report)
    if acknowledgements:
        _acknowledge(session, report, [f for f in facts if f.id not in touched], zone)
    _drop_unchanged(report)
    return report


def _plan_all(report: RunReport, rules: Sequence[CompiledRule], facts: Sequence[Facts],
              touched: set[int], ran: dict[int, set[str]], *, dry_run: bool = False
              ) -> dict[tuple[int, int], tuple[PlannedAction, list[int]]]:
    """Plan every lead; the leads each (rule, action) was planned for, by its order."""
    groups: dict[tuple[int, int], tuple[PlannedAction, list[int]]] = {}
    report.examined += len(facts)
    none: frozenset[str] = frozenset()
    for f in facts:
        if f.id in touched:
            report.skipped_by_person += 1
            continue
        planned = plan(rules, f, already=frozenset(ran[f.id]) if f.id in ran else none)
        if not planned:
            continue
        report.changes[f.id] = [p.line for p in planned
                                if dry_run or p.action.name != "acknowledge"]
        for item in planned:
            group = groups.get(item.order)
            if group is None:
                groups[item.order] = (item, [f.id])
            else:
                group[1].append(f.id)
    return groups


def _acknowledge(session: Session, report: RunReport, facts: Sequence[Facts], zone: tzinfo
                 ) -> None:
    """Queue the acknowledgements the rules asked for, in the leads' order."""
    for f in facts:
        if f.acknowledge is not None and acknowledge.queue(
                session, f, rule=f.acknowledge[0], template=f.acknowledge[1], zone=zone):
            report.acknowledgements += 1
            report.changes.setdefault(f.id, []).append(
                f"{f.acknowledge[0]}: acknowledgement queued")


def _drop_unchanged(report: RunReport) -> None:
    for lead in [lead for lead, done in report.changes.items() if not done]:
        del report.changes[lead]


@dataclass
class NewRun:
    """The rules' outcome for leads about to be inserted (:func:`run_new`): their rows already
    carry it; :meth:`finish` writes the rest once the rows have ids."""

    report: RunReport
    played: triage.NewLeads
    facts: list[Facts]
    zone: tzinfo
    acknowledgements: bool

    def finish(self, session: Session, ids: Sequence[int]) -> RunReport:
        """``ids``: the inserted rows' ids in row order. Tag links, audit events, then the
        acknowledgements, in id order, as :func:`run` queues them."""
        report = self.report
        report.written.extend(self.played.record(session, ids))
        report.changes = {ids[place]: done for place, done in report.changes.items()}
        for f in self.facts:
            f.id = ids[f.id]
        if self.acknowledgements:
            _acknowledge(session, report, self.facts, self.zone)
        _drop_unchanged(report)
        return report


def _kept(facts: Sequence[Facts], acknowledgements: bool) -> list[Facts]:
    """The facts :meth:`NewRun.finish` needs: only the acknowledgements read them (without,
    10,000 leads' facts would stay alive, and be walked by the garbage collector, while the
    store inserts the rows)."""
    return list(facts) if acknowledgements else []


def run_new(session: Session, rules: Sequence[CompiledRule], facts: Sequence[Facts],
            rows: Sequence[dict[str, Any]], *, zone: tzinfo, acknowledgements: bool
            ) -> NewRun | None:
    """Decide what ``rules`` do to new leads BEFORE their rows are inserted (``facts``: of some
    of ``rows``, ``id`` the row's place), and write each lead's final values into its row.

    The same plan and steps as :func:`run` on the stored leads (nobody can have touched them),
    so the stored result is the same. None when a step cannot be done (a member removed since
    the rule was saved): nothing is changed (the round-robin counters are rolled back with the
    savepoint) and the caller runs :func:`run` on the stored leads, action by action.
    """
    report = RunReport()
    groups = _plan_all(report, rules, facts, set(), {})
    if not groups:  # no rule changes any of these leads: nothing to play or write
        return NewRun(report, triage.play_on_new(session, rows, []), _kept(facts, acknowledgements), zone,
                      acknowledgements)
    try:
        with session.begin_nested():
            played = triage.play_on_new(session, rows, _steps(session, groups))
    except LeadDeskError as exc:
        log.info("rules: deciding the new leads at once failed (%s); applying them once "
                 "stored", exc)
        return None
    return NewRun(report, played, _kept(facts, acknowledgements), zone, acknowledgements)
