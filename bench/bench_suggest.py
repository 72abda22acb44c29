"""Suggestion quality and speed on generated team histories (leaddesk.suggest).

    .venv/bin/python -m bench.bench_suggest                 # quality at 5k leads, speed at 100k
    .venv/bin/python -m bench.bench_suggest --leads 20000 --speed-leads 0 --noise 0.2

A team's history is generated with habits and noise: every topic has its own words and posts,
every owner covers a few topics, known customers' domains have an account manager, tags follow
topics and a few words ("urgent", "invoice"), and a share ``--noise`` of leads get a random topic,
owner and tags instead. Leads are spread over twelve months; the model is trained on the first
nine and tested on the last three. Top-1 / top-3 accuracy is reported for topic and owner next to
the baseline of always suggesting the most frequent value(s); for tags, "top-k" is a hit when one
of the k highest-ranked tags is one of the lead's tags (leads with tags only).

Speed runs through the real code on a SQLite database of ``--speed-leads`` leads with the audit
events a team leaves (topic edit, assignment, tag): a full retrain from the audit log, an
incremental update after 200 more leads are triaged, and ``suggest()`` per untriaged lead.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from leaddesk import suggest
from leaddesk.db import Database
from leaddesk.db.models import AuditEvent, Submission, SuggestState, TeamMember
from leaddesk.suggest.model import OWNER, TAGS, TOPIC, Labelled, Model

TOPICS = ("speakers", "workshops", "sponsoring", "press", "careers", "billing", "partnerships",
          "research")
OWNERS = ("Anna", "Ben", "Chiara", "Dmitri", "Esra")
COVERS = {"Anna": ("speakers", "workshops"), "Ben": ("speakers", "sponsoring", "partnerships"),
          "Chiara": ("press", "research"), "Dmitri": ("billing", "careers"),
          "Esra": ("workshops", "partnerships", "research")}
TAGS_ALL = ("urgent", "invoice", "vip", "follow-up", "event", "media")
TOPIC_TAGS = {"speakers": ("event",), "workshops": ("event",), "press": ("media",),
              "billing": ("invoice",), "sponsoring": ("vip",), "partnerships": ("follow-up",)}
START = datetime(2025, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Lead:
    id: int
    at: datetime
    text: suggest.LeadText
    topic: str
    owner: str
    tags: tuple[str, ...]


class Team:
    """A generated team's habits (vocabularies, posts, customers) and leads following them."""

    def __init__(self, seed: int, noise: float) -> None:
        self.rng = random.Random(seed)
        self.noise = noise
        syllables = ("ka", "lo", "mi", "ne", "ru", "sa", "te", "vo", "zi", "pa", "de", "go")
        self.words = {t: [f"{t[:3]}{self._word(syllables)}" for _ in range(25)] for t in TOPICS}
        self.filler = [self._word(syllables) for _ in range(400)]
        self.posts = {t: [f"https://blog.example.org/{t}/post-{i}/" for i in range(6)]
                      for t in TOPICS}
        self.customers = {f"customer{i}.com": self.rng.choice(OWNERS) for i in range(80)}

    def _word(self, syllables: Sequence[str]) -> str:
        return "".join(self.rng.choice(syllables) for _ in range(self.rng.randint(2, 4)))

    def lead(self, lead_id: int, at: datetime) -> Lead:
        rng = self.rng
        topic = rng.choice(TOPICS)
        customer = rng.random() < 0.4
        domain = (rng.choice(list(self.customers)) if customer
                  else f"visitor{rng.randint(1, 5000)}.net")
        words = rng.sample(self.words[topic], rng.randint(2, 5)) + rng.sample(self.filler, 12)
        # Other topics' words leak in too: messages are never clean.
        words += rng.sample(self.words[rng.choice(TOPICS)], 1)
        urgent = rng.random() < 0.15
        if urgent:
            words.append("urgent")
        rng.shuffle(words)
        post_topic = topic if rng.random() < 0.7 else rng.choice(TOPICS)
        page = rng.choice(self.posts[post_topic]) if rng.random() < 0.8 else None
        fields = {"Budget": rng.choice(("< 5k", "5-20k", "> 20k"))}
        text = suggest.LeadText(subject=" ".join(words[:4]), message=" ".join(words),
                                fields=fields, page_url=page, email=f"someone@{domain}")
        owner = (self.customers[domain] if customer and rng.random() < 0.8
                 else rng.choice([o for o, ts in COVERS.items() if topic in ts]))
        tags = set(TOPIC_TAGS.get(topic, ())) if rng.random() < 0.7 else set()
        if urgent:
            tags.add("urgent")
        if rng.random() < self.noise:
            topic, owner = rng.choice(TOPICS), rng.choice(OWNERS)
            tags = set(rng.sample(TAGS_ALL, rng.randint(0, 2)))
        return Lead(lead_id, at, text, topic, owner, tuple(sorted(tags)))

    def history(self, count: int, months: int = 12) -> list[Lead]:
        step = timedelta(days=30 * months) / count
        return [self.lead(i + 1, START + step * i) for i in range(count)]


# ------------------------------------------------------------------ quality

def _accuracy(model: Model, test: Sequence[Lead], train: Sequence[Lead]) -> dict[str, Any]:
    base_topic = [t for t, _ in Counter(x.topic for x in train).most_common(3)]
    base_owner = [o for o, _ in Counter(x.owner for x in train).most_common(3)]
    base_tags = [t for t, _ in Counter(t for x in train for t in x.tags).most_common(3)]
    hits: Counter[str] = Counter()
    tagged = 0
    confident = right_confident = 0
    for lead in test:
        feats = suggest.features(lead.text)
        for target, truth, base in ((TOPIC, {lead.topic}, base_topic),
                                    (OWNER, {lead.owner}, base_owner),
                                    (TAGS, set(lead.tags), base_tags)):
            if not truth:
                continue
            ranked = [r.value for r in model.rank(target, feats, limit=3)]
            top = model.rank(target, feats, limit=1)
            if target == TOPIC and top and top[0].confidence >= 0.8:
                confident += 1
                right_confident += top[0].value in truth
            for k in (1, 3):
                hits[f"{target}@{k}"] += bool(truth & set(ranked[:k]))
                hits[f"{target}@{k}:base"] += bool(truth & set(base[:k]))
        tagged += bool(lead.tags)
    n = len(test)
    result = {key: hits[key] / (tagged if key.startswith(TAGS) else n) for key in hits}
    result["topic_confident_share"] = confident / n
    result["topic_confident_right"] = right_confident / max(confident, 1)
    return result


def quality(leads: int, noise: float, seed: int) -> dict[str, Any]:
    history = Team(seed, noise).history(leads)
    cut = START + timedelta(days=30 * 9)
    train = [x for x in history if x.at < cut]
    test = [x for x in history if x.at >= cut]
    model = suggest.build(Labelled(x.id, tuple(suggest.features(x.text)), x.topic, x.owner,
                                  x.tags) for x in train)
    return {"train": len(train), "test": len(test), **_accuracy(model, test, train)}


# ------------------------------------------------------------------ speed on a real database

def populate(db: Database, history: Sequence[Lead], triaged: int) -> None:
    """Store the leads; the first ``triaged`` get the audit events of a person's triage."""
    with db.session() as s:
        s.execute(insert(TeamMember), [{"name": o} for o in OWNERS])
    for start in range(0, len(history), 5000):
        chunk = history[start:start + 5000]
        with db.session() as s:
            s.execute(insert(Submission), [
                {"id": x.id, "source_key": f"bench:{x.id}", "received_at": x.at,
                 "subject": x.text.subject, "body_text": x.text.message,
                 "fields": dict(x.text.fields or {}), "page_url": x.text.page_url,
                 "visitor_email": x.text.email, "status": "done" if x.id <= triaged else "new"}
                for x in chunk])
            s.execute(insert(AuditEvent), [e for x in chunk if x.id <= triaged
                                           for e in _events(x)])


def _events(x: Lead) -> list[dict[str, Any]]:
    who = x.owner
    base = {"at": x.at, "actor": who, "entity": "submission", "entity_id": x.id}
    events = [{**base, "action": "edit", "before": {"topic": None}, "after": {"topic": x.topic}},
              {**base, "action": "assign", "before": {"assignee": None},
               "after": {"assignee": x.owner}}]
    tags: list[str] = []
    for tag in x.tags:
        events.append({**base, "action": "tag.add", "before": {"tags": list(tags)},
                       "after": {"tags": [*tags, tag]}})
        tags.append(tag)
    return events


def speed(count: int, seed: int, noise: float) -> dict[str, float]:
    history = Team(seed, noise).history(count)
    triaged = count - 1200
    with tempfile.TemporaryDirectory() as tmp:
        db = Database.open(f"sqlite:///{Path(tmp) / 'suggest.db'}")
        started = time.perf_counter()
        populate(db, history, triaged)
        filled = time.perf_counter() - started
        started, cpu = time.perf_counter(), time.process_time()
        with db.session() as s:
            trained = suggest.retrain(s)
        retrain, retrain_cpu = time.perf_counter() - started, time.process_time() - cpu
        # 200 more leads triaged, then the incremental update.
        with db.session() as s:
            s.execute(insert(AuditEvent), [e for x in history[triaged:triaged + 200]
                                           for e in _events(x)])
        started, cpu = time.perf_counter(), time.process_time()
        with db.session() as s:
            updated = suggest.update(s)
        incremental, incremental_cpu = time.perf_counter() - started, time.process_time() - cpu
        with db.session() as s:
            blob = len(s.scalar(select(SuggestState.model)) or b"")
        times: list[float] = []
        with db.session() as s:
            suggest.suggest(s, history[-1].id)  # the model is decoded once per revision
            cpu = time.process_time()
            for x in history[-1000:]:
                started = time.perf_counter()
                suggest.suggest(s, x.id)
                times.append((time.perf_counter() - started) * 1000)
            suggest_cpu = time.process_time() - cpu  # s for 1000 leads = ms per lead
        db.close()
    times.sort()
    return {"leads": count, "examples": trained.examples, "fill_s": filled,
            "retrain_s": retrain, "retrain_cpu_s": retrain_cpu, "update_s": incremental,
            "update_changed": updated.changed, "update_cpu_s": incremental_cpu,
            "model_kb": blob / 1024, "suggest_p50_ms": statistics.median(times),
            "suggest_p95_ms": times[int(len(times) * 0.95) - 1], "suggest_cpu_ms": suggest_cpu,
            "load": os.getloadavg()[0]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=5000, help="history for quality")
    parser.add_argument("--noise", type=float, default=0.15, help="share of random triage")
    parser.add_argument("--speed-leads", type=int, default=100_000, help="0 skips the speed run")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    q = quality(args.leads, args.noise, args.seed)
    print(f"quality: {args.leads} leads, noise {args.noise:.0%}, trained on {q['train']} "
          f"(months 1-9), tested on {q['test']} (months 10-12)")
    print(f"{'target':8} {'top-1':>7} {'base':>7} {'top-3':>7} {'base':>7}")
    for target in (TOPIC, OWNER, TAGS):
        print(f"{target:8} {q[f'{target}@1']:7.1%} {q[f'{target}@1:base']:7.1%} "
              f"{q[f'{target}@3']:7.1%} {q[f'{target}@3:base']:7.1%}")
    print(f"topic suggestions at >= 80 % confidence: {q['topic_confident_share']:.1%} of leads, "
          f"right {q['topic_confident_right']:.1%} of the time")
    if args.speed_leads:
        r = speed(args.speed_leads, args.seed, args.noise)
        print(f"speed at {r['leads']:,} leads ({r['examples']:,} triaged): database filled in "
              f"{r['fill_s']:.1f} s; full retrain {r['retrain_s']:.1f} s wall "
              f"({r['retrain_cpu_s']:.1f} s CPU); incremental update "
              f"after 200 more triaged {r['update_s'] * 1000:.0f} ms wall "
              f"({r['update_cpu_s'] * 1000:.0f} ms CPU, {r['update_changed']} changed); "
              f"stored model {r['model_kb']:.0f} KB; suggest() per lead p50 "
              f"{r['suggest_p50_ms']:.2f} ms, p95 {r['suggest_p95_ms']:.2f} ms wall, "
              f"{r['suggest_cpu_ms']:.2f} ms CPU on average; load average {r['load']:.1f}")


if __name__ == "__main__":
    main()
