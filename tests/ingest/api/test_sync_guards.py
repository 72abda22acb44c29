"""The API sync's own guards, each alone: a record the reader chokes on is stored with its reason
(never dropped), a run of unreadable pages stops the walk without losing its place, and the
keyring is where the token comes from."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from tests.ingest.api.conftest import TOKEN, ApiAccountFactory
from tests.ingest.api.server import FormApiServer, Formspree, Generic, GravityForms, Netlify, Reply
from tests.ingest.api.test_robustness import FAST, FORM, Spy, count, page
from tests.support.keyrings import MemoryKeyring

from leaddesk import secrets
from leaddesk.db import Database
from leaddesk.db.models import Submission, SyncState
from leaddesk.db.types import utcnow
from leaddesk.ingest import api
from leaddesk.ingest.api import sync as api_sync
from leaddesk.ingest.api.presets import source_for
from leaddesk.ingest.api.source import content_id, time_mark
from leaddesk.ingest.api.sync import MAX_FAILED_PAGES, _saver, load_cursor
from leaddesk.ingest.imap import aware as imap_aware
from leaddesk.ingest.locks import SyncInProgressError, account_lock
from leaddesk.ingest.store import store_batch
from leaddesk.progress import Cancelled, CancelToken


@pytest.fixture
def one_per_page(server: FormApiServer, api_account: ApiAccountFactory) -> tuple[Netlify, Any]:
    fake = Netlify(server)
    account = api_account("netlify", form=FORM, base_url=server.url + "/api/v1",
                          config={"per_page": 1})
    return fake, account


def _asked_pages(server: FormApiServer) -> list[str]:
    return [s.query["page"] for s in server.seen("/api/v1/forms")]


def test_a_record_the_reader_chokes_on_is_stored_with_its_reason(
        db: Database, server: FormApiServer, one_per_page: tuple[Netlify, Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    fake, account = one_per_page
    broken = fake.records[2]  # newest first, one a page: the third record read
    real = api_sync.build_draft  # type: ignore[attr-defined]
    calls = iter(range(1, 1000))

    def choke(fields: Any, *, plugin: str) -> Any:
        if next(calls) == 3:
            raise KeyError("surprise")
        return real(fields, plugin=plugin)

    monkeypatch.setattr(api_sync, "build_draft", choke)
    result = api.sync_api_account(db, account, TOKEN)
    assert result.added == len(fake.records) == count(db)
    with db.session() as session:
        rows = session.execute(select(Submission).where(Submission.problems != [])).scalars().all()
        assert len(rows) == 1
        kept = rows[0]
        assert kept.problems == ["the record could not be read (KeyError: 'surprise'); its JSON is kept"]
        assert json.loads(kept.raw or b"") == broken
        assert kept.source_key == f"api:{account.id}:{broken['id']}"
        # Visible in the inbox as a lead, never filed away as spam or "not a submission".
        assert (kept.is_submission, kept.status, kept.spam_reason) == (True, "new", None)
        assert kept.body_text == ""


def _broken_pages(server: FormApiServer, *numbers: int) -> None:
    for number in numbers:
        server.inject(Reply(200, {"not": "a list"}), when=page(number))


def test_unreadable_pages_in_a_row_stop_the_walk_and_the_next_sync_asks_again(
        db: Database, server: FormApiServer, one_per_page: tuple[Netlify, Any]) -> None:
    fake, account = one_per_page
    assert MAX_FAILED_PAGES == 3
    _broken_pages(server, 2, 3, 4)
    spy = Spy()
    result = api.sync_api_account(db, account, TOKEN, reporter=spy)
    assert (result.added, result.failed_pages) == (1, 3)
    assert _asked_pages(server) == ["1", "2", "3", "4"]  # page 5 is never asked for
    assert spy.failed[-1] == (account.name, "3 unreadable pages in a row; stopped here, "
                                            "the next sync asks for them again")
    again = api.sync_api_account(db, account, TOKEN)
    assert (again.added, again.failed_pages) == (len(fake.records) - 1, 0)
    assert count(db) == len(fake.records)


def test_a_readable_page_between_failures_starts_the_count_again(
        db: Database, server: FormApiServer, one_per_page: tuple[Netlify, Any]) -> None:
    fake, account = one_per_page
    _broken_pages(server, 2, 3, 5, 6)
    spy = Spy()
    result = api.sync_api_account(db, account, TOKEN, reporter=spy)
    assert result.failed_pages == 4
    assert result.added == len(fake.records) - 4
    assert _asked_pages(server) == [str(n) for n in range(1, len(fake.records) + 1)]
    assert not any("in a row" in reason for _, reason in spy.failed)
    # The gaps are asked for again: nothing is lost, nothing doubled.
    api.sync_api_account(db, account, TOKEN)
    assert count(db) == len(fake.records)


def test_the_token_comes_from_the_keyring(db: Database, server: FormApiServer,
                                          one_per_page: tuple[Netlify, Any],
                                          memory_keyring: MemoryKeyring) -> None:
    fake, account = one_per_page
    assert account.secret_ref == secrets.secret_ref(account.name)
    secrets.set_secret(account.secret_ref, TOKEN)
    result = api.sync_with_keyring(db, account)
    assert result.added == len(fake.records)
    assert {s.headers.get("authorization") for s in server.requests} == {f"Bearer {TOKEN}"}


def test_without_a_stored_reference_the_account_name_finds_the_token(
        db: Database, server: FormApiServer, one_per_page: tuple[Netlify, Any],
        memory_keyring: MemoryKeyring) -> None:
    fake, account = one_per_page
    secrets.set_secret(secrets.secret_ref(account.name), TOKEN)
    memory_keyring.store[("LeadDesk", "elsewhere")] = "wrong-token"
    assert api.sync_with_keyring(db, replace(account, secret_ref=None)).added == len(fake.records)
    assert {s.headers.get("authorization") for s in server.requests} == {f"Bearer {TOKEN}"}
    server.requests.clear()
    api.sync_with_keyring(db, replace(account, secret_ref="elsewhere"))
    assert {s.headers.get("authorization") for s in server.requests} == {"Bearer wrong-token"}


# ---------------------------------------------------------------------- oldest-first cursor
# Formspree lists records oldest first, three a page here: offsets 0, 3 and 6 over seven records.
@pytest.fixture
def formspree(server: FormApiServer, api_account: ApiAccountFactory) -> tuple[Formspree, Any]:
    fake = Formspree(server)
    return fake, api_account("formspree", form="xyzzyabc", base_url=server.url + "/api/0",
                             config={"limit": 3})


def _offsets(server: FormApiServer) -> list[tuple[str | None, str]]:
    return [(s.query.get("since"), s.query.get("offset", "0")) for s in server.seen("/api/0/forms")]


def _ids(account: Any, records: list[dict[str, Any]]) -> list[str]:
    source = source_for(account)
    return [source.record_id(r) or "" for r in records]


def test_a_finished_walk_resumes_after_its_newest_record(
        db: Database, server: FormApiServer, formspree: tuple[Formspree, Any]) -> None:
    fake, account = formspree
    assert api.sync_api_account(db, account, TOKEN).added == 7
    newest = fake.records[-1]
    cursor = load_cursor(db, account.id)
    assert cursor.resume == {"since": newest["_date"], "offset": 0}
    assert cursor.seen_ids == _ids(account, [newest])
    assert cursor.mark == time_mark(newest["_date"])
    server.requests.clear()
    # The newest record is on the first page asked for again, and recognised: nothing doubled.
    again = api.sync_api_account(db, account, TOKEN)
    assert (again.added, again.duplicates) == (0, 0)
    assert _offsets(server) == [(newest["_date"], "0")]


def test_a_walk_ending_on_an_empty_page_resumes_there(
        db: Database, server: FormApiServer, formspree: tuple[Formspree, Any]) -> None:
    fake, account = formspree
    del fake.records[-1]  # six records: the page at offset 6 is empty
    assert api.sync_api_account(db, account, TOKEN).added == 6
    cursor = load_cursor(db, account.id)
    assert cursor.resume == {"since": None, "offset": 6}
    assert cursor.seen_ids == []
    server.requests.clear()
    fake.records.append({**fake.records[-1], "_date": "2026-11-26T08:00:00.000000",
                         "message": "A brand new question"})
    assert api.sync_api_account(db, account, TOKEN).added == 1
    assert _offsets(server) == [(None, "6")]


class _CancelAfterFirstBatch(Spy):
    def __init__(self, cancel: CancelToken) -> None:
        super().__init__()
        self.cancel = cancel

    def progress(self, done: int, total: int | None) -> None:
        self.cancel.cancel()


def test_an_interrupted_walk_resumes_at_the_next_page(
        db: Database, server: FormApiServer, formspree: tuple[Formspree, Any]) -> None:
    fake, account = formspree
    cancel = CancelToken()
    with pytest.raises(Cancelled):
        api.sync_api_account(db, account, TOKEN, cancel=cancel,
                             reporter=_CancelAfterFirstBatch(cancel))
    assert count(db) == 3
    cursor = load_cursor(db, account.id)
    assert cursor.resume == {"since": None, "offset": 3}
    assert cursor.seen_ids == _ids(account, fake.records[:3])
    server.requests.clear()
    assert api.sync_api_account(db, account, TOKEN).added == 4
    assert _offsets(server)[0] == (None, "3")
    assert count(db) == 7


def test_an_unreadable_page_oldest_first_keeps_the_place_before_it(
        db: Database, server: FormApiServer, formspree: tuple[Formspree, Any]) -> None:
    _, account = formspree
    server.inject(Reply(200, {"submissions": "nope"}), when=lambda seen: seen.query.get("offset") == "3")
    spy = Spy()
    result = api.sync_api_account(db, account, TOKEN, reporter=spy)
    # The page after it is still read (its offset is known), but the place stays before the gap.
    assert (result.added, result.failed_pages) == (4, 1)
    assert "offset 3" in spy.failed[0][0]
    assert load_cursor(db, account.id).resume == {"since": None, "offset": 3}
    assert api.sync_api_account(db, account, TOKEN).added == 3
    assert count(db) == 7


def test_a_record_that_is_not_an_object_is_reported_with_its_page(
        db: Database, server: FormApiServer, formspree: tuple[Formspree, Any]) -> None:
    fake, account = formspree
    server.inject(Reply(200, {"submissions": ["junk", fake.records[0]]}),
                  when=lambda seen: "offset" not in seen.query)
    spy = Spy()
    result = api.sync_api_account(db, account, TOKEN, reporter=spy)
    assert (result.skipped, result.added) == (1, 1)
    assert spy.failed == [(f"{account.name} record 1 of offset 0", "not a JSON object (str); skipped")]


def test_the_mark_never_moves_back(db: Database, server: FormApiServer,
                                   formspree: tuple[Formspree, Any]) -> None:
    _, account = formspree
    later = "9999-12-31T23:59:59"
    cursor = load_cursor(db, account.id)
    cursor.mark = later
    store_batch(db, [], account_id=account.id, advance=_saver(account.id, cursor))
    api.sync_api_account(db, account, TOKEN)
    assert load_cursor(db, account.id).mark == later


# ---------------------------------------------------------------------- newest-first mark
def _same_time_as(record: dict[str, Any], new_id: str) -> dict[str, Any]:
    return {**record, "id": new_id, "email": f"{new_id}@same.example", "body": f"Question {new_id}"}


def test_a_lead_at_the_same_moment_as_the_mark_is_read_once(
        db: Database, server: FormApiServer, netlify_three: tuple[Netlify, Any]) -> None:
    fake, account = netlify_three
    api.sync_api_account(db, account, TOKEN)
    newest = fake.records[0]
    fake.records.insert(0, _same_time_as(newest, "same-moment"))
    assert api.sync_api_account(db, account, TOKEN).added == 1
    cursor = load_cursor(db, account.id)
    assert cursor.mark_ids == sorted([newest["id"], "same-moment"])
    # Both leads at the mark are known: the next sync stops at once, re-reading neither.
    again = api.sync_api_account(db, account, TOKEN)
    assert (again.added, again.duplicates) == (0, 0)


def test_a_lead_at_the_mark_that_vanished_for_a_while_is_not_read_again(
        db: Database, server: FormApiServer, netlify_three: tuple[Netlify, Any]) -> None:
    fake, account = netlify_three
    api.sync_api_account(db, account, TOKEN)
    newest = fake.records.pop(0)  # hidden by the service (a spam check, say)...
    fake.records.insert(0, _same_time_as(newest, "same-moment"))
    assert api.sync_api_account(db, account, TOKEN).added == 1
    fake.records.insert(1, newest)  # ...and listed again
    again = api.sync_api_account(db, account, TOKEN)
    assert (again.added, again.duplicates) == (0, 0)


def test_a_record_that_is_not_an_object_is_reported_with_its_page_newest_first(
        db: Database, server: FormApiServer, netlify_three: tuple[Netlify, Any]) -> None:
    fake, account = netlify_three
    fake.records.insert(1, "junk")  # type: ignore[arg-type]
    spy = Spy()
    result = api.sync_api_account(db, account, TOKEN, reporter=spy)
    assert (result.skipped, result.added) == (1, 7)
    assert spy.failed == [(f"{account.name} record 2 of page 1", "not a JSON object (str); skipped")]


@pytest.fixture
def netlify_three(server: FormApiServer, api_account: ApiAccountFactory) -> tuple[Netlify, Any]:
    fake = Netlify(server)
    return fake, api_account("netlify", form=FORM, base_url=server.url + "/api/v1",
                             config={"per_page": 3})


# ---------------------------------------------------------------------- check_connection
def test_check_connection_tries_twice_with_the_callers_options(
        server: FormApiServer, netlify_three: tuple[Netlify, Any]) -> None:
    _, account = netlify_three
    server.inject(Reply(500, {"message": "oops"}), times=99)
    with pytest.raises(api.ApiError):
        api.check_connection(account, TOKEN, **FAST)
    assert len(server.requests) == 2


def test_check_connection_reads_the_form_first_where_the_preset_needs_it(
        server: FormApiServer, api_account: ApiAccountFactory) -> None:
    GravityForms(server)
    account = api_account("gravityforms", form="3", config={"page_size": 3})
    api.check_connection(account, "ck_4f3e2d1c:cs_9a8b7c6d")
    assert [s.path for s in server.requests] == ["/wp-json/gf/v2/forms/3",
                                                "/wp-json/gf/v2/forms/3/entries"]


# ---------------------------------------------------------------------- one sync, end to end
class _Recorder(Spy):
    def __init__(self) -> None:
        super().__init__()
        self.progressed: list[int] = []

    def progress(self, done: int, total: int | None) -> None:
        self.progressed.append(done)


def test_a_sync_reports_under_its_account_and_stores_under_it(
        db: Database, server: FormApiServer, netlify_three: tuple[Netlify, Any]) -> None:
    _, account = netlify_three
    spy = _Recorder()
    api.sync_api_account(db, account, TOKEN, reporter=spy)
    assert spy.progressed == [3, 6, 7]
    assert spy.summary == "sync forms: 7 added, 0 already there"
    with db.session() as session:
        assert set(session.execute(select(Submission.account_id)).scalars()) == {account.id}


def test_the_keyring_sync_reports_and_can_be_cancelled(
        db: Database, server: FormApiServer, netlify_three: tuple[Netlify, Any],
        memory_keyring: MemoryKeyring) -> None:
    _, account = netlify_three
    secrets.set_secret(secrets.secret_ref(account.name), TOKEN)
    spy = Spy()
    api.sync_with_keyring(db, account, reporter=spy)
    assert spy.summary == "sync forms: 7 added, 0 already there"
    cancel = CancelToken()
    cancel.cancel()
    with pytest.raises(Cancelled):
        api.sync_with_keyring(db, account, cancel=cancel)


def test_a_rejected_token_is_one_line_with_no_summary_before_it(
        db: Database, server: FormApiServer, netlify_three: tuple[Netlify, Any]) -> None:
    _, account = netlify_three
    server.inject(Reply(401, {"message": "bad token"}), times=99)
    spy = Spy()
    with pytest.raises(api.ApiAuthError):
        api.sync_api_account(db, account, TOKEN, reporter=spy)
    assert spy.summary == ""


def test_a_sync_whose_first_pages_are_all_unreadable_stores_nothing_and_says_so(
        db: Database, server: FormApiServer, one_per_page: tuple[Netlify, Any]) -> None:
    _, account = one_per_page
    _broken_pages(server, 1, 2, 3)
    result = api.sync_api_account(db, account, TOKEN)
    assert (result.added, result.failed_pages) == (0, 3)
    assert count(db) == 0


def test_a_second_sync_of_the_same_account_is_refused_by_name(
        db: Database, server: FormApiServer, netlify_three: tuple[Netlify, Any]) -> None:
    _, account = netlify_three
    with account_lock(db, account.id, account.name), \
            pytest.raises(SyncInProgressError, match=account.name):
        api.sync_api_account(db, account, TOKEN)
    assert not server.requests


# ---------------------------------------------------------------------- the records' keys
def _generic(server: FormApiServer, api_account: ApiAccountFactory,
             records: list[dict[str, Any]]) -> Any:
    Generic(server, records=records)
    return api_account("generic", config={"url": "{base_url}/v1/leads", "records": "data",
                                          "fields": {"id": "uuid", "message": "text",
                                                     "email": "email"}})


def test_records_without_ids_are_told_apart_by_their_content(
        db: Database, server: FormApiServer, api_account: ApiAccountFactory) -> None:
    account = _generic(server, api_account, [
        {"text": "First question", "email": "a@example.net"},
        {"text": "Second question", "email": "b@example.net"}])
    assert api.sync_api_account(db, account, TOKEN).added == 2
    with db.session() as session:
        for problems in session.execute(select(Submission.problems)).scalars():
            assert "the record has no id; it is recognised by its content" in problems
    assert api.sync_api_account(db, account, TOKEN).added == 0


def test_record_ids_up_to_the_key_limit_are_kept_longer_ones_hashed(
        db: Database, server: FormApiServer, api_account: ApiAccountFactory) -> None:
    prefix = "api:1:"
    fits = "f" * (512 - len(prefix))
    too_long = "g" * (513 - len(prefix))
    account = _generic(server, api_account, [
        {"uuid": fits, "text": "Fits", "email": "a@example.net"},
        {"uuid": too_long, "text": "Too long", "email": "b@example.net"}])
    assert account.id == 1
    assert api.sync_api_account(db, account, TOKEN).added == 2
    with db.session() as session:
        keys = set(session.execute(select(Submission.source_key)).scalars())
    assert keys == {prefix + fits, prefix + content_id(too_long)}
    assert api.sync_api_account(db, account, TOKEN).added == 0


def test_the_raw_record_keeps_its_letters(db: Database, server: FormApiServer,
                                          api_account: ApiAccountFactory) -> None:
    account = _generic(server, api_account, [
        {"uuid": "l1", "text": "Grüße aus Malmö, Łódź", "email": "a@example.net"}])
    api.sync_api_account(db, account, TOKEN)
    with db.session() as session:
        raw = session.execute(select(Submission.raw)).scalar_one()
    assert "Grüße aus Malmö, Łódź".encode() in (raw or b"")


def test_several_records_that_are_not_objects_are_all_counted(
        db: Database, server: FormApiServer, netlify_three: tuple[Netlify, Any]) -> None:
    fake, account = netlify_three
    fake.records[1:1] = ["junk", 42]  # type: ignore[list-item]
    result = api.sync_api_account(db, account, TOKEN)
    assert (result.skipped, result.added) == (2, 7)


def test_a_record_without_an_id_keeps_its_own_time(db: Database, server: FormApiServer,
                                                   api_account: ApiAccountFactory) -> None:
    Generic(server, records=[{"text": "Undated id", "email": "a@example.net",
                              "created": "2026-11-20T08:15:00+00:00"}])
    account = api_account("generic", config={
        "url": "{base_url}/v1/leads", "records": "data",
        "fields": {"id": "uuid", "message": "text", "email": "email", "submitted_at": "created"}})
    api.sync_api_account(db, account, TOKEN)
    with db.session() as session:
        received = session.execute(select(Submission.received_at)).scalar_one()
    assert imap_aware(received) == datetime(2026, 11, 20, 8, 15, tzinfo=UTC)


def test_a_sync_records_when_it_last_read_the_account(
        db: Database, server: FormApiServer, netlify_three: tuple[Netlify, Any]) -> None:
    _, account = netlify_three
    before = utcnow()
    api.sync_api_account(db, account, TOKEN)
    with db.session() as session:
        synced = session.execute(select(SyncState.synced_at)
                                 .where(SyncState.account_id == account.id)).scalar_one()
    assert synced is not None
    assert imap_aware(synced) >= before
