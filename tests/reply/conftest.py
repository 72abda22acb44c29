"""Fixtures for reply tests: an SMTP account on a real aiosmtpd server, a lead to answer."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from leaddesk import accounts, secrets
from leaddesk.accounts import AccountInfo
from leaddesk.db import Database
from tests.support import smtp as smtp_support
from tests.support.factories import make_post, make_submission
from tests.support.keyrings import MemoryKeyring
from tests.support.smtp import ServerFactory, SmtpServer

__all__ = ["ServerFactory", "SmtpAccountFactory"]
SmtpAccountFactory = Callable[..., AccountInfo]


@pytest.fixture
def smtp_account(db: Database, memory_keyring: MemoryKeyring) -> SmtpAccountFactory:
    def make(server: SmtpServer, name: str = "replies", *, password: str = smtp_support.PASSWORD,
             trust: bool = True, **settings: object) -> AccountInfo:
        values = {"host": "127.0.0.1", "port": server.port, "security": server.mode,
                  "user": smtp_support.USER, "from_address": "team@example-agency.com",
                  "from_name": "Ada from Example Agency",
                  "ca_file": str(server.cert) if trust else None, **settings}
        with db.session() as session:
            info = accounts.add_account(session, name, "smtp", values, actor="tester")
        secrets.set_secret(secrets.secret_ref(name), password)
        return info
    return make


@pytest.fixture
def lead_id(db: Database) -> int:
    with db.session() as s:
        post = make_post(s, "https://example-agency.com/blog/imi/", "Europe's IMI Sets Pace")
        sub = make_submission(s, visitor_name="Zoë Müller", visitor_email="zoe@example.net",
                              message_id="<notification-1@example-agency.com>",
                              subject="New message from Send Us A Message",
                              body_text="Could you send the white paper?\nThanks!",
                              topic="Patient engagement", post_id=post.id)
        return sub.id
