"""The benchmark's data set: N submissions as a pharma-marketing agency's inbox would hold them.

:class:`Dataset` yields plain row dicts, table by table, in the order a fresh database accepts them
(accounts, team, tags, posts, contacts, then submissions with their tag links). It does no I/O; the
same seed always gives the same rows. Shares follow the brief: statuses new 30 %, open 15 %,
waiting 10 %, done 40 %, spam 5 %; 3 % mail that is not a submission; ~60 % assigned; ~30 % tagged;
~15 % without a topic; received over three years, mostly but not strictly in id order.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

from bench import corpus
from bench.corpus import Messages, Weighted, ascii_fold

# A fixed "now", so that the same seed gives the same database on every day it is run.
END = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
SPAN = timedelta(days=3 * 365)
BATCH = 5_000  # rows per yielded batch

STATUS_WEIGHTS = (("new", 30), ("open", 15), ("waiting", 10), ("done", 40), ("spam", 5))
NON_SUBMISSION_SHARE = 0.03
ASSIGNED_BY_STATUS = {"new": 0.25, "open": 0.9, "waiting": 0.9, "done": 0.8}  # ~60 % of all
TAGGED_SHARE = 0.32  # of leads: ~30 % of all mail
SUBJECT = 'Helix Health Comms: new "Send Us A Message" submission'


@dataclass(frozen=True)
class Person:
    name: str
    first: str
    email: str
    phone: str | None
    company: str | None


# ----------------------------------------------------------------- reference data

def _companies(rng: random.Random, count: int) -> list[str]:
    names = {f"{rng.choice(corpus.COMPANY_HEADS)}{rng.choice(corpus.COMPANY_TAILS)} "
             f"{rng.choice(corpus.COMPANY_FORMS)}" for _ in range(count * 2)}
    return sorted(names)[:count]


def _phone(rng: random.Random) -> str:
    return rng.choice(corpus.PHONE_FORMATS).format(
        a=rng.randint(100, 9999), b=rng.randint(1000, 99999), c=f"{rng.randint(10, 99)}",
        d=f"{rng.randint(10, 99)}", e=f"{rng.randint(10, 99)}", f=f"{rng.randint(10, 99)}")


def _people(rng: random.Random, count: int) -> list[Person]:
    companies = _companies(rng, max(50, count // 40))
    people, seen = [], set()
    for i in range(count):
        first, last = rng.choice(corpus.FIRST_NAMES), rng.choice(corpus.LAST_NAMES)
        company = rng.choice(companies) if rng.random() < 0.8 else None
        if company and rng.random() < 0.7:
            domain = ascii_fold(company.split()[0]) + rng.choice((".com", ".eu", ".de", ".fr"))
        else:
            domain = rng.choice(corpus.FREE_MAIL)
        local = ".".join(p for p in (ascii_fold(first), ascii_fold(last)) if p).replace(" ", "")
        local = local or f"visitor{i}"
        email = f"{local}@{domain}"
        if email in seen:
            email = f"{local}{i}@{domain}"
        seen.add(email)
        phone = _phone(rng) if rng.random() < 0.65 else None
        people.append(Person(f"{first} {last}", first, email, phone, company))
    return people


def _timestamps(rng: random.Random, count: int) -> list[datetime]:
    """Receive times over the last three years, busier lately and in office hours, in the order
    a sync meets them: mostly chronological, shuffled within batches, plus a late backfill."""
    start = END - SPAN
    seconds = SPAN.total_seconds()
    stamps = []
    for _ in range(count):
        day = seconds * (rng.random() ** 0.8)        # density grows towards the present
        base = start + timedelta(seconds=day)
        hour = rng.choices(range(24), weights=[1, 1, 1, 1, 1, 2, 3, 5, 8, 10, 10, 9, 7, 9, 10, 10,
                                               9, 7, 5, 4, 3, 2, 2, 1])[0]
        stamp = base.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60),
                             microsecond=rng.randrange(1_000_000))
        stamps.append(stamp if stamp <= END else stamp - timedelta(days=1))
    stamps.sort()
    for lo in range(0, count, 200):                  # a sync batch is not in date order
        chunk = stamps[lo:lo + 200]
        rng.shuffle(chunk)
        stamps[lo:lo + 200] = chunk
    backfill = count // 50                           # a second mailbox imported later
    if backfill:
        picked = sorted(rng.sample(range(count), backfill), reverse=True)
        late = [stamps.pop(i) for i in picked]
        stamps.extend(sorted(late))
    return stamps


def reference_rows(rng: random.Random) -> dict[str, list[dict[str, Any]]]:
    """Accounts, team members, tags and the blog's posts, by table name."""
    accounts = [
        {"id": 1, "name": "Website form (API)", "kind": "api", "settings": {"preset": "wpforms"},
         "secret_ref": None, "enabled": True, "created_at": END - SPAN},
        {"id": 2, "name": "info@ mailbox", "kind": "imap",
         "settings": {"host": "imap.example.org", "folder": "INBOX"},
         "secret_ref": "leaddesk/info@helix", "enabled": True, "created_at": END - SPAN}]
    team = [{"id": i, "name": name, "email": ascii_fold(name).replace(" ", ".") + "@helix.example",
             "active": True, "created_at": END - SPAN} for i, name in enumerate(corpus.TEAM, 1)]
    tags = [{"id": i, "name": name, "colour": colour}
            for i, (name, colour) in enumerate(corpus.TAGS, 1)]
    posts = []
    for i, title in enumerate(corpus.POST_TITLES, 1):
        slug = "-".join(ascii_fold(title).replace("/", " ").replace("-", " ").split())[:80]
        published = END - SPAN - timedelta(days=200) + timedelta(days=i * 33)
        posts.append({"id": i, "url": f"{corpus.SITE}/blog/{slug}/", "title": title,
                      "excerpt": f"{title}. Read the full post on our blog.",
                      "published_at": published, "author": rng.choice(corpus.TEAM),
                      "categories": ["Blog"], "tags": [], "fetched_at": END,
                      "etag": None, "last_modified": None, "fetch_error": None})
    return {"accounts": accounts, "team_members": team, "tags": tags, "posts": posts}


def contact_rows(people: list[Person]) -> Iterator[list[dict[str, Any]]]:
    """One contact per person, in batches; first/last seen are filled in after the load."""
    for lo in range(0, len(people), BATCH):
        yield [{"id": i, "email": p.email, "name": p.name, "phone": p.phone, "company": p.company,
                "first_seen_at": None, "last_seen_at": None, "created_at": END - SPAN}
               for i, p in enumerate(people[lo:lo + BATCH], lo + 1)]


# ----------------------------------------------------------------- submissions

class Submissions:
    """Yields submission rows (dicts for Core inserts) and their tag links, in sync order."""

    def __init__(self, rng: random.Random, count: int, people: list[Person],
                 posts: list[dict[str, Any]]) -> None:
        self.rng, self.count, self.people, self.posts = rng, count, people, posts
        self.messages = Messages()
        self.topics = Weighted.of(corpus.TOPICS)
        self.statuses = Weighted.of(STATUS_WEIGHTS)
        self.post_pick = Weighted.zipf(posts, 0.8)
        self.member_pick = Weighted.zipf(range(1, len(corpus.TEAM) + 1), 0.7)
        self.tag_pick = Weighted.zipf(range(1, len(corpus.TAGS) + 1), 0.9)
        self.person_pick = Weighted.zipf(range(len(people)), 0.3)  # some visitors write often

    def rows(self) -> Iterator[tuple[dict[str, Any], list[int]]]:
        rng = self.rng
        for n, received in enumerate(_timestamps(rng, self.count), 1):
            if rng.random() < NON_SUBMISSION_SHARE:
                yield self._other_mail(n, received), []
                continue
            status = self.statuses.pick(rng)
            row = self._spam(n, received) if status == "spam" else self._lead(n, received, status)
            tags = []
            if status != "spam" and rng.random() < TAGGED_SHARE:
                tags = sorted({self.tag_pick.pick(rng)
                               for _ in range(rng.choices((1, 2, 3), weights=(70, 25, 5))[0])})
            yield row, tags

    def _common(self, n: int, received: datetime, account_id: int) -> dict[str, Any]:
        rng = self.rng
        return {
            "id": n, "account_id": account_id,
            "source_key": f"api:1:{n}" if account_id == 1 else f"imap:2:INBOX:1700000000:{n}",
            "message_id": f"<{rng.getrandbits(64):016x}.{n}@helix-health-comms.example>",
            "content_hash": f"{rng.getrandbits(256):064x}",
            "received_at": received, "created_at": received + timedelta(seconds=rng.randint(5, 900)),
            "updated_at": received + timedelta(hours=rng.randint(0, 300)),
            "body_html": None, "problems": [], "version": 1, "spam_reason": None,
            "assignee_id": None, "contact_id": None, "post_id": None, "post_snapshot": None,
            "page_url": None, "topic": None, "visitor_phone": None, "visitor_company": None,
        }

    def _lead(self, n: int, received: datetime, status: str) -> dict[str, Any]:
        rng = self.rng
        index = self.person_pick.pick(rng)
        person = self.people[index]
        topic = self.topics.pick(rng)
        message = self.messages.message(rng, person.first)
        row = self._common(n, received, 1 if rng.random() < 0.7 else 2)
        post: dict[str, Any] | None = None
        if rng.random() < 0.85:
            post = self.post_pick.pick(rng)
            url = post["url"] + rng.choice(("", "", "", "?utm_source=linkedin", "#contact"))
        else:
            url = f"{corpus.SITE}/{rng.choice(('contact', 'services', 'about-us', ''))}"
        fields = {"your-name": person.name, "your-email": person.email,
                  "your-phone": person.phone or "", "your-company": person.company or "",
                  "topic": topic or "", "your-message": message}
        row.update({
            "submitted_at": received - timedelta(seconds=rng.randint(1, 120)),
            "subject": SUBJECT, "body_text": message, "fields": fields,
            "visitor_name": person.name, "visitor_email": person.email,
            "visitor_phone": person.phone, "visitor_company": person.company,
            "contact_id": index + 1, "topic": topic, "page_url": url, "status": status,
            "post_id": post["id"] if post else None,
            "post_snapshot": {"title": post["title"], "url": post["url"]} if post else None,
            "assignee_id": (self.member_pick.pick(rng)
                            if rng.random() < ASSIGNED_BY_STATUS[status] else None),
            "version": 1 if status == "new" else rng.randint(2, 6),
            "problems": ["phone number unparsed"] if rng.random() < 0.01 else [],
            "is_submission": True,
            "raw": _raw(row, person.name, person.email, message, received),
        })
        return row

    def _spam(self, n: int, received: datetime) -> dict[str, Any]:
        rng = self.rng
        name = rng.choice(("SEO Expert", "Crypto Team", "Mike", "Best Offer", "Anna", "Webmaster"))
        email = f"{ascii_fold(name).replace(' ', '')}{rng.randint(1, 99999)}@spam-mail.example"
        message = rng.choice(corpus.SPAM_MESSAGES)
        row = self._common(n, received, 1)
        row.update({
            "submitted_at": received, "subject": SUBJECT, "body_text": message,
            "fields": {"your-name": name, "your-email": email, "your-message": message},
            "visitor_name": name, "visitor_email": email, "status": "spam",
            "topic": rng.choice(("Digital campaigns", None)), "is_submission": True,
            "spam_reason": rng.choice(corpus.SPAM_REASONS), "page_url": f"{corpus.SITE}/contact",
            "raw": _raw(row, name, email, message, received),
        })
        return row

    def _other_mail(self, n: int, received: datetime) -> dict[str, Any]:
        subject, body = self.rng.choice(corpus.NON_SUBMISSIONS)
        row = self._common(n, received, 2)
        row.update({
            "submitted_at": None, "subject": subject, "body_text": body, "fields": {},
            "visitor_name": None, "visitor_email": "noreply@mailer.example", "status": "new",
            "is_submission": False, "raw": _raw(row, "Mailer", "noreply@mailer.example", body,
                                                received),
        })
        return row


def _raw(row: dict[str, Any], name: str, email: str, body: str, received: datetime) -> bytes:
    """The original message as stored for re-parsing: a small MIME text (or the API's JSON)."""
    if row["account_id"] == 1:
        return json.dumps({"id": row["id"], "name": name, "email": email, "message": body,
                           "date": received.isoformat()}).encode()
    return (f"From: {name} <{email}>\r\nTo: info@helix-health-comms.example\r\n"
            f"Subject: {SUBJECT}\r\nDate: {format_datetime(received)}\r\n"
            f"Message-ID: {row['message_id']}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            f"{body}\r\n").encode()


class Dataset:
    """Every row of a benchmark database, as ``(table name, rows)`` batches in insertion order."""

    def __init__(self, count: int, seed: int = 2026) -> None:
        self.count, self.seed = count, seed

    def batches(self) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        rng = random.Random(self.seed)
        reference = reference_rows(rng)
        yield from reference.items()
        people = _people(rng, max(100, self.count * 6 // 10))
        for rows in contact_rows(people):
            yield "contacts", rows
        maker = Submissions(rng, self.count, people, reference["posts"])
        batch: list[dict[str, Any]] = []
        links: list[dict[str, Any]] = []
        for row, tags in maker.rows():
            batch.append(row)
            links.extend({"submission_id": row["id"], "tag_id": t} for t in tags)
            if len(batch) == BATCH:
                yield "submissions", batch
                yield "submission_tags", links
                batch, links = [], []
        if batch:
            yield "submissions", batch
            yield "submission_tags", links
