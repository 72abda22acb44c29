"""A submission that arrives both by API and as a notification e-mail is one lead, whichever comes
first: the API draft is read like the notification, so the store's content fingerprint matches."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.ingest.api.conftest import TOKEN, ApiAccountFactory
from tests.ingest.api.server import FormApiServer, GravityForms, Netlify

from leaddesk.db import Database
from leaddesk.db.models import Contact, Submission
from leaddesk.ingest import api, files

MAIL = Path(__file__).parents[1] / "parse" / "fixtures"


def rows_for(db: Database, email: str) -> list[Submission]:
    with db.session() as session:
        return list(session.execute(select(Submission).where(
            Submission.visitor_email == email)).scalars())


@pytest.mark.parametrize("mail_first", [True, False], ids=["mail-first", "api-first"])
def test_netlify_api_and_notification_are_one_lead(db: Database, server: FormApiServer,
                                                   api_account: ApiAccountFactory,
                                                   mail_first: bool) -> None:
    Netlify(server)
    account = api_account("netlify", form="5f1e2d3c4b5a697887766554",
                          base_url=server.url + "/api/v1")
    if mail_first:
        assert files.import_paths(db, [MAIL / "netlify.eml"]).added == 1
        result = api.sync_api_account(db, account, TOKEN)
        assert (result.added, result.duplicates) == (6, 1)
    else:
        assert api.sync_api_account(db, account, TOKEN).added == 7
        assert files.import_paths(db, [MAIL / "netlify.eml"]).duplicates == 1
    henrik = rows_for(db, "henrik.nielsen@nordicure.example")
    assert len(henrik) == 1
    assert henrik[0].source_key.startswith("api:") != mail_first
    with db.session() as session:
        assert session.execute(select(Contact).where(
            Contact.email == "henrik.nielsen@nordicure.example")).scalars().all() != []


def test_gravity_entry_and_its_notification_are_one_lead(db: Database, server: FormApiServer,
                                                         api_account: ApiAccountFactory) -> None:
    fake = GravityForms(server)
    # The entry behind gravity_text.eml, as the REST API lists it (a two-line message).
    entry = copy.deepcopy(fake.records[0])
    entry.update({"id": "300", "1.3": "Ewa", "1.6": "Kowalski", "2": "ewa.kowalski@vistula-bio.example",
                  "4": "Vistula Bio", "5": "Medical education", "3": "",
                  "6": "We would like to run an accredited webinar series for GPs.\r\n"
                       "Two sessions in spring, one in autumn.",
                  "date_created": "2026-11-22 20:01:54",
                  "source_url": "https://www.example-pharma-agency.com/blog/white-paper-patient-engagement/"})
    fake.records = [entry]
    account = api_account("gravityforms", form="3")
    files.import_paths(db, [MAIL / "gravity_text.eml"])
    result = api.sync_api_account(db, account, "ck_1:cs_2")
    assert (result.added, result.duplicates) == (0, 1)
    assert len(rows_for(db, "ewa.kowalski@vistula-bio.example")) == 1


def test_different_messages_stay_two_leads(db: Database, server: FormApiServer,
                                           api_account: ApiAccountFactory) -> None:
    fake = Netlify(server)
    fake.records = [r for r in fake.records if r["email"].startswith("henrik")]
    fake.records[0]["body"] = "A second question, a week later."
    account = api_account("netlify", form="5f1e2d3c4b5a697887766554", base_url=server.url + "/api/v1")
    files.import_paths(db, [MAIL / "netlify.eml"])
    assert api.sync_api_account(db, account, TOKEN).added == 1
    assert len(rows_for(db, "henrik.nielsen@nordicure.example")) == 2
