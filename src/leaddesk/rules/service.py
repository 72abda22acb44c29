"""What the command line and the window ask of rules: run them, test one, preview one, undo one.

Each function works in the caller's session and transaction (the window's database worker, or the
CLI's session). Dry runs, tests and previews plan in memory and never write.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from leaddesk import triage
from leaddesk.db.models import AuditEvent, Status, Submission
from leaddesk.errors import ConflictError, NotFoundError, ValidationError
from leaddesk.rules import catalog
from leaddesk.rules.engine import (
    RULE_PREFIX,
    CompiledRule,
    NewRun,
    RunReport,
    compile_rules,
    history,
    is_person,
    plan,
    run_new,
)
from leaddesk.rules.engine import run as run_engine
from leaddesk.rules.facts import Facts, LaterMail, facts_of_rows, load_facts
from leaddesk.rules.matching import shown_value
from leaddesk.rules.spec import RuleSpec
from leaddesk.triage.results import ASSIGN, EDIT, STATUS, TAG_ADD, Edit
from leaddesk.triage.versions import read_current

if TYPE_CHECKING:  # `rules run` only: every import with a rule would load the query layer
    from leaddesk.query import Filter

PREVIEW_LEADS = 500
UNDOABLE = (STATUS, ASSIGN, TAG_ADD, EDIT)


def run_on(session: Session, ids: Sequence[int], *, dry_run: bool = False,
           rules: Sequence[RuleSpec] | None = None, fresh: bool = False) -> RunReport:
    """Run the enabled rules (or ``rules``) on ``ids``, in id order, skipping leads a person changed.

    ``fresh``: the leads were just stored; spam and mail that is not a form submission among
    them are left alone (rules route leads).
    """
    ready = _ready(session, rules)
    if ready is None:
        return RunReport()
    facts = load_facts(session, ids, fresh=fresh, contacts=ready.contacts)
    if fresh:
        facts = arriving(facts)
    return run_engine(session, ready.rules, facts, zone=ready.zone, fresh=fresh,
                      dry_run=dry_run, acknowledgements=ready.acknowledgements)


def run_on_new(session: Session, rows: Sequence[dict[str, Any]],
               post_titles: Sequence[str | None],
               later_mail: LaterMail | None = None
               ) -> NewRun | Literal["later"] | None:
    """Decide the enabled rules' outcome for submission rows about to be inserted (their posts'
    titles beside them), writing it into the rows; :meth:`NewRun.finish` once they are stored.
    None when there are no rules; "later" when the rules must run on the stored leads instead
    (:func:`~leaddesk.rules.facts.facts_of_rows` and :func:`~leaddesk.rules.engine.run_new`
    say when)."""
    ready = _ready(session, None)
    if ready is None:
        return None
    found = facts_of_rows(session, rows, post_titles, contacts=ready.contacts,
                          later_mail=later_mail)
    decided = None if found is None else run_new(
        session, ready.rules, arriving(found), rows, zone=ready.zone,
        acknowledgements=ready.acknowledgements)
    return "later" if decided is None else decided


def arriving(facts: list[Facts]) -> list[Facts]:
    """The leads rules run on as they arrive: spam and non-submissions are left alone."""
    return [f for f in facts if f.is_submission and f.status != Status.SPAM.value]


@dataclass(frozen=True)
class _Ready:
    rules: list[CompiledRule]
    zone: tzinfo
    contacts: bool  # a rule asks whether the contact is new or returning
    acknowledgements: bool


def _ready(session: Session, rules: Sequence[RuleSpec] | None) -> _Ready | None:
    specs = catalog.list_rules(session, enabled_only=True) if rules is None else rules
    if not specs:
        return None
    options = catalog.get_options(session)
    zone = catalog.rules_zone(session, options)
    compiled = compile_rules(specs, zone)
    return _Ready(compiled, zone,
                  any(c.field == "contact" for rule in compiled for c in rule.spec.conditions),
                  options[catalog.ACKNOWLEDGEMENTS] == "on")


def run_filtered(session: Session, flt: Filter, *, dry_run: bool = False) -> RunReport:
    """`leaddesk rules run [filters]`: the rules on every lead the filter shows."""
    from leaddesk.query.stream import ids as filtered_ids  # see TYPE_CHECKING above

    return run_on(session, filtered_ids(session, flt), dry_run=dry_run)


@dataclass(frozen=True)
class RuleCheck:
    rule: str
    lead: int
    held: list[tuple[str, bool, str]]  # (condition, held, the lead's value)
    matches: bool
    would: list[str]
    note: str | None  # why it would not run, when it would not

    def as_json(self) -> dict[str, object]:
        return {"rule": self.rule, "id": self.lead, "matches": self.matches,
                "conditions": [{"condition": c, "held": h, "value": v} for c, h, v in self.held],
                "would_change": self.would, "note": self.note}


def check_rule(session: Session, name: str, lead: int) -> RuleCheck:
    """Which of the rule's conditions hold on the lead, and what the rule would change."""
    spec = catalog.get_rule(session, name)
    zone = catalog.rules_zone(session)
    found = load_facts(session, [lead])
    if not found:
        raise NotFoundError(f"no submission {lead}; `leaddesk list --all` shows the ids")
    facts = found[0]
    (compiled,) = compile_rules([RuleSpec(**{**spec.__dict__, "enabled": True})], zone)
    held = [(str(c), ok, shown_value(c, facts, zone)) for c, ok in compiled.held(facts)]
    touched, ran = history(session, [lead])
    note = None
    if not spec.enabled:
        note = "the rule is disabled"
    elif lead in touched:
        note = "a person changed this lead; rules leave it alone"
    elif spec.name in ran.get(lead, set()):
        note = "the rule already ran on this lead"
    would = [p.description for p in plan([compiled], facts)]
    return RuleCheck(spec.name, lead, held, compiled.matches(facts), would, note)


@dataclass(frozen=True)
class RulePreview:
    changed: int
    examined: int

    def __str__(self) -> str:
        return f"would change {self.changed} of the last {self.examined} leads"


def preview(session: Session, spec: RuleSpec, *, last: int = PREVIEW_LEADS) -> RulePreview:
    """How many of the last ``last`` leads ``spec`` would change had it been there on arrival
    (spam and non-submissions left out, as on arrival)."""
    ids = list(session.scalars(select(Submission.id).where(Submission.is_submission,
                                                           Submission.status != Status.SPAM.value)
                               .order_by(Submission.received_at.desc(), Submission.id.desc())
                               .limit(last)))
    compiled = compile_rules([RuleSpec(**{**spec.__dict__, "enabled": True})],
                             catalog.rules_zone(session))
    facts = load_facts(session, ids)
    return RulePreview(sum(1 for f in facts if plan(compiled, f)), len(facts))


def undo_rule(session: Session, lead: int, *, actor: str, rule: str | None = None) -> list[Edit]:
    """Undo what rules (or the rule named ``rule``) changed on ``lead``, newest first.

    Like a person's undo it refuses when someone changed the lead since: a person's later change
    wins (ConflictError names them).
    """
    read_current(session, lead)  # NotFoundError for a wrong id
    events = [tuple(row) for row in session.execute(
        select(AuditEvent.actor, AuditEvent.action, AuditEvent.before, AuditEvent.after)
        .where(AuditEvent.entity == "submission", AuditEvent.entity_id == lead)
        .order_by(AuditEvent.id.desc()))]
    wanted = [(who, action, before, after) for who, action, before, after in events
              if who.startswith(RULE_PREFIX)
              and (rule is None or who[len(RULE_PREFIX):].casefold() == rule.casefold())]
    if not wanted:
        raise ValidationError(f"no rule changed submission {lead}"
                              + (f" with rule {rule!r}" if rule else ""))
    newest_rule = events.index(wanted[0])
    later = [who for who, *_ in events[:newest_rule] if is_person(who)]
    if later:
        raise ConflictError(f"submission {lead} was changed by {later[0]} after the rule; "
                            f"a person's change wins, so undo by hand")
    undone = []
    for _who, action, before, after in wanted:
        if action not in UNDOABLE:
            continue  # an acknowledgement sent cannot be unsent
        version = read_current(session, lead).version
        change = Edit(lead, action, dict(before or {}), dict(after or {}), version)
        undone.append(triage.undo(session, change, actor=actor))
    return undone
