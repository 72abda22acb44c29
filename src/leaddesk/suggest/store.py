"""The stored model: full retraining, the incremental update, and loading it (cached).

The model lives in the database (``suggest_state``: its counts as compressed JSON) next to the
examples it counted (``suggest_examples``) and the feedback on suggestions (``suggest_feedback``),
so every desktop of a team shares it and nothing leaves the machine or the team's database.

- :func:`retrain` counts everything again: :func:`compute` is its read-only half and :func:`save`
  the writing one, so the window can count in a background thread and hold the single database
  writer only to store the result.
- :func:`update` folds in what changed since: leads with a person's triage event after the stored
  watermark (re-read over a margin, since on PostgreSQL a concurrent transaction may commit an
  older event id late; re-reading is harmless because an unchanged lead is skipped) and rejections
  not yet counted. Each relabelled lead's old example is taken back and its new one added: the
  counts then equal a full retrain on the same data.
- :func:`forget` takes erased leads back out of the counts before they are deleted, so a person's
  words, domain and post leave the model with them (an erasure must not linger in a model any
  colleague can read), exactly as if a retrain had never seen them.
- Writes are guarded by the state's ``revision`` (compare-and-swap): a colleague's concurrent
  update is a ConflictError, never a lost count.
"""

from __future__ import annotations

import json
import threading
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, delete, insert, select
from sqlalchemy import update as sql_update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from leaddesk.db.models import SuggestExample, SuggestFeedback, SuggestState
from leaddesk.db.types import utcnow
from leaddesk.errors import ConflictError
from leaddesk.suggest import history
from leaddesk.suggest.history import (
    latest_event_id,
    lead_features,
    team_labels,
    to_example,
    touched_since,
)
from leaddesk.suggest.model import Labelled, Model, build

if TYPE_CHECKING:
    from leaddesk.db import Database

STATE_ID = 1
REJECT = "reject"
ACCEPT = "accept"
# Audit events re-read behind the watermark on every update (see the module docstring).
MARGIN = 200
# How often the window and the headless worker fold in the latest triage at most: an update costs
# up to a few hundred milliseconds at 100k leads, and suggestions a little behind are harmless.
UPDATE_EVERY_SECONDS = 120.0


@dataclass(frozen=True)
class Trained:
    """What a training run counted, ready to store (or already stored)."""

    model: Model
    audit_id: int
    examples: int
    changed: int = 0  # leads whose example changed (incremental), or all of them (retrain)
    rejections: int = 0
    full: bool = False
    _rows: tuple[Labelled, ...] = ()
    _feedback_ids: tuple[int, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {"examples": self.examples, "changed": self.changed,
                "rejections": self.rejections, "full": self.full, "audit_id": self.audit_id}


# ------------------------------------------------------------------ loading

def encode(model: Model) -> bytes:
    return zlib.compress(json.dumps(model.as_json(), separators=(",", ":")).encode(), 6)


def decode(blob: bytes | None) -> Model:
    return Model.from_json(json.loads(zlib.decompress(blob))) if blob else Model()


_cache_lock = threading.Lock()
_cache: dict[str, tuple[int, Model]] = {}


def stored_revision(session: Session) -> tuple[int, int] | None:
    """(revision, audit watermark) of the stored model, or None before the first training."""
    row = session.execute(select(SuggestState.revision, SuggestState.audit_id)
                          .where(SuggestState.id == STATE_ID)).first()
    return None if row is None else (int(row[0]), int(row[1]))


def load(session: Session) -> Model | None:
    """The stored model, decoded once per revision and database (suggesting reads it often)."""
    stamp = stored_revision(session)
    if stamp is None:
        return None
    key = str(session.get_bind().engine.url)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None and cached[0] == stamp[0]:
        return cached[1]
    row = session.execute(select(SuggestState.revision, SuggestState.model)
                          .where(SuggestState.id == STATE_ID)).one()
    model = decode(row[1])
    with _cache_lock:
        _cache[key] = (int(row[0]), model)
    return model


# ------------------------------------------------------------------ full retraining

def _uncounted_rejections(session: Session, *, only_new: bool
                          ) -> list[tuple[int, str, list[str], str]]:
    query = (select(SuggestFeedback.id, SuggestFeedback.target, SuggestFeedback.features,
                    SuggestFeedback.value)
             .where(SuggestFeedback.verdict == REJECT).order_by(SuggestFeedback.id))
    if only_new:
        query = query.where(SuggestFeedback.counted.is_(False))
    return [(int(i), t, list(f or []), v) for i, t, f, v in session.execute(query)]


def compute(session: Session) -> Trained:
    """Count every person-made label and every rejection again (reads only)."""
    audit_id = latest_event_id(session)
    rows = history.examples(session, team_labels(session))
    rejections = _uncounted_rejections(session, only_new=False)
    model = build(rows, ((t, f, v) for _, t, f, v in rejections))
    return Trained(model, audit_id, len(rows), len(rows), len(rejections), True, tuple(rows),
                   tuple(i for i, *_ in rejections))


def compute_apart(db: Database) -> Trained:
    """:func:`compute` in a read-only session of its own: for a background thread that must not
    hold the window's single database writer while it counts."""
    with db.session() as session:
        return compute(session)


def _example_row(example: Labelled) -> dict[str, Any]:
    return {"submission_id": example.submission_id, "features": list(example.features),
            "topic": example.topic, "owner": example.owner, "tags": list(example.tags)}


def _examples_table() -> Table:
    # Core, not the ORM's bulk insert, which costs more than the rows themselves.
    return SuggestExample.metadata.tables[SuggestExample.__tablename__]


def save(session: Session, trained: Trained, *, revision: int | None = None) -> Trained:
    """Write a full training run: examples replaced, rejections marked counted, the model.

    In a savepoint of its own: a run found stale half-way (ConflictError) leaves nothing written,
    even for a caller that carries on in the same transaction.
    """
    expected = revision if revision is not None else _revision_or_none(session)
    with session.begin_nested():
        _write_state(session, trained, expected)
        session.execute(delete(SuggestExample))
        rows = [_example_row(e) for e in trained._rows]
        table = _examples_table()
        try:
            for start in range(0, len(rows), 2000):
                session.execute(insert(table), rows[start:start + 2000])
        except IntegrityError:
            # A lead counted here was erased meanwhile (its foreign key says so): these counts
            # hold the erased person's words and must not be stored.
            raise _busy() from None
        if _mark_counted(session, trained._feedback_ids) != len(trained._feedback_ids):
            raise _busy()  # the same for a rejection erased with its lead
    return trained


def retrain(session: Session) -> Trained:
    """Count everything again and store it, in the caller's transaction."""
    revision = _revision_or_none(session)
    return save(session, compute(session), revision=revision)


def _revision_or_none(session: Session) -> int | None:
    stamp = stored_revision(session)
    return None if stamp is None else stamp[0]


def _mark_counted(session: Session, ids: Sequence[int]) -> int:
    marked = 0
    for start in range(0, len(ids), 500):
        result = session.execute(sql_update(SuggestFeedback)
                                 .where(SuggestFeedback.id.in_(ids[start:start + 500]))
                                 .values(counted=True))
        marked += result.rowcount  # type: ignore[attr-defined]
    return marked


def _write_state(session: Session, trained: Trained, expected: int | None) -> None:
    values = {"audit_id": trained.audit_id, "examples": trained.examples,
              "model": encode(trained.model), "trained_at": utcnow()}
    if expected is None:
        try:
            with session.begin_nested():
                session.execute(insert(SuggestState).values(id=STATE_ID, revision=1, **values))
        except IntegrityError:
            raise _busy() from None
        return
    result = session.execute(sql_update(SuggestState)
                             .where(SuggestState.id == STATE_ID,
                                    SuggestState.revision == expected)
                             .values(revision=expected + 1, **values)
                             .execution_options(synchronize_session=False))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise _busy()


def _busy() -> ConflictError:
    return ConflictError("the suggestions were updated by someone else meanwhile; try again "
                         "(`leaddesk suggest retrain`)")


# ------------------------------------------------------------------ incremental update

def update(session: Session, *, progress: Callable[[str], None] | None = None) -> Trained:
    """Fold in the triage and rejections since the last run; a full retrain the first time."""
    stamp = stored_revision(session)
    if stamp is None:
        if progress is not None:
            progress("first training on the team's triage")
        return retrain(session)
    revision, watermark = stamp
    audit_id = latest_event_id(session)
    rejections = _uncounted_rejections(session, only_new=True)
    if audit_id == watermark and not rejections:
        # The common case (a lead opened, nothing triaged since): two small queries.
        return Trained(load(session) or Model(), audit_id, 0)
    model = load(session)
    assert model is not None
    model = Model.from_json(model.as_json())  # the cached copy stays as it was
    changed = _relabel(session, model, touched_since(session, max(0, watermark - MARGIN)))
    if not changed and not rejections:
        # Only other events (notes, statuses) since: move the watermark, keep the revision, so
        # every desktop's decoded copy stays valid.
        session.execute(sql_update(SuggestState)
                        .where(SuggestState.id == STATE_ID, SuggestState.revision == revision)
                        .values(audit_id=audit_id).execution_options(synchronize_session=False))
        return Trained(model, audit_id, _count_examples(model))
    for _, target, feats, value in rejections:
        model.reject(target, feats, value)
    _mark_counted(session, [i for i, *_ in rejections])
    trained = Trained(model, audit_id, _count_examples(model), changed, len(rejections))
    _write_state(session, trained, revision)
    return trained


def catch_up(session: Session) -> Trained | None:
    """:func:`update` when a model is stored, in a savepoint; what the window and the headless
    worker run every :data:`UPDATE_EVERY_SECONDS` at most.

    None before the first training (a full retrain: the window runs it apart, the command line as
    ``leaddesk suggest retrain``), or when a colleague updated at the same moment: theirs is as
    good, and the savepoint takes back our half-written update.
    """
    if stored_revision(session) is None:
        return None
    try:
        with session.begin_nested():
            return update(session)
    except ConflictError:
        return None


# ------------------------------------------------------------------ erasure

def forget(session: Session, submission_ids: Sequence[int]) -> int:
    """Take these leads' examples and counted rejections out of the stored model, in the caller's
    transaction, before the leads are deleted; how many examples and rejections were taken back.

    The revision moves on, so a colleague's update or retrain computed from before the erasure
    fails its compare-and-swap instead of writing the erased counts back.
    """
    stamp = stored_revision(session)
    if stamp is None or not submission_ids:
        return 0
    examples = list(_stored_examples(session, submission_ids).values())
    rejections: list[tuple[str, list[str], str]] = []
    for start in range(0, len(submission_ids), 500):
        chunk = submission_ids[start:start + 500]
        rejections.extend(
            (target, list(feats or []), value) for target, feats, value in session.execute(
                select(SuggestFeedback.target, SuggestFeedback.features, SuggestFeedback.value)
                .where(SuggestFeedback.submission_id.in_(chunk),
                       SuggestFeedback.verdict == REJECT,
                       SuggestFeedback.counted.is_(True))))
    if not examples and not rejections:
        return 0
    stored = load(session)
    assert stored is not None
    model = Model.from_json(stored.as_json())  # the cached copy stays as it was
    for example in examples:
        model.add(example, -1)
    for target, feats, value in rejections:
        model.reject(target, feats, value, -1)
    revision, audit_id = stamp
    _write_state(session, Trained(model, audit_id, _count_examples(model)), revision)
    return len(examples) + len(rejections)


def _count_examples(model: Model) -> int:
    return model.targets["tags"].examples  # every example counts for tags


def _relabel(session: Session, model: Model, ids: Sequence[int]) -> int:
    """Replace the examples of ``ids`` whose labels changed; how many changed."""
    if not ids:
        return 0
    labels = team_labels(session, ids)
    old = _stored_examples(session, ids)
    moved = [sid for sid in ids if _labels_of(old.get(sid)) != _labels_of_new(labels.get(sid))]
    feats = lead_features(session, [sid for sid in moved if sid in labels])
    added: list[dict[str, Any]] = []
    for sid in moved:
        before = old.get(sid)
        if before is not None:
            model.add(before, -1)
        if sid in labels and sid in feats:
            example = to_example(sid, feats[sid], labels[sid])
            model.add(example)
            added.append(_example_row(example))
    gone = [sid for sid in moved if sid in old]
    for start in range(0, len(gone), 500):
        session.execute(delete(SuggestExample)
                        .where(SuggestExample.submission_id.in_(gone[start:start + 500])))
    if added:
        session.execute(insert(_examples_table()), added)
    return len(moved)


def _stored_examples(session: Session, ids: Sequence[int]) -> dict[int, Labelled]:
    """The examples stored for ``ids``, as the model counted them."""
    found: dict[int, Labelled] = {}
    for start in range(0, len(ids), 500):
        for row in session.scalars(select(SuggestExample)
                                   .where(SuggestExample.submission_id.in_(ids[start:start + 500]))):
            found[row.submission_id] = Labelled(row.submission_id, tuple(row.features), row.topic,
                                               row.owner, tuple(row.tags))
    return found


def _labels_of(example: Labelled | None) -> tuple[Any, ...] | None:
    return None if example is None else (example.topic, example.owner, tuple(example.tags))


def _labels_of_new(labels: Any) -> tuple[Any, ...] | None:
    if labels is None:
        return None
    return (labels.topic, labels.owner, tuple(sorted(labels.tags)))
