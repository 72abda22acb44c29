"""The suggestion model: naive Bayes over counts, one per target (topic, tags, owner).

Why naive Bayes over counts, and not a numerical library or a perceptron:

- Size: it is pure Python (dicts of integers); the Linux bundle stays where it is, where NumPy and
  scikit-learn would add some 60-100 MB to a 146 MB bundle with a 150 MB limit.
- Incremental for free: the model *is* its counts. A lead the team triages adds one to a few
  counters, a relabelled lead subtracts its old example and adds the new one, and the result is
  exactly the model a full retrain on the same data would give (tests check it). A perceptron's
  weights depend on the order it saw the examples in, so an incremental update would drift from a
  retrain and could not be undone exactly.
- Explainable: a suggestion's score is a sum of per-feature log-likelihood ratios, so "because"
  is the few largest terms of that sum, the words, post and domain a person can check.
- Good with little data: a team with fifty triaged leads already gets sensible suggestions; the
  bench (bench/bench_suggest.py) measures top-1 and top-3 accuracy against the most-frequent
  baseline.

Topic and owner are single-label (multinomial naive Bayes over binary features, softmax over the
values). Tags are multi-label: one-vs-rest, each tag against "not this tag", using the counts of
all examples for the rest, so one more tag costs one more counter table and no retraining.

A rejected suggestion is training data too: its features are counted against the rejected value
(``rejected``), and the value's evidence for those features is reduced by as much, so similar
leads are less likely to get it again. Confidence is the posterior with a temperature: naive
Bayes multiplies features as if independent and is far too sure of itself without one.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

TOPIC, TAGS, OWNER = "topic", "tags", "owner"
TARGETS = (TOPIC, TAGS, OWNER)

ALPHA = 0.1  # Lidstone smoothing: small, the vocabulary is large and each feature once per lead
REJECT_WEIGHT = 1  # one rejection takes back one example's evidence for its features
TEMPERATURE = 4.0  # confidence calibration (bench: suggestions at >= 80 % are right ~80 %)
TOP_REASONS = 3


@dataclass(frozen=True)
class Labelled:
    """One lead as the model counted it: its features and the team's labels for it."""

    submission_id: int
    features: tuple[str, ...]
    topic: str | None = None
    owner: str | None = None
    tags: tuple[str, ...] = ()


@dataclass
class TargetCounts:
    """The counts of one target: per value, how many examples had it and each feature with it."""

    examples: int = 0
    features: Counter[str] = field(default_factory=Counter)  # over all examples of the target
    labels: Counter[str] = field(default_factory=Counter)
    by_label: dict[str, Counter[str]] = field(default_factory=dict)
    rejections: Counter[str] = field(default_factory=Counter)
    rejected: dict[str, Counter[str]] = field(default_factory=dict)
    _totals: dict[str, int] | None = field(default=None, repr=False, compare=False)

    def add(self, features: Iterable[str], labels: Iterable[str], sign: int = 1) -> None:
        """Count (``sign`` 1) or take back (-1) one example with ``labels``."""
        feats = list(features)
        self.examples += sign
        _bump(self.features, feats, sign)
        for label in labels:
            self.labels[label] += sign
            _bump(self.by_label.setdefault(label, Counter()), feats, sign)
            _drop_empty(self.labels, self.by_label, label)
        self._totals = None

    def reject(self, features: Iterable[str], label: str, sign: int = 1) -> None:
        self.rejections[label] += sign
        _bump(self.rejected.setdefault(label, Counter()), list(features), sign)
        _drop_empty(self.rejections, self.rejected, label)

    # -------------------------------------------------------------- reading
    def totals(self) -> dict[str, int]:
        if self._totals is None:
            self._totals = {label: sum(c.values()) for label, c in self.by_label.items()}
            self._totals[""] = sum(self.features.values())
        return self._totals

    def evidence(self, label: str, feature: str) -> int:
        """How many examples with ``label`` had ``feature``, less what rejections took back."""
        # dict.get, not Counter's []: a missing key would cost a Python call (__missing__).
        counted = self.by_label.get(label, _EMPTY).get(feature, 0)
        rejected = self.rejected.get(label)
        if not rejected:
            return counted
        return max(0, counted - REJECT_WEIGHT * rejected.get(feature, 0))

    def log_ratio(self, label: str, feature: str) -> float:
        """log P(feature | label) - log P(feature | any other label): the feature's weight."""
        vocabulary = len(self.features)
        totals = self.totals()
        inside = self.evidence(label, feature)
        rest = self.features.get(feature, 0) - self.by_label.get(label, _EMPTY).get(feature, 0)
        rest_total = totals[""] - totals.get(label, 0)
        return (math.log((inside + ALPHA) / (totals.get(label, 0) + ALPHA * vocabulary))
                - math.log((rest + ALPHA) / (rest_total + ALPHA * vocabulary)))

    def as_json(self) -> dict[str, Any]:
        return {"examples": self.examples, "features": dict(self.features),
                "labels": dict(self.labels),
                "by_label": {k: dict(v) for k, v in self.by_label.items()},
                "rejections": dict(self.rejections),
                "rejected": {k: dict(v) for k, v in self.rejected.items()}}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TargetCounts:
        return cls(int(data.get("examples", 0)), Counter(data.get("features", {})),
                   Counter(data.get("labels", {})),
                   {k: Counter(v) for k, v in data.get("by_label", {}).items()},
                   Counter(data.get("rejections", {})),
                   {k: Counter(v) for k, v in data.get("rejected", {}).items()})

    def same_counts(self, other: TargetCounts) -> bool:
        """Equal counts, ignoring zero entries (an add and a take-back leave them)."""
        return self.as_json() == other.as_json()


_EMPTY: Counter[str] = Counter()


def _bump(counter: Counter[str], features: Sequence[str], sign: int) -> None:
    if sign == 1:
        counter.update(features)  # counted in C: retraining 100k leads is mostly this
        return
    for feature in features:
        value = counter[feature] + sign
        if value:
            counter[feature] = value
        else:
            del counter[feature]


def _drop_empty(counts: Counter[str], tables: dict[str, Counter[str]], label: str) -> None:
    # A value no example has any more leaves no trace, so an incremental update that moved a
    # lead away from it equals a retrain that never saw it.
    if counts[label] == 0:
        del counts[label]
        if not tables.get(label):
            tables.pop(label, None)


@dataclass(frozen=True)
class Ranked:
    value: str
    confidence: float
    reasons: tuple[tuple[str, float], ...]  # (feature, weight), the heaviest first


@dataclass
class Model:
    """The three targets' counts; what is stored, updated and scored."""

    targets: dict[str, TargetCounts] = field(
        default_factory=lambda: {t: TargetCounts() for t in TARGETS})

    def add(self, example: Labelled, sign: int = 1) -> None:
        if example.topic:
            self.targets[TOPIC].add(example.features, [example.topic], sign)
        if example.owner:
            self.targets[OWNER].add(example.features, [example.owner], sign)
        self.targets[TAGS].add(example.features, example.tags, sign)

    def reject(self, target: str, features: Iterable[str], value: str, sign: int = 1) -> None:
        self.targets[target].reject(features, value, sign)

    def rank(self, target: str, features: Sequence[str], *, allowed: Collection[str] | None = None,
             exclude: Collection[str] = (), limit: int = 3) -> list[Ranked]:
        """The likeliest values of ``target`` for a lead with ``features``, best first."""
        counts = self.targets[target]
        known = [f for f in features if f in counts.features]
        candidates = [label for label in counts.labels
                      if label not in exclude and (allowed is None or label in allowed)]
        if not candidates:
            return []
        if target == TAGS:
            scored = [(label, _sigmoid(_tag_log_odds(counts, label, known) / TEMPERATURE))
                      for label in candidates]
        else:
            scored = _softmax(counts, candidates, known)
        scored.sort(key=lambda item: (-item[1], item[0]))
        return [Ranked(label, confidence, _reasons(counts, label, known))
                for label, confidence in scored[:limit]]

    def as_json(self) -> dict[str, Any]:
        return {t: c.as_json() for t, c in self.targets.items()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Model:
        return cls({t: TargetCounts.from_json(data.get(t, {})) for t in TARGETS})

    def same_counts(self, other: Model) -> bool:
        return all(self.targets[t].same_counts(other.targets[t]) for t in TARGETS)


def _log_likelihood(counts: TargetCounts, label: str, features: Sequence[str]) -> float:
    vocabulary = len(counts.features)
    denominator = math.log(counts.totals().get(label, 0) + ALPHA * vocabulary)
    # The inner loop of suggesting, kept free of calls: what evidence() computes, inline.
    seen = counts.by_label.get(label, _EMPTY)
    rejected = counts.rejected.get(label)
    log = math.log
    total = 0.0
    for f in features:
        n = seen.get(f, 0)
        if rejected:
            n = max(0, n - REJECT_WEIGHT * rejected.get(f, 0))
        total += log(n + ALPHA)
    return total - denominator * len(features)


def _softmax(counts: TargetCounts, labels: Sequence[str], features: Sequence[str]
             ) -> list[tuple[str, float]]:
    scores = [(math.log(counts.labels[label] + 1) + _log_likelihood(counts, label, features))
              / TEMPERATURE for label in labels]
    top = max(scores)
    weights = [math.exp(s - top) for s in scores]
    total = sum(weights)
    return [(label, w / total) for label, w in zip(labels, weights, strict=True)]


def _tag_log_odds(counts: TargetCounts, label: str, features: Sequence[str]) -> float:
    with_tag = counts.labels[label]
    without = max(counts.examples - with_tag, 0)
    prior = math.log((with_tag + 1) / (without + 1))
    return prior + sum(counts.log_ratio(label, f) for f in features)


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1 / (1 + math.exp(-x))
    z = math.exp(x)
    return z / (1 + z)


def _reasons(counts: TargetCounts, label: str, features: Sequence[str]
             ) -> tuple[tuple[str, float], ...]:
    weighed = [(f, counts.log_ratio(label, f)) for f in features
               if counts.evidence(label, f) > 0]
    weighed = [(f, w) for f, w in weighed if w > 0]
    weighed.sort(key=lambda item: (-item[1], item[0]))
    return tuple((f, round(w, 3)) for f, w in weighed[:TOP_REASONS])


def build(examples: Iterable[Labelled],
          rejections: Iterable[tuple[str, Sequence[str], str]] = ()) -> Model:
    """A model from scratch: every example, then every (target, features, value) rejection."""
    model = Model()
    for example in examples:
        model.add(example)
    for target, features, value in rejections:
        model.reject(target, features, value)
    return model
