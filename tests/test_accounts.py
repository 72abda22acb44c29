"""Account settings per kind (never secrets), edits audited, and "test connection" dispatch."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from leaddesk import accounts, connection
from leaddesk.accounts import AccountInfo
from leaddesk.db import Database
from leaddesk.db.models import AuditEvent
from leaddesk.errors import LeadDeskError, ValidationError

SMTP = {"host": "smtp.example.com", "user": "ada@example.com", "security": "starttls"}


def test_smtp_defaults() -> None:
    checked = accounts.check_settings("smtp", SMTP)
    assert checked["port"] == 587
    assert checked["from_address"] == "ada@example.com"  # the user, when it is an address
    assert checked["after_send"] == "waiting"
    assert accounts.check_settings("smtp", {**SMTP, "security": "ssl"})["port"] == 465


@pytest.mark.parametrize(("change", "message"), [
    ({"host": ""}, "needs --host"), ({"port": 70000}, "invalid port"),
    ({"port": "abc"}, "invalid port"), ({"user": ""}, "needs --user"),
    ({"from_name": "Ada\r\nBcc: x@y.org"}, "one line"), ({"after_send": "later"}, "unknown status"),
    ({"security": "tls"}, "unknown security"),
])
def test_bad_smtp_settings(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        accounts.check_settings("smtp", {**SMTP, **change})


def test_edit_is_validated_and_audited(db: Database) -> None:
    with db.session() as s:
        accounts.add_account(s, "site", "imap", {"host": "imap.example.com", "user": "u"},
                             actor="Ada")
        accounts.add_account(s, "replies", "smtp", {**SMTP, "sent_account": "site"}, actor="Ada")
    with db.session() as s:
        # A new security mode with the old default port takes the new default.
        info = accounts.edit_account(s, "replies", {"security": "ssl"}, actor="Ada",
                                     enabled=False)
        assert (info.settings["port"], info.enabled) == (465, False)
        with pytest.raises(ValidationError, match="needs an IMAP account"):
            accounts.edit_account(s, "replies", {"sent_account": "replies"}, actor="Ada")
    with db.session() as s:
        actions = list(s.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars())
    assert actions == ["account.add", "account.add", "account.edit"]


def test_api_settings_are_generic(db: Database) -> None:
    with db.session() as s:
        info = accounts.add_account(s, "forms", "api", {"preset": "formspree", "form": "xyz"},
                                    actor="Ada")
    assert info.secret_ref == "account:forms"
    assert info.settings == {"preset": "formspree", "form": "xyz", "base_url": None, "config": {}}
    with pytest.raises(ValidationError, match="unknown API preset"):
        accounts.check_settings("api", {"preset": "wufoo"})


def test_api_connection_test_is_delegated(monkeypatch: pytest.MonkeyPatch) -> None:
    import leaddesk.ingest.api as api
    seen: list[tuple[str, str]] = []

    def check(info: AccountInfo, token: str) -> None:
        seen.append((info.name, token))
        if token == "bad":
            raise LeadDeskError("the token was rejected")

    monkeypatch.setattr(api, "check_connection", check)
    info = AccountInfo(1, "forms", "api", {"preset": "netlify"}, "account:forms", True)
    assert "netlify source answered" in connection.check_connection(info, "tok")
    with pytest.raises(LeadDeskError, match="token was rejected"):
        connection.check_connection(info, "bad")
    assert seen == [("forms", "tok"), ("forms", "bad")]
