"""A sent reply the database cannot record at once, against a real aiosmtpd and a real
PostgreSQL that goes away just as the server accepts the reply: it is recorded once the database
is back (one copy delivered, one reply marked sent), and when the database stays away the error
says the reply went out, so nobody sends it twice."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from leaddesk.db import Database
from leaddesk.reply import service
from tests.reply.conftest import SmtpAccountFactory
from tests.reply.test_send import draft_for, replies
from tests.support.postgres import PostgresServer
from tests.support.smtp import Handler, SmtpServer
from tests.team.conftest import restartable_db, restartable_pg  # noqa: F401  (shared fixtures)

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


@pytest.fixture
def db(restartable_db: Database) -> Database:  # noqa: F811  (this module's database)
    return restartable_db


@dataclass
class StoppingTheDatabase(Handler):
    """Accepts the reply, after stopping the database: the moment between the server's yes and
    the reply recorded as sent."""

    pg: PostgresServer | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        assert self.pg is not None
        self.pg.stop("fast")
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def stopping(cert_dir: Path, restartable_pg: PostgresServer  # noqa: F811
             ) -> Iterator[SmtpServer]:
    with SmtpServer("plain", cert_dir, StoppingTheDatabase(pg=restartable_pg)) as server:
        yield server
    with contextlib.suppress(subprocess.CalledProcessError):  # already running: fine
        restartable_pg.start()  # for the next test, whatever this one did


def test_a_reply_sent_while_the_database_restarts_is_recorded_once_it_is_back(
        db: Database, lead_id: int, stopping: SmtpServer, smtp_account: SmtpAccountFactory,
        restartable_pg: PostgresServer, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    waits: list[float] = []

    def back_while_waiting(seconds: float) -> None:
        waits.append(seconds)
        restartable_pg.start()  # the restart ends during the first wait
    monkeypatch.setattr(service, "wait_before_retry", back_while_waiting)
    account = smtp_account(stopping)
    result = service.send_reply(db, lead_id, draft_for(db, lead_id), account, actor="Ada")
    assert waits == [service.RECORD_RETRY_SECONDS[0]]
    assert len(stopping.received) == 1
    (row,) = replies(db)
    assert (row.state, row.message_id) == ("sent", result.message_id)


def test_a_reply_sent_while_the_database_stays_away_says_it_was_sent(
        db: Database, lead_id: int, stopping: SmtpServer, smtp_account: SmtpAccountFactory,
        restartable_pg: PostgresServer, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    monkeypatch.setattr(service, "wait_before_retry", lambda seconds: None)
    account = smtp_account(stopping)
    with pytest.raises(service.SentNotRecordedError) as caught:
        service.send_reply(db, lead_id, draft_for(db, lead_id), account, actor="Ada")
    message = str(caught.value)
    assert message.startswith("the reply was sent to zoe@example.net (Message-ID <")
    assert "but the database could not record it: cannot reach the database at" in message
    assert message.endswith("Do not send it again: here it still shows as not sent")
    assert "\n" not in message
    assert len(stopping.received) == 1
