"""Typed account settings: one place validates every kind, and the record reads back typed."""

from __future__ import annotations

from datetime import date

import pytest

from leaddesk.account_settings import (
    ApiSettings,
    ImapSettings,
    SmtpSettings,
    check,
    check_web_address,
    parse,
)
from leaddesk.errors import ValidationError


def test_imap_settings_are_completed_and_typed() -> None:
    typed = ImapSettings.parse({"host": " mail.example.org ", "user": "ada",
                                "security": "starttls", "since": "2026-01-31"})
    assert (typed.host, typed.port, typed.folder, typed.since) == (
        "mail.example.org", 143, "INBOX", date(2026, 1, 31))
    assert typed.where == "mail.example.org:143"
    assert check("imap", typed.to_dict()) == typed.to_dict()  # stored, read back the same
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        ImapSettings.parse({"host": "h", "user": "u", "since": "yesterday"})


@pytest.mark.parametrize(("settings", "message"), [
    ({"host": "smtp.example.org", "user": "ada", "security": "plain"}, "only allowed to this"),
    ({"host": "smtp.example.org", "user": "ada"}, "needs --from"),
    ({"host": "h", "user": "ada", "from_address": "not an address"}, "invalid From address"),
    ({"host": "h", "user": "ada@example.org", "after_send": "later"}, "unknown status"),
    ({"host": "h", "user": "ada@example.org", "from_name": "Ada\u2028Bcc: x"}, "one line"),
])
def test_smtp_settings_refuse_what_would_go_wrong(settings: dict[str, str],
                                                  message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        SmtpSettings.parse(settings)


def test_api_settings_and_web_addresses() -> None:
    typed = ApiSettings.parse({"preset": "netlify", "base_url": "https://api.example.org/",
                               "form": " 12 "})
    assert (typed.base_url, typed.form, typed.config) == ("https://api.example.org", "12", {})
    check_web_address("http://127.0.0.1:8080/x", name="the URL")  # plain http to this machine
    with pytest.raises(ValidationError, match="must use https://"):
        check_web_address("http://api.example.org", name="the URL")
    with pytest.raises(ValidationError, match="must start with https://"):
        check_web_address("ftp://x", name="the URL")
    assert parse("files", {"path": "/x"}) is None  # a kind without settings of its own


@pytest.mark.parametrize(("url", "message"), [
    ("https://ada:s3cret@api.example.org/v1", "must not hold a user name or password (user@…)"),
    ("https://ada@api.example.org/v1", "must not hold a user name or password (user@…)"),
    ("https://api.example.org/v1?api_key=s3cret", "must not carry a key in its query (api_key)"),
    ("https://api.example.org/v1?x=1&Password=s3cret&sig=2",
     "must not carry a key in its query (Password, sig)"),
])
def test_a_web_address_never_carries_a_secret_into_the_settings(url: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check_web_address(url, name="--base-url")
    assert str(caught.value).startswith(f"--base-url {message}; LeadDesk keeps secrets only in "
                                        f"the keyring: give it with --token-stdin")
    assert "s3cret" not in str(caught.value)


def test_query_names_that_only_look_like_secrets_pass() -> None:
    check_web_address("https://api.example.org/v1?page_token=abc&sort_key=id&author=ada",
                      name="--base-url")
