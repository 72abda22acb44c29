"""Re-reading stored mail on SQLite and PostgreSQL: what changes, what a person decided stays,
dry runs, the background upgrade (resumable, cancellable) and taught labels."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, update

from leaddesk import reparse, triage
from leaddesk.db import Database
from leaddesk.db.models import AuditEvent, Note, Submission
from leaddesk.ingest import labels
from leaddesk.ingest.files import import_paths
from leaddesk.ingest.parse import PARSER_VERSION, parse_message
from leaddesk.ingest.store import Incoming, fingerprint, store_batch, store_items
from leaddesk.progress import Cancelled, CancelToken, NullReporter
from leaddesk.reparse import repeats
from tests.ingest.parse.eml import raw as fixture
from tests.support.correction_mail import SENDER, SITE, lead, spam
from tests.support.factories import make_member, make_submission


def stored(db: Database, sid: int) -> Any:
    with db.session() as s:
        return s.execute(select(Submission).where(Submission.id == sid)).scalar_one()


def misread(db: Database, raw: bytes, **columns: Any) -> int:
    """A message an older parser read badly: wrong name, no page, parser version 0."""
    values: dict[str, Any] = {"raw": raw, "visitor_name": "Area of work", "page_url": None,
                              "visitor_email": "jane@acme.example", "parser_version": 0}
    values.update(columns)
    with db.session() as s:
        return make_submission(s, **values).id


def test_reparse_corrects_the_parsers_fields_and_audits_it(db: Database) -> None:
    sid = misread(db, lead())
    report = reparse.reparse(db, ids=[sid])
    row = stored(db, sid)
    assert (row.visitor_name, row.page_url) == ("Jane Roe", f"{SITE}/blog/imi-europe/")
    assert row.post_id is not None  # the page links its post
    assert row.parser_version == PARSER_VERSION
    assert report.changed == 1
    assert report.counts["name"] == 1
    assert report.counts["page_url"] == 1
    with db.session() as s:
        [event] = s.scalars(select(AuditEvent).where(AuditEvent.action == "reparse"))
    assert event.after is not None
    assert event.after["name"] == "Jane Roe"


def test_the_dedup_fingerprint_follows_the_new_reading(db: Database) -> None:
    sid = misread(db, lead(), content_hash="stale", body_text="Name: Jane Roe Email: …")
    reparse.reparse(db, ids=[sid])
    assert stored(db, sid).content_hash == fingerprint(parse_message(lead()))
    api_copy = Incoming("api:9:1", b"{}", parse_message(lead(message_id="<other@x>")))
    with db.session() as s:
        assert store_items(s, [api_copy], None).duplicates == 1  # the same lead by another route


def test_reparse_keeps_edits_status_owner_tags_and_notes(db: Database) -> None:
    sid = misread(db, lead())
    with db.session() as s:
        make_member(s, "Bob")
        triage.edit_submission(s, sid, {"name": "Dr Jane Roe"}, actor="Ada")
        triage.set_status(s, sid, "waiting", actor="Ada")
        triage.assign(s, sid, "Bob", actor="Ada")
        triage.add_tag(s, sid, "hot", actor="Ada")
        triage.add_note(s, sid, "called her", actor="Ada")
    reparse.reparse(db, ids=[sid])
    row = stored(db, sid)
    assert row.visitor_name == "Dr Jane Roe"
    assert row.page_url == f"{SITE}/blog/imi-europe/"  # what she did not edit is re-read
    assert row.status == "waiting"
    assert row.assignee_id is not None
    with db.session() as s:
        assert triage.current_tags(s, [sid])[sid] == ["hot"]
        assert s.scalar(select(Note.body).where(Note.submission_id == sid)) == "called her"


def test_reparse_keeps_a_lead_a_person_took_out_of_spam(db: Database) -> None:
    sid = misread(db, spam(), visitor_name="Rank Bot", status="spam", spam_reason="old rule")
    with db.session() as s:
        triage.set_status(s, sid, "new", actor="Ada")
    reparse.reparse(db, ids=[sid])
    assert stored(db, sid).status == "new"


def test_dry_run_reports_examples_and_writes_nothing(db: Database) -> None:
    sid = misread(db, lead())
    before = stored(db, sid)
    report = reparse.reparse(db, ids=[sid], dry_run=True)
    assert report.dry_run
    assert report.changed == 1
    assert any(e.field == "name" and e.after == "Jane Roe" for e in report.examples)
    after = stored(db, sid)
    assert (after.visitor_name, after.version, after.parser_version) == (
        before.visitor_name, before.version, 0)


def test_give_way_runs_before_every_batch_and_a_cancel_there_stops_before_the_next(
        db: Database) -> None:
    """The window's background re-read waits in ``give_way`` while the user is at work: it is
    asked before each batch, and a cancel (the window closing) ends the run there."""
    ids = [misread(db, lead(message_id=f"<w{n}@x>"), message_id=f"<w{n}@x>") for n in range(5)]
    asked: list[int] = []

    def done() -> int:
        with db.session() as s:
            return len(ids) - len(reparse.stale_ids(s))

    reparse.reparse(db, ids=ids, batch=2, give_way=lambda: asked.append(done()))
    assert asked == [0, 2, 4]  # before each batch of two, nothing of it read yet
    token = CancelToken()
    again = [misread(db, lead(message_id=f"<v{n}@x>"), message_id=f"<v{n}@x>") for n in range(4)]
    calls: list[None] = []

    def cancel_at_second() -> None:
        calls.append(None)
        if len(calls) == 2:  # the window closes while the re-read waits for the second batch
            token.cancel()

    with pytest.raises(Cancelled):
        reparse.reparse(db, ids=again, batch=2, cancel=token, give_way=cancel_at_second)
    assert [stored(db, sid).parser_version for sid in again] == [PARSER_VERSION] * 2 + [0] * 2


def test_upgrade_rereads_only_older_rows_resumably_and_can_be_cancelled(db: Database) -> None:
    ids = [misread(db, lead(message_id=f"<m{n}@x>"), message_id=f"<m{n}@x>")
           for n in range(3)]
    current = misread(db, lead(message_id="<now@x>"), message_id="<now@x>",
                      parser_version=PARSER_VERSION)
    api = misread(db, b'{"id": 1}', source_key="api:1:1", message_id=None)
    with db.session() as s:
        assert reparse.stale_ids(s) == ids
        assert reparse.stale_count(s) == 3

    class StopAfterFirst(NullReporter):
        def progress(self, done: int, total: int | None) -> None:
            token.cancel()

    token = CancelToken()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reparse.runner, "BATCH", 2)
        with pytest.raises(Cancelled):
            reparse.upgrade(db, reporter=StopAfterFirst(), cancel=token)
        with db.session() as s:
            assert reparse.stale_ids(s) == ids[2:]  # the first batch is kept
        reparse.upgrade(db)
    with db.session() as s:
        assert reparse.stale_count(s) == 0
    assert stored(db, current).visitor_name == "Area of work"  # not re-read: already current
    assert stored(db, api).parser_version == 0  # API records are read by their own reader


def test_a_time_budget_sizes_each_batch_after_the_last_ones_time(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The window's re-read holds the database worker about ``budget`` per batch: a slow server
    (PostgreSQL's triggers over a network) gets smaller batches, a fast one keeps the largest."""
    ids = [misread(db, lead(message_id=f"<b{n}@x>"), message_id=f"<b{n}@x>") for n in range(30)]
    sizes: list[int] = []
    real = reparse.runner._batch_in_transaction
    clock = iter([0.0, 0.4, 0.4, 0.41, 1.0, 1.6] + [5.0 + n / 100 for n in range(100)])

    def counted(database: Database, batch_ids: list[int], *args: Any) -> None:
        sizes.append(len(batch_ids))
        real(database, batch_ids, *args)
    monkeypatch.setattr(reparse.runner, "_batch_in_transaction", counted)
    # The batches' times: 0.4 s for the first (8 times the budget), 10 ms, 0.6 s, then 10 ms each.
    monkeypatch.setattr(reparse.runner, "_clock", lambda: next(clock))
    reparse.reparse(db, ids=ids, batch=10, budget=0.05)
    # 10 × 0.05 / 0.4 → 1; 1 × 0.05 / 0.01 → 5; 5 × 0.05 / 0.6 → 1 (at least one); then 10 ms
    # a batch: 1 → 5 → 10, the most given, never over it.
    assert sizes[:5] == [10, 1, 5, 1, 5]
    assert max(sizes) == 10
    assert sum(sizes) == 30
    with db.session() as s:
        assert reparse.stale_count(s) == 0
    sizes.clear()
    with db.session() as s:  # without a budget: the given size throughout
        s.execute(update(Submission).values(parser_version=0))
    reparse.reparse(db, ids=ids, batch=10)
    assert sizes == [10, 10, 10]


def test_a_taught_label_reads_new_and_stored_mail(db: Database, tmp_path: Any) -> None:
    sid = misread(db, lead(), visitor_name="Jane Roe",
                  page_url=f"{SITE}/blog/imi-europe/", parser_version=PARSER_VERSION)
    with db.session() as s:
        labels.map_label(s, "Area of work", "topic", form=SENDER, actor="Ada")
    report = reparse.reparse(db, ids=[sid])
    assert report.counts["topic"] == 1
    assert (stored(db, sid).topic, stored(db, sid).topic_source) == ("Oncology", "field")

    path = tmp_path / "new.eml"
    another = lead(message_id="<new@example-pharma.com>").replace(b"jane@", b"joe@")
    path.write_bytes(another)
    result = import_paths(db, [path])
    [new] = result.added_ids
    assert stored(db, new).topic == "Oncology"


def test_a_label_taught_for_another_form_does_not_apply(db: Database, tmp_path: Any) -> None:
    with db.session() as s:
        labels.map_label(s, "Area of work", "topic", form="forms@other.example", actor="Ada")
    path = tmp_path / "new.eml"
    path.write_bytes(lead())
    [new] = import_paths(db, [path]).added_ids
    assert stored(db, new).topic is None


# ------------------------------------------------------------------ one enquiry, one lead
# The site mailed the owner and the leads mailbox; the owner forwarded her copy to the mailbox too.
# Parser 7 stored the forward as "not a submission"; parser 8 reads it as the lead it forwards.
ORIGINAL, FORWARDS = "cf7_current", ("forwarded_gmail", "forwarded_attachment")


def stored_original(db: Database, *, stale: bool = False, was_lead: bool = True) -> int:
    """The notification itself, stored as a lead (``stale``: by parser 7, the fingerprint not yet
    written; ``was_lead=False``: parser 7 called it not a submission)."""
    data = fixture(ORIGINAL)
    [sid] = store_batch(db, [Incoming("file:original", data, parse_message(data))],
                        account_id=None).added_ids
    if stale or not was_lead:
        with db.session() as s:
            s.execute(update(Submission).where(Submission.id == sid).values(
                parser_version=7, content_hash=None,
                **({} if was_lead else {"is_submission": False,
                                        "not_submission_reason": "no form fields found"})))
    return sid


def forward_read_by_parser_7(db: Database, name: str = FORWARDS[0]) -> int:
    data = fixture(name)
    return misread(db, data, source_key=f"file:{name}", message_id=parse_message(data).message_id,
                   is_submission=False, not_submission_reason="forwarded e-mail",
                   problems=["not a form submission: forwarded e-mail"], visitor_name=None,
                   visitor_email=None, fields={}, content_hash=None, parser_version=7)


def leads(db: Database) -> list[int]:
    with db.session() as s:
        return list(s.scalars(select(Submission.id).where(Submission.is_submission.is_(True))
                              .order_by(Submission.id)))


@pytest.mark.parametrize("original_status", ["new", "spam"])
def test_a_forward_of_a_stored_lead_stays_not_a_submission_naming_it(
        db: Database, original_status: str) -> None:
    original = stored_original(db)
    if original_status == "spam":  # the same enquiry still: showing the copy would undo the verdict
        with db.session() as s:
            triage.set_status(s, original, "spam", actor="Ada")
    forward = forward_read_by_parser_7(db)
    report = reparse.upgrade(db)
    assert leads(db) == [original]
    row = stored(db, forward)
    assert (row.is_submission, row.status) == (False, "new")
    assert row.not_submission_reason == repeats.same_enquiry(original)
    assert f"lead #{original} (same visitor e-mail and message)" in row.not_submission_reason
    assert f"not a form submission: {repeats.same_enquiry(original)}" in row.problems
    assert row.parser_version == PARSER_VERSION
    # Read as the lead it forwards: bringing it back makes that lead.
    assert row.visitor_email == stored(db, original).visitor_email
    assert row.content_hash == stored(db, original).content_hash
    assert report.repeats == 1
    assert "1 left not a submission: the same enquiry as a stored lead" in report.summary()
    # Undone in one step like any verdict, and a re-read leaves the person's verdict be.
    with db.session() as s:
        triage.set_status(s, forward, "new", actor="Ada")
        s.execute(update(Submission).where(Submission.id == forward).values(parser_version=7))
    assert reparse.upgrade(db).repeats == 0
    assert leads(db) == [original, forward]


def test_a_forward_without_its_notification_becomes_the_lead(db: Database) -> None:
    forward = forward_read_by_parser_7(db)
    report = reparse.upgrade(db)
    row = stored(db, forward)
    assert (row.is_submission, row.not_submission_reason) == (True, None)
    assert row.visitor_email == "zoe.becker@novagen-therapeutics.example"
    assert row.content_hash == fingerprint(parse_message(fixture(FORWARDS[0])))
    assert report.repeats == 0


@pytest.mark.parametrize(("batch", "dry_run"), [(200, False), (1, False), (1, True)])
def test_two_forwards_of_one_enquiry_make_one_lead(db: Database, batch: int,
                                                   dry_run: bool) -> None:
    first, second = (forward_read_by_parser_7(db, name) for name in FORWARDS)
    with db.session() as s:
        stale = reparse.stale_ids(s)
    report = reparse.reparse(db, ids=stale, batch=batch, dry_run=dry_run)
    assert report.repeats == 1  # in one batch or in two, written or not
    if dry_run:
        assert leads(db) == []
        return
    assert leads(db) == [first]  # the first stored, as at import
    assert stored(db, second).not_submission_reason == repeats.same_enquiry(first)


@pytest.mark.parametrize("was_lead", [True, False])
def test_a_notification_and_its_forward_reread_together_make_one_lead(
        db: Database, was_lead: bool) -> None:
    # Both stale, in one batch: the notification is (or turns into) the lead, not the forward,
    # though its fingerprint is not written yet.
    original = stored_original(db, stale=True, was_lead=was_lead)
    forward = forward_read_by_parser_7(db)
    with db.session() as s:
        assert reparse.stale_ids(s) == [original, forward]
    assert reparse.upgrade(db).repeats == 1
    assert leads(db) == [original]
    assert stored(db, forward).not_submission_reason == repeats.same_enquiry(original)


@pytest.mark.parametrize("notification", ["lead_before", "turning_after"])
def test_a_verdict_a_person_gave_is_left_whole(db: Database, notification: str) -> None:
    original = stored_original(db) if notification == "lead_before" else None
    forward = forward_read_by_parser_7(db)
    with db.session() as s:  # marked spam by hand while it was "not a submission"
        triage.set_status(s, forward, "spam", actor="Ada")
    if original is None:
        original = stored_original(db, was_lead=False)
    before = stored(db, forward)
    with db.session() as s:
        stale = reparse.stale_ids(s)
    # One message a batch: the notification is read after the forward's fingerprint is written.
    assert reparse.reparse(db, ids=stale, batch=1).repeats == 0
    row = stored(db, forward)
    assert (row.is_submission, row.status, row.verdict_by) == (False, "spam", "Ada")
    assert row.not_submission_reason == before.not_submission_reason == "forwarded e-mail"
    assert not any("same enquiry" in str(problem) for problem in row.problems)
    # Not a lead, it hides no other: the notification is the enquiry's lead.
    assert leads(db) == [original]
