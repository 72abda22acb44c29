"""Each preset against the loopback server: documented shapes over several pages, what the server
saw (auth, page parameters), mapped fields, and an incremental re-sync that asks only for new ones."""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select
from tests.ingest.api.conftest import TOKEN, ApiAccountFactory
from tests.ingest.api.server import (
    FormApiServer,
    Formspree,
    Generic,
    GravityForms,
    HubSpot,
    Netlify,
    Seen,
    Typeform,
)

from leaddesk.db import Database
from leaddesk.db.models import Submission
from leaddesk.ingest import api

GENERIC_CONFIG: dict[str, Any] = {
    "url": "{base_url}/v1/leads", "records": "data",
    "auth": {"type": "header", "name": "X-API-Key"},
    "pagination": {"style": "cursor", "cursor_path": "meta.next_cursor", "size_param": "limit",
                   "size": 3},
    "order": "oldest_first",
    "fields": {"id": "uuid", "name": "contact.full_name", "email": "contact.email",
               "phone": "contact.phone", "company": "contact.organisation", "topic": "subject",
               "message": "text", "page_url": "origin.page", "submitted_at": "created"},
    "extra_fields": "answers",
}


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def newer(record: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    fresh = copy.deepcopy(record)
    fresh.update(changes)
    return fresh


@dataclass
class Case:
    preset: str
    fake: Callable[[FormApiServer], Any]
    form: str | None
    base: str  # appended to the server's URL
    config: dict[str, Any]
    token: str
    auth_header: tuple[str, str]  # (header, value) the server must see
    page_param: str  # the query parameter that names a page
    add_newer: Callable[[Any], None]
    message_of_newest: str = "We saw your micro-influencer article. Do you also plan paid social campaigns?"
    page_url: bool = True  # the documented record names the page the form was on


def _netlify_new(fake: Netlify) -> None:
    fake.records.insert(0, newer(fake.records[0], {"id": "new1", "created_at": "2026-11-26T08:00:00.000Z",
                                                "body": "A brand new question", "email": "new@one.example"}))


def _formspree_new(fake: Formspree) -> None:
    fake.records.append(newer(fake.records[-1], {"_date": "2026-11-26T08:00:00.000000",
                                                 "message": "A brand new question",
                                                 "email": "new@one.example"}))


def _gravity_new(fake: GravityForms) -> None:
    fake.records.append(newer(fake.records[-1], {"id": "200", "6": "A brand new question",
                                                 "2": "new@one.example"}))


def _hubspot_new(fake: HubSpot) -> None:
    record = newer(fake.records[0], {"conversionId": "new1", "submittedAt": 1795999999000})
    record["values"] = [{"name": "email", "value": "new@one.example"},
                        {"name": "message", "value": "A brand new question"}]
    fake.records.append(record)


def _typeform_new(fake: Typeform) -> None:
    record = newer(fake.records[0], {"token": "new1", "response_id": "new1",
                                     "submitted_at": "2026-11-26T08:00:00Z"})
    record["answers"][1]["email"] = "new@one.example"
    record["answers"][4]["text"] = "A brand new question"
    fake.records.append(record)


def _generic_new(fake: Generic) -> None:
    record = newer(fake.records[-1], {"uuid": "lead_new", "created": "2026-11-26T08:00:00+00:00",
                                      "text": "A brand new question"})
    record["contact"] = {**record["contact"], "email": "new@one.example"}
    fake.records.append(record)


CASES = [
    Case("netlify", Netlify, "5f1e2d3c4b5a697887766554", "/api/v1", {"per_page": 3}, TOKEN,
         ("authorization", f"Bearer {TOKEN}"), "page", _netlify_new),
    Case("formspree", Formspree, "xyzzyabc", "/api/0", {"limit": 3}, TOKEN,
         ("authorization", basic("", TOKEN)), "offset", _formspree_new, page_url=False),
    Case("gravityforms", GravityForms, "3", "", {"page_size": 3}, "ck_4f3e2d1c:cs_9a8b7c6d",
         ("authorization", basic("ck_4f3e2d1c", "cs_9a8b7c6d")), "paging[current_page]",
         _gravity_new),
    Case("hubspot", HubSpot, "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", "", {"limit": 3}, TOKEN,
         ("authorization", f"Bearer {TOKEN}"), "after", _hubspot_new),
    Case("typeform", Typeform, "u6nXL7", "", {"page_size": 3}, TOKEN,
         ("authorization", f"Bearer {TOKEN}"), "before", _typeform_new),
    Case("generic", Generic, None, "", GENERIC_CONFIG, TOKEN, ("x-api-key", TOKEN), "cursor",
         _generic_new),
]


FORM_DEFINITIONS = ("/wp-json/gf/v2/forms/3", "/forms/u6nXL7")


def record_pages(requests: list[Seen]) -> list[Seen]:
    """The requests for pages of records (not for a form's definition)."""
    return [s for s in requests if s.path not in FORM_DEFINITIONS]


def stored(db: Database) -> list[Submission]:
    with db.session() as session:
        rows = list(session.execute(select(Submission).order_by(Submission.id)).scalars())
        for row in rows:
            _ = row.raw  # deferred column: load it while the session is open
        session.expunge_all()
        return rows


@pytest.mark.parametrize("case", CASES, ids=[c.preset for c in CASES])
def test_full_sync_then_only_newer(case: Case, db: Database, server: FormApiServer,
                                   api_account: ApiAccountFactory) -> None:
    fake = case.fake(server)
    account = api_account(case.preset, form=case.form, base_url=server.url + case.base,
                          config=case.config)

    first = api.sync_api_account(db, account, case.token)

    assert (first.added, first.duplicates, first.retries) == (7, 0, 0)
    rows = stored(db)
    henrik = next(r for r in rows if r.visitor_email == "henrik.nielsen@nordicure.example")
    assert henrik.visitor_name == "Henrik Nielsen"
    assert henrik.visitor_company == "Nordicure A/S"
    assert henrik.body_text == case.message_of_newest
    assert henrik.source_key.startswith(f"api:{account.id}:")
    assert henrik.submitted_at is not None
    assert (henrik.page_url or "").startswith("https://") == case.page_url
    assert henrik.problems == []
    raw = json.loads(henrik.raw or b"")  # the record's own JSON is kept
    assert "Henrik" in json.dumps(raw, ensure_ascii=False)
    # Several pages, each with the right credentials.
    pages = record_pages(server.requests)
    assert len(pages) == 3
    assert all(case.page_param in s.query for s in pages[1:])  # the first page may go without
    header, value = case.auth_header
    assert all(s.headers.get(header) == value for s in server.requests)
    assert all(TOKEN not in json.dumps(s.query) for s in server.requests)
    assert all(s.headers["user-agent"].startswith("LeadDesk/") for s in server.requests)

    # Nothing new: one page asked for (plus the form's labels where the preset needs them), nothing stored.
    before = len(server.requests)
    again = api.sync_api_account(db, account, case.token)
    assert (again.added, again.duplicates) == (0, 0)
    assert len(record_pages(server.requests[before:])) == 1

    case.add_newer(fake)
    third = api.sync_api_account(db, account, case.token)
    assert (third.added, third.duplicates) == (1, 0)
    assert stored(db)[-1].body_text == "A brand new question"


def test_gravity_forms_labels_come_from_the_form(db: Database, server: FormApiServer,
                                                 api_account: ApiAccountFactory) -> None:
    GravityForms(server)
    account = api_account("gravityforms", form="3")
    api.sync_api_account(db, account, "ck_a1:cs_b2")
    row = next(r for r in stored(db) if r.visitor_email == "j.weber@biomedix.example")
    assert list(row.fields)[:6] == ["First Name", "Last Name", "Email", "Phone", "Company", "Topic"]
    assert row.fields["How can we help?"].startswith("Wir suchen eine Agentur")
    assert (row.visitor_name, row.visitor_phone, row.topic) == ("Jonas Weber", "+49 170 1234567",
                                                                "Patient engagement")
    assert row.page_url == "https://www.example-pharma-agency.com/contact/"
    assert row.submitted_at is not None
    assert row.submitted_at.isoformat().startswith("2026-11-14T14:05:14")
    form_requests = [s for s in server.requests if s.path == "/wp-json/gf/v2/forms/3"]
    assert len(form_requests) == 1
    entries = [s for s in server.requests if s.path.endswith("/entries")]
    assert entries[0].query["paging[page_size]"] == "100"
    assert entries[0].query["sorting[direction]"] == "DESC"


def test_typeform_hidden_fields_and_answer_types(db: Database, server: FormApiServer,
                                                 api_account: ApiAccountFactory) -> None:
    Typeform(server)
    account = api_account("typeform", form="u6nXL7", config={"page_size": 4})
    api.sync_api_account(db, account, TOKEN)
    row = next(r for r in stored(db) if r.visitor_email == "amelie.laurent@pharmaclair.example")
    assert row.fields["utm_source"] == "linkedin"
    assert row.page_url == "https://www.example-pharma-agency.com/services/medical-education/"
    assert (row.visitor_phone, row.topic) == ("+33612345678", "Medical education")
    assert (row.body_text or "").startswith("Bonjour, nous préparons")
    # Re-sync narrows the walk with `since`, the newest response's second.
    before = len(server.requests)
    api.sync_api_account(db, account, TOKEN)
    responses = [s for s in server.requests[before:] if s.path.endswith("/responses")]
    assert responses[0].query["since"] == "2026-11-25T10:20:10"


def test_netlify_site_wide(db: Database, server: FormApiServer, api_account: ApiAccountFactory) -> None:
    Netlify(server)
    account = api_account("netlify", base_url=server.url + "/api/v1", config={"site": "my-site-id"})
    assert api.sync_api_account(db, account, TOKEN).added == 7
    assert server.requests[0].path == "/api/v1/sites/my-site-id/submissions"
    assert server.requests[0].query == {"page": "1", "per_page": "100"}


def test_newest_first_walk_continues_in_order(db: Database, server: FormApiServer,
                                              api_account: ApiAccountFactory) -> None:
    HubSpot(server)
    account = api_account("hubspot", form="a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", config={"limit": 2})
    api.sync_api_account(db, account, TOKEN)
    afters = [s.query.get("after") for s in server.seen("/form-integrations")]
    assert afters[0] is None
    assert [base64.b64decode(a or "").decode() for a in afters[1:]] == ["2", "4", "6"]
    assert all(s.query["limit"] == "2" for s in server.seen("/form-integrations"))
