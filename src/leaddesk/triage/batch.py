"""Many small changes to many submissions written at once: one versioned update per submission.

:func:`apply_steps` takes an ordered list of (submission, :class:`Step`) — an owner, a tag, a
status, a topic, each with its actor — and writes exactly what calling :func:`~leaddesk.triage.
bulk_assign`, :func:`~leaddesk.triage.bulk_add_tag`, :func:`~leaddesk.triage.bulk_set_status` and
:func:`~leaddesk.triage.edit_submission` one after the other would: the same audit events (same
actions, actors, before and after, in the same order), so :func:`~leaddesk.triage.undo` reverses
each one alike. What differs is the cost: the steps are played in memory, then each submission's
final values are written with one compare-and-swap version bump (one ``executemany`` per set of
columns written), the new tag links with one ``executemany`` and all audit events with another.
A submission changed by several steps gets one version bump, not one per step.

Rules on arrival use it (:mod:`leaddesk.rules.engine`): a batch of 200 new leads with ten rules
costs a dozen statements instead of ~70. An invalid step (an unknown member, a bad status) raises
before anything is written; a row someone else changed since it was read raises ConflictError
while writing, and the caller rolls back, as with every triage call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from leaddesk.changes import Change, Kind
from leaddesk.db.bulk import insert_rows, insert_tag_links
from leaddesk.db.models import AuditEvent, Submission, TeamMember
from leaddesk.db.types import utcnow
from leaddesk.posts.topics import MANUAL
from leaddesk.triage.actions import status_plan, status_unchanged
from leaddesk.triage.edits import clean_value
from leaddesk.triage.members import assignable, team
from leaddesk.triage.results import ASSIGN, EDIT, EDITED_FIELDS, STATUS, TAG_ADD, submission_change
from leaddesk.triage.tags import DEFAULT_TAG_COLOUR, all_tags, insert_tag
from leaddesk.triage.validation import clean_actor, clean_name, clean_status, sorted_names, unique
from leaddesk.triage.versions import Current, chunks, conflict, current_tags, expire, read_many

# Core tables: the ORM's bulk paths cost more per row than the statements themselves here.
SUBMISSIONS = cast(Table, Submission.__table__)
AUDIT_EVENTS = cast(Table, AuditEvent.__table__)

STEP_ACTIONS = (ASSIGN, TAG_ADD, STATUS, EDIT)


@dataclass(frozen=True)
class Step:
    """One change: ``action`` is ASSIGN (value: a member), TAG_ADD (a tag), STATUS (a status;
    ``reason`` is the spam verdict's reason) or EDIT (value: the new topic)."""

    actor: str
    action: str
    value: str
    reason: str | None = None


@dataclass
class _Lead:
    """One submission as the steps so far left it, and what they changed."""

    current: Current
    tags: list[str]
    values: dict[str, Any]
    topic: str | None = None
    topic_source: str | None = None
    edited: dict[str, Any] | None = None
    changed: bool = False


@dataclass
class _Team:
    """The members steps assign to: the team read once, each name looked up once."""

    found: dict[str, tuple[int, str]] = field(default_factory=dict)  # name -> (id, name)
    members: list[TeamMember] | None = None

    def member(self, session: Session, name: str) -> tuple[int, str]:
        if name not in self.found:
            if self.members is None:
                self.members = team(session)
            member = assignable(session, name, self.members)
            self.found[name] = (member.id, member.name)
        return self.found[name]


@dataclass
class _Played:
    """What a list of steps did in memory: per lead its final values, per step its outcome;
    then (:func:`_note`, once the rows' ids are known) what to write."""

    leads: dict[int, _Lead]
    now: datetime
    catalogue: dict[str, Any]
    steps: Sequence[tuple[int, Step]] = ()
    outcomes: list[_Outcome] = field(default_factory=list)  # one per step
    events: list[dict[str, Any]] = field(default_factory=list)
    written: dict[str, list[int]] = field(default_factory=dict)
    edited_keys: set[str] = field(default_factory=set)
    # (submission, tag, by whom, the submission as stored)
    links: list[tuple[int, str, str, Current]] = field(default_factory=list)

    def changes(self) -> list[Change]:
        return [Change.of(Kind.SUBMISSION, unique(done), self.edited_keys) if action == EDIT
                else submission_change(action, unique(done))
                for action, done in self.written.items()]


def apply_steps(session: Session, steps: Sequence[tuple[int, Step]]) -> list[Change]:
    """Apply ``steps`` in order in the caller's transaction; one change record per action."""
    if not steps:
        return []
    ids = unique(lead for lead, _ in steps)
    current = read_many(session, ids)
    tags = current_tags(session, ids)
    leads = {sid: _Lead(c, tags[sid], {}) for sid, c in current.items()}
    if any(step.action == EDIT for _, step in steps):
        _read_topics(session, leads)
    played = _play_all(session, leads, steps)
    _write(session, leads, played.now)
    _record(session, played, {sid: sid for sid in leads})
    return played.changes()


@dataclass(frozen=True)
class NewLeads:
    """Steps played on rows not yet inserted (:func:`play_on_new`): the rows already carry their
    final values; :meth:`record` writes the tag links and audit events once the rows have ids."""

    played: _Played

    def record(self, session: Session, ids: Sequence[int]) -> list[Change]:
        """``ids``: the inserted rows' ids, in the order of the rows given to play_on_new."""
        _record(session, self.played, ids)
        return self.played.changes()


def play_on_new(session: Session, rows: Sequence[dict[str, Any]],
                steps: Sequence[tuple[int, Step]]) -> NewLeads:
    """Play ``steps`` (on leads named by their place in ``rows``) on submission rows about to be
    inserted, and write each changed lead's final values into its row: what inserting the rows
    and then calling :func:`apply_steps` would leave (the same values, version, audit events
    and tags), without the second read and the ``UPDATE``. Rows must hold ``status``,
    ``is_submission``, ``spam_reason``, ``topic`` and ``topic_source``; a row that changes gets
    the columns the steps set, ``version`` 2 and ``updated_at`` (one bump, as apply_steps).

    New rows that start alike (those columns and the version) and get the same steps end alike:
    each such group is played once (a batch of 1,000 leads under ten rules has ~200), the others
    repeat its outcome.
    """
    mine: dict[int, list[Step]] = {}
    for place, step in steps:
        mine.setdefault(place, []).append(step)
    first: dict[tuple[Any, ...], int] = {}
    alike: dict[int, int] = {}
    for place, its in mine.items():
        row = rows[place]
        # Steps by identity (the steps, alive all along, are the keys' own): callers share one
        # Step among the leads it is for, and equal steps that are not the same object only
        # make two groups of one kind.
        alike[place] = first.setdefault((int(row.get("version", 1)), row["status"],
                                         bool(row["is_submission"]), row["spam_reason"],
                                         row["topic"], row["topic_source"], *map(id, its)),
                                        place)
    leads = {place: _Lead(Current(place, int(row.get("version", 1)), row["status"], None, None,
                                  bool(row["is_submission"]), None, None, row["spam_reason"]),
                          [], {}, row["topic"], row["topic_source"], None)
             for place, row in ((place, rows[place]) for place in first.values())}
    # Every lead of a group shares its first lead's state: its final values, for its row and
    # for its tag links' counts.
    leads.update((place, leads[played_as]) for place, played_as in alike.items())
    played = _play_all(session, leads, steps, alike)
    for place, lead in leads.items():
        if lead.changed:
            rows[place].update(lead.values, version=lead.current.version + 1,
                               updated_at=played.now)
    return NewLeads(played)


def _play_all(session: Session, leads: dict[int, _Lead], steps: Sequence[tuple[int, Step]],
              alike: dict[int, int] | None = None) -> _Played:
    """Play ``steps`` in order: each step's outcome, each lead's final state.

    ``alike``: lead -> the first of the leads that start in the same state (shared in
    ``leads``) and get the same steps. Only those first leads are played; the others get the
    same outcomes (the same before and after objects, so the same audit events and links).
    """
    # The tag catalogue only when a step adds a tag (only then are links written).
    catalogue = {t.name.casefold(): t for t in all_tags(session)} \
        if any(step.action == TAG_ADD for _, step in steps) else {}
    # A tag's name as written: the catalogue's, or for a new tag the first step's spelling.
    names = {key: tag.name for key, tag in catalogue.items()}
    members = _Team()
    actors: dict[str, str] = {}
    seen: dict[str, dict[str, Any]] = {}
    played = _Played(leads, utcnow(), catalogue, steps)

    def outcome(lead_id: int, step: Step) -> _Outcome:
        actor = actors.get(step.actor) or actors.setdefault(step.actor, clean_actor(step.actor))
        change = _play(session, leads[lead_id], step, actor, played.now, names, members)
        return actor, None if change is None else (_one_of(seen, change[0]),
                                                   _one_of(seen, change[1]))

    if alike is None:
        played.outcomes = [outcome(lead_id, step) for lead_id, step in steps]
    else:
        first = _play_first(steps, alike, outcome)
        nth: dict[int, int] = {}
        for lead_id, _ in steps:
            nth[lead_id] = k = nth.get(lead_id, -1) + 1
            played.outcomes.append(first[alike[lead_id], k])
    for (lead_id, _), (_, change) in zip(steps, played.outcomes, strict=True):
        if change is not None:
            leads[lead_id].changed = True
    return played


_Outcome = tuple[str, tuple[dict[str, Any], dict[str, Any]] | None]  # (actor, (before, after))


def _play_first(steps: Sequence[tuple[int, Step]], alike: dict[int, int],
                outcome: Callable[[int, Step], _Outcome]) -> dict[tuple[int, int], _Outcome]:
    """The outcome of each step of the leads that are the first of their kind in ``alike``,
    played in order, by (lead, the step's place among that lead's steps)."""
    done: dict[tuple[int, int], _Outcome] = {}
    nth: dict[int, int] = {}
    for lead_id, step in steps:
        if alike[lead_id] == lead_id:
            nth[lead_id] = k = nth.get(lead_id, -1) + 1
            done[lead_id, k] = outcome(lead_id, step)
    return done


def _note(played: _Played, ids: Sequence[int] | dict[int, int]) -> None:
    """The audit events, the leads each action changed and the tag links of ``played``'s steps
    in their order (``ids``: the row id of each lead key)."""
    added: dict[int, str] = {}  # the tag an outcome adds, by the outcome (many leads share one)
    for (key, step), (actor, change) in zip(played.steps, played.outcomes, strict=True):
        if change is None:
            continue
        before, after = change
        sid = ids[key]
        played.events.append({"at": played.now, "actor": actor, "action": step.action,
                              "entity": "submission", "entity_id": sid,
                              "before": before, "after": after})
        played.written.setdefault(step.action, []).append(sid)
        if step.action == EDIT:
            played.edited_keys.update(EDITED_FIELDS.get(name, name) for name in after)
        elif step.action == TAG_ADD:
            tag = added.get(id(change)) or added.setdefault(id(change), _added(before, after))
            played.links.append((sid, tag, actor, played.leads[key].current))


def _one_of(seen: dict[str, dict[str, Any]], value: dict[str, Any]) -> dict[str, Any]:
    """``value``, or the equal one met before: audit events that share their before and after
    have them converted to JSON once (:func:`~leaddesk.db.bulk.insert_rows`, ``shared``).
    Keyed by repr: for the plain values an audit event holds (str, None, bool, numbers, lists
    and dicts of them) equal reprs are equal values of the same types, in the same key order."""
    return seen.setdefault(repr(value), value)


def _record(session: Session, played: _Played, ids: Sequence[int] | dict[int, int]) -> None:
    """The tag links and audit events of ``played``; ``ids`` maps its lead keys to row ids."""
    _note(played, ids)
    _link(session, played.links, played.catalogue)
    insert_rows(session, AUDIT_EVENTS, played.events, shared=True)


def _added(before: dict[str, Any], after: dict[str, Any]) -> str:
    (name,) = set(after["tags"]) - set(before["tags"])
    return str(name)


def _read_topics(session: Session, leads: dict[int, _Lead]) -> None:
    for chunk in chunks(sorted(leads)):
        for sid, topic, source, edited in session.execute(
                select(Submission.id, Submission.topic, Submission.topic_source,
                       Submission.edited_fields).where(Submission.id.in_(chunk))):
            lead = leads[sid]
            lead.topic, lead.topic_source, lead.edited = topic, source, dict(edited or {})


def _play(session: Session, lead: _Lead, step: Step, actor: str, now: datetime,
          names: dict[str, str], members: _Team
          ) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """Play one step on ``lead`` in memory: (before, after) of its audit event, None if a no-op.
    Each branch mirrors the single-action call it stands for."""
    c = lead.current
    if step.action == STATUS:
        new = clean_status(step.value)
        if status_unchanged(c, new):
            return None
        before, after, values = status_plan(c, new, actor, step.reason)
        lead.values.update(values)
        lead.current = replace(c, **values)
        return before, after
    if step.action == ASSIGN:
        member_id, name = members.member(session, step.value)
        if c.assignee_id == member_id:
            return None
        lead.values["assignee_id"] = member_id
        lead.current = replace(c, assignee_id=member_id, assignee=name)
        return {"assignee": c.assignee}, {"assignee": name}
    if step.action == TAG_ADD:
        name = clean_name(step.value, "tag")
        name = names.setdefault(name.casefold(), name)
        if name in lead.tags:
            return None
        before_tags, lead.tags = lead.tags, sorted_names([*lead.tags, name])
        return {"tags": before_tags}, {"tags": lead.tags}
    if step.action == EDIT:
        topic = clean_value("topic", step.value)
        if topic == lead.topic:
            return None
        edited = dict(lead.edited or {})
        mark = {"by": actor, "at": now.isoformat()}
        source = MANUAL if topic else None
        before = {"topic": lead.topic, "_edited": {"topic": edited.get("topic")},
                  "_topic_source": lead.topic_source}
        after = {"topic": topic, "_edited": {"topic": mark}, "_topic_source": source}
        lead.edited = {**edited, "topic": mark}
        lead.topic, lead.topic_source = topic, source
        lead.values.update(topic=topic, topic_source=source, edited_fields=lead.edited)
        return before, after
    raise ValueError(f"unknown step action {step.action!r}; use one of {STEP_ACTIONS}")


def _write(session: Session, leads: dict[int, _Lead], now: datetime) -> None:
    """One compare-and-swap version bump per changed submission, carrying all its new values:
    one ``executemany`` per set of columns written (a tag-only change bumps the version alone).
    A row whose version moved meanwhile is a conflict naming who moved it, as in
    :func:`~leaddesk.triage.versions.bump_versions`."""
    shapes: dict[tuple[str, ...], list[_Lead]] = {}
    for lead in leads.values():
        if lead.changed:
            shapes.setdefault(tuple(sorted(lead.values)), []).append(lead)
    for columns, group in shapes.items():
        statement = (update(SUBMISSIONS)
                     .where(SUBMISSIONS.c.id == bindparam("b_id"),
                            SUBMISSIONS.c.version == bindparam("b_version"))
                     .values(version=SUBMISSIONS.c.version + 1, updated_at=now,
                             **{c: bindparam(f"b_{c}") for c in columns}))
        rows = [{"b_id": lead.current.id, "b_version": lead.current.version,
                 **{f"b_{c}": lead.values[c] for c in columns}} for lead in group]
        result = session.connection().execute(statement, rows)
        if result.rowcount != len(rows):
            _raise_conflict(session, [(lead.current.id, lead.current.version) for lead in group],
                            now)
    expire(session, [sid for sid, lead in leads.items() if lead.changed])


def _raise_conflict(session: Session, expected: Sequence[tuple[int, int]], now: datetime) -> None:
    """The rows this write bumped carry its version and time; the first that does not is the
    one someone else changed (the caller rolls everything back)."""
    found: dict[int, tuple[int, datetime]] = {}
    for chunk in chunks([sid for sid, _ in expected]):
        found.update((sid, (version, at)) for sid, version, at in session.execute(
            select(Submission.id, Submission.version, Submission.updated_at)
            .where(Submission.id.in_(chunk))))
    stale = next((sid for sid, version in expected if found.get(sid) != (version + 1, now)),
                 expected[0][0])
    raise conflict(session, stale)


def _link(session: Session, links: Sequence[tuple[int, str, str, Current]],
          catalogue: dict[str, Any]) -> None:
    """Create the tags no one had yet (as the first step that added each would), then link all
    (each link with its submission's state as stored now, for the tag counts)."""
    rows: list[tuple[int, int, bool, str]] = []
    tag_ids: dict[str, int] = {}  # by the name as played (a batch links a few tags many times)
    for sid, name, actor, current in links:
        tag_id = tag_ids.get(name)
        if tag_id is None:
            tag = catalogue.get(name.casefold())
            if tag is None:
                tag = catalogue[name.casefold()] = insert_tag(session, name, DEFAULT_TAG_COLOUR,
                                                               actor=actor)
            tag_id = tag_ids[name] = tag.id
        rows.append((sid, tag_id, current.is_submission, current.status))
    insert_tag_links(session, rows, writer="triage.batch")
