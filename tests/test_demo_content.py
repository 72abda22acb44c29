"""The bundled demo content (resources/demo): the mailbox reads as its manifest says, and the demo site
has the shape of the WordPress REST API.

The manifest (resources/demo/manifest.json) records, for every message file, what it is (a submission, a
spam submission, or not a submission at all) and, for form mails, what the parser must find in it.
"""

from __future__ import annotations

import email
import json
import mailbox
import re
import string
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.parser import BytesHeaderParser
from email.utils import parsedate_to_datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from leaddesk import demo, demo_content, query, triage
from leaddesk.config import demo_db_url
from leaddesk.conversations import timeline
from leaddesk.db import Database
from leaddesk.db.models import AuditEvent, Message, Note, Post, Reply, Status, Submission
from leaddesk.ingest.parse import SubmissionDraft, parse_message
from leaddesk.query import Filter
from leaddesk.reparse.runner import reparse
from leaddesk.reply import templates
from tests.support.cli import Runner
from tests.support.demo_dump import dump_url

DEMO = Path(__file__).resolve().parents[1] / "resources" / "demo"
MAILDIR = DEMO / "mailbox"
SITE = DEMO / "site"
BASE = "https://www.example-pharma-agency.com"
KINDS = {"submission", "not-submission", "spam"}
POST_SLUGS = {"imi-public-private-partnerships", "white-paper-patient-engagement",
              "white-paper-speakers-bureaus", "focus-on-micro-influencers"}
TOPICS = {"Patient engagement", "Speakers bureaus", "Micro-influencers", "Public/private partnerships (IMI)",
          "Medical education", "Market access"}
# The inbox's "Needs reply" view (leaddesk.ui.views): the visitor wrote last, not done.
NEEDS_REPLY = Filter(statuses=("new", "open", "waiting"), needs_reply=True)
MAILDIR_NAME = re.compile(r"^\d{10}\.M\d+P\d+\.demo$")


def _manifest() -> dict[str, dict[str, Any]]:
    data = json.loads((DEMO / "manifest.json").read_text(encoding="utf-8"))
    messages: dict[str, dict[str, Any]] = data["messages"]
    return messages


MANIFEST = _manifest()
FORM_MAILS = sorted(name for name, entry in MANIFEST.items() if entry["kind"] != "not-submission")
OTHER_MAILS = sorted(name for name, entry in MANIFEST.items() if entry["kind"] == "not-submission")


def raw(name: str) -> bytes:
    return (MAILDIR / name).read_bytes()


@cache
def parsed(name: str) -> SubmissionDraft:
    return parse_message(raw(name))


def headers(name: str) -> Any:
    return BytesHeaderParser().parsebytes(raw(name))


def decoded_text(name: str) -> str:
    """The header block and every text part, transfer encoding and charset undone."""
    message = email.message_from_bytes(raw(name))
    texts = [raw(name).split(b"\n\n", 1)[0].decode("ascii", "replace")]
    for part in message.walk():
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            texts.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
    return "\n".join(texts)


# ---------------------------------------------------------------- the Maildir


def test_maildir_has_its_three_folders_and_tmp_stays_empty() -> None:
    for folder in ("cur", "new", "tmp"):
        assert (MAILDIR / folder).is_dir(), folder
    # A placeholder keeps tmp/ in git; readers never look inside tmp/.
    assert sorted(p.name for p in (MAILDIR / "tmp").iterdir()) == [".gitkeep"]


def test_cur_and_new_hold_only_messages() -> None:
    # Python 3.11's mailbox.Maildir takes every file in cur/ and new/ for a message, dotfiles too.
    for folder in ("cur", "new"):
        for path in (MAILDIR / folder).iterdir():
            assert path.is_file(), path
            assert MAILDIR_NAME.match(path.name), path


def test_every_file_is_in_the_manifest_and_the_other_way_round() -> None:
    on_disk = {f"{p.parent.name}/{p.name}" for folder in ("cur", "new") for p in (MAILDIR / folder).iterdir()}
    assert on_disk == set(MANIFEST)
    assert all(entry["kind"] in KINDS for entry in MANIFEST.values())


def test_the_maildir_holds_at_least_45_messages() -> None:
    box = mailbox.Maildir(MAILDIR, factory=None, create=False)
    try:
        assert len(box) >= 45
        assert all(box.get_bytes(key).strip() for key in box.iterkeys())
    finally:
        box.close()


def test_dates_are_spread_over_the_ten_weeks_before_24_november_2026() -> None:
    dates = [parsedate_to_datetime(headers(name)["Date"]) for name in MANIFEST]
    assert all(d.tzinfo is not None for d in dates)
    start, end = datetime(2026, 9, 14, tzinfo=UTC), datetime(2026, 11, 24, tzinfo=UTC)
    assert all(start <= d < end for d in dates), [d for d in dates if not start <= d < end]
    assert max(dates) - min(dates) >= timedelta(weeks=9)
    weeks = {d.isocalendar()[1] for d in dates}
    assert len(weeks) >= 10


def test_message_ids_are_unique_but_for_one_duplicate_delivery() -> None:
    ids = Counter(headers(name)["Message-ID"].strip() for name in MANIFEST)
    repeated = [message_id for message_id, count in ids.items() if count > 1]
    assert len(repeated) == 1
    assert ids[repeated[0]] == 2
    copies = [name for name in MANIFEST if headers(name)["Message-ID"].strip() == repeated[0]]
    # A re-delivery: the bytes differ (the receiving server's Received line), the message is the same.
    assert raw(copies[0]) != raw(copies[1])
    assert parsed(copies[0]).body_text == parsed(copies[1]).body_text
    for name in MANIFEST:
        assert headers(name)["Message-ID"].strip() == MANIFEST[name]["message_id"]


def test_some_messages_use_other_charsets_and_transfer_encodings() -> None:
    content_types = [str(headers(name).get("Content-Type", "")).lower() for name in MANIFEST]
    encodings = Counter(str(headers(name).get("Content-Transfer-Encoding", "")).lower() for name in MANIFEST)
    assert sum("iso-8859-1" in ct for ct in content_types) >= 2
    assert encodings["quoted-printable"] >= 3
    assert encodings["base64"] >= 1


def test_visitor_data_is_fictional() -> None:
    for name in FORM_MAILS:
        email = MANIFEST[name]["email"]
        assert email.rsplit(".", 1)[-1] in ("example", "test"), email
    # Every address anywhere in the mail (headers and decoded bodies) is reserved or a known service's.
    address = re.compile(r"[\w.+-]+@(?:[\w-]+\.)+[a-z]+\b", re.IGNORECASE)
    known = ("example-pharma-agency.com", "hubspot.com", "hubspotemail.net", "netlify.com", "formspree.io",
             "webflow.com", "amazonses.com")
    for name in MANIFEST:
        for found in address.findall(decoded_text(name)):
            domain = found.split("@", 1)[1].lower()
            assert domain.endswith((".example", ".test", *known)), (name, found)


# ---------------------------------------------------------------- what the parser reads


@pytest.mark.parametrize("name", FORM_MAILS)
def test_form_mail_reads_as_the_manifest_says(name: str) -> None:
    expected, draft = MANIFEST[name], parsed(name)
    assert draft.problems == ()
    assert draft.is_submission
    assert draft.is_spam == (expected["kind"] == "spam"), draft.spam_reason
    assert draft.plugin == expected["plugin"]
    assert draft.visitor_email == expected["email"]
    assert draft.visitor_name == expected["name"]
    # The manifest names what the visitor chose or typed: a topic field, or a subject (a hint the
    # store takes as the topic only when it names one of the team's topics).
    assert (draft.topic or draft.topic_hint) == expected["topic"]
    assert draft.page_url == expected["page_url"]
    assert draft.body_text.strip()


@pytest.mark.parametrize("name", OTHER_MAILS)
def test_other_mail_is_not_taken_for_a_submission(name: str) -> None:
    draft = parsed(name)
    assert not draft.is_submission
    assert draft.not_submission_reason


def test_at_least_35_submissions_with_a_visitor_address_and_most_with_a_topic() -> None:
    leads = [parsed(name) for name in FORM_MAILS if MANIFEST[name]["kind"] == "submission"]
    with_email = [draft for draft in leads if draft.visitor_email]
    assert len(with_email) >= 35
    chosen = [draft.topic or draft.topic_hint for draft in leads]
    assert sum(1 for topic in chosen if topic) >= 0.8 * len(leads)
    # Every topic of the site's form occurs, and a few submissions have none.
    assert set(chosen) >= TOPICS
    assert None in chosen


def test_at_least_five_form_plugins() -> None:
    plugins = {parsed(name).plugin for name in FORM_MAILS}
    assert len(plugins) >= 5, plugins
    assert {"contact-form-7", "wpforms", "gravity-forms", "elementor", "ninja-forms", "hubspot", "netlify",
            "formspree", "webflow", "generic"} <= plugins


def test_spam_and_other_mail_are_there() -> None:
    kinds = Counter(entry["kind"] for entry in MANIFEST.values())
    assert kinds["spam"] >= 3
    assert kinds["not-submission"] >= 5
    reasons = {parsed(name).not_submission_reason for name in OTHER_MAILS}
    assert len(reasons) >= 5, reasons


def test_some_visitors_write_again_weeks_later() -> None:
    seen: dict[str, list[datetime]] = {}
    for name in FORM_MAILS:
        draft = parsed(name)
        if MANIFEST[name]["kind"] == "submission" and draft.visitor_email and draft.sent_at:
            seen.setdefault(draft.visitor_email, []).append(draft.sent_at)
    repeat = [email for email, dates in seen.items()
              if max(dates) - min(dates) >= timedelta(weeks=2)]
    assert len(repeat) >= 2, repeat


def test_submissions_come_from_the_posts_the_contact_page_and_the_home_page() -> None:
    pages = {MANIFEST[name]["page_url"] for name in FORM_MAILS} - {None}
    expected = {f"{BASE}/blog/{slug}/" for slug in POST_SLUGS} | {f"{BASE}/contact/", f"{BASE}/"}
    assert pages == expected


# ---------------------------------------------------------------- the demo site

POST_KEYS = {"id", "date", "date_gmt", "slug", "link", "title", "excerpt", "content", "categories", "tags",
             "_embedded"}
TERM_KEYS = {"id", "name", "slug", "taxonomy"}


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _check_post(post: dict[str, Any]) -> None:
    assert set(post) >= POST_KEYS, POST_KEYS - set(post)
    assert isinstance(post["id"], int)
    for key in ("date", "date_gmt"):
        datetime.fromisoformat(post[key])  # WordPress writes them without an offset
    assert post["slug"] in POST_SLUGS
    assert post["link"] == f"{BASE}/blog/{post['slug']}/"
    for key in ("title", "excerpt", "content"):
        assert isinstance(post[key]["rendered"], str)
        assert post[key]["rendered"].strip()
    assert post["content"]["rendered"].lstrip().startswith("<p>")
    author = post["_embedded"]["author"][0]
    assert isinstance(author["name"], str)
    assert author["name"]
    categories, tags = post["_embedded"]["wp:term"]
    for term in categories + tags:
        assert set(term) >= TERM_KEYS, term
    assert {term["taxonomy"] for term in categories} == {"category"}
    assert {term["taxonomy"] for term in tags} == {"post_tag"}
    assert [term["id"] for term in categories] == post["categories"]
    assert [term["id"] for term in tags] == post["tags"]


@pytest.mark.parametrize("slug", sorted(POST_SLUGS))
def test_each_post_file_has_the_rest_api_shape(slug: str) -> None:
    post = _load(SITE / "posts" / f"{slug}.json")
    assert isinstance(post, dict)
    _check_post(post)
    assert post["slug"] == slug


def test_posts_json_lists_the_four_posts_newest_first() -> None:
    posts = _load(SITE / "posts.json")
    assert isinstance(posts, list)
    assert len(posts) == 4
    assert {post["slug"] for post in posts} == POST_SLUGS
    for post in posts:
        _check_post(post)
        assert post == _load(SITE / "posts" / f"{post['slug']}.json")
    dates = [post["date_gmt"] for post in posts]
    assert dates == sorted(dates, reverse=True)


def test_every_json_file_of_the_site_loads() -> None:
    files = sorted(SITE.rglob("*.json"))
    assert len(files) == 5
    for path in files:
        _load(path)


def test_the_imi_post_keeps_the_text_of_the_real_page() -> None:
    post = _load(SITE / "posts" / "imi-public-private-partnerships.json")
    assert "Europe&#8217;s IMI Sets Pace" in post["title"]["rendered"]
    content = post["content"]["rendered"]
    for phrase in ("largest public/private partnership in the pharmaceutical industry",
                   "jointly funded for 2 billion euros",
                   "Now in its third year accepting proposals",
                   "Italy’s Drug Development and Discovery Unit"):
        assert phrase in content


def test_the_micro_influencers_post_names_its_author() -> None:
    post = _load(SITE / "posts" / "focus-on-micro-influencers.json")
    assert post["_embedded"]["author"][0]["name"] == "Brian Castle"
    assert "Digital Insights Lead" in post["content"]["rendered"]


# ---------------------------------------------------------------- the demo site's pages


@pytest.mark.parametrize("slug", sorted(POST_SLUGS))
def test_each_post_has_an_html_page_whose_meta_tags_agree_with_the_api(slug: str) -> None:
    from leaddesk.posts.html import parse_page
    from leaddesk.posts.wordpress import parse_rest

    post = _load(SITE / "posts" / f"{slug}.json")
    meta = parse_page((SITE / "blog" / slug / "index.html").read_bytes())
    rest = parse_rest(json.dumps([post]).encode(), post["link"], "post")
    assert rest is not None
    assert (meta.title, meta.author, meta.published_at, meta.sections, meta.tags) == (
        rest.title, rest.author, rest.published_at, rest.categories, rest.tags)
    assert meta.og_type == "article"


def test_the_imi_page_lists_the_three_other_posts() -> None:
    page = (SITE / "blog" / "imi-public-private-partnerships" / "index.html").read_text("utf-8")
    more = page.split("More Posts", 1)[1]
    titles = ["New White Paper on Patient Engagement", "New White Paper on Building Speakers Bureaus",
              "Focus on Micro-Influencers"]
    assert [more.index(t) for t in titles] == sorted(more.index(t) for t in titles)
    assert "Send Us A Message" in page


def test_the_contact_and_home_pages_are_there() -> None:
    from leaddesk.posts.html import parse_page
    assert parse_page((SITE / "contact" / "index.html").read_bytes()).title == "Contact us"
    assert parse_page((SITE / "index.html").read_bytes()).og_type == "website"


# ---------------------------------------------------------------- the demo database (leaddesk.demo)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The demo as `leaddesk demo` builds it (one build for this section's tests)."""
    opened = demo.open_demo(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}")
    opened.site.stop()
    yield opened.db
    opened.db.close()


def _leads(session: Session) -> list[Submission]:
    return list(session.execute(select(Submission).where(Submission.is_submission.is_(True)))
                .scalars())


def test_the_demo_is_the_same_by_the_command_line_and_by_open_demo(run: Runner,
                                                                  tmp_path: Path) -> None:
    # `leaddesk demo` (and packaging/dev.sh run, which runs it) into the default demo database…
    assert run("demo", "--no-gui").code == 0
    by_cli = dump_url(demo_db_url())
    # …and the function the welcome screen calls, into another (tests/ui/test_app.py runs the
    # welcome screen itself against this same dump).
    opened = demo.open_demo(f"sqlite:///{tmp_path / 'other.db'}")
    opened.close()
    assert dump_url(f"sqlite:///{tmp_path / 'other.db'}") == by_cli
    # Opening it again adds nothing and changes nothing.
    again = run("demo", "--no-gui")
    assert "(0 new messages)" in again.out
    assert "demo team: there already" in again.out
    assert dump_url(demo_db_url()) == by_cli
    # --reset starts afresh, and afresh is the same again.
    assert run("demo", "--no-gui", "--reset").code == 0
    assert dump_url(demo_db_url()) == by_cli


def test_the_demo_team_has_members_with_addresses_and_one_away(demo_db: Database) -> None:
    with demo_db.session() as session:
        members = triage.list_members(session, include_inactive=True)
    assert 3 <= len(members) <= 5
    assert all(m.email and m.email.endswith("@example-pharma-agency.com") for m in members)
    away = [m for m in members if not m.active]
    assert len(away) == 1
    assert away[0].assigned > 0  # away, and their leads still show whose they are
    assert all(m.assigned > 0 for m in members)


def test_one_template_per_topic_using_the_placeholders(demo_db: Database) -> None:
    content = demo_content.load()
    with demo_db.session() as session:
        found = {t.name: t for t in templates.list_templates(session)}
    assert {t["topic"] for t in content["templates"]} == TOPICS
    assert len(found) == len(TOPICS)
    for t in found.values():
        used = {field for _, field, _, _ in string.Formatter().parse(t.body) if field}
        assert used <= set(templates.PLACEHOLDERS)
        assert {"first_name", "my_name"} <= used, t.name
        rendered = templates.render(t.body, {"first_name": "Ada", "my_name": "Léa"})
        assert "{" not in rendered
        assert rendered.startswith("Dear Ada,")


def test_tags_have_their_own_colours(demo_db: Database) -> None:
    with demo_db.session() as session:
        tags = triage.list_tags(session)
    assert len(tags) >= 4
    assert len({t.colour for t in tags}) == len(tags)
    assert "#808080" not in {t.colour for t in tags}
    assert all(t.submissions > 0 for t in tags)


def test_leads_at_every_status_with_notes_and_replies(demo_db: Database) -> None:
    with demo_db.session() as session:
        leads = _leads(session)
        members = {m.name for m in triage.list_members(session, include_inactive=True)}
        notes = session.execute(select(Note)).scalars().all()
        replies = session.execute(select(Reply)).scalars().all()
        out = session.execute(select(Message).where(Message.direction == "out")).scalars().all()
        by_id = {lead.id: lead for lead in leads}
        assert {lead.status for lead in leads} == {s.value for s in Status}
        assert len(notes) >= 5
        assert {n.author for n in notes} <= members
        assert len(replies) >= 10
        assert all(r.state == "sent" and r.author in members for r in replies)
        # Each reply is the topic's template filled in for that visitor, and is in the conversation.
        for r in replies:
            lead = by_id[r.submission_id]
            assert r.body.startswith(f"Dear {templates.first_name(lead.visitor_name)},")
            assert r.body.rstrip().endswith("Example Pharma Agency")
            assert r.author in r.body
            assert r.sent_at is not None
            assert r.sent_at > lead.received_at
        assert {m.reply_id for m in out} >= {r.id for r in replies}
        # The history reads as the weeks it happened in, not as the day the demo was built.
        newest = max(lead.received_at for lead in leads)
        dated = list(session.execute(select(AuditEvent.at)
                                     .where(AuditEvent.actor.in_(members))).scalars())
        assert all(newest - timedelta(weeks=11) < at < newest + timedelta(days=2) for at in dated)
        assert len({at.date() for at in dated}) > 20


def test_re_reading_the_demo_changes_nothing(demo_db: Database) -> None:
    """What the story moved forward is not what a re-read takes from the mail (a newer parser
    re-reads every stored message, and would otherwise call every lead changed)."""
    report = reparse(demo_db, dry_run=True)
    assert report.examined >= 45
    assert report.changed == 0, report.summary()


def test_the_story_is_brought_forward_to_this_week(demo_db: Database) -> None:
    """A demo opened long after it was written still looks like this week's inbox."""
    today = datetime.now(UTC).date()
    with demo_db.session() as session:
        leads = _leads(session)
        newest = max(leads, key=lambda lead: lead.received_at)
        # Yesterday (or the day before, had the module's demo been built just before midnight).
        assert today - newest.received_at.date() in (timedelta(days=1), timedelta(days=2))
        # By whole days: the time of day is the story's; the raw mail keeps its own date.
        assert newest.raw is not None
        written = parse_message(newest.raw).sent_at
        assert written is not None
        assert written.date() < newest.received_at.date()
        assert (newest.received_at - written) % timedelta(days=1) == timedelta(0)
        # Nothing moves into the future, and the blog's own dates stay the blog's.
        now = datetime.now(UTC)
        for model, column in ((Submission, Submission.received_at),
                              (Submission, Submission.created_at),  # the import's own, today
                              (Reply, Reply.sent_at),
                              (Note, Note.created_at), (AuditEvent, AuditEvent.at),
                              (Message, Message.sent_at)):
            latest = session.execute(select(func.max(column))).scalar()
            assert latest is not None
            assert latest <= now, model
        published = {p.published_at.date() for p in session.execute(select(Post)).scalars()
                     if p.published_at is not None}
        assert date(2011, 2, 15) in published


def test_an_answered_conversation_needs_a_reply(demo_db: Database) -> None:
    with demo_db.session() as session:
        answered = [lead for lead in _leads(session)
                    if [m.direction for m in timeline.messages(session, lead.id)] == ["in", "out", "in"]]
        assert len(answered) == 1
        lead = answered[0]
        conversation = timeline.messages(session, lead.id)
        assert conversation[1].kind == timeline.SENT_HERE  # sent from LeadDesk, by a member
        assert conversation[2].from_addr == lead.visitor_email
        assert lead.status == "open"  # the answer brought it back from "waiting"
        assert lead.unread
        assert query.count(session, NEEDS_REPLY.with_(ids=(lead.id,))) == 1


def test_needs_reply_holds_the_fresh_and_the_answered_not_every_lead(demo_db: Database) -> None:
    with demo_db.session() as session:
        leads = [lead for lead in _leads(session) if lead.status != "spam"]
        needing = {r.id for r in query.find(session, NEEDS_REPLY, limit=1000).rows}
        for lead in leads:
            answered = lead.last_outbound_at is not None and (
                lead.last_inbound_at is None or lead.last_outbound_at >= lead.last_inbound_at)
            assert (lead.id in needing) == (lead.status in ("new", "open") and not answered)
            if lead.status == "waiting":  # waiting for the visitor: we wrote last
                assert answered, lead.visitor_name
        assert 5 <= len(needing) <= len(leads) // 4  # the fresh, the stuck and the answered
        # Open is not the same as needing a reply: some open leads were answered already.
        open_ids = {lead.id for lead in leads if lead.status == "open"}
        assert open_ids - needing
        assert open_ids & needing
